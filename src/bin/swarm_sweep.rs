//! `swarm-sweep SPEC`: run a governance sweep (see `swarm-sweep --help`);
//! `swarm-sweep analyze|plot RESULTS_DIR`: analyse its results;
//! `swarm-sweep merge|status RESULTS_DIR`: join a sharded sweep, show progress.

fn main() {
    use swarm_sweep::cli::{results, shards, sweep};
    let first = std::env::args_os().nth(1);
    let code = if results::is_results_command(first.as_deref()) {
        results::main_from(std::env::args_os())
    } else if shards::is_shards_command(first.as_deref()) {
        shards::main_from(std::env::args_os())
    } else {
        sweep::main()
    };
    std::process::exit(code);
}
