//! Readers for the two market sections this engine models: `marketplace:`
//! (bounties, bids, escrow) and `contracts:` (the contract market), with the
//! reference's rules for when it builds them and which values fail
//! (docs/model/markets.md §A.1, §B.1).

use super::coerce::{coerce, Ty};
use super::handler_section::{built, section_entries, table_key, unknown_key};
use super::load::Report;
use super::schema::{self, Field};
use super::sections::apply_field;
use super::yaml::{Entry, Value};
use super::{ContractsConfig, MarketplaceConfig, Scenario};
use crate::suggest::did_you_mean;

/// `marketplace:`: built unless falsy or `enabled` is the boolean false.
pub(super) fn marketplace(e: &Entry, report: &mut Report) -> Option<MarketplaceConfig> {
    let entries = built(e, report)?;
    if let Some(enabled) = entries.iter().find(|x| x.key == "enabled") {
        // Anything but false builds it; pydantic still checks the value
        // (its own `enabled` is never read again).
        if let Err(m) = coerce(Ty::Bool, &enabled.value) {
            report.error(enabled.value.line, "marketplace.enabled", m);
        }
    }
    let mut cfg = MarketplaceConfig::default();
    for x in entries.iter().filter(|x| x.key != "enabled") {
        table_key(
            "marketplace",
            schema::MARKETPLACE,
            &["enabled"],
            x,
            &mut cfg,
            report,
        );
    }
    Some(cfg)
}

/// `contracts:`: any truthy mapping builds the market (`enabled` is not
/// read). The contracts are built with the sub-sections as keyword
/// arguments, so a sub-section that is not a mapping, an unknown key in a
/// contract, or a value that is not a number fails in the reference.
pub(super) fn contracts(e: &Entry, report: &mut Report) -> Option<ContractsConfig> {
    let entries = section_entries(e, report)?;
    let mut cfg = ContractsConfig::default();
    for sub in entries {
        let path = format!("contracts.{}", sub.key);
        match sub.key.as_str() {
            "truthful_auction" => {
                if let Some(m) = kwargs(sub, &path, report) {
                    contract(
                        m,
                        &path,
                        schema::TRUTHFUL_AUCTION,
                        &mut cfg.truthful_auction,
                        report,
                    );
                }
            }
            "fair_division" => {
                if let Some(m) = kwargs(sub, &path, report) {
                    contract(
                        m,
                        &path,
                        schema::FAIR_DIVISION,
                        &mut cfg.fair_division,
                        report,
                    );
                }
            }
            "market" => {
                if let Some(m) = kwargs(sub, &path, report) {
                    for x in m {
                        let key_path = format!("{path}.{}", x.key);
                        let table = schema::CONTRACT_MARKET;
                        if !apply_field(report, table, &mut cfg.market, &x.key, &key_path, x) {
                            let why = unknown_key(&x.key, schema::keys(table));
                            report.warn(x.key_line, &key_path, why);
                        }
                    }
                }
            }
            "enabled" => {
                let why = "not read by the reference: any non-empty 'contracts' mapping builds the contract market; ignored";
                report.warn(sub.key_line, &path, why);
            }
            "default_market" => {
                let why = "parsed but never used by the reference (its default market always adds a friction of 0.05); ignored";
                report.warn(sub.key_line, &path, why);
            }
            key => {
                let candidates = schema::CONTRACT_SUBSECTIONS.iter().copied();
                report.warn(sub.key_line, &path, unknown_key(key, candidates));
            }
        }
    }
    Some(cfg)
}

/// A sub-section passed as `**kwargs`: it must be a mapping (an empty one
/// means the defaults).
fn kwargs<'a>(sub: &'a Entry, path: &str, report: &mut Report) -> Option<&'a [Entry]> {
    match &sub.value.value {
        Value::Map(entries) => Some(entries),
        _ => {
            let got = sub.value.describe();
            let why = format!("must be a mapping (the reference fails on {got})");
            report.error(sub.value.line, path, why);
            None
        }
    }
}

/// A contract's keyword arguments: plain Python, so an unknown key fails
/// and a string is not taken for a number.
fn contract<T>(
    entries: &[Entry],
    path: &str,
    table: &'static [Field<T>],
    target: &mut T,
    report: &mut Report,
) {
    for x in entries {
        let key_path = format!("{path}.{}", x.key);
        if schema::find(table, &x.key).is_none() {
            let why = format!(
                "not a setting of this contract (the reference fails on it){}",
                did_you_mean(&x.key, schema::keys(table))
            );
            report.error(x.key_line, &key_path, why);
            continue;
        }
        if let Value::Str(_) = x.value.value {
            let why = format!(
                "expected a number, got {} (the reference compares it as a number and fails)",
                x.value.describe()
            );
            report.error(x.value.line, &key_path, why);
            continue;
        }
        apply_field(report, table, target, &x.key, &key_path, x);
    }
}

