/// mimalloc: see Cargo.toml.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    use swarm_sweep::cli::{exit, swarm};
    std::process::exit(exit::guard(swarm::main));
}
