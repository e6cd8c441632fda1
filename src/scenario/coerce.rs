//! Types, value coercion and range rules shared by the loader and sweep
//! parameters, so a value is judged (and worded) the same wherever it comes
//! from. Coercion follows pydantic's lax mode (docs/model/scenario.md §3):
//! `"0.1"` → 0.1, `"yes"` → true, `3.0` → 3, but `2.5` is not an integer.

use super::error::ValueError;
use super::params::{ParamKind, ParamValue};
use super::yaml::{format_float, Node, Value};
use crate::suggest::did_you_mean;

/// The type a key takes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Ty {
    Bool,
    Int,
    Float,
    Str,
    /// One of a fixed set of strings.
    Choice(&'static [&'static str]),
    /// A list of strings (not a sweep parameter).
    StrList,
    /// A mapping from string to list of strings (not a sweep parameter).
    StrListMap,
    /// A number as Python uses an unconverted value: a YAML int, float or
    /// boolean (an int in Python), never a string. The reference reads agent
    /// `config:` values as written, and a string there crashes its
    /// arithmetic. Ints stay ints, so a rule can tell `6` from `6.0`.
    Number,
    /// An int as Python uses an unconverted value: a YAML int or boolean,
    /// never a float or a string.
    Integer,
}

impl Ty {
    pub fn kind(self) -> ParamKind {
        match self {
            Ty::Bool => ParamKind::Bool,
            Ty::Int => ParamKind::Int,
            Ty::Float | Ty::Number => ParamKind::Float,
            Ty::Integer => ParamKind::Int,
            Ty::Str | Ty::Choice(_) | Ty::StrList | Ty::StrListMap => ParamKind::Str,
        }
    }
}

/// A constraint on a value that already has the right type.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Rule {
    Any,
    /// In `[lo, hi]`.
    Range(f64, f64),
    /// `>= 0`.
    NonNegative,
    /// `> 0`.
    Positive,
    /// An integer in `[lo, hi]`; `hi` is usually the field's storage limit.
    IntRange(i64, i64),
}

/// A probability, fraction or share.
pub(crate) const UNIT: Rule = Rule::Range(0.0, 1.0);
/// A count that may be zero (stored as u32).
pub(crate) const COUNT: Rule = Rule::IntRange(0, u32::MAX as i64);
/// A count that must be at least one (stored as u32).
pub(crate) const POSITIVE_COUNT: Rule = Rule::IntRange(1, u32::MAX as i64);

/// An integer at least `lo` (stored as i64).
pub(crate) const fn at_least(lo: i64) -> Rule {
    Rule::IntRange(lo, i64::MAX)
}

impl Rule {
    pub fn check(self, value: &ParamValue) -> Result<(), ValueError> {
        let x = value.to_f64();
        let ok = match self {
            Rule::Any => true,
            Rule::Range(lo, hi) => (lo..=hi).contains(&x),
            Rule::NonNegative => x >= 0.0,
            Rule::Positive => x > 0.0,
            Rule::IntRange(lo, hi) => match value {
                ParamValue::Int(i) => (lo..=hi).contains(i),
                _ => (lo as f64..=hi as f64).contains(&x),
            },
        };
        if ok {
            return Ok(());
        }
        let got = value.clone();
        Err(match self {
            Rule::Any => unreachable!("every value passes Rule::Any"),
            Rule::Range(lo, hi) => ValueError::OutOfRange { lo, hi, got },
            Rule::NonNegative => ValueError::Negative(got),
            Rule::Positive => ValueError::NotPositive(got),
            Rule::IntRange(lo, _) if x < lo as f64 => ValueError::Below { lo, got },
            Rule::IntRange(_, hi) => ValueError::Above { hi, got },
        })
    }
}

/// Converts a YAML value to `ty` and checks `rule`: the one gate every
/// scenario value and sweep parameter passes through.
pub(crate) fn coerce_checked(ty: Ty, rule: Rule, node: &Node) -> Result<ParamValue, ValueError> {
    let value = coerce(ty, node)?;
    rule.check(&value)?;
    Ok(value)
}

