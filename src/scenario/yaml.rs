//! A small YAML document tree that remembers the line of every key and value,
//! built from the `saphyr-parser` event stream. Plain scalars resolve the way
//! PyYAML's `safe_load` resolves them (YAML 1.1 nulls, booleans, ints and
//! floats), so a file means here what it means to the reference loader
//! (docs/model/scenario.md §1).

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, Span, StrInput, Tag};

use super::error::TagError;

/// Deeper nesting than this is rejected instead of risking the stack.
const MAX_DEPTH: usize = 200;
/// Alias expansion beyond this many nodes is rejected ("billion laughs");
/// beyond `SWARM_MAX_YAML_BYTES` of scalar text too (a long string aliased
/// many times is few nodes but gigabytes; `crate::limits`).
const MAX_NODES: usize = 1_000_000;

/// One value in the document, with the line it starts on.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Node {
    pub value: Value,
    /// 1-based line of the node's first character (for an empty value, the
    /// line of its key).
    pub line: usize,
    /// A scalar's text as written (quotes removed); empty for collections.
    pub raw: String,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    /// Entries in file order; keys are unique.
    Map(Vec<Entry>),
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Entry {
    pub key: String,
    pub key_line: usize,
    pub value: Node,
}

/// Why the text is not a usable YAML document.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SyntaxError {
    pub line: usize,
    /// 1-based column, when the parser reports one.
    pub col: Option<usize>,
    /// Dotted key path of the offending node, when known.
    pub path: String,
    pub message: String,
}

impl Node {
    pub fn is_null(&self) -> bool {
        matches!(self.value, Value::Null)
    }

    /// Python's truth value of the value: the reference builds a section
    /// when it is truthy.
    pub fn truthy(&self) -> bool {
        match &self.value {
            Value::Null => false,
            Value::Bool(b) => *b,
            Value::Int(i) => *i != 0,
            Value::Float(x) => *x != 0.0,
            Value::Str(s) => !s.is_empty(),
            Value::Seq(items) => !items.is_empty(),
            Value::Map(entries) => !entries.is_empty(),
        }
    }

    /// Entries of a mapping; `None` for anything else.
    pub fn entries(&self) -> Option<&[Entry]> {
        match &self.value {
            Value::Map(entries) => Some(entries),
            _ => None,
        }
    }

    /// "a list", "the string 'abc'", "2.5": how the value reads in a message.
    pub fn describe(&self) -> String {
        match &self.value {
            Value::Null => "null".to_string(),
            Value::Bool(b) => b.to_string(),
            Value::Int(i) => i.to_string(),
            Value::Float(x) => format_float(*x),
            Value::Str(s) => format!("the string '{s}'"),
            Value::Seq(_) => "a list".to_string(),
            Value::Map(_) => "a mapping".to_string(),
        }
    }
}

/// Python-like float text: `2.0`, `1.5`, `inf`.
pub(crate) fn format_float(x: f64) -> String {
    if x.is_infinite() {
        if x > 0.0 { "inf" } else { "-inf" }.to_string()
    } else {
        format!("{x:?}")
    }
}

/// Parses one YAML document. `Ok(None)` for a file with no document at all
/// (empty, or only comments).
pub(crate) fn parse(text: &str) -> Result<Option<Node>, SyntaxError> {
    let mut builder = Builder {
        events: Parser::new_from_str(text),
        anchors: HashMap::new(),
        nodes: 0,
        bytes: 0,
        max_bytes: crate::limits::current().max_yaml_bytes,
    };
    builder.document()
}

struct Builder<'input> {
    events: Parser<'input, StrInput<'input>>,
    /// Each anchored node with its expanded size (nodes, scalar bytes).
    anchors: HashMap<usize, (Node, usize, u64)>,
    nodes: usize,
    /// Scalar text in the document so far, aliases expanded.
    bytes: u64,
    max_bytes: u64,
}

impl<'input> Builder<'input> {
    fn next(&mut self) -> Result<(Event<'input>, Span), SyntaxError> {
        match self.events.next() {
            Some(Ok(event)) => Ok(event),
            Some(Err(e)) => Err(SyntaxError {
                line: e.marker().line(),
                col: Some(e.marker().col() + 1),
                path: String::new(),
                message: e.info().to_string(),
            }),
            None => Err(SyntaxError {
                line: 1,
                col: None,
                path: String::new(),
                message: "unexpected end of input".to_string(),
            }),
        }
    }

