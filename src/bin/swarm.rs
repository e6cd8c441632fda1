/// mimalloc: see Cargo.toml.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    use swarm_sweep::cli::{exit, swarm};
    swarm_sweep::allocator::keep_freed_memory();
    std::process::exit(exit::guard(swarm::main));
}