pub(crate) fn coerce(ty: Ty, node: &Node) -> Result<ParamValue, ValueError> {
    match ty {
        Ty::Bool => to_bool(node).map(ParamValue::Bool),
        Ty::Int => to_int(node).map(ParamValue::Int),
        Ty::Float => to_float(node).map(ParamValue::Float),
        Ty::Number => python_number(node),
        Ty::Integer => match python_number(node) {
            Ok(ParamValue::Float(_)) | Err(_) => Err(ValueError::Unconverted {
                want: "an integer",
                got: node.describe(),
            }),
            ok => ok,
        },
        Ty::Str => to_str(node).map(ParamValue::Str),
        Ty::Choice(options) => {
            let s = to_str(node)?;
            check_choice(&s, options)?;
            Ok(ParamValue::Str(s))
        }
        Ty::StrList => {
            check_str_list(node)?;
            Ok(ParamValue::Str(String::new()))
        }
        Ty::StrListMap => {
            let entries = node.entries().ok_or_else(|| ValueError::Type {
                want: "a mapping of lists",
                got: node.describe(),
            })?;
            for entry in entries {
                check_str_list(&entry.value).map_err(|e| ValueError::InEntry {
                    key: entry.key.clone(),
                    source: Box::new(e),
                })?;
            }
            Ok(ParamValue::Str(String::new()))
        }
    }
}

pub(crate) fn check_choice(s: &str, options: &[&str]) -> Result<(), ValueError> {
    if options.contains(&s) {
        return Ok(());
    }
    let listed: Vec<String> = options.iter().map(|o| format!("'{o}'")).collect();
    Err(ValueError::NotAnOption {
        options: listed.join(", "),
        got: s.to_string(),
        hint: did_you_mean(s, options.iter().copied()),
    })
}

fn check_str_list(node: &Node) -> Result<(), ValueError> {
    str_list(node).map(drop)
}

/// The items of a list of strings.
pub(crate) fn str_list(node: &Node) -> Result<Vec<String>, ValueError> {
    match &node.value {
        Value::Seq(items) => items.iter().map(to_str).collect(),
        _ => Err(ValueError::Type {
            want: "a list of strings",
            got: node.describe(),
        }),
    }
}

fn to_bool(node: &Node) -> Result<bool, ValueError> {
    let parsed = match &node.value {
        Value::Bool(b) => Some(*b),
        Value::Int(0) => Some(false),
        Value::Int(1) => Some(true),
        Value::Float(x) if *x == 0.0 => Some(false),
        Value::Float(x) if *x == 1.0 => Some(true),
        Value::Str(s) => match s.trim().to_ascii_lowercase().as_str() {
            "0" | "off" | "f" | "false" | "n" | "no" => Some(false),
            "1" | "on" | "t" | "true" | "y" | "yes" => Some(true),
            _ => None,
        },
        _ => None,
    };
    parsed.ok_or_else(|| ValueError::Type {
        want: "true or false",
        got: node.describe(),
    })
}

/// Unlike pydantic, a boolean is not accepted as a number: `audit_probability:
/// yes` is a mistake, not 1.0.
fn to_float(node: &Node) -> Result<f64, ValueError> {
    let x = match &node.value {
        Value::Float(x) => Some(*x),
        Value::Int(i) => Some(*i as f64),
        Value::Str(s) => parse_number_text(s),
        _ => None,
    };
    match x {
        Some(x) if x.is_nan() => Err(ValueError::Type {
            want: "a number",
            got: "NaN".to_string(),
        }),
        // As the sweep spec: an infinite setting only makes infinite or NaN
        // metrics, so `swarm run` and a sweep refuse it alike.
        Some(x) if x.is_infinite() => Err(ValueError::Type {
            want: "a finite number",
            got: format_float(x),
        }),
        Some(x) => Ok(x),
        None => Err(ValueError::Type {
            want: "a number",
            got: node.describe(),
        }),
    }
}

/// A YAML int, float or boolean as the Python value it is (booleans are
/// ints); NaN and everything else are refused.
fn python_number(node: &Node) -> Result<ParamValue, ValueError> {
    match &node.value {
        Value::Int(i) => Ok(ParamValue::Int(*i)),
        Value::Bool(b) => Ok(ParamValue::Int(i64::from(*b))),
        Value::Float(x) if !x.is_nan() => Ok(ParamValue::Float(*x)),
        _ => Err(ValueError::Unconverted {
            want: "a number",
            got: node.describe(),
        }),
    }
}

