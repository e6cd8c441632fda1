//! The parties of an interaction. Agents are numbered 0..n in registration
//! order; after them come the pseudo counterparties that domain handlers
//! name in the interactions they finalize (docs/model/scholar.md §4, and
//! docs/model/tierra-awm-memory-negotiation-rivals.md §2.3): party
//! `n + k` is `Pseudo::ALL[k]`. A pseudo party is no agent: it has no
//! state, no memory and no reputation, but its payoff counts in welfare.

/// A handler's non-agent counterparty, by the reference's id string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pseudo {
    /// The scholar handler's passage retrievals.
    Corpus,
    /// The scholar handler's answer syntheses.
    SynthesisEngine,
    /// The scholar handler's citation verifications.
    VerificationOracle,
    /// The memory-tier handler's writes.
    MemorySystem,
}

impl Pseudo {
    pub const ALL: [Pseudo; 4] = [
        Pseudo::Corpus,
        Pseudo::SynthesisEngine,
        Pseudo::VerificationOracle,
        Pseudo::MemorySystem,
    ];

    /// The reference's counterparty id.
    pub fn id(self) -> &'static str {
        match self {
            Pseudo::Corpus => "corpus",
            Pseudo::SynthesisEngine => "synthesis_engine",
            Pseudo::VerificationOracle => "verification_oracle",
            Pseudo::MemorySystem => "memory_system",
        }
    }

    /// Its party number in a run with `n_agents` agents.
    pub fn party(self, n_agents: usize) -> usize {
        n_agents + self as usize
    }
}

/// How many parties a run with `n_agents` agents can have.
pub fn n_parties(n_agents: usize) -> usize {
    n_agents + Pseudo::ALL.len()
}

/// The id of party `party`: an agent id, or a pseudo party's.
pub fn party_id(agent_ids: &[String], party: usize) -> &str {
    match agent_ids.get(party) {
        Some(id) => id,
        None => Pseudo::ALL[party - agent_ids.len()].id(),
    }
}
