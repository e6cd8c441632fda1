//! The `dynamic_toxicity` section (docs/model/dynamic-toxicity.md §2): the
//! modes the reference builds and their settings. The reference hands the
//! mapping to its orchestrator untouched and reads it with `dict.get`,
//! validating nothing. What fails its build is an error here; a setting that
//! is not a number makes that mode raise at every epoch end, which the
//! reference's pipeline swallows, so the mode is switched off here with a
//! warning. Numbers are never range-checked: every one is reproduced.

use super::coerce::coerce_checked;
use super::load::Report;
use super::schema::{self, Field, Role};
use super::yaml::{Entry, Node, Value};
use crate::sim::dynamic_toxicity::{contagion, drift, erosion, Config, MODES};
use crate::suggest::did_you_mean;

const SECTION: &str = "dynamic_toxicity";

/// The section's modes, or `None` when the reference builds none.
pub(super) fn read(e: &Entry, report: &mut Report) -> Option<Config> {
    let entries = match &e.value.value {
        Value::Null => return None,
        Value::Map(entries) => entries,
        _ => {
            let why = format!(
                "must be a mapping (the reference fails on {})",
                e.value.describe()
            );
            report.error(e.value.line, SECTION, why);
            return None;
        }
    };
    if entries.is_empty() {
        return None;
    }
    for entry in entries {
        let key = entry.key.as_str();
        if key != "enabled" && !MODES.contains(&key) {
            let hint = did_you_mean(key, MODES.into_iter().chain(["enabled"]));
            let why = format!("unknown key, ignored by the reference{hint}");
            report.warn(entry.key_line, &format!("{SECTION}.{key}"), why);
        }
    }
    let enabled = enabled_modes(entries, report)?;
    if !enabled.iter().any(|&on| on) {
        let why = "no mode listed under 'enabled': the reference adds nothing; ignored";
        report.warn(e.key_line, SECTION, why);
    }
    // Each enabled mode's settings mapping (absent: the defaults).
    let mut params: [Option<Option<&Entry>>; 3] = [None; 3];
    for (i, name) in MODES.into_iter().enumerate() {
        let section = entries.iter().find(|p| p.key == name);
        if enabled[i] {
            params[i] = Some(section);
        } else if let Some(p) = section {
            let path = format!("{SECTION}.{name}");
            let why = "mode not listed under 'enabled': the reference never reads it; ignored";
            report.warn(p.key_line, &path, why);
        }
    }
    let cfg = Config {
        proxy_drift: params[0].and_then(|p| mode(p, MODES[0], drift::FIELDS, report)),
        trust_erosion: params[1].and_then(|p| mode(p, MODES[1], erosion::FIELDS, report)),
        quality_contagion: params[2].and_then(|p| mode(p, MODES[2], contagion::FIELDS, report)),
    };
    cfg.any().then_some(cfg)
}

/// Which of [`MODES`] `enabled` lists, by Python's `in`: list items
/// compare whole, a string is searched for substrings, a mapping's keys
/// count. `None` (an error) for what the reference's `in` fails on.
fn enabled_modes(entries: &[Entry], report: &mut Report) -> Option<[bool; 3]> {
    let Some(e) = entries.iter().find(|e| e.key == "enabled") else {
        return Some([false; 3]);
    };
    let path = format!("{SECTION}.enabled");
    match &e.value.value {
        Value::Seq(items) => {
            for item in items {
                let known = matches!(&item.value, Value::Str(s) if MODES.contains(&s.as_str()));
                if !known {
                    let hint = match &item.value {
                        Value::Str(s) => did_you_mean(s, MODES),
                        _ => String::new(),
                    };
                    let why = format!(
                        "{} is not a mode; ignored by the reference{hint}",
                        item.describe()
                    );
                    report.warn(item.line, &path, why);
                }
            }
            Some(MODES.map(|m| {
                items
                    .iter()
                    .any(|i| matches!(&i.value, Value::Str(s) if s == m))
            }))
        }
        Value::Str(s) => Some(MODES.map(|m| s.contains(m))),
        Value::Map(keys) => Some(MODES.map(|m| keys.iter().any(|k| k.key == m))),
        _ => {
            let why = format!(
                "must be a list of modes (the reference fails on {})",
                e.value.describe()
            );
            report.error(e.value.line, &path, why);
            None
        }
    }
}

