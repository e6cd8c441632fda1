//! A small block-style YAML writer for what the engine writes back as YAML
//! — sweep specs (`--print-spec`, `import`) and resolved scenarios
//! (configs.parquet, `show --config`, `rerun`) — such that the engine's own
//! reader (PyYAML's YAML 1.1 rules, `scenario::yaml`) reads back exactly the
//! values written: strings are always quoted (`yes` stays a string), floats
//! always carry a dot and a signed exponent (`1e-5` would read as a string),
//! and specials are `.inf` / `.nan`.

use std::fmt::Write;

use crate::scenario::params::ParamValue;

/// A YAML node to write.
#[derive(Debug, Clone, PartialEq)]
pub enum Yaml {
    /// A scalar, already in its YAML spelling (see [`value`], [`string`]).
    Scalar(String),
    /// Key-value pairs in order.
    Map(Vec<(String, Yaml)>),
    Seq(Vec<Yaml>),
    /// A list of scalars on one line: `[0.1, 0.2]`.
    Flow(Vec<Yaml>),
}

impl Yaml {
    pub fn map() -> Yaml {
        Yaml::Map(Vec::new())
    }

    /// Add `key: value` to a mapping (ignored on anything else).
    pub fn push(&mut self, key: impl Into<String>, value: Yaml) {
        if let Yaml::Map(entries) = self {
            entries.push((key.into(), value));
        }
    }

    fn is_empty_collection(&self) -> bool {
        match self {
            Yaml::Map(m) => m.is_empty(),
            Yaml::Seq(s) | Yaml::Flow(s) => s.is_empty(),
            Yaml::Scalar(_) => false,
        }
    }
}

/// A parameter value as a scalar.
pub fn value(v: &ParamValue) -> Yaml {
    Yaml::Scalar(match v {
        ParamValue::Bool(b) => b.to_string(),
        ParamValue::Int(i) => i.to_string(),
        ParamValue::Float(f) => float(*f),
        ParamValue::Str(s) => quoted(s),
    })
}

/// A string as a (double-quoted) scalar.
pub fn string(s: &str) -> Yaml {
    Yaml::Scalar(quoted(s))
}

pub fn int(i: i64) -> Yaml {
    Yaml::Scalar(i.to_string())
}

pub fn bool(b: bool) -> Yaml {
    Yaml::Scalar(b.to_string())
}

pub fn float_scalar(f: f64) -> Yaml {
    Yaml::Scalar(float(f))
}

/// `"…"`: JSON's string syntax is a valid YAML double-quoted scalar.
fn quoted(s: &str) -> String {
    serde_json::to_string(s).expect("a string serializes")
}

/// A float as YAML 1.1 reads it back to the same value.
pub fn float(f: f64) -> String {
    if f.is_nan() {
        return ".nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { ".inf" } else { "-.inf" }.into();
    }
    let s = format!("{f:?}");
    let (mantissa, exponent) = match s.split_once('e') {
        Some((m, e)) => (m.to_string(), Some(e.to_string())),
        None => (s.clone(), None),
    };
    let mantissa = if mantissa.contains('.') {
        mantissa
    } else {
        format!("{mantissa}.0")
    };
    match exponent {
        None => mantissa,
        Some(e) if e.starts_with('-') => format!("{mantissa}e{e}"),
        Some(e) => format!("{mantissa}e+{e}"),
    }
}

/// A mapping key: plain when it cannot be read as anything but that
/// string, quoted otherwise.
fn key(k: &str) -> String {
    const SPECIAL: &[&str] = &[
        "y", "Y", "n", "N", "yes", "Yes", "YES", "no", "No", "NO", "on", "On", "ON", "off", "Off",
        "OFF", "true", "True", "TRUE", "false", "False", "FALSE", "null", "Null", "NULL", "~",
    ];
    let plain = k.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c))
        && !SPECIAL.contains(&k);
    if plain {
        k.to_string()
    } else {
        quoted(k)
    }
}

/// The document as text (ending in a newline).
pub fn render(doc: &Yaml) -> String {
    let mut out = String::new();
    match doc {
        Yaml::Map(_) | Yaml::Seq(_) if !doc.is_empty_collection() => write_block(&mut out, doc, 0),
        other => {
            out.push_str(&inline(other));
            out.push('\n');
        }
    }
    out
}

