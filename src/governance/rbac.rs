//! Role-based access control (docs/model/perturbations-rbac-spawn.md §3.2, §4.8):
//! registered when `rbac_enabled` is on at construction. No agent ever has
//! a role (nothing in the reference assigns one), so the permitted set is
//! always empty and every finalized interaction, accepted or rejected, is a
//! violation: a cost for the initiator and a reputation delta. No draws.

use super::{Effect, GovInteraction};
use crate::scenario::GovernanceConfig;

/// The `action_type` every core interaction carries in its metadata (the
/// proposing action's type).
const ACTION_TYPE: &str = "propose_interaction";

#[derive(Debug, Clone, Default)]
pub struct Rbac;

impl Rbac {
    /// `on_interaction`: the settings are read live (a parameter shock may
    /// change them, or switch the registered lever off).
    pub fn on_interaction(&self, ix: &GovInteraction, cfg: &GovernanceConfig, effect: &mut Effect) {
        if !cfg.rbac_enabled {
            return;
        }
        let mut penalty = cfg.rbac_violation_penalty;
        let mut reputation = cfg.rbac_violation_reputation_penalty;
        if cfg
            .rbac_high_stakes_actions
            .iter()
            .any(|a| a == ACTION_TYPE)
        {
            penalty *= cfg.rbac_high_stakes_penalty_multiplier;
            reputation *= cfg.rbac_high_stakes_penalty_multiplier;
        }
        effect.cost_a += penalty;
        effect.add_reputation(ix.initiator, reputation);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ix(accepted: bool) -> GovInteraction {
        GovInteraction {
            initiator: 1,
            counterparty: 0,
            accepted,
            ..GovInteraction::of_p(0.75)
        }
    }

    fn cfg() -> GovernanceConfig {
        GovernanceConfig {
            rbac_enabled: true,
            ..GovernanceConfig::default()
        }
    }

    #[test]
    fn every_interaction_is_a_violation_rejected_ones_too() {
        for accepted in [true, false] {
            let mut e = Effect::default();
            Rbac.on_interaction(&ix(accepted), &cfg(), &mut e);
            assert_eq!(e.cost_a, 0.5);
            assert_eq!(e.cost_b, 0.0);
            assert_eq!(e.reputation, vec![(1, -0.2)]);
        }
    }

    #[test]
    fn the_multiplier_applies_only_when_proposals_are_high_stakes() {
        // rbac_market's list never names the core interactions' action type.
        let mut c = GovernanceConfig {
            rbac_high_stakes_actions: ["spawn_subagent", "post_bounty", "accept_bid"]
                .map(String::from)
                .to_vec(),
            rbac_high_stakes_penalty_multiplier: 3.0,
            ..cfg()
        };
        let mut e = Effect::default();
        Rbac.on_interaction(&ix(true), &c, &mut e);
        assert_eq!((e.cost_a, e.reputation[0].1), (0.5, -0.2));
        c.rbac_high_stakes_actions.push(ACTION_TYPE.into());
        let mut e = Effect::default();
        Rbac.on_interaction(&ix(true), &c, &mut e);
        assert_eq!((e.cost_a, e.reputation[0].1), (0.5 * 3.0, -0.2 * 3.0));
    }

    #[test]
    fn switched_off_live_it_does_nothing() {
        let c = GovernanceConfig {
            rbac_enabled: false,
            ..cfg()
        };
        let mut e = Effect::default();
        Rbac.on_interaction(&ix(true), &c, &mut e);
        assert!(e.is_empty());
    }
}
