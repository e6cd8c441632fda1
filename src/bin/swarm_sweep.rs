//! `swarm-sweep SPEC`: run a governance sweep; `swarm-sweep analyze|plot|check
//! |merge|status|completions|man ...`: its other commands (see `swarm-sweep --help`).

fn main() {
    std::process::exit(swarm_sweep::cli::app::main());
}