/// What agents of this scenario would do with its marketplace in the
/// reference that they do not do here: one line per agent type (with agents)
/// whose reference `act` reads bounties, bids or tasks in branches this
/// engine does not model. Empty without a marketplace (those fields are
/// then empty in the reference too).
pub(super) fn unmodelled_with(s: &Scenario) -> Vec<String> {
    if s.marketplace.is_none() {
        return Vec::new();
    }
    let mut kinds: Vec<_> = s
        .agents
        .iter()
        .filter(|a| a.count > 0)
        .map(|a| a.kind)
        .collect();
    kinds.sort();
    kinds.dedup();
    kinds
        .into_iter()
        .filter_map(|k| {
            let what = k.marketplace_unmodelled()?;
            Some(format!("agents of type '{}': {what}", k.as_str()))
        })
        .collect()
}

/// The fidelity guard for [`unmodelled_with`], reported at the
/// `marketplace:` key.
pub(super) fn check_combination(s: &Scenario, line: usize, report: &mut Report) {
    for what in unmodelled_with(s) {
        report.unmodelled(line, "marketplace", what);
    }
}

#[cfg(test)]
mod tests {
    use crate::scenario::{load_str, LoadOptions, Scenario};

    fn load(body: &str) -> Result<Scenario, String> {
        let text = format!("agents:\n  - type: honest\n{body}");
        load_str(&text, "t.yaml", LoadOptions::default())
            .map(|l| l.scenario)
            .map_err(|e| e.message)
    }

    /// Every agent type, by what its reference `act` does when the scenario
    /// builds a marketplace (bounties, bids and the tasks they create are
    /// only ever non-empty then). A new type must be placed here.
    const MARKET_MODELLED: &[&str] = &[
        "honest",
        "opportunistic",
        "deceptive",
        "adversarial",
        "cautious_reciprocator",
        // Honest agents underneath: the honest marketplace branches.
        "rain",
        "river",
        "ralph_loop",
    ];
    /// They read bounties, bids or tasks only in branches 1.9.0 cannot reach:
    /// bids only reach bounty posters (honest, adversarial), claimed tasks
    /// never become "in_progress", and bounty tasks are all "medium" (the
    /// cautious agent claims only trivial or easy ones).
    const MARKET_UNREACHABLE: &[&str] = &["cautious", "modeling_adversary", "threshold_dancer"];
    const MARKET_NEVER_READ: &[&str] = &[
        "adaptive_adversary",
        "skillrl",
        "retriever",
        "synthesizer",
        "verifier",
        "adversarial_retriever",
        "adversarial_synthesizer",
        "collusive_verifier",
        "diligent_recorder",
        "memory_poisoner",
        "cache_gamer",
        "awm_agent",
        "rivals_producer",
        "rivals_critic",
        "tierra",
        "fair_negotiator",
        "greedy_negotiator",
        "strategic_negotiator",
        "toy",
    ];
    /// Measured: beside marketplace_economy's agents each of these changes
    /// the reference's numbers, and this engine's did not follow.
    const MARKET_REFUSED: &[&str] = &[
        "ldt",
        "self_optimizer",
        "obfuscating",
        "rlm",
        "work_regime",
        "coding_agent",
        "hyperagent_self_mod",
    ];

    fn with_market(kind: &str, count: u32) -> Result<Scenario, String> {
        let text = format!(
            "agents:\n  - type: honest\n  - type: {kind}\n    count: {count}\nmarketplace:\n  enabled: true\n"
        );
        load_str(&text, "t.yaml", LoadOptions::default())
            .map(|l| l.scenario)
            .map_err(|e| e.message)
    }

