//! The SWARM simulation core (simulation-model.md §2–§13).
