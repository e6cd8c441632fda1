//! `swarm-sweep SPEC`: run a governance sweep (see `swarm-sweep --help`).

fn main() -> std::process::ExitCode {
    swarm_sweep::sweep::cli::main()
}
