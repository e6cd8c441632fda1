//! River agents (the reference's `RiverAgent`;
//! docs/model/work-regime-coding-skillrl-ralph.md §4.5.1): honest agents
//! with full memory persistence, which is every honest agent's default, so
//! they behave exactly as `honest`; only the id prefix differs.

use super::decide::behaves_as_honest;
use super::honest::{Config, Honest};
use super::AgentType;
use crate::scenario::Archetype;

#[derive(Debug, Clone)]
pub struct River(Honest);

impl AgentType for River {
    type Config = Config;
    const NAME: &'static str = "river";
    const ARCHETYPE: Archetype = Archetype::Honest;
    behaves_as_honest!();
}
