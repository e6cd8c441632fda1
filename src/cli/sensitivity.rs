//! `swarm-sweep sensitivity DIR`: Sobol' or Morris indices of a sweep run
//! on a saltelli or morris design (analysis/sensitivity). A hidden test
//! hook (`--spec`, `--y`) analyses outputs given as text, one per design
//! point, so the estimators can be checked against SALib on an analytic
//! function.

use std::path::PathBuf;

use anyhow::{anyhow, Context};

use super::exit::CliError;
use super::values;
use crate::analysis::sensitivity::{self, indices::Bootstrap};

/// Global sensitivity indices of a sweep on a saltelli or morris design.
#[derive(Debug, Clone, clap::Args)]
#[command(after_help = "\
Writes design.parquet, sensitivity.parquet (and sensitivity_s2.parquet for a
saltelli design with second_order: true), sensitivity.md and
plots/sensitivity_<metric>.{png,svg} into DIR. docs/design.md.

Examples:
  swarm-sweep sweeps/sensitivity_waltz.yaml        # runs it, then this
  swarm-sweep sensitivity results/sensitivity_waltz --metrics toxicity_rate")]
pub struct SensitivityArgs {
    /// A finished sweep's output directory (runs.parquet of a saltelli or
    /// morris design).
    #[arg(required_unless_present = "spec")]
    pub results_dir: Option<PathBuf>,
    /// Metrics to analyse, comma-separated (default: the spec's report
    /// metrics, else toxicity_rate, quality_gap, total_welfare).
    #[arg(long, value_delimiter = ',')]
    pub metrics: Vec<String>,
    /// Bootstrap resamples per interval.
    #[arg(long, default_value_t = 1000,
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..))]
    pub resamples: usize,
    /// Confidence level of the intervals (between 0 and 1).
    #[arg(long, default_value_t = 0.95, value_parser = values::conf_level)]
    pub conf_level: f64,
    /// Seed of the bootstrap's ChaCha8 stream.
    #[arg(long, default_value_t = 20_240_601)]
    pub bootstrap_seed: u64,
    /// Test hook: the design of this spec's sample: section...
    #[arg(long, hide = true, requires = "out")]
    pub spec: Option<PathBuf>,
    /// ...with these outputs (one number a line, one line a design point;
    /// without it, only design.parquet is written)...
    #[arg(long, hide = true, requires = "spec")]
    pub y: Option<PathBuf>,
    /// ...into this directory.
    #[arg(long, hide = true)]
    pub out: Option<PathBuf>,
}

pub fn sensitivity(args: &SensitivityArgs) -> Result<(), CliError> {
    let boot = Bootstrap {
        resamples: args.resamples,
        level: args.conf_level,
        seed: args.bootstrap_seed,
    };
    if let (Some(spec), Some(out)) = (&args.spec, &args.out) {
        return hook(spec, args.y.as_ref(), out, boot);
    }
    let dir = args.results_dir.as_ref().expect("clap requires it");
    let outcome =
        sensitivity::analyze_dir(dir, &args.metrics, boot).map_err(CliError::bad_input)?;
    for f in &outcome.files {
        eprintln!("wrote {}", dir.join(f).display());
    }
    Ok(())
}

fn hook(
    spec: &PathBuf,
    y: Option<&PathBuf>,
    out: &PathBuf,
    boot: Bootstrap,
) -> Result<(), CliError> {
    let text = std::fs::read_to_string(spec)
        .with_context(|| format!("reading {}", spec.display()))
        .map_err(CliError::bad_input)?;
    let parsed = crate::sweep::spec::parse(&text, &spec.display().to_string())
        .map_err(CliError::bad_input)?;
    let sample = parsed
        .sample
        .ok_or_else(|| CliError::bad_input(anyhow!("the spec has no sample: section")))?;
    std::fs::create_dir_all(out).map_err(CliError::runtime)?;
    let Some(y) = y else {
        return sensitivity::write_design(&sample, &out.join(crate::contract::file::DESIGN))
            .map_err(CliError::runtime);
    };
    let values: Vec<f64> = std::fs::read_to_string(y)
        .with_context(|| format!("reading {}", y.display()))
        .map_err(CliError::bad_input)?
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            l.trim()
                .parse::<f64>()
                .with_context(|| format!("not a number: {l}"))
        })
        .collect::<anyhow::Result<_>>()
        .map_err(CliError::bad_input)?;
    if values.len() != sample.unit.len() {
        return Err(CliError::bad_input(anyhow!(
            "{} outputs for {} design points",
            values.len(),
            sample.unit.len()
        )));
    }
    let per_row: Vec<Vec<f64>> = values.into_iter().map(|v| vec![v]).collect();
    let v = sensitivity::summarise("", "y", &per_row);
    sensitivity::write_outputs(out, &sample, &[v], boot).map_err(CliError::runtime)?;
    Ok(())
}
