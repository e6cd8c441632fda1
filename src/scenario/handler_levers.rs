//! The levers and modules that would meet a domain handler's interactions
//! in ways this engine does not trace: one table serves the memory,
//! scholar, AWM and rivals handlers' fidelity guards
//! (docs/model/tierra-awm-memory-negotiation-rivals.md §2.3).
//!
//! Every handler interaction takes the reference's common path: contract
//! routing, then every governance lever's interaction hook, then (accepted,
//! dynamic network) an edge between the two parties. The parties are what
//! differs: a handler's pseudo counterparty, or the acting agent itself.

use super::Scenario;

/// Whom a handler's interactions are with.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Counterparty {
    /// Pseudo counterparties that are no registered agent, as a message
    /// names them.
    Pseudo(&'static str),
    /// The acting agent itself (a self-pair).
    Itself,
}

/// A domain handler, as its fidelity guard names it.
#[derive(Clone, Copy)]
pub(super) struct Handler {
    pub name: &'static str,
    pub counterparty: Counterparty,
}

impl Counterparty {
    fn named(self) -> &'static str {
        match self {
            Counterparty::Pseudo(parties) => parties,
            Counterparty::Itself => "the acting agent itself",
        }
    }
}

/// A lever or module that treats a handler's interactions as it would an
/// agent pair's.
struct Row {
    /// Whether the scenario switches it on.
    on: fn(&Scenario) -> bool,
    /// Whether it also meets interactions with pseudo counterparties. The
    /// collusion detector keeps only interactions between registered agents
    /// (the reference hands it their ids): pseudo interactions only count
    /// towards its minimum history, which is modelled, but a self-pair is
    /// scored.
    pseudo_too: bool,
    /// What it would do: given the handler's name and its counterparties.
    what: fn(&str, &str) -> String,
}

static ROWS: &[Row] = &[
    Row {
        on: |s| s.governance.security_enabled,
        pseudo_too: true,
        what: |h, c| {
            format!("with governance.security_enabled, the security lever analyses the {h} handler's interactions with {c} as agent pairs (not traced here)")
        },
    },
    Row {
        on: |s| s.governance.sybil_detection_enabled,
        pseudo_too: true,
        what: |h, c| {
            format!("with governance.sybil_detection_enabled, Sybil detection clusters the {h} handler's interactions with {c} as agent pairs (not traced here)")
        },
    },
    Row {
        on: |s| s.governance.collusion_detection_enabled,
        pseudo_too: false,
        what: |h, c| {
            format!("with governance.collusion_detection_enabled, collusion detection scores the {h} handler's interactions with {c} as agent pairs (not traced here)")
        },
    },
    Row {
        on: |s| s.governance.rbac_enabled,
        pseudo_too: true,
        what: |h, _| {
            format!("with governance.rbac_enabled, RBAC skips the {h} handler's interactions (they carry no action type)")
        },
    },
    Row {
        on: |s| s.governance.resample_enabled,
        pseudo_too: true,
        what: |h, _| {
            format!("with governance.resample_enabled, the resample lever samples the {h} handler's agents' actions and its notes ride on their interactions")
        },
    },
    Row {
        on: |s| s.contracts.is_some(),
        pseudo_too: true,
        what: |h, c| {
            format!("with a contract market, the {h} handler's interactions with {c} are routed through contracts")
        },
    },
    // A static network never changes after it is built.
    Row {
        on: |s| s.network.as_ref().is_some_and(|n| n.dynamic),
        pseudo_too: true,
        what: |h, c| {
            format!("with a dynamic network, the {h} handler's interactions add edges with {c} to the network")
        },
    },
];

/// What `handler`'s interactions would meet in `s` that is not modelled.
pub(super) fn unmodelled(s: &Scenario, handler: Handler) -> Vec<String> {
    let pseudo = matches!(handler.counterparty, Counterparty::Pseudo(_));
    ROWS.iter()
        .filter(|row| (row.pseudo_too || !pseudo) && (row.on)(s))
        .map(|row| (row.what)(handler.name, handler.counterparty.named()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{load_str, LoadOptions};

    fn scenario(text: &str) -> Scenario {
        let opts = LoadOptions {
            allow_unmodelled: true,
            ..LoadOptions::default()
        };
        let text = format!("agents:\n  - type: honest\n{text}");
        load_str(&text, "t.yaml", opts).unwrap().scenario
    }

    const MEMORY: Handler = Handler {
        name: "memory",
        counterparty: Counterparty::Pseudo("the pseudo counterparty 'memory_system'"),
    };
    const AWM: Handler = Handler {
        name: "AWM",
        counterparty: Counterparty::Itself,
    };

    #[test]
    fn the_handler_and_its_counterparties_are_named() {
        let s = scenario("governance: {security_enabled: true, rbac_enabled: true}\n");
        assert_eq!(
            unmodelled(&s, MEMORY),
            [
                "with governance.security_enabled, the security lever analyses the memory handler's interactions with the pseudo counterparty 'memory_system' as agent pairs (not traced here)",
                "with governance.rbac_enabled, RBAC skips the memory handler's interactions (they carry no action type)",
            ]
        );
        let s = scenario("network: {topology: ring, dynamic: true}\n");
        assert_eq!(
            unmodelled(&s, AWM),
            ["with a dynamic network, the AWM handler's interactions add edges with the acting agent itself to the network"]
        );
    }

    #[test]
    fn collusion_detection_scores_self_pairs_only_and_a_static_network_nothing() {
        let s = scenario("governance: {collusion_detection_enabled: true}\n");
        assert!(unmodelled(&s, MEMORY).is_empty());
        assert_eq!(
            unmodelled(&s, AWM),
            ["with governance.collusion_detection_enabled, collusion detection scores the AWM handler's interactions with the acting agent itself as agent pairs (not traced here)"]
        );
        let s = scenario("network: {topology: ring}\ncontracts:\n  market: {}\n");
        let [contracts] = &unmodelled(&s, AWM)[..] else {
            panic!("{:?}", unmodelled(&s, AWM));
        };
        assert!(
            contracts.starts_with("with a contract market"),
            "{contracts}"
        );
    }
}