    fn document(&mut self) -> Result<Option<Node>, SyntaxError> {
        let mut root = None;
        loop {
            let (event, span) = self.next()?;
            match event {
                Event::StreamStart | Event::DocumentEnd | Event::Nothing => {}
                Event::StreamEnd => return Ok(root),
                Event::DocumentStart(_) if root.is_some() => {
                    return Err(SyntaxError {
                        line: span.start.line(),
                        col: None,
                        path: String::new(),
                        message: "expected a single YAML document, found a second one".to_string(),
                    })
                }
                Event::DocumentStart(_) => {
                    let (event, span) = self.next()?;
                    root = Some(self.node(event, span, "", 0)?);
                }
                _ => return Err(self.unexpected(span, "")),
            }
        }
    }

    fn node(
        &mut self,
        event: Event<'input>,
        span: Span,
        path: &str,
        depth: usize,
    ) -> Result<Node, SyntaxError> {
        let line = span.start.line();
        if depth > MAX_DEPTH {
            return Err(self.error(line, path, "nesting is too deep"));
        }
        self.nodes += 1;
        if self.nodes > MAX_NODES {
            return Err(self.error(line, path, "too many nodes (alias expansion?)"));
        }
        let (nodes_before, bytes_before) = (self.nodes - 1, self.bytes);
        let (node, anchor) = match event {
            Event::Scalar(text, style, anchor, tag) => {
                self.add_bytes(text.len() as u64, line, path)?;
                let value = resolve_scalar(&text, style, tag.as_deref())
                    .map_err(|e| self.error(line, path, &e.to_string()))?;
                let raw = text.into_owned();
                (Node { value, line, raw }, anchor)
            }
            Event::SequenceStart(anchor, tag) => {
                check_collection_tag(tag.as_deref(), "seq")
                    .map_err(|e| self.error(line, path, &e.to_string()))?;
                let mut items = Vec::new();
                loop {
                    let (event, span) = self.next()?;
                    if matches!(event, Event::SequenceEnd) {
                        break;
                    }
                    let item_path = format!("{path}[{}]", items.len());
                    items.push(self.node(event, span, &item_path, depth + 1)?);
                }
                (
                    Node {
                        value: Value::Seq(items),
                        line,
                        raw: String::new(),
                    },
                    anchor,
                )
            }
            Event::MappingStart(anchor, tag) => {
                check_collection_tag(tag.as_deref(), "map")
                    .map_err(|e| self.error(line, path, &e.to_string()))?;
                (self.mapping(line, path, depth)?, anchor)
            }
            Event::Alias(id) => {
                let Some(&(_, nodes, bytes)) = self.anchors.get(&id) else {
                    return Err(self.error(line, path, "alias to an unknown anchor"));
                };
                // Counted before the copy is made: a bomb stops here.
                self.nodes += nodes - 1;
                if self.nodes > MAX_NODES {
                    return Err(self.error(line, path, "too many nodes (alias expansion?)"));
                }
                self.add_bytes(bytes, line, path)?;
                return Ok(self.anchors[&id].0.clone());
            }
            _ => return Err(self.unexpected(span, path)),
        };
        if anchor != 0 {
            let size = (self.nodes - nodes_before, self.bytes - bytes_before);
            self.anchors.insert(anchor, (node.clone(), size.0, size.1));
        }
        Ok(node)
    }

    fn add_bytes(&mut self, n: u64, line: usize, path: &str) -> Result<(), SyntaxError> {
        self.bytes = self.bytes.saturating_add(n);
        if self.bytes <= self.max_bytes {
            return Ok(());
        }
        let message = format!(
            "the document expands to more than {} of text once its aliases are repeated \
             (an alias bomb?); the limit is SWARM_MAX_YAML_BYTES (docs/cli.md, \"Size limits\")",
            crate::limits::human_bytes(self.max_bytes)
        );
        Err(self.error(line, path, &message))
    }