fn to_int(node: &Node) -> Result<i64, ValueError> {
    let not_an_int = || ValueError::Type {
        want: "an integer",
        got: node.describe(),
    };
    match &node.value {
        Value::Int(i) => Ok(*i),
        Value::Float(x) => int_from_float(*x),
        Value::Str(s) => {
            let t = s.trim().replace('_', "");
            match t.parse::<i64>() {
                Ok(i) => Ok(i),
                Err(_) => match parse_number_text(s) {
                    Some(x) if x.fract() == 0.0 => int_from_float(x),
                    _ => Err(not_an_int()),
                },
            }
        }
        _ => Err(not_an_int()),
    }
}

fn int_from_float(x: f64) -> Result<i64, ValueError> {
    if !x.is_finite() || x.fract() != 0.0 {
        return Err(ValueError::Fractional(format_float(x)));
    }
    // -2^63 and 2^63 are exact in f64; i64 holds [-2^63, 2^63).
    let limit = -(i64::MIN as f64);
    if !(-limit..limit).contains(&x) {
        return Err(ValueError::IntOutOfRange(format_float(x)));
    }
    Ok(x as i64)
}

fn parse_number_text(s: &str) -> Option<f64> {
    let t = s.trim();
    t.parse().ok().or_else(|| t.replace('_', "").parse().ok())
}

fn to_str(node: &Node) -> Result<String, ValueError> {
    match &node.value {
        Value::Str(s) => Ok(s.clone()),
        Value::Bool(_) | Value::Int(_) | Value::Float(_) => Ok(node.raw.clone()),
        _ => Err(ValueError::Type {
            want: "a string",
            got: node.describe(),
        }),
    }
}

