//! Random streams. `PyRandom` is CPython's `random.Random` (MT19937 plus the
//! method algorithms of simulation-model.md §12.1), so parity-mode runs make
//! exactly the reference's draws.

mod python;

pub use python::PyRandom;
