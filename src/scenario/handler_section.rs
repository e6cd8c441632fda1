//! How the reference reads the sections that build a handler or module
//! (marketplace, contracts, memory tiers, scholar, AWM, rivals, the
//! artificial-life sections): built from a truthy mapping, mostly unless
//! `enabled` is the boolean false; `enabled` and `seed`; the other keys
//! through the section's schema table (docs/model/scenario.md §1).

use super::coerce::{coerce, Ty};
use super::load::Report;
use super::schema::{self, Field};
use super::sections::apply_field;
use super::yaml::{Entry, Value};
use crate::suggest::did_you_mean;

/// The entries of a section the reference reads with `data.get`: `None`
/// when it is falsy (nothing is built), an error when it is truthy but not
/// a mapping (the reference fails on it).
pub(super) fn section_entries<'a>(e: &'a Entry, report: &mut Report) -> Option<&'a [Entry]> {
    if !e.value.truthy() {
        return None;
    }
    let entries = e.value.entries();
    if entries.is_none() {
        let got = e.value.describe();
        let why = format!("must be a mapping (the reference fails on {got})");
        report.error(e.value.line, &e.key, why);
    }
    entries
}

/// The warning for a key the reference ignores, with the nearest known one.
pub(super) fn unknown_key(key: &str, candidates: impl IntoIterator<Item = &'static str>) -> String {
    format!(
        "unknown key, ignored by the reference{}",
        did_you_mean(key, candidates)
    )
}

/// The generic section predicate: a falsy section or one whose `enabled`
/// is the boolean false builds nothing; a truthy non-mapping fails.
pub(super) fn built<'a>(e: &'a Entry, report: &mut Report) -> Option<&'a [Entry]> {
    let entries = section_entries(e, report)?;
    let off = entries
        .iter()
        .any(|x| x.key == "enabled" && x.value.value == Value::Bool(false));
    if off {
        let why = "switched off: the reference builds nothing from it; ignored";
        report.warn(e.key_line, &e.key, why);
        return None;
    }
    Some(entries)
}

/// One key of a table section: validated, stored if modelled; an unknown
/// key is ignored by the reference (a warning).
pub(super) fn table_key<T>(
    section: &str,
    fields: &'static [Field<T>],
    others: &[&'static str],
    x: &Entry,
    cfg: &mut T,
    report: &mut Report,
) {
    let path = format!("{section}.{}", x.key);
    if !apply_field(report, fields, cfg, &x.key, &path, x) {
        let keys = schema::keys(fields).chain(others.iter().copied());
        report.warn(x.key_line, &path, unknown_key(&x.key, keys));
    }
}

/// `enabled` (a boolean) and `seed` (an integer or null).
pub(super) fn enabled_and_seed(
    section: &str,
    x: &Entry,
    enabled: &mut bool,
    seed: &mut Option<i64>,
    report: &mut Report,
) -> bool {
    let path = format!("{section}.{}", x.key);
    match x.key.as_str() {
        "enabled" => match coerce(Ty::Bool, &x.value) {
            Ok(v) => *enabled = v.to_bool(),
            Err(m) => report.error(x.value.line, &path, m),
        },
        "seed" if x.value.is_null() => *seed = None,
        "seed" => match coerce(Ty::Int, &x.value) {
            Ok(v) => *seed = Some(v.int_into()),
            Err(m) => report.error(x.value.line, &path, m),
        },
        _ => return false,
    }
    true
}
