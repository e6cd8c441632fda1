//! Aligned plain-text columns, numbers right-aligned.

use std::io::{self, Write};

use super::{human, values, Exporter, COLUMNS};
use crate::analysis::trend::MetricTrend;

pub struct TableExporter;

impl Exporter for TableExporter {
    fn write(&self, out: &mut dyn Write, source: &str, rows: &[MetricTrend]) -> io::Result<()> {
        let cells: Vec<Vec<String>> = rows
            .iter()
            .map(|r| {
                let mut c = vec![r.metric.clone(), r.n.to_string()];
                c.extend(values(r).into_iter().map(human));
                c
            })
            .collect();
        let widths: Vec<usize> = (0..COLUMNS.len())
            .map(|i| {
                cells
                    .iter()
                    .map(|c| c[i].chars().count())
                    .chain([COLUMNS[i].len()])
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        writeln!(out, "{source}")?;
        let line = |c: &[String]| -> String {
            c.iter()
                .enumerate()
                .map(|(i, s)| {
                    if i == 0 {
                        format!("{s:<w$}", w = widths[i])
                    } else {
                        format!("{s:>w$}", w = widths[i])
                    }
                })
                .collect::<Vec<_>>()
                .join("  ")
        };
        let header: Vec<String> = COLUMNS.iter().map(|s| s.to_string()).collect();
        writeln!(out, "{}", line(&header).trim_end())?;
        for c in &cells {
            writeln!(out, "{}", line(c).trim_end())?;
        }
        Ok(())
    }
}
