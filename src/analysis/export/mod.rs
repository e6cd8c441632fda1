//! Output formats of `swarm analyze`, one file each behind [`Exporter`]:
//! a new format is one new file and one line in [`Format::exporter`].

mod csv;
mod json;
mod markdown;
mod table;

use std::io::{self, Write};

use super::trend::MetricTrend;

/// Column order shared by every format.
pub const COLUMNS: [&str; 9] = [
    "metric", "n", "mean", "std", "min", "max", "first", "last", "slope",
];

/// Writes the per-metric trends of one analysed file.
pub trait Exporter {
    fn write(&self, out: &mut dyn Write, source: &str, rows: &[MetricTrend]) -> io::Result<()>;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Aligned columns for a terminal.
    Table,
    /// Full-precision CSV.
    Csv,
    /// {"source", "metrics": [...]}, null where undefined.
    Json,
    /// A table to paste into a note.
    Markdown,
}

impl Format {
    pub fn exporter(self) -> Box<dyn Exporter> {
        match self {
            Format::Table => Box::new(table::TableExporter),
            Format::Csv => Box::new(csv::CsvExporter),
            Format::Json => Box::new(json::JsonExporter),
            Format::Markdown => Box::new(markdown::MarkdownExporter),
        }
    }
}

/// The numeric cells of a row, in [`COLUMNS`] order after `metric` and `n`.
fn values(r: &MetricTrend) -> [Option<f64>; 7] {
    [r.mean, r.std, r.min, r.max, r.first, r.last, r.slope]
}

/// A compact human rendering: 6 significant digits, `-` when missing.
pub fn human(v: Option<f64>) -> String {
    human_sig(v, 6)
}

/// `sig` significant digits, trailing zeros dropped, scientific outside
/// [1e-4, 1e6); `-` when missing.
pub fn human_sig(v: Option<f64>, sig: i32) -> String {
    let Some(v) = v else {
        return "-".into();
    };
    if v == 0.0 {
        return "0".into();
    }
    let a = v.abs();
    if !(1e-4..1e6).contains(&a) {
        let d = (sig - 1).max(0) as usize;
        return format!("{v:.d$e}");
    }
    let decimals = (sig - 1 - a.log10().floor() as i32).max(0) as usize;
    let s = format!("{v:.decimals$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_numbers() {
        assert_eq!(human(Some(0.30599999)), "0.306");
        assert_eq!(human(Some(123.456789)), "123.457");
        assert_eq!(human(Some(-0.0123456789)), "-0.0123457");
        assert_eq!(human(Some(2.0)), "2");
        assert_eq!(human(None), "-");
        assert_eq!(human(Some(1.5e-7)), "1.50000e-7");
        assert_eq!(human_sig(Some(0.30599999), 4), "0.306");
        assert_eq!(human_sig(Some(146.998), 4), "147");
        assert_eq!(human_sig(Some(-0.0631147), 3), "-0.0631");
    }

    fn rows() -> Vec<MetricTrend> {
        vec![MetricTrend {
            metric: "toxicity_rate".into(),
            n: 3,
            mean: Some(0.25),
            std: Some(0.1),
            min: Some(0.1),
            max: Some(0.4),
            first: Some(0.1),
            last: Some(0.4),
            slope: None,
        }]
    }

    fn render(f: Format) -> String {
        let mut out = Vec::new();
        f.exporter().write(&mut out, "x.csv", &rows()).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn every_format_has_every_column() {
        for f in [Format::Table, Format::Csv, Format::Markdown] {
            let text = render(f);
            for c in COLUMNS {
                assert!(text.contains(c), "{f:?} lacks {c}:\n{text}");
            }
        }
        let json: serde_json::Value = serde_json::from_str(&render(Format::Json)).unwrap();
        assert_eq!(json["metrics"][0]["metric"], "toxicity_rate");
        assert!(json["metrics"][0]["slope"].is_null());
        assert_eq!(json["metrics"][0]["mean"], 0.25);
        assert_eq!(
            render(Format::Csv).lines().nth(1).unwrap(),
            "toxicity_rate,3,0.25,0.1,0.1,0.4,0.1,0.4,"
        );
    }
}
