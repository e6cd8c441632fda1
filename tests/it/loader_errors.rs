//! Malformed scenarios fail with a message naming the file, the key path and
//! the line; keys the reference ignores warn, and fail only in strict mode.

use std::path::PathBuf;

use swarm_sweep::scenario::{load_file, AgentKind, LoadOptions, Loaded};

use crate::common::{assert_contains, test_data};

const DEFAULT: LoadOptions = LoadOptions {
    strict: false,
    allow_unmodelled: false,
};
const STRICT: LoadOptions = LoadOptions {
    strict: true,
    allow_unmodelled: false,
};
const ALLOW: LoadOptions = LoadOptions {
    strict: false,
    allow_unmodelled: true,
};

fn data(name: &str) -> PathBuf {
    test_data("malformed").join(name)
}

fn error(name: &str, opts: LoadOptions) -> String {
    match load_file(&data(name), opts) {
        Ok(loaded) => panic!("{name} loaded, expected an error: {:?}", loaded.warnings),
        Err(e) => e.to_string(),
    }
}

fn loaded(name: &str) -> Loaded {
    load_file(&data(name), DEFAULT).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// The message has a line `<file>:<line>: <path>: ...<text>...`.
#[track_caller]
fn assert_reported(message: &str, name: &str, line: usize, path: &str, text: &str) {
    let prefix = format!("{}:{line}: {path}: ", data(name).display());
    let found = message
        .lines()
        .any(|l| l.starts_with(&prefix) && l.contains(text));
    assert!(found, "expected `{prefix}...{text}...` in:\n{message}");
}

#[test]
fn bad_yaml_syntax_gives_line_and_column() {
    let m = error("bad_syntax.yaml", DEFAULT);
    let file = data("bad_syntax.yaml").display().to_string();
    assert!(m.starts_with(&format!("{file}:7:")), "{m}");
    assert_contains(&m, "invalid YAML");
}

#[test]
fn wrong_type() {
    let m = error("wrong_type.yaml", DEFAULT);
    let text = "expected true or false, got the string 'maybe'";
    assert_reported(
        &m,
        "wrong_type.yaml",
        5,
        "governance.circuit_breaker_enabled",
        text,
    );
}

#[test]
fn probability_out_of_range() {
    let m = error("probability_out_of_range.yaml", DEFAULT);
    let file = data("probability_out_of_range.yaml").display().to_string();
    assert_eq!(
        m,
        format!("{file}:8: governance.audit_probability: must be in [0, 1], got 1.5")
    );
}

#[test]
fn negative_count() {
    let m = error("negative_count.yaml", DEFAULT);
    assert_reported(
        &m,
        "negative_count.yaml",
        6,
        "agents[1].count",
        "must be >= 0, got -2",
    );
}

#[test]
fn zero_epochs() {
    let m = error("zero_epochs.yaml", DEFAULT);
    assert_reported(
        &m,
        "zero_epochs.yaml",
        5,
        "simulation.n_epochs",
        "must be >= 1, got 0",
    );
}

#[test]
fn unknown_agent_type_lists_supported_and_suggests() {
    let m = error("unknown_agent_type.yaml", DEFAULT);
    // The list names every registered type (registry order), then the hint.
    let supported: Vec<&str> = AgentKind::ALL.iter().map(|k| k.as_str()).collect();
    let text = format!(
        "agent type 'honset' is not supported by this engine (supported: {}); did you mean 'honest'?",
        supported.join(", ")
    );
    assert_reported(&m, "unknown_agent_type.yaml", 5, "agents[1].type", &text);
}

#[test]
fn reference_only_agent_type() {
    let m = error("reference_only_agent_type.yaml", DEFAULT);
    let text = "agent type 'spam_bot' is not supported by this engine";
    assert_reported(
        &m,
        "reference_only_agent_type.yaml",
        3,
        "agents[0].type",
        text,
    );
    assert_contains(&m, "the reference has it");
}

#[test]
fn misspelled_key_warns_by_default_and_fails_in_strict_mode() {
    let text = "did you mean 'audit_probability'?";
    let l = loaded("misspelled_key.yaml");
    assert_eq!(l.warnings.len(), 1, "{:?}", l.warnings);
    assert_reported(
        &l.warnings[0].message,
        "misspelled_key.yaml",
        6,
        "governance.audit_probabilty",
        text,
    );
    assert_eq!(
        l.scenario.governance.audit_probability, 0.1,
        "the misspelled key is ignored"
    );
    let m = error("misspelled_key.yaml", STRICT);
    assert_reported(
        &m,
        "misspelled_key.yaml",
        6,
        "governance.audit_probabilty",
        text,
    );
}

#[test]
fn empty_file() {
    for name in ["empty.yaml", "comments_only.yaml"] {
        let m = error(name, DEFAULT);
        let file = data(name).display().to_string();
        assert!(m.starts_with(&format!("{file}: file is empty")), "{m}");
    }
}

#[test]
fn top_level_list() {
    let m = error("top_level_list.yaml", DEFAULT);
    let file = data("top_level_list.yaml").display().to_string();
    assert_eq!(
        m,
        format!("{file}:1: the top level must be a mapping of sections, got a list")
    );
}

#[test]
fn null_simulation_section_is_an_error_but_null_governance_means_defaults() {
    let m = error("null_simulation.yaml", DEFAULT);
    assert_reported(
        &m,
        "null_simulation.yaml",
        4,
        "simulation",
        "section is empty (null)",
    );
    assert_eq!(m.lines().count(), 1, "governance: null is fine: {m}");
}

#[test]
fn null_outputs_section() {
    let m = error("null_outputs.yaml", DEFAULT);
    assert_reported(
        &m,
        "null_outputs.yaml",
        4,
        "outputs",
        "section is empty (null)",
    );
}

#[test]
fn missing_file() {
    let m = error("does_not_exist.yaml", DEFAULT);
    let file = data("does_not_exist.yaml").display().to_string();
    assert_eq!(m, format!("{file}: scenario file not found"));
}

#[test]
fn directory_given_as_the_file() {
    let dir = data("");
    let m = load_file(&dir, DEFAULT).unwrap_err().to_string();
    assert_eq!(
        m,
        format!("{}: is a directory, not a scenario file", dir.display())
    );
}

#[test]
fn unreadable_file_invalid_utf8() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("latin1.yaml");
    std::fs::write(&path, b"scenario_id: x\ndescription: caf\xe9\n").unwrap();
    let m = load_file(&path, DEFAULT).unwrap_err().to_string();
    assert_eq!(m, format!("{}:2: not valid UTF-8 text", path.display()));
}