/// One enabled mode's settings: the reference's defaults, overridden by
/// the keys of its mapping (`section`, if present).
fn mode<T: Default>(
    section: Option<&Entry>,
    name: &str,
    fields: &'static [Field<T>],
    report: &mut Report,
) -> Option<T> {
    let mut cfg = T::default();
    let Some(section) = section else {
        return Some(cfg);
    };
    let prefix = format!("{SECTION}.{name}");
    let Some(entries) = section.value.entries() else {
        let why = format!(
            "must be a mapping (the reference fails on {} when the mode is enabled)",
            section.value.describe()
        );
        report.error(section.value.line, &prefix, why);
        return None;
    };
    let mut acts = true;
    for e in entries {
        let path = format!("{prefix}.{}", e.key);
        let Some(field) = schema::find(fields, &e.key) else {
            let hint = did_you_mean(&e.key, schema::keys(fields));
            report.warn(
                e.key_line,
                &path,
                format!("unknown key, ignored by the reference{hint}"),
            );
            continue;
        };
        if let Some(why) = inert(field, &e.value) {
            let why = format!(
                "{} {why}: the reference's {name} raises at every epoch end and swallows the error, so the mode never acts; ignored",
                e.value.describe()
            );
            report.warn(e.value.line, &path, why);
            acts = false;
            continue;
        }
        match (coerce_checked(field.ty, field.rule, &e.value), &field.role) {
            (Ok(v), Role::Modelled { set, .. }) => set(&mut cfg, &v),
            (Err(m), _) => report.error(e.value.line, &path, m),
            _ => {}
        }
    }
    acts.then_some(cfg)
}

/// Why the reference's arithmetic fails on `node` as this setting, if it
/// does. The reference coerces nothing: only Python numbers work (booleans
/// too, which are refused here as mistakes), and `window` slices a list,
/// which a float cannot.
fn inert<T>(field: &Field<T>, node: &Node) -> Option<&'static str> {
    match &node.value {
        Value::Int(_) | Value::Bool(_) => None,
        Value::Float(_) if field.key == "window" => Some("is a float, not an integer"),
        Value::Float(_) => None,
        _ => Some("is not a number"),
    }
}

#[cfg(test)]
mod tests {
    use crate::scenario::{load_str, DynamicToxicityConfig, LoadOptions, Loaded};
    use crate::sim::dynamic_toxicity::{contagion, drift, erosion};

    fn load(section: &str) -> Result<Loaded, String> {
        let text = format!("agents:\n  - type: honest\ndynamic_toxicity:\n{section}");
        load_str(&text, "t.yaml", LoadOptions::default()).map_err(|e| e.message)
    }

    fn config(section: &str) -> Option<DynamicToxicityConfig> {
        load(section).unwrap().scenario.dynamic_toxicity
    }

    fn warnings(section: &str) -> Vec<String> {
        let l = load(section).unwrap();
        l.warnings.into_iter().map(|w| w.message).collect()
    }

    #[test]
    fn defaults_are_the_references() {
        let c = config("  enabled: [proxy_drift, trust_erosion, quality_contagion]\n").unwrap();
        assert_eq!(
            c.proxy_drift,
            Some(drift::Config {
                alpha: 0.5,
                k_floor: 0.5
            })
        );
        assert_eq!(
            c.trust_erosion,
            Some(erosion::Config {
                beta: 0.3,
                exit_threshold: 0.35,
                window: 3,
                min_honest: 1
            })
        );
        assert_eq!(
            c.quality_contagion,
            Some(contagion::Config {
                gamma: 0.1,
                neutral: 0.5
            })
        );
    }

