fn main() {
    use swarm_sweep::cli::{exit, swarm};
    std::process::exit(exit::guard(swarm::main));
}
