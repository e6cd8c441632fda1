//! `swarm-sweep analyze|plot RESULTS_DIR` (see `swarm-sweep analyze --help`).

fn main() {
    use swarm_sweep::cli::results;
    let first = std::env::args_os().nth(1);
    if results::is_results_command(first.as_deref()) {
        std::process::exit(results::main_from(std::env::args_os()));
    }
    eprintln!(
        "usage: swarm-sweep analyze|plot RESULTS_DIR (the sweep runner is not on this branch yet)"
    );
    std::process::exit(swarm_sweep::cli::exit::BAD_INPUT);
}
