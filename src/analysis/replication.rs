//! What adaptive replication did (docs/design.md, "Adaptive replication"),
//! read back from runs.parquet with the rule of the spec in its metadata:
//! per configuration, the seeds it ran, its paired-difference interval on
//! the rule's metric, and whether that met the target or the configuration
//! reached `max`. The same half-width the sweep decided on
//! (`sweep::adaptive::half_width`, over the same pairs in the same order),
//! so report.md and `show` say what the sweep did.

use std::fmt::Write as _;

use super::compare::pairs;
use super::runs::RunsTable;
use crate::sweep::adaptive::{half_width, Replication, Stop};
use crate::sweep::spec;

/// One non-baseline configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct Replicated {
    /// Index into `RunsTable::configs`.
    pub config: usize,
    /// Its runs (seeds).
    pub n_seeds: usize,
    /// Pairs with the baseline with a finite value on both sides.
    pub n_pairs: usize,
    pub half_width: Option<f64>,
    /// `Target` or `Max`; `None` when neither holds (a sweep stopped early).
    pub stop: Option<Stop>,
}

/// The replication rule of the sweep that wrote `runs`, if it had one.
pub fn rule_of(runs: &RunsTable) -> Option<Replication> {
    let text = runs
        .frame
        .metadata
        .get(crate::contract::key::sweep::SPEC_YAML)?;
    spec::parse(text, "spec").ok()?.replication
}

/// Every non-baseline configuration, in table order.
pub fn replicated(runs: &RunsTable, rule: &Replication) -> Vec<Replicated> {
    let mut out = Vec::new();
    for (i, c) in runs.configs.iter().enumerate() {
        if c.is_baseline() {
            continue;
        }
        let Some(b) = runs
            .configs
            .iter()
            .position(|b| b.is_baseline() && b.scenario == c.scenario)
        else {
            continue;
        };
        let (p, _) = pairs(runs, b, i, &rule.metric);
        let d: Vec<f64> = p.iter().map(|(b, v)| v - b).collect();
        let hw = half_width(&d, rule.level);
        let n_seeds = c.rows.len();
        let stop = if hw.is_some_and(|h| h <= rule.ci_half_width) {
            Some(Stop::Target)
        } else if n_seeds >= rule.max {
            Some(Stop::Max)
        } else {
            None
        };
        out.push(Replicated {
            config: i,
            n_seeds,
            n_pairs: d.len(),
            half_width: hw,
            stop,
        });
    }
    out
}

/// The most configurations listed by name (those that needed the most
/// seeds); the rest are counted.
const LISTED: usize = 10;