    fn mapping(&mut self, line: usize, path: &str, depth: usize) -> Result<Node, SyntaxError> {
        let mut entries: Vec<Entry> = Vec::new();
        let mut merged: Vec<Entry> = Vec::new();
        loop {
            let (event, span) = self.next()?;
            if matches!(event, Event::MappingEnd) {
                break;
            }
            let key_line = span.start.line();
            let is_merge =
                matches!(&event, Event::Scalar(k, ScalarStyle::Plain, _, None) if k == "<<");
            let key_node = self.node(event, span, path, depth + 1)?;
            let key = match &key_node.value {
                Value::Seq(_) | Value::Map(_) => {
                    return Err(self.error(key_line, path, "a mapping key must be a plain value"))
                }
                _ => key_node.raw.clone(),
            };
            let child_path = if path.is_empty() {
                key.clone()
            } else {
                format!("{path}.{key}")
            };
            let (event, span) = self.next()?;
            let mut value = self.node(event, span, &child_path, depth + 1)?;
            if value.is_null() && value.raw.is_empty() {
                value.line = key_line;
            }
            if is_merge {
                merged.extend(
                    merge_source(value).map_err(|e| self.error(key_line, path, &e.to_string()))?,
                );
                continue;
            }
            if let Some(first) = entries.iter().find(|e| e.key == key) {
                return Err(SyntaxError {
                    line: key_line,
                    col: None,
                    path: child_path,
                    message: format!("duplicate key (first given on line {})", first.key_line),
                });
            }
            entries.push(Entry {
                key,
                key_line,
                value,
            });
        }
        // `<<: *defaults` fills in keys the mapping does not set itself.
        for entry in merged {
            if !entries.iter().any(|e| e.key == entry.key) {
                entries.push(entry);
            }
        }
        Ok(Node {
            value: Value::Map(entries),
            line,
            raw: String::new(),
        })
    }

    fn error(&self, line: usize, path: &str, message: &str) -> SyntaxError {
        SyntaxError {
            line,
            col: None,
            path: path.to_string(),
            message: message.to_string(),
        }
    }

    fn unexpected(&self, span: Span, path: &str) -> SyntaxError {
        self.error(span.start.line(), path, "unexpected YAML structure")
    }
}

/// The entries a merge key (`<<`) brings in: one mapping or a list of them,
/// earlier mappings taking precedence.
fn merge_source(value: Node) -> Result<Vec<Entry>, TagError> {
    match value.value {
        Value::Map(entries) => Ok(entries),
        Value::Seq(items) => {
            let mut out: Vec<Entry> = Vec::new();
            for item in items {
                let Value::Map(entries) = item.value else {
                    return Err(TagError::MergeSource);
                };
                for entry in entries {
                    if !out.iter().any(|e| e.key == entry.key) {
                        out.push(entry);
                    }
                }
            }
            Ok(out)
        }
        _ => Err(TagError::MergeSource),
    }
}

fn core_tag(tag: &Tag) -> Option<&str> {
    tag.is_yaml_core_schema().then_some(tag.suffix.as_str())
}

fn check_collection_tag(tag: Option<&Tag>, expected: &str) -> Result<(), TagError> {
    match tag {
        None => Ok(()),
        Some(t) if core_tag(t) == Some(expected) => Ok(()),
        Some(t) => Err(TagError::Unsupported(t.to_string())),
    }
}

fn resolve_scalar(text: &str, style: ScalarStyle, tag: Option<&Tag>) -> Result<Value, TagError> {
    let Some(tag) = tag else {
        return Ok(if style == ScalarStyle::Plain {
            resolve_plain(text)
        } else {
            Value::Str(text.to_string())
        });
    };
    // A bare `!` marks a non-specific tag: the scalar is a string.
    if tag.handle == "!" && tag.suffix.is_empty() {
        return Ok(Value::Str(text.to_string()));
    }
    let mismatch = || TagError::Mismatch {
        text: text.to_string(),
        tag: tag.to_string(),
    };
    match core_tag(tag) {
        Some("str") => Ok(Value::Str(text.to_string())),
        Some("null") => match resolve_plain(text) {
            Value::Null => Ok(Value::Null),
            _ => Err(mismatch()),
        },
        Some("bool") => match resolve_plain(text) {
            v @ Value::Bool(_) => Ok(v),
            _ => Err(mismatch()),
        },
        Some("int") => match resolve_plain(text) {
            v @ Value::Int(_) => Ok(v),
            _ => Err(mismatch()),
        },
        Some("float") => match resolve_plain(text) {
            v @ Value::Float(_) => Ok(v),
            Value::Int(i) => Ok(Value::Float(i as f64)),
            _ => Err(mismatch()),
        },
        _ => Err(TagError::Unsupported(tag.to_string())),
    }
}

