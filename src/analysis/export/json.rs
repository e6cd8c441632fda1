//! `{"source": FILE, "metrics": [{metric, n, mean, ...}, ...]}`, nulls when missing.

use std::io::{self, Write};

use serde_json::{json, Map, Value};

use super::{values, Exporter, COLUMNS};
use crate::analysis::trend::MetricTrend;

pub struct JsonExporter;

impl Exporter for JsonExporter {
    fn write(&self, out: &mut dyn Write, source: &str, rows: &[MetricTrend]) -> io::Result<()> {
        let metrics: Vec<Value> = rows
            .iter()
            .map(|r| {
                let mut m = Map::new();
                m.insert("metric".into(), json!(r.metric));
                m.insert("n".into(), json!(r.n));
                for (name, v) in COLUMNS[2..].iter().zip(values(r)) {
                    m.insert(name.to_string(), v.map_or(Value::Null, |x| json!(x)));
                }
                Value::Object(m)
            })
            .collect();
        let doc = json!({"source": source, "metrics": metrics});
        serde_json::to_writer_pretty(&mut *out, &doc)?;
        writeln!(out)
    }
}