#[test]
fn empty_agents_list() {
    let m = error("empty_agents.yaml", DEFAULT);
    assert_reported(&m, "empty_agents.yaml", 2, "agents", "no agent entries");
}

#[test]
fn int_field_given_a_fraction() {
    let m = error("int_field_fractional.yaml", DEFAULT);
    let text = "expected an integer, got 2.5 (a number with a fractional part)";
    assert_reported(
        &m,
        "int_field_fractional.yaml",
        5,
        "governance.bandwidth_cap",
        text,
    );
}

#[test]
fn bad_schedule_mode() {
    let m = error("bad_schedule_mode.yaml", DEFAULT);
    let text = "must be one of 'round_robin', 'random', 'priority', got 'roundrobin'; \
                did you mean 'round_robin'?";
    assert_reported(
        &m,
        "bad_schedule_mode.yaml",
        6,
        "simulation.schedule_mode",
        text,
    );
}

#[test]
fn bad_network_topology() {
    let m = error("bad_topology.yaml", DEFAULT);
    assert_reported(
        &m,
        "bad_topology.yaml",
        5,
        "network.topology",
        "got 'hexagonal'",
    );
    assert_contains(&m, "'small_world'");
}

#[test]
fn payoff_theta_above_one() {
    let m = error("payoff_theta.yaml", DEFAULT);
    assert_reported(
        &m,
        "payoff_theta.yaml",
        6,
        "payoff.theta",
        "must be in [0, 1], got 1.2",
    );
}

#[test]
fn string_where_a_number_is_expected() {
    let m = error("string_for_number.yaml", DEFAULT);
    let text = "expected a number, got the string 'lots'";
    assert_reported(&m, "string_for_number.yaml", 5, "payoff.s_plus", text);
}

#[test]
fn duplicate_key() {
    let m = error("duplicate_key.yaml", DEFAULT);
    let text = "duplicate key (first given on line 5)";
    assert_reported(
        &m,
        "duplicate_key.yaml",
        7,
        "governance.audit_probability",
        text,
    );
}

#[test]
fn agent_config_probability_out_of_range() {
    let m = error("agent_config_probability.yaml", DEFAULT);
    let path = "agents[0].config.attack_probability";
    assert_reported(
        &m,
        "agent_config_probability.yaml",
        6,
        path,
        "must be in [0, 1], got 1.5",
    );
}

