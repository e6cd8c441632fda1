//! `swarm-sweep SPEC`: run a governance sweep (see `swarm-sweep --help`);
//! `swarm-sweep merge|status RESULTS_DIR`: join a sharded sweep, show progress.

fn main() {
    use swarm_sweep::cli::{shards, sweep};
    let first = std::env::args_os().nth(1);
    let code = if shards::is_shards_command(first.as_deref()) {
        shards::main_from(std::env::args_os())
    } else {
        sweep::main()
    };
    std::process::exit(code);
}
