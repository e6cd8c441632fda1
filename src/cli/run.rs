//! `swarm run`: one simulation, the reference's console report, and the
//! per-epoch metrics CSV plus the event log under the output directory.
//! Both files are written under temporary names and renamed only when both
//! are complete, so a failure leaves nothing behind.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;

use super::assign::{self, SeedList, Setting};
use super::exit::CliError;
use super::values::Fix;
use crate::output::atomic::{self, AtomicFile};
use crate::output::{console, csv, jsonl};
use crate::scenario::{load_file, params, LoadOptions, Scenario};
use crate::sim;

/// `swarm run`'s options, checked by clap as they are parsed (settings,
/// seed lists, counts and fix names), so `run` receives valid values.
#[derive(Debug, Clone, clap::Args)]
pub struct RunOptions {
    /// Scenario YAML file (see scenarios/).
    pub scenario: PathBuf,
    /// Settings over the file's, as dotted parameter paths:
    /// governance.audit_probability=0.3 simulation.n_epochs=50
    /// semantics.tax_uses_payoff=true (the paths a sweep takes; values
    /// read as in a scenario file, checked by the same schema).
    #[arg(value_name = "PATH=VALUE", value_parser = assign::setting)]
    pub settings: Vec<Setting>,
    /// Seed for every random stream; replaces simulation.seed.
    #[arg(long, allow_negative_numbers = true, conflicts_with = "seeds")]
    pub seed: Option<i64>,
    /// Run several seeds, one after the other: N (0 to N-1), A-B, or a
    /// list (1-3,7). Writes <scenario_id>_s<seed>_metrics.csv (and
    /// _events.jsonl) per seed.
    #[arg(long, value_name = "SEEDS", value_parser = assign::seed_list)]
    pub seeds: Option<SeedList>,
    /// Replace simulation.n_epochs.
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
    pub epochs: Option<u32>,
    /// Replace simulation.steps_per_epoch.
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
    pub steps: Option<u32>,
    /// Output directory (created if missing).
    #[arg(long, default_value = "logs")]
    pub out: PathBuf,
    /// Print nothing but errors and warnings.
    #[arg(short, long)]
    pub quiet: bool,
    /// Treat warnings (keys the reference ignores, misspelled keys) as errors.
    #[arg(long)]
    pub strict: bool,
    /// Skip the events JSONL (faster for long runs).
    #[arg(long)]
    pub no_events: bool,
    /// Run even if the scenario sets keys the reference reads but this
    /// engine does not model (refused otherwise, exit 2: the numbers
    /// would differ from the reference). The console report and a
    /// warning mark the results as partial.
    #[arg(long)]
    pub allow_unmodelled: bool,
    /// Turn on a fix for a reference bug (repeatable or comma-separated).
    /// Without it the run reproduces the reference exactly (parity mode).
    #[arg(long = "fix", value_name = "NAME", value_delimiter = ',', value_enum)]
    pub fixes: Vec<Fix>,
}

/// A run whose reference result cannot be reproduced (the reference
/// itself fails on it): refused as bad input before any file is written.
#[derive(Debug, thiserror::Error)]
#[error("{}: seed {seed}: the reference's result cannot be reproduced: {why}", scenario.display())]
pub struct Unreproducible {
    pub scenario: PathBuf,
    pub seed: i64,
    pub why: String,
}

/// Load `path` (printing warnings to stderr) with `opts`.
pub fn load_scenario(path: &Path, opts: LoadOptions) -> Result<Scenario, CliError> {
    let loaded = load_file(path, opts).map_err(CliError::bad_input)?;
    for w in &loaded.warnings {
        eprintln!("warning: {}", w.message);
    }
    for w in &loaded.unmodelled {
        eprintln!("warning: {} (run anyway: --allow-unmodelled)", w.message);
    }
    Ok(loaded.scenario)
}

pub fn run(opts: &RunOptions) -> Result<(), CliError> {
    let load = LoadOptions {
        strict: opts.strict,
        allow_unmodelled: opts.allow_unmodelled,
    };
    let mut scenario = load_scenario(&opts.scenario, load)?;
    for fix in &opts.fixes {
        let known = scenario.semantics.set(fix.name(), true);
        debug_assert!(known, "every `Fix` is one of Semantics::OPTIONS");
    }
    apply_settings(&mut scenario, &opts.settings, opts.strict)?;
    // At least 1 each: clap checked them.
    if let Some(n) = opts.epochs {
        scenario.simulation.n_epochs = n;
    }
    if let Some(n) = opts.steps {
        scenario.simulation.steps_per_epoch = n;
    }
    // Before any file exists: a run that cannot fit is refused, not aborted.
    crate::sim::footprint::check(&scenario).map_err(CliError::bad_input)?;
    if let Some(SeedList(seeds)) = &opts.seeds {
        for &seed in seeds {
            let mut s = scenario.clone();
            s.simulation.seed = Some(seed);
            let stem = format!("{}_s{seed}", s.scenario_id);
            run_seed(opts, &s, seed, &stem)?;
        }
        return Ok(());
    }
    let seed = match opts.seed.or(scenario.simulation.seed) {
        Some(s) => s,
        None => {
            eprintln!(
                "warning: {}: no simulation.seed and no --seed; using seed 0 (the reference would run unseeded)",
                opts.scenario.display()
            );
            0
        }
    };
    scenario.simulation.seed = Some(seed);
    let stem = scenario.scenario_id.clone();
    run_seed(opts, &scenario, seed, &stem)
}

