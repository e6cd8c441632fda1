//! `swarm`: run one SWARM scenario, or summarise a run's per-epoch metrics.

use clap::{Parser, Subcommand};

use super::analyze::{analyze, AnalyzeOptions};
use super::bench::BenchOptions;
use super::exit::{self, CliError};
use super::run::{run, RunOptions};

/// `swarm --help`'s tail: exit codes (from `exit::CODES`) and examples.
fn after_help() -> String {
    exit::after_help(
        "A size over its limit is bad input too: see SWARM_MAX_* in docs/cli.md.",
        &[
            exit::SUCCESS,
            exit::RUNTIME_ERROR,
            exit::BAD_INPUT,
            exit::INTERNAL_ERROR,
            exit::INTERRUPTED,
        ],
        "\
Examples:
  swarm run scenarios/baseline.yaml
  swarm run scenarios/alignment_waltz_targeted_feedback.yaml --seed 7 --out logs/
  swarm run scenarios/baseline.yaml governance.audit_probability=0.3 simulation.n_epochs=50
  swarm run scenarios/baseline.yaml --seeds 1-10      # baseline_s1_metrics.csv, ...
  swarm analyze logs/baseline_metrics.csv --metrics toxicity_rate,quality_gap,spread",
    )
}

/// SWARM multi-agent safety simulations, bit-for-bit with swarm-safety 1.9.0.
#[derive(Debug, Parser)]
#[command(name = "swarm", version = super::VERSION, about, after_help = after_help())]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run one scenario: print the epoch table and success criteria, write
    /// <out>/<scenario_id>_metrics.csv (one row per epoch) and
    /// <out>/<scenario_id>_events.jsonl (every event of the run).
    Run(RunOptions),
    /// Summarise one run's per-epoch metrics: n, mean, std, min, max, first,
    /// last and the least-squares slope over epochs, per metric. Reads our
    /// metrics CSV, the reference's epochs CSV (--export-csv) or its
    /// history JSON (--export-json).
    Analyze(AnalyzeOptions),
    /// Time whole runs of a scenario in process on one thread (no I/O) and
    /// print the median seconds per run.
    Bench(BenchOptions),
}

/// Parse arguments, run, and return the process exit code.
pub fn main() -> i32 {
    if let Err(e) = crate::limits::init() {
        return exit::report(&CliError::bad_input(e));
    }
    let cli = Cli::parse();
    let result: Result<(), CliError> = match &cli.command {
        Command::Run(opts) => run(opts),
        Command::Analyze(opts) => analyze(opts),
        Command::Bench(opts) => {
            crate::rng::seed_cache::set_enabled(!opts.no_seed_cache);
            super::bench::bench(opts)
        }
    };
    exit::code(result)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_options_are_checked_by_clap() {
        Cli::command().debug_assert();
        let parse = |args: &[&str]| Cli::try_parse_from([&["swarm"], args].concat());
        let Command::Run(opts) = parse(&[
            "run",
            "s.yaml",
            "governance.audit_probability=0.3",
            "--seeds",
            "1-3",
            "--fix",
            "tax_uses_payoff,quarantine_release",
        ])
        .unwrap()
        .command
        else {
            panic!("run")
        };
        assert_eq!(opts.settings[0].path, "governance.audit_probability");
        assert_eq!(opts.seeds.unwrap().0, [1, 2, 3]);
        let fixes: Vec<&str> = opts.fixes.iter().map(|f| f.name()).collect();
        assert_eq!(fixes, ["tax_uses_payoff", "quarantine_release"]);
        for bad in [
            &["run", "s.yaml", "governance.audit_probability"][..],
            &["run", "s.yaml", "--seeds", "3-1"],
            &["run", "s.yaml", "--epochs", "0"],
            &["run", "s.yaml", "--fix", "tax_uses_payof"],
            &["bench", "s.yaml", "--runs", "0"],
        ] {
            let e = parse(bad).unwrap_err();
            assert!(e.use_stderr(), "{bad:?} is a usage error (exit 2)");
        }
    }
}