    #[test]
    fn every_agent_type_is_classified_for_the_marketplace() {
        use crate::sim::agents::AgentKind;
        let lists = [
            MARKET_MODELLED,
            MARKET_UNREACHABLE,
            MARKET_NEVER_READ,
            MARKET_REFUSED,
        ];
        for kind in AgentKind::ALL {
            let name = kind.as_str();
            let n = lists.iter().filter(|l| l.contains(&name)).count();
            assert_eq!(n, 1, "{name}: in {n} of the marketplace lists");
            let refused = MARKET_REFUSED.contains(&name);
            assert_eq!(kind.marketplace_unmodelled().is_some(), refused, "{name}");
        }
        let known = lists.iter().flat_map(|l| l.iter());
        for name in known {
            assert!(AgentKind::parse(name).is_some(), "{name}: not a type");
        }
    }

    #[test]
    fn a_marketplace_beside_a_type_whose_branches_are_unmodelled_is_refused() {
        for name in MARKET_REFUSED {
            let e = with_market(name, 2).unwrap_err();
            let want = format!(
                "t.yaml:5: marketplace: read by the reference but not modelled here: agents of type '{name}': with a marketplace the reference's"
            );
            assert!(e.contains(&want), "{e}");
            assert!(e.contains("--allow-unmodelled"), "{e}");
            // No agents of the type, no divergence.
            assert!(with_market(name, 0).is_ok(), "{name}");
            // Without a marketplace its fields stay empty in the reference too.
            let text = format!("agents:\n  - type: {name}\nmarketplace:\n  enabled: false\n");
            assert!(load_str(&text, "t.yaml", LoadOptions::default()).is_ok());
            // Run anyway, marked partial.
            let opts = LoadOptions {
                allow_unmodelled: true,
                ..LoadOptions::default()
            };
            let text = format!("agents:\n  - type: {name}\nmarketplace:\n  enabled: true\n");
            let loaded = load_str(&text, "t.yaml", opts).unwrap();
            assert_eq!(loaded.scenario.unmodelled, vec!["marketplace".to_string()]);
        }
        for name in MARKET_MODELLED
            .iter()
            .chain(MARKET_UNREACHABLE)
            .chain(MARKET_NEVER_READ)
        {
            if *name == "toy" {
                continue;
            }
            if let Err(e) = with_market(name, 2) {
                assert!(!e.contains("marketplace:"), "{name}: {e}");
            }
        }
    }

    #[test]
    fn marketplace_is_built_unless_falsy_or_switched_off() {
        assert!(load("marketplace: {}\n").unwrap().marketplace.is_none());
        assert!(load("marketplace:\n  enabled: false\n")
            .unwrap()
            .marketplace
            .is_none());
        let m = load("marketplace:\n  enabled: 0\n  min_bounty_amount: 2\n")
            .unwrap()
            .marketplace
            .unwrap();
        assert_eq!(m.min_bounty_amount, 2.0);
        assert_eq!(m.max_bids_per_bounty, 10);
        let e = load("marketplace:\n  max_bids_per_bounty: 0\n").unwrap_err();
        assert!(
            e.contains("t.yaml:4: marketplace.max_bids_per_bounty: must be >= 1"),
            "{e}"
        );
        let e = load("marketplace: yes\n").unwrap_err();
        assert!(e.contains("marketplace: must be a mapping"), "{e}");
    }

    #[test]
    fn contracts_are_built_from_any_mapping_and_checked_like_the_reference() {
        let c = load("contracts:\n  enabled: false\n")
            .unwrap()
            .contracts
            .unwrap();
        assert_eq!(c, Default::default());
        let c = load("contracts:\n  fair_division:\n    entry_fee: 3\n  market:\n    belief_update_rate: 5.0\n    shiny: 1\n")
            .unwrap()
            .contracts
            .unwrap();
        assert_eq!(c.fair_division.entry_fee, 3.0);
        assert_eq!(c.market.belief_update_rate, 5.0);
        let e = load("contracts:\n  truthful_auction:\n    stake: 0.1\n").unwrap_err();
        assert!(
            e.contains("t.yaml:5: contracts.truthful_auction.stake: not a setting"),
            "{e}"
        );
        let e = load("contracts:\n  fair_division:\n    entry_fee: '2'\n").unwrap_err();
        assert!(
            e.contains("contracts.fair_division.entry_fee: expected a number"),
            "{e}"
        );
        let e = load("contracts:\n  fair_division:\n    redistribution_rate: 1.5\n").unwrap_err();
        assert!(e.contains("must be in [0, 1]"), "{e}");
        let e = load("contracts:\n  market: null\n").unwrap_err();
        assert!(e.contains("contracts.market: must be a mapping"), "{e}");
        let e = load("contracts: yes\n").unwrap_err();
        assert!(e.contains("contracts: must be a mapping"), "{e}");
    }
}
