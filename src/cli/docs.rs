//! `swarm-sweep completions SHELL` and `swarm-sweep man`: shell completion
//! scripts and man pages generated from the clap definitions (cli/app.rs),
//! so they never disagree with the real flags.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use clap::{CommandFactory, ValueEnum};
use clap_complete::Shell;

use super::exit::CliError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Program {
    #[value(name = "swarm-sweep")]
    SwarmSweep,
    Swarm,
}

impl Program {
    fn command(self) -> clap::Command {
        match self {
            Program::SwarmSweep => super::app::command(),
            Program::Swarm => super::swarm::Cli::command(),
        }
    }
}

/// Print a shell completion script.
#[derive(Debug, Clone, clap::Args)]
#[command(after_help = "\
Install, e.g.:
  swarm-sweep completions bash > ~/.local/share/bash-completion/completions/swarm-sweep
  swarm-sweep completions zsh > ~/.zfunc/_swarm-sweep
  swarm-sweep completions fish > ~/.config/fish/completions/swarm-sweep.fish
  swarm-sweep completions bash --program swarm > ~/.local/share/bash-completion/completions/swarm")]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: Shell,
    /// The program to complete.
    #[arg(long, value_enum, default_value = "swarm-sweep")]
    pub program: Program,
}

/// Print the swarm-sweep(1) man page, or write every page into a directory.
#[derive(Debug, Clone, clap::Args)]
pub struct ManArgs {
    /// Write swarm-sweep.1, swarm-sweep-<command>.1, swarm.1 and
    /// swarm-<command>.1 into DIR instead of printing swarm-sweep.1.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

pub fn completions(args: &CompletionsArgs) -> Result<(), CliError> {
    let mut cmd = args.program.command();
    let name = cmd.get_name().to_string();
    let mut buf = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, name, &mut buf);
    let mut out = std::io::stdout().lock();
    out.write_all(&buf)
        .and_then(|()| out.flush())
        .map_err(CliError::runtime)
}

pub fn man(args: &ManArgs) -> Result<(), CliError> {
    match &args.out {
        None => {
            let mut buf = Vec::new();
            clap_mangen::Man::new(Program::SwarmSweep.command())
                .render(&mut buf)
                .map_err(CliError::runtime)?;
            let mut out = std::io::stdout().lock();
            out.write_all(&buf)
                .and_then(|()| out.flush())
                .map_err(CliError::runtime)
        }
        Some(dir) => {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", dir.display()))
                .map_err(CliError::runtime)?;
            for p in [Program::SwarmSweep, Program::Swarm] {
                clap_mangen::generate_to(p.command(), dir)
                    .with_context(|| format!("cannot write man pages into {}", dir.display()))
                    .map_err(CliError::runtime)?;
            }
            Ok(())
        }
    }
}
