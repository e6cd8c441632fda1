//! Readers for the domain-handler sections this engine models:
//! `resource_negotiation:` (docs/model/tierra-awm-memory-negotiation-rivals.md
//! §2.1, §N.1). Each follows the reference's parser: when it builds the
//! handler, which values its config model takes as written, and which fail
//! its load.

use super::coerce::did_you_mean;
use super::load::Report;
use super::markets::section_entries;
use super::schema::{self, Field};
use super::sections::apply_field;
use super::yaml::{Entry, Value};
use crate::sim::negotiation;

/// The generic section predicate: a falsy section or one whose `enabled`
/// is the boolean false builds nothing; a truthy non-mapping fails.
fn built<'a>(e: &'a Entry, report: &mut Report) -> Option<&'a [Entry]> {
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

/// A section read into a plain dataclass (`Config(**data)`): every key
/// must be a field (`extra` lists the fields read elsewhere, whose values
/// are taken as they are), or the reference fails loading it.
fn dataclass<T>(
    section: &str,
    table: &'static [Field<T>],
    extra: &[&'static str],
    entries: &[Entry],
    target: &mut T,
    report: &mut Report,
) {
    for x in entries {
        let path = format!("{section}.{}", x.key);
        if extra.contains(&x.key.as_str()) {
            continue;
        }
        if !apply_field(report, table, target, &x.key, &path, x) {
            let candidates = schema::keys(table).chain(extra.iter().copied());
            let why = format!(
                "unknown key: the reference fails loading it (its config takes no such field){}",
                did_you_mean(&x.key, candidates)
            );
            report.error(x.key_line, &path, why);
        }
    }
}

/// `resource_negotiation:` (a plain dataclass; `enabled` is read only by
/// the section predicate, `seed` never: the handler draws on the
/// orchestrator's stream).
pub(super) fn resource_negotiation(e: &Entry, report: &mut Report) -> Option<negotiation::Config> {
    let entries = built(e, report)?;
    let mut cfg = negotiation::Config::default();
    let table = negotiation::FIELDS;
    dataclass(
        &e.key,
        table,
        &["enabled", "seed"],
        entries,
        &mut cfg,
        report,
    );
    for why in cfg.problems() {
        report.error(e.key_line, &e.key, why);
    }
    Some(cfg)
}

#[cfg(test)]
mod tests {
    use crate::scenario::{load_str, LoadOptions};

    fn load(body: &str) -> Result<crate::scenario::Loaded, String> {
        let text = format!("agents:\n  - type: fair_negotiator\n    count: 2\n{body}");
        load_str(&text, "t.yaml", LoadOptions::default()).map_err(|e| e.message)
    }

    #[test]
    fn resource_negotiation_follows_the_dataclass() {
        let s = load("resource_negotiation:\n  min_resource_types: 3\n  seed: 7\n")
            .unwrap()
            .scenario;
        let cfg = s.resource_negotiation.unwrap();
        assert_eq!(cfg.min_resource_types, 3);
        assert_eq!(cfg.resource_names.len(), 5);
        let off = load("resource_negotiation:\n  enabled: false\n").unwrap();
        assert!(off.scenario.resource_negotiation.is_none());
        assert!(load("resource_negotiation: {}\n")
            .unwrap()
            .scenario
            .resource_negotiation
            .is_none());
        let e = load("resource_negotiation:\n  max_round: 3\n").unwrap_err();
        assert!(
            e.contains("resource_negotiation.max_round: unknown key"),
            "{e}"
        );
        assert!(e.contains("did you mean 'max_rounds'"), "{e}");
        let e = load("resource_negotiation:\n  min_quantity: 6\n").unwrap_err();
        assert!(
            e.contains("min_quantity (6) is above max_quantity (5)"),
            "{e}"
        );
        let e = load("resource_negotiation:\n  min_quantity: x\n").unwrap_err();
        assert!(e.contains("resource_negotiation.min_quantity"), "{e}");
        let e = load("resource_negotiation: yes\n").unwrap_err();
        assert!(e.contains("must be a mapping"), "{e}");
    }
}