/// PyYAML's implicit resolvers (yaml/resolver.py), minus timestamps and
/// base-60 numbers, which stay strings.
fn resolve_plain(s: &str) -> Value {
    match s {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            return Value::Bool(true)
        }
        "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            return Value::Bool(false)
        }
        _ => {}
    }
    if let Some(v) = yaml11_int(s) {
        return v;
    }
    if let Some(x) = yaml11_float(s) {
        return Value::Float(x);
    }
    Value::Str(s.to_string())
}

fn split_sign(s: &str) -> (bool, &str) {
    match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    }
}

/// `0b1010`, `0x1F`, `017` (octal), `1_000`; a decimal too large for i64
/// becomes a float, as close as Python's unbounded int allows here.
fn yaml11_int(s: &str) -> Option<Value> {
    let (negative, body) = split_sign(s);
    let (radix, digits) = if let Some(d) = body.strip_prefix("0b") {
        (2, d)
    } else if let Some(d) = body.strip_prefix("0x") {
        (16, d)
    } else if body.len() > 1 && body.starts_with('0') {
        (8, &body[1..])
    } else {
        (10, body)
    };
    let valid = match radix {
        10 => {
            body.starts_with(|c: char| c.is_ascii_digit())
                && body.chars().all(|c| c.is_ascii_digit() || c == '_')
        }
        _ => !digits.is_empty() && digits.chars().all(|c| c == '_' || c.is_digit(radix)),
    };
    if !valid {
        return None;
    }
    let cleaned: String = digits.chars().filter(|&c| c != '_').collect();
    if cleaned.is_empty() {
        return Some(Value::Int(0));
    }
    let signed = if negative {
        format!("-{cleaned}")
    } else {
        cleaned
    };
    match i64::from_str_radix(&signed, radix) {
        Ok(i) => Some(Value::Int(i)),
        Err(_) if radix == 10 => signed.parse::<f64>().ok().map(Value::Float),
        Err(_) => None,
    }
}

