//! The `agents:` list: one [`AgentSpec`] per entry with the per-type config
//! defaults filled in (governance-metrics-io.md §3.2, simulation-model.md §1.2
//! and §7). The types this engine models are listed in
//! `sim/agents/registry.rs`.

use super::coerce::{coerce, coerce_checked, did_you_mean, nearest, Ty, COUNT};
use super::load::Report;
use super::schema::{self, Field, AGENT_SPEC_KEYS, REFERENCE_AGENT_TYPES, SPECIAL_AGENT_SPEC_KEYS};
use super::sections::apply_field;
use super::yaml::{Entry, Node, Value};
use super::{AgentConfig, AgentKind, AgentSpec};
use crate::sim::agents::{ConfigVisitor, ConfigVisitorMut};

pub(super) fn read(e: &Entry, report: &mut Report) -> Vec<AgentSpec> {
    let items = match &e.value.value {
        Value::Seq(items) if !items.is_empty() => items,
        Value::Seq(_) | Value::Null => {
            let why = "no agent entries; a scenario needs at least one";
            report.error(e.value.line, "agents", why);
            return Vec::new();
        }
        _ => {
            let got = e.value.describe();
            report.error(
                e.value.line,
                "agents",
                format!("must be a list of agent entries, got {got}"),
            );
            return Vec::new();
        }
    };
    items
        .iter()
        .enumerate()
        .filter_map(|(i, item)| spec(i, item, report))
        .collect()
}

fn spec(index: usize, item: &Node, report: &mut Report) -> Option<AgentSpec> {
    let path = format!("agents[{index}]");
    let Some(entries) = item.entries() else {
        let got = item.describe();
        report.error(
            item.line,
            &path,
            format!("expected a mapping with 'type' and 'count', got {got}"),
        );
        return None;
    };
    let kind = match entries.iter().find(|e| e.key == "type") {
        None => Some(AgentKind::Honest), // the reference's default
        Some(e) => agent_kind(e, &format!("{path}.type"), report),
    };
    let mut config = kind.map(AgentConfig::default_for);
    let mut count = 1;
    let mut name = None;
    for e in entries {
        let key_path = format!("{path}.{}", e.key);
        match e.key.as_str() {
            "type" => {}
            "count" => match coerce_checked(Ty::Int, COUNT, &e.value) {
                Ok(v) => count = v.int_into(),
                Err(m) => report.error(e.value.line, &key_path, m),
            },
            "name" if e.value.is_null() => name = None,
            "name" => match coerce(Ty::Str, &e.value) {
                Ok(v) => name = Some(v.to_string()),
                Err(m) => report.error(e.value.line, &key_path, m),
            },
            "config" => {
                if let Some(config) = config.as_mut() {
                    read_config(e, config, &key_path, report);
                }
            }
            key if SPECIAL_AGENT_SPEC_KEYS.contains(&key) => {
                let why = "only read for the reference's special agent types (llm, council, ...); ignored";
                report.warn(e.key_line, &key_path, why);
            }
            key => {
                let hint = did_you_mean(key, AGENT_SPEC_KEYS.iter().copied());
                report.warn(
                    e.key_line,
                    &key_path,
                    format!("unknown key, ignored by the reference{hint}"),
                );
            }
        }
    }
    Some(AgentSpec {
        kind: kind?,
        count,
        name,
        config: config?,
    })
}

fn agent_kind(e: &Entry, path: &str, report: &mut Report) -> Option<AgentKind> {
    let name = match coerce(Ty::Str, &e.value) {
        Ok(v) => v.to_string(),
        Err(m) => {
            report.error(e.value.line, path, m);
            return None;
        }
    };
    let kind = AgentKind::parse(&name);
    if kind.is_none() {
        report.error(e.value.line, path, unsupported_type(&name));
    }
    kind
}

