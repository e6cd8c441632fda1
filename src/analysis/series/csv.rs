//! CSV with a header line (RFC 4180 quoting, as pandas and our writer
//! produce). Which of the two epoch formats it is follows from the header:
//! the reference export starts with `simulation_id`.

use std::path::Path;

use super::{parse_cell, Column, EpochTable, SourceFormat};
use crate::analysis::error::AnalysisError;

/// Split one record into fields; `None` for an unterminated quote.
fn split_record(line: &str) -> Option<Vec<String>> {
    let mut fields = Vec::new();
    let mut cur = String::new();
    let mut chars = line.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            (true, '"') => quoted = false,
            (true, c) => cur.push(c),
            (false, '"') if cur.is_empty() => quoted = true,
            (false, ',') => fields.push(std::mem::take(&mut cur)),
            (false, c) => cur.push(c),
        }
    }
    if quoted {
        return None;
    }
    fields.push(cur);
    Some(fields)
}

pub fn parse(text: &str, path: &Path) -> Result<EpochTable, AnalysisError> {
    let bad = |line: usize, message: String| AnalysisError::BadCsv {
        path: path.to_path_buf(),
        line,
        message,
    };
    let mut lines = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim_end_matches('\r')))
        .filter(|(_, l)| !l.trim().is_empty());
    let (hline, header) = lines
        .next()
        .ok_or_else(|| bad(1, "the file is empty".into()))?;
    let names = split_record(header).ok_or_else(|| bad(hline, "unterminated quote".into()))?;
    if names.iter().any(|n| n.trim().is_empty()) {
        return Err(bad(hline, "the header has an empty column name".into()));
    }
    let mut cells: Vec<Vec<Option<f64>>> = vec![Vec::new(); names.len()];
    let mut numeric = vec![true; names.len()];
    let mut rows = 0;
    for (no, line) in lines {
        let fields = split_record(line).ok_or_else(|| bad(no, "unterminated quote".into()))?;
        if fields.len() != names.len() {
            return Err(bad(
                no,
                format!(
                    "{} fields, but the header has {} columns",
                    fields.len(),
                    names.len()
                ),
            ));
        }
        for (i, f) in fields.iter().enumerate() {
            match parse_cell(f) {
                Ok(v) => cells[i].push(v),
                Err(()) => {
                    numeric[i] = false;
                    cells[i].push(None);
                }
            }
        }
        rows += 1;
    }
    let format = if names.first().map(|n| n.trim()) == Some("simulation_id") {
        SourceFormat::ReferenceEpochsCsv
    } else {
        SourceFormat::MetricsCsv
    };
    let columns = names
        .into_iter()
        .zip(cells)
        .zip(numeric)
        .filter(|(_, num)| *num)
        .map(|((name, values), _)| Column {
            name: name.trim().to_string(),
            values,
        })
        .collect();
    Ok(EpochTable {
        format,
        rows,
        columns,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting() {
        assert_eq!(
            split_record(r#"a,"b,c","d""e",,f"#).unwrap(),
            vec!["a", "b,c", "d\"e", "", "f"]
        );
        assert_eq!(split_record(r#"a,"b"#), None);
    }

    #[test]
    fn reference_export_drops_text_columns() {
        let t = parse(
            "simulation_id,epoch,timestamp,toxicity_rate\nbaseline,0,2024-01-01 00:00:00,0.3\nbaseline,1,2024-01-01 00:00:01,\n",
            Path::new("x.csv"),
        )
        .unwrap();
        assert_eq!(t.format, SourceFormat::ReferenceEpochsCsv);
        assert_eq!(t.rows, 2);
        let names: Vec<&str> = t.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["epoch", "toxicity_rate"]);
        assert_eq!(t.columns[1].values, vec![Some(0.3), None]);
    }

    #[test]
    fn ragged_rows_are_errors() {
        let e = parse("a,b\n1,2\n3\n", Path::new("x.csv")).unwrap_err();
        assert!(e.to_string().contains("line 3"), "{e}");
    }
}
