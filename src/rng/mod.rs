//! Random streams. `PyRandom` is CPython's `random.Random` (MT19937 plus the
//! method algorithms of docs/model/simulation.md §9.1), so parity-mode runs make
//! exactly the reference's draws; `NumpyGenerator` is numpy's
//! `default_rng(seed)` for the network's random topologies (§9.2).

mod numpy;
mod python;
pub mod seed_cache;

pub use numpy::{NumpyGenerator, Pcg64, SeedSequence};
pub use python::{Chance, GaussDraw, PyRandom};
