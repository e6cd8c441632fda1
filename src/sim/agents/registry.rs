//! The agent types this engine models: one line each. The macro derives
//! everything that must know every type — the [`AgentKind`] enum (YAML
//! names), the [`AgentConfig`] enum (their `config:` settings) and the
//! policy enum the run loop dispatches on — so adding a type is one file
//! plus one line here, and the compiler checks the rest.

use super::{
    Action, AgentType, Base, CapabilityProfile, EpochEnd, Hooks, InteractionType, Observation,
    Outcome,
};
use crate::rng::PyRandom;
use crate::scenario::schema::Field;
use crate::scenario::Archetype;

/// Works on one type's `config:` table and settings, whatever the type.
pub(crate) trait ConfigVisitor {
    type Out;
    fn visit<T: 'static>(self, fields: &'static [Field<T>], config: &T) -> Self::Out;
}

/// [`ConfigVisitor`] with write access to the settings.
pub(crate) trait ConfigVisitorMut {
    type Out;
    fn visit<T: 'static>(self, fields: &'static [Field<T>], config: &mut T) -> Self::Out;
}

macro_rules! agent_types {
    ($($(#[$attr:meta])* $variant:ident => $ty:ty),* $(,)?) => {
        /// An agent type this engine models: the YAML `type:` of an
        /// `agents:` entry.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum AgentKind {
            $($(#[$attr])* $variant),*
        }

        impl AgentKind {
            /// Every modelled type, in registry order.
            pub const ALL: &'static [AgentKind] = &[$($(#[$attr])* AgentKind::$variant),*];

            /// The YAML `type:` string, also the agent-id prefix.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($(#[$attr])* AgentKind::$variant => <$ty as AgentType>::NAME),*
                }
            }

            /// The reference's `AgentType` value of agents of this type.
            pub fn archetype(self) -> Archetype {
                match self {
                    $($(#[$attr])* AgentKind::$variant => <$ty as AgentType>::ARCHETYPE),*
                }
            }

            /// The hooks agents of this type use beyond act/accept/outcome.
            pub fn hooks(self) -> Hooks {
                match self {
                    $($(#[$attr])* AgentKind::$variant => <$ty as AgentType>::HOOKS),*
                }
            }

            /// What the reference does with a marketplace that agents of
            /// this type would not do here (`AgentType::MARKETPLACE_UNMODELLED`).
            pub fn marketplace_unmodelled(self) -> Option<&'static str> {
                match self {
                    $($(#[$attr])* AgentKind::$variant => <$ty as AgentType>::MARKETPLACE_UNMODELLED),*
                }
            }

            /// `AgentType::READS_VISIBLE_VALUES`.
            pub fn reads_visible_values(self) -> bool {
                match self {
                    $($(#[$attr])* AgentKind::$variant => <$ty as AgentType>::READS_VISIBLE_VALUES),*
                }
            }

            pub fn parse(s: &str) -> Option<AgentKind> {
                AgentKind::ALL.iter().copied().find(|k| k.as_str() == s)
            }

            /// The type's `config:` settings with the reference's defaults.
            pub fn default_config(self) -> AgentConfig {
                match self {
                    $($(#[$attr])* AgentKind::$variant => AgentConfig::$variant(Default::default())),*
                }
            }

            /// Run `v` on the type's `config:` table (with default settings).
            pub(crate) fn visit_fields<V: ConfigVisitor>(self, v: V) -> V::Out {
                self.default_config().visit(v)
            }
        }

        /// Per-type `config:` settings with the reference's defaults filled in.
        #[derive(Debug, Clone, PartialEq)]
        pub enum AgentConfig {
            $($(#[$attr])* $variant(<$ty as AgentType>::Config)),*
        }

        impl AgentConfig {
            pub fn default_for(kind: AgentKind) -> AgentConfig {
                kind.default_config()
            }

            pub fn kind(&self) -> AgentKind {
                match self {
                    $($(#[$attr])* AgentConfig::$variant(_) => AgentKind::$variant),*
                }
            }

            /// The reference's `AgentType` value of an agent with these settings.
            pub fn archetype(&self) -> Archetype {
                match self {
                    $($(#[$attr])* AgentConfig::$variant(c) => <$ty as AgentType>::archetype(c)),*
                }
            }

            pub(crate) fn visit<V: ConfigVisitor>(&self, v: V) -> V::Out {
                match self {
                    $($(#[$attr])* AgentConfig::$variant(c) => v.visit(<$ty as AgentType>::fields(), c)),*
                }
            }

            pub(crate) fn visit_mut<V: ConfigVisitorMut>(&mut self, v: V) -> V::Out {
                match self {
                    $($(#[$attr])* AgentConfig::$variant(c) => v.visit(<$ty as AgentType>::fields(), c)),*
                }
            }
        }

        /// One agent's type-specific state and decision rules.
        #[derive(Debug, Clone)]
        pub(crate) enum Policy {
            $($(#[$attr])* $variant($ty)),*
        }

        impl Policy {
            pub fn new(config: &AgentConfig, n_agents: usize, rng: &mut PyRandom) -> Policy {
                match config {
                    $($(#[$attr])* AgentConfig::$variant(c) => Policy::$variant(<$ty>::new(c, n_agents, rng))),*
                }
            }

            pub fn act(
                &mut self,
                rng: &mut PyRandom,
                global: Option<&mut PyRandom>,
                base: &Base,
                obs: &Observation,
            ) -> Action {
                // One dispatch on the type; the module-level stream is
                // passed only to the types that draw from it.
                match self {
                    $($(#[$attr])* Policy::$variant(p) => match global {
                        Some(g) if <$ty as AgentType>::HOOKS.global_stream => p.act_global(rng, g, base, obs),
                        _ => p.act(rng, base, obs),
                    }),*
                }
            }

            pub fn accept(
                &mut self,
                rng: &mut PyRandom,
                global: Option<&mut PyRandom>,
                base: &Base,
                initiator: usize,
                itype: InteractionType,
            ) -> bool {
                match self {
                    $($(#[$attr])* Policy::$variant(p) => match global {
                        Some(g) if <$ty as AgentType>::HOOKS.global_stream => p.accept_global(rng, g, base, initiator, itype),
                        _ => p.accept(rng, base, initiator, itype),
                    }),*
                }
            }

            pub fn record_outcome(&mut self, o: Outcome) {
                match self {
                    $($(#[$attr])* Policy::$variant(p) => p.record_outcome(o)),*
                }
            }

            pub fn on_epoch_start(&mut self, epoch: u32) {
                match self {
                    $($(#[$attr])* Policy::$variant(p) => p.on_epoch_start(epoch)),*
                }
            }

            pub fn on_epoch_end(&mut self, base: &mut Base, end: &EpochEnd) {
                match self {
                    $($(#[$attr])* Policy::$variant(p) => p.on_epoch_end(base, end)),*
                }
            }

            pub fn capability_profile(&self) -> Option<CapabilityProfile> {
                match self {
                    $($(#[$attr])* Policy::$variant(p) => p.capability_profile()),*
                }
            }

            pub fn unreproducible(&self) -> Option<&'static str> {
                match self {
                    $($(#[$attr])* Policy::$variant(p) => p.unreproducible()),*
                }
            }
        }
    };
}

agent_types! {
    Honest => super::honest::Honest,
    Opportunistic => super::opportunistic::Opportunistic,
    Deceptive => super::deceptive::Deceptive,
    Adversarial => super::adversarial::Adversarial,
    Ldt => super::ldt::Ldt,
    ModelingAdversary => super::modeling_adversary::ModelingAdversary,
    SelfOptimizer => super::self_optimizer::SelfOptimizer,
    Obfuscating => super::obfuscating::Obfuscating,
    Cautious => super::cautious::Cautious,
    CautiousReciprocator => super::cautious_reciprocator::CautiousReciprocator,
    ThresholdDancer => super::threshold_dancer::ThresholdDancer,
    AdaptiveAdversary => super::adaptive_adversary::AdaptiveAdversary,
    Rlm => super::rlm::Rlm,
    WorkRegime => super::work_regime::WorkRegime,
    CodingAgent => super::coding_agent::CodingAgent,
    Skillrl => super::skillrl::Skillrl,
    HyperagentSelfMod => super::hyperagent_self_mod::HyperagentSelfMod,
    Rain => super::rain::Rain,
    River => super::river::River,
    RalphLoop => super::ralph_loop::RalphLoop,
    FairNegotiator => super::fair_negotiator::FairNegotiator,
    GreedyNegotiator => super::greedy_negotiator::GreedyNegotiator,
    StrategicNegotiator => super::strategic_negotiator::StrategicNegotiator,
    Tierra => super::tierra::Tierra,
    Retriever => super::retriever::Retriever,
    Synthesizer => super::synthesizer::Synthesizer,
    Verifier => super::verifier::Verifier,
    AdversarialRetriever => super::adversarial_retriever::AdversarialRetriever,
    AdversarialSynthesizer => super::adversarial_synthesizer::AdversarialSynthesizer,
    CollusiveVerifier => super::collusive_verifier::CollusiveVerifier,
    DiligentRecorder => super::diligent_recorder::DiligentRecorder,
    MemoryPoisoner => super::memory_poisoner::MemoryPoisoner,
    CacheGamer => super::cache_gamer::CacheGamer,
    AwmAgent => super::awm_agent::AwmAgent,
    RivalsProducer => super::rivals_producer::RivalsProducer,
    RivalsCritic => super::rivals_critic::RivalsCritic,
    // docs/extending.md's example: a type that exists only in unit tests.
    #[cfg(test)]
    Toy => super::toy::Toy,
}