fn inline(n: &Yaml) -> String {
    match n {
        Yaml::Scalar(s) => s.clone(),
        Yaml::Map(m) if m.is_empty() => "{}".into(),
        Yaml::Map(m) => {
            let parts: Vec<String> = m
                .iter()
                .map(|(k, v)| format!("{}: {}", key(k), inline(v)))
                .collect();
            format!("{{{}}}", parts.join(", "))
        }
        Yaml::Seq(s) | Yaml::Flow(s) => {
            let parts: Vec<String> = s.iter().map(inline).collect();
            format!("[{}]", parts.join(", "))
        }
    }
}

fn write_block(out: &mut String, n: &Yaml, indent: usize) {
    let pad = " ".repeat(indent);
    match n {
        Yaml::Map(m) => {
            for (k, v) in m {
                match v {
                    Yaml::Map(_) | Yaml::Seq(_) if !v.is_empty_collection() => {
                        let _ = writeln!(out, "{pad}{}:", key(k));
                        write_block(out, v, indent + 2);
                    }
                    _ => {
                        let _ = writeln!(out, "{pad}{}: {}", key(k), inline(v));
                    }
                }
            }
        }
        Yaml::Seq(items) => {
            for item in items {
                match item {
                    Yaml::Map(m) if !m.is_empty() => {
                        // `- k: v` then the other keys under it.
                        let mut first = String::new();
                        write_block(&mut first, item, indent + 2);
                        let body = first.trim_start_matches(' ');
                        let _ = write!(out, "{pad}- {body}");
                    }
                    Yaml::Seq(s) if !s.is_empty() => {
                        let _ = writeln!(out, "{pad}-");
                        write_block(out, item, indent + 2);
                    }
                    _ => {
                        let _ = writeln!(out, "{pad}- {}", inline(item));
                    }
                }
            }
        }
        other => {
            let _ = writeln!(out, "{pad}{}", inline(other));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::yaml::{parse, Value};

    fn read_back(text: &str) -> Value {
        parse(text).unwrap().unwrap().entries().unwrap()[0]
            .value
            .value
            .clone()
    }

    #[test]
    fn scalars_read_back_as_written() {
        let mut xs = vec![
            0.0,
            -0.0,
            0.1,
            1.0,
            2.5,
            1e-5,
            1e16,
            1e300,
            -3.25e-8,
            f64::MIN_POSITIVE,
            f64::MAX,
        ];
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..2000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let x = f64::from_bits(state);
            if x.is_finite() {
                xs.push(x);
            }
        }
        for x in xs {
            let text = render(&Yaml::Map(vec![("k".into(), float_scalar(x))]));
            match read_back(&text) {
                Value::Float(y) => assert_eq!(y.to_bits(), x.to_bits(), "{text}"),
                other => panic!("{text} read back as {other:?}"),
            }
        }
        for (v, want) in [
            (f64::INFINITY, Value::Float(f64::INFINITY)),
            (f64::NEG_INFINITY, Value::Float(f64::NEG_INFINITY)),
        ] {
            let text = render(&Yaml::Map(vec![("k".into(), float_scalar(v))]));
            assert_eq!(read_back(&text), want);
        }
        for s in [
            "yes",
            "no",
            "0.5",
            "1e3",
            "",
            "a: b",
            "x\ny\t\"z\"",
            "~",
            "#",
        ] {
            let text = render(&Yaml::Map(vec![("k".into(), string(s))]));
            assert_eq!(read_back(&text), Value::Str(s.into()), "{text}");
        }
        let text = render(&Yaml::Map(vec![("yes".into(), int(3))]));
        let doc = parse(&text).unwrap().unwrap();
        assert_eq!(doc.entries().unwrap()[0].key, "yes");
    }

    #[test]
    fn nested_blocks() {
        let mut doc = Yaml::map();
        doc.push("name", string("x"));
        let mut grid = Yaml::map();
        grid.push(
            "governance.audit_probability",
            Yaml::Flow(vec![float_scalar(0.1), float_scalar(0.2)]),
        );
        doc.push("grid", grid);
        let mut agent = Yaml::map();
        agent.push("type", string("honest"));
        agent.push("count", int(2));
        let mut cfg = Yaml::map();
        cfg.push("post_probability", float_scalar(0.5));
        agent.push("config", cfg);
        doc.push("agents", Yaml::Seq(vec![agent.clone(), agent]));
        doc.push("empty", Yaml::map());
        let text = render(&doc);
        assert_eq!(
            text,
            "name: \"x\"\ngrid:\n  governance.audit_probability: [0.1, 0.2]\nagents:\n  - type: \"honest\"\n    count: 2\n    config:\n      post_probability: 0.5\n  - type: \"honest\"\n    count: 2\n    config:\n      post_probability: 0.5\nempty: {}\n"
        );
        assert!(parse(&text).is_ok());
    }
}