/// report.md's section: the rule, how many configurations met the target
/// and with how many seeds, and those that needed the most (a bounded
/// number of lines whatever the sweep's size).
pub fn section(runs: &RunsTable, rule: &Replication, rows: &[Replicated]) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "## Adaptive replication\n");
    let baseline_seeds: usize = runs
        .configs
        .iter()
        .filter(|c| c.is_baseline())
        .map(|c| c.rows.len())
        .max()
        .unwrap_or(0);
    let _ = writeln!(
        s,
        "Seeds were added {} at a time (at most {}) until the {:.0}% t-interval of each \
         configuration's paired difference from its baseline in `{}` (same seeds on both \
         sides) had a half-width of at most {}. The baseline ran {} seeds.\n",
        rule.batch,
        rule.max,
        100.0 * rule.level,
        rule.metric,
        rule.ci_half_width,
        baseline_seeds
    );
    let met: Vec<&Replicated> = rows
        .iter()
        .filter(|r| r.stop == Some(Stop::Target))
        .collect();
    let at_max = rows.iter().filter(|r| r.stop == Some(Stop::Max)).count();
    let open = rows.len() - met.len() - at_max;
    let mut seeds: Vec<usize> = rows.iter().map(|r| r.n_seeds).collect();
    seeds.sort_unstable();
    let total: usize = runs.frame.rows;
    let fixed = runs.configs.len() * rule.max;
    let _ = writeln!(
        s,
        "- {} of {} configurations met the target; {} reached the maximum of {} seeds \
         without{}.",
        met.len(),
        rows.len(),
        at_max,
        rule.max,
        if open > 0 {
            format!("; {open} did neither (the sweep did not finish its rounds)")
        } else {
            String::new()
        }
    );
    if let (Some(lo), Some(hi)) = (seeds.first(), seeds.last()) {
        let _ = writeln!(
            s,
            "- Seeds per configuration: {lo} to {hi} (median {}).",
            (seeds[(seeds.len() - 1) / 2] + seeds[seeds.len() / 2]) as f64 / 2.0
        );
    }
    let _ = writeln!(
        s,
        "- Runs: {total}, against {fixed} had every configuration run {} seeds.\n",
        rule.max
    );
    let mut listed: Vec<&Replicated> = rows.iter().collect();
    // Most seeds first, then the widest interval; ties in table order.
    listed.sort_by(|a, b| {
        b.n_seeds.cmp(&a.n_seeds).then(
            b.half_width
                .unwrap_or(f64::INFINITY)
                .total_cmp(&a.half_width.unwrap_or(f64::INFINITY)),
        )
    });
    let shown = listed.len().min(LISTED);
    if shown == 0 {
        return s;
    }
    let _ = writeln!(
        s,
        "| configuration | seeds | ± half-width | |\n|---|---|---|---|"
    );
    for r in &listed[..shown] {
        let _ = writeln!(
            s,
            "| `{}` | {} | {} | {} |",
            runs.display(r.config),
            r.n_seeds,
            r.half_width
                .map_or("n/a".into(), |h| super::export::human_sig(Some(h), 3)),
            match r.stop {
                Some(Stop::Target) => "met the target",
                Some(Stop::Max) => "**reached max**",
                _ => "unfinished",
            }
        );
    }
    if listed.len() > shown {
        let _ = writeln!(
            s,
            "\n{} more configurations needed fewer seeds; each one's seeds are its row count \
             in runs.parquet.",
            listed.len() - shown
        );
    }
    let _ = writeln!(s);
    s
}

/// The same for the terminal (`swarm-sweep show`): a line on the rule, then
/// one per configuration, most seeds first (at most `top`; 0: all).
pub fn terminal(runs: &RunsTable, rule: &Replication, rows: &[Replicated], top: usize) -> String {
    let mut s = String::new();
    let met = rows.iter().filter(|r| r.stop == Some(Stop::Target)).count();
    let _ = writeln!(
        s,
        "adaptive replication: seeds added {} at a time (at most {}) until the {:.0}% \
         interval of the paired difference in {} is within ±{}: {met} of {} configurations \
         met it",
        rule.batch,
        rule.max,
        100.0 * rule.level,
        rule.metric,
        rule.ci_half_width,
        rows.len()
    );
    let mut listed: Vec<&Replicated> = rows.iter().collect();
    listed.sort_by_key(|r| std::cmp::Reverse(r.n_seeds));
    let shown = if top == 0 {
        listed.len()
    } else {
        top.min(listed.len())
    };
    let names: Vec<String> = listed.iter().map(|r| runs.display(r.config)).collect();
    let width = names
        .iter()
        .take(shown)
        .map(|n| n.chars().count())
        .max()
        .unwrap_or(0);
    for (r, name) in listed.iter().zip(&names).take(shown) {
        let _ = writeln!(
            s,
            "  {name:<width$}  {:>5} seeds  ±{:<9}  {}",
            r.n_seeds,
            super::export::human_sig(r.half_width, 3),
            match r.stop {
                Some(Stop::Target) => "met the target",
                Some(Stop::Max) => "reached max",
                _ => "unfinished",
            }
        );
    }
    if shown < listed.len() {
        let _ = writeln!(s, "  … {} more (--top 0 for all)", listed.len() - shown);
    }
    s
}