fn unsupported_type(name: &str) -> String {
    let core: Vec<&str> = AgentKind::ALL.iter().map(|k| k.as_str()).collect();
    let mut message = format!(
        "agent type '{name}' is not supported by this engine (supported: {})",
        core.join(", ")
    );
    if REFERENCE_AGENT_TYPES.contains(&name) {
        message.push_str(
            "; the reference has it, but this engine does not model it yet (docs/coverage.md)",
        );
    } else if let Some(close) = nearest(name, core.iter().copied()) {
        message.push_str(&format!("; did you mean '{close}'?"));
    } else if let Some(close) = nearest(name, REFERENCE_AGENT_TYPES.iter().copied()) {
        message.push_str(&format!(
            "; the nearest reference type is '{close}', also unsupported"
        ));
    }
    message
}

fn read_config(e: &Entry, config: &mut AgentConfig, path: &str, report: &mut Report) {
    if e.value.is_null() {
        return;
    }
    let Some(entries) = e.value.entries() else {
        let got = e.value.describe();
        report.error(e.value.line, path, format!("must be a mapping, got {got}"));
        return;
    };
    for item in entries {
        let key = item.key.as_str();
        let key_path = format!("{path}.{key}");
        let known = config.visit_mut(ApplyYaml {
            report,
            key,
            path: &key_path,
            entry: item,
        });
        if !known {
            report.warn(
                item.key_line,
                &key_path,
                unknown_config_key(config.kind(), key),
            );
        }
    }
}

/// Validates and stores one `config:` key through the type's table.
struct ApplyYaml<'a> {
    report: &'a mut Report,
    key: &'a str,
    path: &'a str,
    entry: &'a Entry,
}

impl ConfigVisitorMut for ApplyYaml<'_> {
    type Out = bool;
    fn visit<T: 'static>(self, fields: &'static [Field<T>], config: &mut T) -> bool {
        apply_field(self.report, fields, config, self.key, self.path, self.entry)
    }
}

/// The `config:` keys of agents of `kind`.
pub(super) fn config_keys(kind: AgentKind) -> Vec<&'static str> {
    struct Keys;
    impl ConfigVisitor for Keys {
        type Out = Vec<&'static str>;
        fn visit<T: 'static>(self, fields: &'static [Field<T>], _: &T) -> Self::Out {
            schema::keys(fields).collect()
        }
    }
    kind.visit_fields(Keys)
}

fn unknown_config_key(kind: AgentKind, key: &str) -> String {
    let owner = AgentKind::ALL
        .iter()
        .copied()
        .find(|k| config_keys(*k).contains(&key));
    match owner {
        Some(owner) => format!("a setting of {owner} agents, which {kind} agents ignore"),
        None => format!(
            "not a setting of {kind} agents; ignored by the reference{}",
            did_you_mean(key, config_keys(kind))
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::params::ParamValue;

    #[test]
    fn unsupported_types_name_the_supported_ones_and_the_nearest() {
        let m = unsupported_type("honset");
        assert!(m.starts_with("agent type 'honset' is not supported by this engine (supported: honest, opportunistic, deceptive, adversarial"));
        assert!(m.ends_with("did you mean 'honest'?"), "{m}");
        assert!(unsupported_type("spam_bot").contains("the reference has it"));
        assert!(unsupported_type("spam_bott").contains("nearest reference type is 'spam_bot'"));
    }

    #[test]
    fn config_keys_of_other_types_are_explained() {
        let m = unknown_config_key(AgentKind::Honest, "attack_probability");
        assert_eq!(
            m,
            "a setting of adversarial agents, which honest agents ignore"
        );
        let m = unknown_config_key(AgentKind::Honest, "post_probabilty");
        assert!(m.ends_with("did you mean 'post_probability'?"), "{m}");
    }

    #[test]
    fn count_conversion_keeps_value() {
        assert_eq!(ParamValue::Int(7).int_into::<u32>(), 7);
    }
}
