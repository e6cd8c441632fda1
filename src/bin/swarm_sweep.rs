//! `swarm-sweep SPEC`: run a governance sweep; `swarm-sweep analyze|plot|check
//! |merge|status|completions|man ...`: its other commands (see `swarm-sweep --help`).

/// mimalloc: see Cargo.toml.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    use swarm_sweep::cli::{app, exit};
    swarm_sweep::allocator::keep_freed_memory();
    std::process::exit(exit::guard(app::main));
}