#[test]
fn network_params_k_below_two() {
    let m = error("network_params_k.yaml", DEFAULT);
    assert_reported(
        &m,
        "network_params_k.yaml",
        7,
        "network.params.k",
        "must be >= 2, got 1",
    );
    assert!(!m.contains("topology"), "the topology is case-folded: {m}");
}

#[test]
fn fractional_seed() {
    let m = error("fractional_seed.yaml", DEFAULT);
    assert_reported(
        &m,
        "fractional_seed.yaml",
        5,
        "simulation.seed",
        "expected an integer, got 2.5",
    );
}

#[test]
fn several_errors_are_reported_together_in_file_order() {
    let m = error("several_errors.yaml", DEFAULT);
    let name = "several_errors.yaml";
    assert_reported(
        &m,
        name,
        4,
        "agents[0].count",
        "expected an integer, got the string 'many'",
    );
    assert_reported(&m, name, 6, "simulation.n_epochs", "must be >= 1, got -1");
    assert_reported(
        &m,
        name,
        7,
        "simulation.steps_per_epoch",
        "must be >= 1, got 0",
    );
    assert_reported(
        &m,
        name,
        9,
        "governance.freeze_threshold_toxicity",
        "must be in [0, 1], got 7",
    );
    assert_eq!(m.lines().count(), 4, "{m}");
}

#[test]
fn ignored_keys_warn_and_strict_mode_rejects_them() {
    let name = "dropped_and_unmodelled.yaml";
    // Line 6 switches on a lever the reference reads and this engine does
    // not model: refused in every mode unless allowed.
    let m = error(name, DEFAULT);
    assert_reported(
        &m,
        name,
        6,
        "governance.incoherence_breaker_enabled",
        "read by the reference but not modelled here: the incoherence breaker lever freezes initiators",
    );
    assert_eq!(m.lines().count(), 2, "the key and the hint: {m}");
    assert!(m.ends_with("--allow-unmodelled runs it anyway and marks the results partial"));

    let l = load_file(&data(name), ALLOW).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(
        l.scenario.unmodelled,
        ["governance.incoherence_breaker_enabled"]
    );
    assert_eq!(l.scenario.fidelity(), "partial");
    assert_eq!(l.unmodelled.len(), 1);
    let all: Vec<&str> = l.warnings.iter().map(|w| w.message.as_str()).collect();
    let joined = all.join("\n");
    assert_reported(
        &joined,
        name,
        5,
        "governance.moderator_enabled",
        "dropped by the reference's YAML loader",
    );
    assert_reported(
        &joined,
        name,
        8,
        "governance.reputation_decay",
        "alias of 'reputation_decay_rate'",
    );
    assert_reported(&joined, name, 10, "domain", "not read by the reference");
    assert_reported(&joined, name, 14, "outputs.plots_dir", "ignored");
    assert_eq!(all.len(), 4, "{joined}");
    // The alias applies when the canonical key is absent; the canonical key wins otherwise.
    assert_eq!(l.scenario.governance.transaction_tax_rate, 0.1);
    assert_eq!(l.scenario.governance.reputation_decay_rate, 0.8);
    assert_eq!(
        l.scenario.outputs.event_log.as_deref(),
        Some("logs/x.jsonl")
    );

    let strict = LoadOptions {
        strict: true,
        ..ALLOW
    };
    let m = error(name, strict);
    assert_eq!(m.lines().count(), 4, "{m}");
    assert_reported(
        &m,
        name,
        5,
        "governance.moderator_enabled",
        "(an error in strict mode)",
    );
}

#[test]
fn network_keys_the_reference_never_reads_warn() {
    let name = "network_shadowed.yaml";
    let l = loaded(name);
    let net = l.scenario.network.as_ref().unwrap();
    assert_eq!((net.topology.as_str(), net.k, net.p), ("ring", 3, 0.1));
    let joined: Vec<&str> = l.warnings.iter().map(|w| w.message.as_str()).collect();
    let joined = joined.join("\n");
    assert_reported(
        &joined,
        name,
        6,
        "network.k",
        "put it under 'params:' or use 'k_neighbors'",
    );
    let shadowed = "shadowed by 'network.params.k_neighbors'";
    assert_reported(&joined, name, 7, "network.k_neighbors", shadowed);
    let typo = "did you mean 'rewire_probability'?";
    assert_reported(&joined, name, 10, "network.params.rewire_probabilty", typo);
    assert_eq!(l.warnings.len(), 3, "{joined}");
}
