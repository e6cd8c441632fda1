fn main() {
    std::process::exit(swarm_sweep::cli::swarm::main());
}