/// A YAML node carrying a sweep value, so parameters use the same coercion.
pub(crate) fn node_of(value: &ParamValue) -> Node {
    let (value, raw) = match value {
        ParamValue::Bool(b) => (Value::Bool(*b), b.to_string()),
        ParamValue::Int(i) => (Value::Int(*i), i.to_string()),
        ParamValue::Float(x) => (Value::Float(*x), format_float(*x)),
        ParamValue::Str(s) => (Value::Str(s.clone()), s.clone()),
    };
    Node {
        value,
        line: 0,
        raw,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yaml(text: &str) -> Node {
        let root = super::super::yaml::parse(&format!("v: {text}\n"))
            .unwrap()
            .unwrap();
        root.entries().unwrap()[0].value.clone()
    }

    #[test]
    fn lax_coercion_like_pydantic() {
        assert_eq!(
            coerce(Ty::Float, &yaml("\"0.1\"")),
            Ok(ParamValue::Float(0.1))
        );
        assert_eq!(coerce(Ty::Float, &yaml("3")), Ok(ParamValue::Float(3.0)));
        assert_eq!(
            coerce(Ty::Float, &yaml("' 1e-1 '")),
            Ok(ParamValue::Float(0.1))
        );
        assert_eq!(coerce(Ty::Int, &yaml("3.0")), Ok(ParamValue::Int(3)));
        assert_eq!(coerce(Ty::Int, &yaml("'3'")), Ok(ParamValue::Int(3)));
        assert_eq!(coerce(Ty::Int, &yaml("'1_0'")), Ok(ParamValue::Int(10)));
        assert_eq!(coerce(Ty::Bool, &yaml("'yes'")), Ok(ParamValue::Bool(true)));
        assert_eq!(
            coerce(Ty::Bool, &yaml("'TRUE'")),
            Ok(ParamValue::Bool(true))
        );
        assert_eq!(coerce(Ty::Bool, &yaml("0")), Ok(ParamValue::Bool(false)));
        assert_eq!(
            coerce(Ty::Str, &yaml("42")),
            Ok(ParamValue::Str("42".into()))
        );
    }

    #[test]
    fn python_numbers_stay_as_written() {
        assert_eq!(coerce(Ty::Number, &yaml("3")), Ok(ParamValue::Int(3)));
        assert_eq!(coerce(Ty::Number, &yaml("3.0")), Ok(ParamValue::Float(3.0)));
        assert_eq!(coerce(Ty::Number, &yaml("true")), Ok(ParamValue::Int(1)));
        assert_eq!(
            coerce(Ty::Number, &yaml("'3'")).unwrap_err().to_string(),
            "expected a number, got the string '3' (agent settings are used unconverted)"
        );
        assert!(coerce(Ty::Number, &yaml("")).is_err());
        assert!(coerce(Ty::Number, &yaml(".nan")).is_err());
        assert_eq!(coerce(Ty::Integer, &yaml("false")), Ok(ParamValue::Int(0)));
        assert!(coerce(Ty::Integer, &yaml("6.0"))
            .unwrap_err()
            .to_string()
            .starts_with("expected an integer, got 6.0"));
        assert_eq!(Ty::Integer.kind(), ParamKind::Int);
    }

    #[test]
    fn wrong_types_are_named() {
        let err = coerce(Ty::Int, &yaml("2.5")).unwrap_err().to_string();
        assert_eq!(
            err,
            "expected an integer, got 2.5 (a number with a fractional part)"
        );
        assert_eq!(
            coerce(Ty::Float, &yaml("abc")).unwrap_err().to_string(),
            "expected a number, got the string 'abc'"
        );
        assert_eq!(
            coerce(Ty::Float, &yaml("true")).unwrap_err().to_string(),
            "expected a number, got true"
        );
        assert_eq!(
            coerce(Ty::Float, &yaml("")).unwrap_err().to_string(),
            "expected a number, got null"
        );
        assert_eq!(
            coerce(Ty::Float, &yaml(".nan")).unwrap_err().to_string(),
            "expected a number, got NaN"
        );
        assert_eq!(
            coerce(Ty::Float, &yaml("-.inf")).unwrap_err().to_string(),
            "expected a finite number, got -inf"
        );
        assert_eq!(
            coerce(Ty::Bool, &yaml("2")).unwrap_err().to_string(),
            "expected true or false, got 2"
        );
        assert_eq!(
            coerce(Ty::Str, &yaml("[a]")).unwrap_err().to_string(),
            "expected a string, got a list"
        );
        assert!(coerce(Ty::Int, &yaml("1.0e+30"))
            .unwrap_err()
            .to_string()
            .contains("out of range"));
        assert!(coerce(Ty::StrList, &yaml("[a, b]")).is_ok());
        assert!(coerce(Ty::StrList, &yaml("[a, [b]]")).is_err());
        assert!(coerce(Ty::StrListMap, &yaml("{r: [a]}")).is_ok());
    }

    #[test]
    fn rules_word_their_failures() {
        assert_eq!(
            UNIT.check(&ParamValue::Float(1.5))
                .map_err(|e| e.to_string()),
            Err("must be in [0, 1], got 1.5".into())
        );
        assert_eq!(UNIT.check(&ParamValue::Int(1)), Ok(()));
        assert_eq!(
            Rule::Range(0.0, 100.0)
                .check(&ParamValue::Float(101.0))
                .map_err(|e| e.to_string()),
            Err("must be in [0, 100], got 101.0".into())
        );
        assert_eq!(
            Rule::NonNegative
                .check(&ParamValue::Float(-0.5))
                .map_err(|e| e.to_string()),
            Err("must be non-negative, got -0.5".into())
        );
        assert_eq!(
            Rule::Positive
                .check(&ParamValue::Float(0.0))
                .map_err(|e| e.to_string()),
            Err("must be positive, got 0.0".into())
        );
        assert_eq!(
            POSITIVE_COUNT
                .check(&ParamValue::Int(0))
                .map_err(|e| e.to_string()),
            Err("must be >= 1, got 0".into())
        );
        assert_eq!(
            COUNT.check(&ParamValue::Int(-2)).map_err(|e| e.to_string()),
            Err("must be >= 0, got -2".into())
        );
        assert_eq!(
            COUNT
                .check(&ParamValue::Int(1 << 40))
                .map_err(|e| e.to_string()),
            Err("must be <= 4294967295, got 1099511627776".into())
        );
    }

    #[test]
    fn choices_suggest_the_nearest_option() {
        let err = coerce(
            Ty::Choice(&["round_robin", "random", "priority"]),
            &yaml("roundrobin"),
        )
        .unwrap_err()
        .to_string();
        assert_eq!(
            err,
            "must be one of 'round_robin', 'random', 'priority', got 'roundrobin'; did you mean 'round_robin'?"
        );
    }
}
