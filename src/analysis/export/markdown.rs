//! A GitHub-flavoured markdown table, ready to paste into a research note.

use std::io::{self, Write};

use super::{human, values, Exporter, COLUMNS};
use crate::analysis::trend::MetricTrend;

pub struct MarkdownExporter;

impl Exporter for MarkdownExporter {
    fn write(&self, out: &mut dyn Write, source: &str, rows: &[MetricTrend]) -> io::Result<()> {
        writeln!(out, "**{source}**\n")?;
        writeln!(out, "| {} |", COLUMNS.join(" | "))?;
        writeln!(out, "|---|{}", "---:|".repeat(COLUMNS.len() - 1))?;
        for r in rows {
            let nums: Vec<String> = values(r).into_iter().map(human).collect();
            writeln!(out, "| `{}` | {} | {} |", r.metric, r.n, nums.join(" | "))?;
        }
        Ok(())
    }
}
