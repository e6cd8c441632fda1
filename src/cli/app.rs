//! The `swarm-sweep` command line as one tree: the sweep itself
//! (`swarm-sweep SPEC`, cli/sweep.rs) and its subcommands — analyze, plot
//! and show (cli/results.rs, cli/show.rs), merge and status
//! (cli/shards.rs), check (cli/check.rs), rerun and import, completions and
//! man (cli/docs.rs).
//! Dispatch is by the first argument, so `swarm-sweep SPEC` keeps its flat
//! flags; `command()` assembles the whole tree for completions and man pages.

use std::ffi::OsString;

use clap::{CommandFactory, Parser, Subcommand};

use super::check::{self, CheckArgs};
use super::docs::{self, CompletionsArgs, ManArgs};
use super::exit::{self, CliError};
use super::import::{self, ImportArgs};
use super::rerun::{self, RerunArgs};
use super::sensitivity::{self, SensitivityArgs};
use super::{results, shards, sweep, VERSION};
use crate::sweep::run_files;

#[derive(Debug, Parser)]
#[command(name = "swarm-sweep", version = VERSION)]
struct ToolsCli {
    #[command(subcommand)]
    command: Tool,
}

#[derive(Debug, Subcommand)]
enum Tool {
    /// Rerun a sweep and compare each configuration with stored results
    /// (and the scenarios' success criteria): a regression test for CI.
    #[command(after_help = check::after_help())]
    Check(CheckArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions(CompletionsArgs),
    /// Print the man page, or write all of them with --out DIR.
    Man(ManArgs),
    /// Rerun one run of a finished sweep through `swarm run` (the same
    /// numbers, with its events).
    Rerun(RerunArgs),
    /// Print one of SWARM's own sweep files as the native spec it stands for.
    Import(ImportArgs),
    /// Sobol' (saltelli) or Morris indices of a sweep run on a design.
    #[command(after_help = "See docs/design.md.")]
    Sensitivity(SensitivityArgs),
}

/// Subcommands, by the first argument; anything else is a sweep spec.
pub const SUBCOMMANDS: &[&str] = &[
    "analyze",
    "plot",
    "show",
    "merge",
    "status",
    "check",
    "completions",
    "man",
    "rerun",
    "import",
    "sensitivity",
];

/// The whole `swarm-sweep` tree (for completions and man pages).
pub fn command() -> clap::Command {
    let results = results::ResultsCli::command();
    let shards = shards::ShardsCli::command();
    let tools = ToolsCli::command();
    let mut cmd = sweep::Cli::command()
        .version(VERSION)
        .args_conflicts_with_subcommands(true)
        .subcommand_negates_reqs(true)
        .after_long_help(exit::table_text());
    for sub in results
        .get_subcommands()
        .chain(shards.get_subcommands())
        .chain(tools.get_subcommands())
    {
        cmd = cmd.subcommand(sub.clone());
    }
    cmd
}

/// `swarm-sweep ...` from the process arguments; returns the exit code.
pub fn main() -> i32 {
    tune_allocator();
    if let Err(e) = crate::limits::init() {
        return exit::report(&CliError::bad_input(e));
    }
    let args: Vec<OsString> = std::env::args_os().collect();
    let first = args.get(1).and_then(|a| a.to_str());
    match first {
        Some(a) if results::is_results_command(Some(a.as_ref())) => results::main_from(args),
        Some(a) if shards::is_shards_command(Some(a.as_ref())) => shards::main_from(args),
        Some(a) if SUBCOMMANDS.contains(&a) => tools(args),
        _ => sweep::main(),
    }
}

/// glibc raises its mmap threshold each time a large block is freed (up to
/// 32 MiB), after which a long sweep's multi-megabyte Parquet buffers are
/// carved out of the worker threads' heaps, where they fragment: peak RSS of
/// the same 100k-run sweep wandered between 35 and 53 MiB. A fixed 1 MiB
/// threshold keeps those buffers in their own mappings (returned when
/// freed); smaller blocks stay on the heap (a 64 KiB threshold also kept
/// memory flat, but mapped and unmapped row-group buffers so often that two
/// threads ran 13% slower). See also `sweep::table::release_free_memory`.
fn tune_allocator() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets allocator parameters; called before any
    // thread starts.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
    }
}

fn tools(args: Vec<OsString>) -> i32 {
    let cli = match exit::parse_or_exit::<ToolsCli, _>(args) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let result = match &cli.command {
        Tool::Check(args) => return check::run(args, &run_files::simulate),
        Tool::Completions(args) => docs::completions(args),
        Tool::Man(args) => docs::man(args),
        Tool::Rerun(args) => rerun::rerun(args),
        Tool::Import(args) => import::import(args),
        Tool::Sensitivity(args) => sensitivity::sensitivity(args),
    };
    exit::code(result)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tree_has_every_dispatched_subcommand() {
        let cmd = command();
        let names: Vec<&str> = cmd.get_subcommands().map(|s| s.get_name()).collect();
        assert_eq!(names, SUBCOMMANDS);
        cmd.debug_assert();
        for name in ["analyze", "plot", "show"] {
            assert!(results::is_results_command(Some(name.as_ref())));
        }
    }
}
