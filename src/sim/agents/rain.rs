//! Rain agents (the reference's `RainAgent`;
//! docs/model/work-regime-coding-skillrl-ralph.md §4.5.2-4.5.3): honest
//! agents without memory persistence. At every epoch end their trust memory
//! is cleared; a later read rebuilds an agent's trust from the accepted
//! interactions with it still in the history (and stores it), while an
//! outcome update without a stored value starts again from 0.5.

use super::decide::behaves_as_honest;
use super::honest::{Config, Honest};
use super::{AgentType, Base, EpochEnd, Hooks};
use crate::scenario::Archetype;

#[derive(Debug, Clone)]
pub struct Rain(Honest);

impl AgentType for Rain {
    type Config = Config;
    const NAME: &'static str = "rain";
    const ARCHETYPE: Archetype = Archetype::Honest;
    const HOOKS: Hooks = Hooks {
        epoch_end: true,
        trust_rebuild: true,
        ..Hooks::NONE
    };
    behaves_as_honest!();

    /// `apply_memory_decay` with epistemic persistence 0.
    fn on_epoch_end(&mut self, base: &mut Base, _end: &EpochEnd) {
        base.clear_trust();
    }
}

#[cfg(test)]
mod tests {
    use super::super::{AgentConfig, InteractionType, Mind, Outcome};
    use super::*;
    use crate::rng::PyRandom;

    fn outcome(other: usize, accepted: bool, p: f64) -> Outcome {
        Outcome {
            other,
            accepted,
            p,
            payoff: 0.0,
            itype: InteractionType::Collaboration,
        }
    }

    /// §4.5.3: after the clear, a read rebuilds trust from the accepted
    /// interactions still in the history and stores it; an update without
    /// a stored value starts from 0.5.
    #[test]
    fn a_cleared_memory_is_rebuilt_on_read_and_not_on_update() {
        let mut rng = PyRandom::new(1);
        let cfg = AgentConfig::default_for(super::super::AgentKind::Rain);
        let mut m = Mind::new(0, 3, &cfg, &mut rng);
        m.record_outcome(outcome(1, true, 0.8));
        m.record_outcome(outcome(1, false, 0.1));
        m.record_outcome(outcome(1, true, 0.6));
        m.record_outcome(outcome(2, true, 0.9));
        let end = EpochEnd {
            epoch: 0,
            peer_avg_payoff: 0.0,
        };
        m.on_epoch_end(&end);
        let rebuilt = (0.5 * (1.0 - 0.3) + 0.8 * 0.3) * (1.0 - 0.3) + 0.6 * 0.3;
        assert_eq!(m.trust(1), rebuilt);
        // Stored: the next update builds on it.
        m.record_outcome(outcome(1, true, 0.4));
        assert_eq!(m.trust(1), rebuilt * (1.0 - 0.3) + 0.4 * 0.3);
        // Agent 2 is not read before its update: the update starts at 0.5.
        m.record_outcome(outcome(2, false, 0.2));
        assert_eq!(m.trust(2), 0.5 * (1.0 - 0.1) + 0.5 * 0.1);
    }
}
