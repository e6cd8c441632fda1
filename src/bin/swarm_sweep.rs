//! `swarm-sweep SPEC`: run a governance sweep (see `swarm-sweep --help`);
//! `swarm-sweep analyze|plot RESULTS_DIR`: analyse its results.

fn main() {
    use swarm_sweep::cli::{results, sweep};
    let first = std::env::args_os().nth(1);
    let code = if results::is_results_command(first.as_deref()) {
        results::main_from(std::env::args_os())
    } else {
        sweep::main()
    };
    std::process::exit(code);
}