/// `PATH=VALUE` settings, checked like sweep parameters (path, type,
/// range; the nearest valid path suggested).
pub fn apply_settings(
    scenario: &mut Scenario,
    settings: &[Setting],
    strict: bool,
) -> Result<(), CliError> {
    let bad = |m: String| CliError::bad_input(anyhow::anyhow!(m));
    let mut paths = Vec::with_capacity(settings.len());
    for Setting { path, value } in settings {
        if path == "simulation.seed" {
            return Err(bad("simulation.seed: use --seed N (or --seeds)".into()));
        }
        params::set_param(scenario, path, value).map_err(|e| bad(e.message))?;
        paths.push(path);
    }
    // Once all are set: one may be what makes another act.
    for path in paths {
        if let Some(why) = params::inert(scenario, path) {
            let msg = format!("{path}: changes nothing in this run: {why}");
            if strict {
                return Err(bad(msg));
            }
            eprintln!("warning: {msg}");
        }
    }
    Ok(())
}

/// One run of `scenario` with `seed`: the console report and the files
/// `<out>/<stem>_metrics.csv` and `<out>/<stem>_events.jsonl`.
fn run_seed(opts: &RunOptions, scenario: &Scenario, seed: i64, stem: &str) -> Result<(), CliError> {
    std::fs::create_dir_all(&opts.out)
        .with_context(|| format!("cannot create output directory '{}'", opts.out.display()))
        .map_err(CliError::runtime)?;
    let csv_path = opts.out.join(format!("{stem}_metrics.csv"));
    let events_path = opts.out.join(format!("{stem}_events.jsonl"));
    // What a killed earlier run of this scenario left (its PID is gone).
    for p in [&csv_path, &events_path] {
        if let Some(name) = p.file_name().and_then(|n| n.to_str()) {
            atomic::remove_stale_temporaries(&opts.out, name);
        }
    }

    let ids = sim::agent_ids(scenario);
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if !opts.quiet {
        console::header(&mut out, scenario, Some(seed), &ids).map_err(CliError::runtime)?;
        out.flush().ok();
    }

    let create = |p: &Path| {
        AtomicFile::create(p)
            .with_context(|| format!("cannot write '{}'", p.display()))
            .map_err(CliError::runtime)
    };
    let mut csv_file = create(&csv_path)?;
    let mut events_file = if !opts.no_events {
        Some(create(&events_path)?)
    } else {
        None
    };

    let result = match events_file.as_mut() {
        Some(f) => {
            let mut sink =
                jsonl::JsonlEvents::new(f.writer(), &scenario.scenario_id, seed, ids.clone());
            let r = sim::run_with_events(scenario, seed, &mut sink);
            sink.finish()
                .with_context(|| format!("cannot write '{}'", events_path.display()))
                .map_err(CliError::runtime)?;
            r
        }
        None => sim::run(scenario, seed),
    };
    // Refused before anything is committed: the numbers are not the reference's.
    if let Some(why) = &result.unreproducible {
        return Err(CliError::bad_input(Unreproducible {
            scenario: opts.scenario.clone(),
            seed,
            why: why.to_string(),
        }));
    }
    csv::write_metrics(csv_file.writer(), &csv::columns(scenario), &result.epochs)
        .with_context(|| format!("cannot write '{}'", csv_path.display()))
        .map_err(CliError::runtime)?;
    if let Some(f) = events_file {
        f.commit()
            .with_context(|| format!("cannot write '{}'", events_path.display()))
            .map_err(CliError::runtime)?;
    }
    csv_file
        .commit()
        .with_context(|| format!("cannot write '{}'", csv_path.display()))
        .map_err(CliError::runtime)?;

    if !opts.quiet {
        console::results(&mut out, &result.epochs).map_err(CliError::runtime)?;
        console::criteria(&mut out, &scenario.success_criteria, &result.epochs)
            .map_err(CliError::runtime)?;
        eprintln!("Wrote {}", csv_path.display());
        if !opts.no_events {
            eprintln!("Wrote {}", events_path.display());
        }
    }
    if !scenario.unmodelled.is_empty() {
        eprintln!(
            "warning: fidelity partial: these results differ from the reference's (not modelled: {})",
            scenario.unmodelled.join(", ")
        );
    }
    Ok(())
}