    #[test]
    fn enabled_is_pythons_in() {
        let modes = |c: Option<DynamicToxicityConfig>| {
            c.map(|c| {
                [
                    c.proxy_drift.is_some(),
                    c.trust_erosion.is_some(),
                    c.quality_contagion.is_some(),
                ]
            })
        };
        // Order and duplicates do not matter; the pipeline order is fixed.
        assert_eq!(
            modes(config(
                "  enabled: [quality_contagion, proxy_drift, proxy_drift]\n"
            )),
            Some([true, false, true])
        );
        // A string is searched for each name.
        assert_eq!(
            modes(config("  enabled: \"proxy_drift trust_erosion\"\n")),
            Some([true, true, false])
        );
        // A mapping's keys count.
        assert_eq!(
            modes(config("  enabled: {quality_contagion: 1}\n")),
            Some([false, false, true])
        );
        assert_eq!(modes(config("  enabled: []\n")), None);
        assert_eq!(modes(config("  trust_erosion: {beta: 1}\n")), None);
        assert_eq!(config("  {}\n"), None);
        let w = warnings("  enabled: [proxy_drift, trust_erosoin]\n");
        assert!(
            w.iter().any(|w| w.contains(
                "t.yaml:4: dynamic_toxicity.enabled: the string 'trust_erosoin' is not a mode; ignored by the reference; did you mean 'trust_erosion'?"
            )),
            "{w:?}"
        );
    }

    #[test]
    fn what_the_reference_fails_on_is_an_error() {
        let e = load("  enabled: true\n").unwrap_err();
        assert!(
            e.contains("t.yaml:4: dynamic_toxicity.enabled: must be a list of modes (the reference fails on true)"),
            "{e}"
        );
        let e = load("  enabled: [proxy_drift]\n  proxy_drift:\n").unwrap_err();
        assert!(
            e.contains("t.yaml:5: dynamic_toxicity.proxy_drift: must be a mapping (the reference fails on null when the mode is enabled)"),
            "{e}"
        );
        let text = "agents:\n  - type: honest\ndynamic_toxicity: []\n";
        let e = load_str(text, "t.yaml", LoadOptions::default()).unwrap_err();
        assert!(
            e.message.contains("dynamic_toxicity: must be a mapping"),
            "{e}"
        );
        // A boolean is a number to Python, but a mistake here.
        let e = load("  enabled: [proxy_drift]\n  proxy_drift: {alpha: yes}\n").unwrap_err();
        assert!(
            e.contains("dynamic_toxicity.proxy_drift.alpha: expected a number, got true"),
            "{e}"
        );
        let e =
            load("  enabled: [trust_erosion]\n  trust_erosion: {min_honest: 1.5}\n").unwrap_err();
        assert!(e.contains("expected an integer"), "{e}");
        // A disabled mode's settings are never read.
        assert_eq!(
            config("  enabled: [proxy_drift]\n  trust_erosion: 7\n")
                .unwrap()
                .trust_erosion,
            None
        );
    }

    #[test]
    fn a_setting_that_is_not_a_number_switches_its_mode_off() {
        let section = "  enabled: [proxy_drift, trust_erosion, quality_contagion]\n  proxy_drift: {alpha: \"0.3\"}\n  trust_erosion: {window: 3.0}\n  quality_contagion: {gamma: 0.2, neutral: ~}\n";
        assert_eq!(config(section), None);
        let w = warnings(section);
        assert!(w.iter().any(|w| w.contains("dynamic_toxicity.proxy_drift.alpha: the string '0.3' is not a number: the reference's proxy_drift raises at every epoch end")), "{w:?}");
        assert!(
            w.iter().any(|w| w
                .contains("dynamic_toxicity.trust_erosion.window: 3.0 is a float, not an integer")),
            "{w:?}"
        );
        assert!(
            w.iter()
                .any(|w| w
                    .contains("dynamic_toxicity.quality_contagion.neutral: null is not a number")),
            "{w:?}"
        );
        // The other modes still act.
        let c = config("  enabled: [proxy_drift, trust_erosion]\n  proxy_drift: {alpha: ~}\n  trust_erosion: {window: -2, min_honest: 2.0}\n").unwrap();
        assert_eq!(c.proxy_drift, None);
        let e = c.trust_erosion.unwrap();
        assert_eq!((e.window, e.min_honest), (-2, 2));
    }
}
