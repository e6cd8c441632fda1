//! Every shipped scenario loads (warnings at most) with the values it states.

use swarm_sweep::scenario::{load_file, AgentKind, LoadOptions, Loaded, ScheduleMode};

use crate::common::bundled_scenario;

fn load(name: &str) -> Loaded {
    let path = bundled_scenario(name);
    match load_file(&path, LoadOptions::default()) {
        Ok(loaded) => loaded,
        Err(e) => panic!("{name} failed to load:\n{e}"),
    }
}

#[test]
fn all_six_scenarios_load() {
    let dir = bundled_scenario("");
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".yaml"))
        .collect();
    names.sort();
    assert_eq!(names.len(), 6, "{names:?}");
    for name in &names {
        let loaded = load(name);
        for w in &loaded.warnings {
            println!("{w:?}");
        }
    }
}

#[test]
fn alignment_waltz_values() {
    let s = load("alignment_waltz_targeted_feedback.yaml").scenario;
    assert_eq!(s.scenario_id, "alignment_waltz_targeted_feedback");
    assert_eq!(s.motif, "safety_feedback");
    assert_eq!(s.governance.freeze_threshold_toxicity, 0.6);
    assert_eq!(s.governance.freeze_threshold_violations, 2);
    assert!(s.governance.audit_enabled && s.governance.security_enabled);
    assert_eq!(s.governance.audit_probability, 0.2);
    assert_eq!(s.governance.audit_threshold_p, 0.6);
    assert_eq!(s.governance.security_penalty_multiplier, 1.5);
    assert_eq!(s.simulation.seed, Some(101));
    assert_eq!(
        (s.simulation.n_epochs, s.simulation.steps_per_epoch),
        (20, 12)
    );
    assert_eq!(s.simulation.schedule_mode, ScheduleMode::RoundRobin);
    assert_eq!(s.rate_limits.interactions_per_step, 4);
    assert_eq!(s.rate_limits.bids_per_epoch, 5, "default");
    assert_eq!(
        (s.payoff.s_plus, s.payoff.w_rep, s.payoff.rho_a),
        (2.5, 1.5, 0.0)
    );
    let kinds: Vec<_> = s.agents.iter().map(|a| (a.kind, a.count)).collect();
    assert_eq!(
        kinds,
        [
            (AgentKind::Honest, 3),
            (AgentKind::Opportunistic, 2),
            (AgentKind::Deceptive, 1),
            (AgentKind::Adversarial, 1)
        ]
    );
    assert_eq!(
        s.success_criteria,
        [("toxicity_threshold".to_string(), 0.35)]
    );
    assert_eq!(
        s.outputs.event_log.as_deref(),
        Some("logs/alignment_waltz_targeted_feedback_events.jsonl")
    );
    assert!(s.network.is_none());
}

#[test]
fn baseline_values() {
    let loaded = load("baseline.yaml");
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    let s = loaded.scenario;
    let total: u32 = s.agents.iter().map(|a| a.count).sum();
    assert_eq!(total, 5);
    assert_eq!(s.simulation.seed, Some(42));
    assert_eq!(s.governance, Default::default());
    assert_eq!(s.payoff, Default::default());
    let criteria: Vec<_> = s
        .success_criteria
        .iter()
        .map(|(k, v)| (k.as_str(), *v))
        .collect();
    assert_eq!(
        criteria,
        [
            ("min_epochs", 10.0),
            ("min_agents", 5.0),
            ("toxicity_threshold", 0.5)
        ]
    );
    assert_eq!(
        s.outputs.metrics_csv.as_deref(),
        Some("logs/baseline_metrics.csv")
    );
}

#[test]
fn collusion_detection_network_and_criteria() {
    let loaded = load("collusion_detection.yaml");
    let s = &loaded.scenario;
    let net = s.network.as_ref().expect("network section");
    assert_eq!(net.topology, "small_world");
    assert_eq!((net.k, net.p, net.m), (4, 0.2, 2));
    assert!(net.dynamic);
    assert_eq!((net.edge_decay_rate, net.max_edge_weight), (0.03, 1.0));
    assert_eq!(s.governance.collusion_penalty_multiplier, 1.5);
    assert!(s.governance.collusion_realtime_penalty);
    assert_eq!(s.governance.stake_slash_rate, 0.15);
    // Criteria the reference does not evaluate are kept, with a warning each.
    assert_eq!(s.success_criteria.len(), 3);
    let unevaluated = loaded
        .warnings
        .iter()
        .filter(|w| w.message.contains("success_criteria."))
        .count();
    assert_eq!(unevaluated, 3, "{:?}", loaded.warnings);
    assert!(s.outputs.event_log.is_none());
}

#[test]
fn remaining_scenarios_values() {
    let s = load("strict_governance.yaml").scenario;
    assert_eq!(
        (
            s.governance.transaction_tax_rate,
            s.governance.transaction_tax_split
        ),
        (0.10, 0.6)
    );
    assert_eq!(
        (
            s.governance.bandwidth_cap,
            s.governance.freeze_duration_epochs
        ),
        (8, 3)
    );
    assert_eq!(
        (s.payoff.rho_a, s.payoff.rho_b, s.payoff.h),
        (0.2, 0.2, 3.0)
    );
    assert_eq!(s.simulation.seed, Some(456));

    let s = load("macpo_weak_to_strong.yaml").scenario;
    assert!(s.governance.vote_normalization_enabled);
    assert_eq!(s.governance.max_vote_weight_per_agent, 4.0);
    assert_eq!(s.governance.reputation_decay_rate, 0.9);
    assert_eq!(s.payoff.w_rep, 1.2);

    let s = load("security_evaluation.yaml").scenario;
    assert_eq!(
        s.description,
        "Evaluate security detection with malicious and benign agents"
    );
    assert_eq!(s.motif, "");
    assert_eq!(s.governance.security_realtime_threshold, 0.4);
    assert_eq!(s.governance.security_laundering_trust_gap, 0.25);
    assert_eq!(s.rate_limits, Default::default());
    assert_eq!(
        (s.simulation.n_epochs, s.simulation.steps_per_epoch),
        (30, 15)
    );
}

/// Corrupting the shipped files one character at a time (at 12 spread-out
/// places per file) gives errors or warnings, never a panic.
#[test]
fn mutated_scenarios_never_panic() {
    use swarm_sweep::scenario::load_str;
    let dir = bundled_scenario("");
    for entry in std::fs::read_dir(dir).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        let chars: Vec<char> = text.chars().collect();
        for i in (0..chars.len()).step_by(chars.len() / 12 + 1) {
            for replacement in [
                "", ":", "-", " ", "\n", "[", "\"", "&a", "*a", "!", "9", "é",
            ] {
                let head: String = chars[..i].iter().collect();
                let tail: String = chars[i + 1..].iter().collect();
                let mutated = head + replacement + &tail;
                let _ = load_str(
                    &mutated,
                    "mutated.yaml",
                    LoadOptions {
                        strict: i % 2 == 0,
                        allow_unmodelled: i % 3 == 0,
                    },
                );
            }
        }
    }
}
