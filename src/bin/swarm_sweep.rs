//! `swarm-sweep SPEC`: run a governance sweep (see `swarm-sweep --help`).

fn main() {
    std::process::exit(swarm_sweep::cli::sweep::main());
}