/// PyYAML's float pattern: a dot is required (`1e3` is a string), the
/// exponent needs a sign, and `.inf` / `.nan` are spelled with a dot.
fn yaml11_float(s: &str) -> Option<f64> {
    match s {
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => return Some(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => return Some(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return Some(f64::NAN),
        _ => {}
    }
    let (negative, body) = split_sign(s);
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    if let Some(exp) = exponent {
        let digits = exp.strip_prefix(['+', '-'])?;
        if digits.is_empty()
            || !digits.chars().all(|c| c.is_ascii_digit())
            || exp.len() == digits.len()
        {
            return None;
        }
    }
    let (whole, frac) = mantissa.split_once('.')?;
    let digits_or_underscores = |p: &str| p.chars().all(|c| c.is_ascii_digit() || c == '_');
    let whole_ok = if whole.is_empty() {
        // `.5` is a float, `-.5` is not (PyYAML's pattern has no sign there).
        s.len() == body.len() && frac.starts_with(|c: char| c.is_ascii_digit())
    } else {
        whole.starts_with(|c: char| c.is_ascii_digit()) && digits_or_underscores(whole)
    };
    if !whole_ok || !digits_or_underscores(frac) {
        return None;
    }
    let mut text = String::new();
    if negative {
        text.push('-');
    }
    text.push_str(if whole.is_empty() { "0" } else { whole });
    text.push('.');
    text.push_str(if frac.is_empty() { "0" } else { frac });
    if let Some(exp) = exponent {
        text.push('e');
        text.push_str(exp);
    }
    text.retain(|c| c != '_');
    text.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scalar(text: &str) -> Value {
        parse(&format!("k: {text}\n"))
            .unwrap()
            .unwrap()
            .entries()
            .unwrap()[0]
            .value
            .value
            .clone()
    }

    #[test]
    fn plain_scalars_resolve_like_pyyaml() {
        assert_eq!(scalar("yes"), Value::Bool(true));
        assert_eq!(scalar("Off"), Value::Bool(false));
        assert_eq!(scalar("~"), Value::Null);
        assert_eq!(scalar(""), Value::Null);
        assert_eq!(scalar("42"), Value::Int(42));
        assert_eq!(scalar("-7"), Value::Int(-7));
        assert_eq!(scalar("1_000"), Value::Int(1000));
        assert_eq!(scalar("0x1F"), Value::Int(31));
        assert_eq!(scalar("017"), Value::Int(15));
        assert_eq!(scalar("0.25"), Value::Float(0.25));
        assert_eq!(scalar("1.5e+3"), Value::Float(1500.0));
        assert_eq!(scalar("2."), Value::Float(2.0));
        assert_eq!(scalar(".5"), Value::Float(0.5));
        assert_eq!(scalar("-.inf"), Value::Float(f64::NEG_INFINITY));
        assert_eq!(scalar("1e3"), Value::Str("1e3".into()));
        assert_eq!(scalar("-.5"), Value::Str("-.5".into()));
        assert_eq!(scalar("1.2.3"), Value::Str("1.2.3".into()));
        assert_eq!(scalar("\"0.1\""), Value::Str("0.1".into()));
        assert_eq!(scalar("'yes'"), Value::Str("yes".into()));
        assert_eq!(scalar("!!str 12"), Value::Str("12".into()));
        assert_eq!(scalar("!!float 3"), Value::Float(3.0));
        assert_eq!(scalar("99999999999999999999"), Value::Float(1e20));
        match scalar(".nan") {
            Value::Float(x) => assert!(x.is_nan()),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn keys_and_values_carry_lines() {
        let root = parse("# c\na: 1\nb:\n  c: x\nd:\n").unwrap().unwrap();
        let e = root.entries().unwrap();
        assert_eq!(
            (e[0].key.as_str(), e[0].key_line, e[0].value.line),
            ("a", 2, 2)
        );
        assert_eq!(e[1].value.entries().unwrap()[0].key_line, 4);
        assert_eq!((e[2].key.as_str(), e[2].value.line), ("d", 5));
        assert!(e[2].value.is_null());
    }

    #[test]
    fn duplicate_keys_are_reported_with_both_lines() {
        let err = parse("a:\n  x: 1\n  x: 2\n").unwrap_err();
        assert_eq!((err.line, err.path.as_str()), (3, "a.x"));
        assert!(err.message.contains("line 2"), "{}", err.message);
    }

    #[test]
    fn syntax_errors_have_line_and_column() {
        let err = parse("a: [1, 2\nb: 3\n").unwrap_err();
        assert!(err.line >= 1 && err.col.is_some(), "{err:?}");
    }

    #[test]
    fn anchors_aliases_and_merge_keys() {
        let root = parse("base: &b {x: 1, y: 2}\nother:\n  <<: *b\n  y: 3\n")
            .unwrap()
            .unwrap();
        let other = root.entries().unwrap()[1].value.entries().unwrap();
        let keys: Vec<_> = other
            .iter()
            .map(|e| (e.key.as_str(), e.value.raw.as_str()))
            .collect();
        assert_eq!(keys, [("y", "3"), ("x", "1")]);
    }

    #[test]
    fn empty_documents_and_multiple_documents() {
        assert_eq!(parse("").unwrap(), None);
        assert_eq!(parse("# only a comment\n").unwrap(), None);
        assert!(parse("---\n").unwrap().unwrap().is_null());
        assert!(parse("a: 1\n---\nb: 2\n").is_err());
    }

    #[test]
    fn hostile_input_is_an_error_not_a_crash() {
        let deep = "[".repeat(5000);
        assert!(parse(&deep).is_err());
        let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let prev = format!("*a{}", i - 1);
            bomb.push_str(&format!("a{i}: &a{i} [{}]\n", vec![prev; 10].join(", ")));
        }
        assert!(parse(&bomb).is_err());
        assert!(parse("? [a, b]\n: 1\n").is_err());
        // Few nodes, many bytes: one long string aliased 10^7 times.
        let mut laughs = format!("s: &s {}\n", "x".repeat(100_000));
        laughs.push_str("a: &a [*s, *s, *s, *s, *s, *s, *s, *s, *s, *s]\n");
        for i in 1..7 {
            laughs.push_str(&format!(
                "a{i}: &a{i} [{}]\n",
                vec![
                    if i == 1 {
                        "*a".to_string()
                    } else {
                        format!("*a{}", i - 1)
                    };
                    10
                ]
                .join(", ")
            ));
        }
        let e = parse(&laughs).unwrap_err();
        assert!(e.message.contains("SWARM_MAX_YAML_BYTES"), "{e:?}");
        assert!(parse("a: !!python/object x\n").is_err());
    }
}
