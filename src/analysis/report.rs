//! report.md: the research note's analysis template (Summary, Metrics,
//! Interpretation, Next iteration) filled from the sweep's summary and
//! comparisons with plain, rule-based wording. Every sentence comes from a
//! rule below; "significant" always means Holm-adjusted paired t p < ALPHA.

use std::fmt::Write;

use super::compare::ComparisonRow;
use super::direction::Direction;
use super::export::human_sig;

/// Numbers in the report: four significant digits.
fn human(v: Option<f64>) -> String {
    human_sig(v, 4)
}
use super::runs::RunsTable;
use super::summary::SummaryRow;

/// Significance level for every statement in the report.
pub const ALPHA: f64 = 0.05;
/// Smallest change, relative to the baseline mean, that the report calls a
/// change: a significant shift of 0.03% is real but not worth a sentence.
pub const MIN_REL: f64 = 0.01;

/// A change the report speaks of: significant after Holm and at least
/// MIN_REL of the baseline mean (when that is defined).
fn counts(c: &ComparisonRow) -> bool {
    c.significant(ALPHA) && c.rel_change.is_none_or(|r| r.abs() >= MIN_REL)
}

fn better(c: &ComparisonRow) -> bool {
    counts(c) && c.improved(ALPHA)
}

fn worse(c: &ComparisonRow) -> bool {
    counts(c) && c.worsened(ALPHA)
}

/// The metrics of the template's Metrics section, in order.
pub const REPORT_METRICS: &[&str] = &[
    "toxicity_rate",
    "toxicity_rate_all",
    "quality_gap",
    "spread",
    "conditional_loss_initiator",
    "conditional_loss_counterparty",
];

/// What "harm" and "quality" mean in the Interpretation.
const HARM: &[&str] = &["toxicity_rate", "toxicity_rate_all"];
const QUALITY: &[&str] = &[
    "quality_gap",
    "average_quality",
    "total_welfare",
    "net_social_welfare",
];
const AMPLIFICATION: &[&str] = &[
    "ecosystem_collusion_risk",
    "n_flagged_pairs",
    "ecosystem_threat_level",
    "active_threat_count",
    "contagion_depth",
];

/// Everything the report is built from.
pub struct ReportInput<'a> {
    pub title: &'a str,
    pub runs: &'a RunsTable,
    pub summary: &'a [SummaryRow],
    pub comparisons: &'a [ComparisonRow],
    /// Plot files to link, relative to the report.
    pub plots: &'a [String],
}

impl ReportInput<'_> {
    fn stat(&self, config: usize, metric: &str) -> Option<&SummaryRow> {
        self.summary
            .iter()
            .find(|r| r.config == config && r.metric == metric)
    }

    fn cmp(&self, config: usize, metric: &str) -> Option<&ComparisonRow> {
        self.comparisons
            .iter()
            .find(|r| r.config == config && r.metric == metric)
    }

    fn name(&self, config: usize) -> String {
        format!("`{}`", self.runs.short_label(config))
    }

    /// Variants of `scenario` (configurations compared with its baseline).
    fn variants(&self, scenario: &str) -> Vec<usize> {
        let mut v: Vec<usize> = self
            .comparisons
            .iter()
            .filter(|r| self.runs.configs[r.config].scenario == scenario)
            .map(|r| r.config)
            .collect();
        v.dedup();
        v
    }

    /// The configuration as the report names it (scenario first when several).
    fn display(&self, config: usize) -> String {
        format!("`{}`", self.runs.display(config))
    }

    fn has_metric(&self, metric: &str) -> bool {
        self.runs.metrics.iter().any(|m| m == metric)
    }
}

/// `0.306 [0.299, 0.313]`: a mean with its 95% t-interval.
fn mean_ci(r: Option<&SummaryRow>) -> String {
    let Some(s) = r.and_then(|r| r.stats) else {
        return "n/a".into();
    };
    match s.ci95 {
        Some((lo, hi)) => format!(
            "{} [{}, {}]",
            human(Some(s.mean)),
            human(Some(lo)),
            human(Some(hi))
        ),
        None => human(Some(s.mean)),
    }
}

fn pct(x: Option<f64>) -> String {
    match x {
        None => "n/a".into(),
        Some(v) if (100.0 * v).abs() >= 0.1 => format!("{:+.1}%", 100.0 * v),
        Some(v) => format!(
            "{}{}%",
            if v < 0.0 { "" } else { "+" },
            human_sig(Some(100.0 * v), 2)
        ),
    }
}

fn p(x: Option<f64>) -> String {
    match x {
        None => "n/a".into(),
        Some(v) if v < 1e-4 => "<0.0001".into(),
        Some(v) => format!("{v:.4}"),
    }
}

/// "lowers toxicity_rate 0.31 → 0.29 (−6.2%, p_holm 0.003)".
fn change(c: &ComparisonRow) -> String {
    let verb = match c.diff {
        Some(d) if d < 0.0 => "lowers",
        Some(d) if d > 0.0 => "raises",
        _ => "leaves",
    };
    format!(
        "{verb} `{}` {} → {} ({}, p_holm {})",
        c.metric,
        human(c.mean_baseline),
        human(c.mean_variant),
        pct(c.rel_change),
        p(c.p_holm)
    )
}

/// Rows grouped by configuration, in first-seen order.
fn by_config<'a>(
    rows: impl Iterator<Item = &'a ComparisonRow>,
) -> Vec<(usize, Vec<&'a ComparisonRow>)> {
    let mut out: Vec<(usize, Vec<&ComparisonRow>)> = Vec::new();
    for r in rows {
        match out.iter_mut().find(|(c, _)| *c == r.config) {
            Some((_, v)) => v.push(r),
            None => out.push((r.config, vec![r])),
        }
    }
    out
}

fn list(items: &[String]) -> String {
    match items.len() {
        0 => String::new(),
        1 => items[0].clone(),
        n => format!("{} and {}", items[..n - 1].join(", "), items[n - 1]),
    }
}

pub fn render(input: &ReportInput) -> String {
    let mut s = String::new();
    let runs = input.runs;
    let scenarios = runs.scenarios();
    let _ = writeln!(s, "# Results: {}\n", input.title);
    let _ = writeln!(
        s,
        "_Generated by `swarm-sweep analyze` from runs.parquet ({} runs, {} configurations). \
         Every statement below follows a fixed rule: a variant changes a metric when the paired \
         t-test against the baseline, Holm-adjusted per scenario and metric, gives p < {ALPHA} \
         and the change is at least {}% of the baseline mean._\n",
        runs.frame.rows,
        runs.configs.len(),
        100.0 * MIN_REL
    );
    if runs
        .frame
        .metadata
        .get("swarm_sweep.fidelity")
        .map(String::as_str)
        == Some("partial")
    {
        let keys = runs
            .frame
            .metadata
            .get("swarm_sweep.unmodelled")
            .map_or("", String::as_str);
        let _ = writeln!(
            s,
            "> **Partial fidelity.** These runs were made with `--allow-unmodelled`: their base \
             scenarios set keys the reference reads but this engine does not model ({keys}). \
             The numbers differ from what swarm-safety 1.9.0 gives for the same seeds.\n"
        );
    }
    summary_section(&mut s, input, &scenarios);
    metrics_section(&mut s, input, &scenarios);
    interpretation_section(&mut s, input, &scenarios);
    next_section(&mut s, input, &scenarios);
    if !input.plots.is_empty() {
        let _ = writeln!(s, "## Plots\n");
        for p in input.plots {
            let _ = writeln!(s, "![{p}]({p})");
        }
        let _ = writeln!(s);
    }
    s
}

fn n_seeds(input: &ReportInput, scenario: &str) -> usize {
    input.runs.baseline(scenario).map_or(0, |b| b.rows.len())
}

fn summary_section(s: &mut String, input: &ReportInput, scenarios: &[&str]) {
    let runs = input.runs;
    let _ = writeln!(s, "## Summary\n");
    let n_variants = runs.configs.iter().filter(|c| !c.is_baseline()).count();
    let _ =
        writeln!(
        s,
        "**Goal.** Compare the baseline arm with {n_variants} governance configuration{} on {} \
         ({} seeds per configuration, paired by seed): do the interventions reduce harm \
         (toxicity) without harming quality (quality gap, welfare)?\n",
        if n_variants == 1 { "" } else { "s" },
        list(&scenarios.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>()),
        scenarios.first().map_or(0, |sc| n_seeds(input, sc)),
    );
    let short = runs.short_params();
    let named_by_params = runs.configs.iter().any(|c| c.label.contains('='));
    if named_by_params && short.iter().any(|(p, sh)| p != sh) {
        let names: Vec<String> = short
            .iter()
            .filter(|(p, sh)| {
                p != sh
                    && runs
                        .configs
                        .iter()
                        .any(|c| c.label.contains(&format!("{p}=")))
            })
            .map(|(p, sh)| format!("`{sh}` = `{p}`"))
            .collect();
        let _ = writeln!(
            s,
            "Configurations are named by their parameters: {}.\n",
            names.join(", ")
        );
    }
    let _ = writeln!(s, "**Key observation.**\n");
    for sc in scenarios {
        let prefix = if scenarios.len() > 1 {
            format!("`{sc}`: ")
        } else {
            String::new()
        };
        if runs.baseline(sc).is_none() {
            let _ = writeln!(s, "- {prefix}no baseline arm, so nothing was compared.");
            continue;
        }
        let best = input
            .variants(sc)
            .into_iter()
            .filter_map(|v| input.cmp(v, "toxicity_rate"))
            .filter(|c| better(c))
            .min_by(|a, b| a.diff.unwrap_or(0.0).total_cmp(&b.diff.unwrap_or(0.0)));
        match best {
            Some(c) => {
                let q = input
                    .cmp(c.config, "quality_gap")
                    .map(|q| format!("; it {}", change(q)))
                    .unwrap_or_default();
                let _ = writeln!(s, "- {prefix}{} {}{q}.", input.name(c.config), change(c));
            }
            None => {
                // The clearest change on any metric the template cares about.
                let clearest = input
                    .comparisons
                    .iter()
                    .filter(|c| runs.configs[c.config].scenario == *sc && counts(c))
                    .filter(|c| {
                        let m = c.metric.as_str();
                        REPORT_METRICS.contains(&m)
                            || QUALITY.contains(&m)
                            || AMPLIFICATION.contains(&m)
                    })
                    .min_by(|a, b| {
                        let rank = |c: &ComparisonRow| {
                            REPORT_METRICS
                                .iter()
                                .position(|m| *m == c.metric)
                                .unwrap_or(REPORT_METRICS.len())
                        };
                        let (pa, pb) = (a.p_holm.unwrap_or(1.0), b.p_holm.unwrap_or(1.0));
                        // equal p-values (e.g. toxicity_rate_all = 1 − average_quality):
                        // the template's own metrics first
                        if (pa - pb).abs() <= 1e-9 * pa.max(pb) {
                            rank(a).cmp(&rank(b))
                        } else {
                            pa.total_cmp(&pb)
                        }
                    });
                let tail = clearest
                    .map(|c| {
                        format!(
                            "; the clearest change: {} {}",
                            input.name(c.config),
                            change(c)
                        )
                    })
                    .unwrap_or_default();
                let _ = writeln!(
                    s,
                    "- {prefix}no configuration changes `toxicity_rate`{tail}."
                );
            }
        }
    }
    let _ = writeln!(s, "\n**Risks and regressions.**\n");
    let mut any = false;
    for (config, worse) in by_config(input.comparisons.iter().filter(|c| worse(c))) {
        any = true;
        let items: Vec<String> = worse
            .iter()
            .map(|c| {
                format!(
                    "`{}` {} → {} ({}, p_holm {})",
                    c.metric,
                    human(c.mean_baseline),
                    human(c.mean_variant),
                    pct(c.rel_change),
                    p(c.p_holm)
                )
            })
            .collect();
        let _ = writeln!(
            s,
            "- {} is worse on {}.",
            input.display(config),
            list(&items)
        );
    }
    let failed: usize = (0..runs.frame.rows).filter(|&r| !runs.ok(r)).count();
    if failed > 0 {
        any = true;
        let _ = writeln!(
            s,
            "- {failed} run{} failed; {} pairs were dropped from the comparisons.",
            if failed == 1 { "" } else { "s" },
            if failed == 1 { "its" } else { "their" }
        );
    }
    let nonfinite: usize = input.summary.iter().map(|r| r.n_nonfinite).sum();
    if nonfinite > 0 {
        any = true;
        let _ = writeln!(
            s,
            "- {nonfinite} metric value{} ±inf or NaN (an overflow?) and left out of every \
             statistic (`n_nonfinite` in summary.parquet and comparisons.parquet).",
            if nonfinite == 1 { " was" } else { "s were" }
        );
    }
    let small = input
        .comparisons
        .iter()
        .map(|c| c.n_pairs)
        .filter(|&n| n > 0)
        .min();
    if let Some(n) = small.filter(|&n| n < 10) {
        any = true;
        let _ = writeln!(
            s,
            "- Only {n} seed pairs in the smallest comparison: small effects cannot be detected."
        );
    }
    if !any {
        let _ = writeln!(
            s,
            "- No metric is worse than the baseline in any configuration, and no run failed."
        );
    }
    let _ = writeln!(s);
}

fn metrics_section(s: &mut String, input: &ReportInput, scenarios: &[&str]) {
    let runs = input.runs;
    let _ = writeln!(s, "## Metrics\n");
    let _ = writeln!(
        s,
        "Baseline → variant: arm means over successful runs with 95% t-intervals; Δ is the mean \
         paired difference (variant − baseline) with its 95% bootstrap interval; \"better\" is the \
         share of seed pairs in which the variant is better (lower for harm metrics, higher for \
         quality_gap and the conditional losses); `*`: p_holm < {ALPHA}.\n"
    );
    for sc in scenarios {
        let Some(base) = runs
            .configs
            .iter()
            .position(|c| c.scenario == *sc && c.is_baseline())
        else {
            continue;
        };
        if scenarios.len() > 1 {
            let _ = writeln!(s, "### `{sc}`\n");
        }
        let _ = writeln!(
            s,
            "| metric | variant | baseline | variant | Δ [95% CI] | p (Holm) | better |"
        );
        let _ = writeln!(s, "|---|---|---|---|---|---|---|");
        for m in REPORT_METRICS.iter().filter(|m| input.has_metric(m)) {
            for v in input.variants(sc) {
                let Some(c) = input.cmp(v, m) else { continue };
                let delta = match (c.diff, c.diff_ci) {
                    (Some(d), Some((lo, hi))) => {
                        format!(
                            "{} [{}, {}]",
                            human(Some(d)),
                            human(Some(lo)),
                            human(Some(hi))
                        )
                    }
                    _ => "n/a".into(),
                };
                let better = c
                    .p_improve
                    .map_or_else(|| "n/a".into(), |x| format!("{:.0}%", 100.0 * x));
                let _ = writeln!(
                    s,
                    "| `{m}` | {} | {} | {} | {delta} | {}{} | {better} |",
                    input.name(v),
                    mean_ci(input.stat(base, m)),
                    mean_ci(input.stat(v, m)),
                    p(c.p_holm),
                    if c.significant(ALPHA) { " *" } else { "" },
                );
            }
        }
        let _ = writeln!(s);
    }
    let missing: Vec<&str> = REPORT_METRICS
        .iter()
        .copied()
        .filter(|m| !input.has_metric(m))
        .collect();
    if !missing.is_empty() {
        let _ = writeln!(s, "Not in runs.parquet: {}.\n", missing.join(", "));
    }
}

fn interpretation_section(s: &mut String, input: &ReportInput, scenarios: &[&str]) {
    let runs = input.runs;
    let _ = writeln!(s, "## Interpretation\n");
    let _ = writeln!(
        s,
        "**Do the interventions reduce harm without harming quality?**\n"
    );
    for sc in scenarios {
        let prefix = if scenarios.len() > 1 {
            format!("`{sc}`: ")
        } else {
            String::new()
        };
        let (mut clean, mut costly, mut none, mut harmful) = (vec![], vec![], vec![], vec![]);
        for v in input.variants(sc) {
            let harm_down = HARM.iter().filter_map(|m| input.cmp(v, m)).any(better);
            let harm_up = HARM.iter().filter_map(|m| input.cmp(v, m)).any(worse);
            let cost: Vec<String> = QUALITY
                .iter()
                .filter_map(|m| input.cmp(v, m))
                .filter(|c| worse(c))
                .map(|c| format!("`{}` {}", c.metric, pct(c.rel_change)))
                .collect();
            match (harm_down, harm_up, cost.is_empty()) {
                (true, _, true) => clean.push(input.name(v)),
                (true, _, false) => costly.push(format!("{} ({})", input.name(v), cost.join(", "))),
                (false, true, _) => harmful.push(input.name(v)),
                (false, false, _) => none.push(input.name(v)),
            }
        }
        let mut parts = Vec::new();
        if !clean.is_empty() {
            parts.push(format!(
                "reduce harm without a quality cost: {}",
                list(&clean)
            ));
        }
        if !costly.is_empty() {
            parts.push(format!(
                "reduce harm at a cost in quality: {}",
                list(&costly)
            ));
        }
        if !harmful.is_empty() {
            parts.push(format!("increase harm: {}", list(&harmful)));
        }
        if !none.is_empty() {
            parts.push(format!("do not change harm: {}", list(&none)));
        }
        if parts.is_empty() {
            parts.push("nothing to compare (no baseline or no variants)".into());
        }
        let _ = writeln!(s, "- {prefix}{}.", parts.join("; "));
    }

    let _ = writeln!(s, "\n**Is adverse selection rising or falling?** (`quality_gap` = E[p | accepted] − E[p | rejected]; negative means the accepted interactions are worse than the rejected ones)\n");
    for sc in scenarios {
        let prefix = if scenarios.len() > 1 {
            format!("`{sc}`: ")
        } else {
            String::new()
        };
        let Some(base) = runs
            .configs
            .iter()
            .position(|c| c.scenario == *sc && c.is_baseline())
        else {
            continue;
        };
        let Some(bq) = input.stat(base, "quality_gap").and_then(|r| r.stats) else {
            let _ = writeln!(s, "- {prefix}`quality_gap` is not in runs.parquet.");
            continue;
        };
        let sign = if bq.mean < 0.0 {
            "negative: adverse selection is present in the baseline"
        } else if bq.mean > 0.0 {
            "positive: no adverse selection in the baseline"
        } else {
            "zero: selection is neutral in the baseline"
        };
        let mut moves = Vec::new();
        for v in input.variants(sc) {
            let Some(c) = input.cmp(v, "quality_gap") else {
                continue;
            };
            let Some(d) = c.diff else { continue };
            let trend = match (counts(c), d > 0.0) {
                (true, true) => "rises (adverse selection falls)",
                (true, false) => "falls (adverse selection rises)",
                (false, _) => "does not change",
            };
            let flip = match (bq.mean < 0.0, c.mean_variant.is_some_and(|m| m < 0.0)) {
                (false, true) => ", and turns negative",
                (true, false) => ", and turns non-negative",
                _ => "",
            };
            moves.push(format!(
                "under {} it {trend}: {} → {}{flip}",
                input.name(v),
                human(c.mean_baseline),
                human(c.mean_variant)
            ));
        }
        let _ = writeln!(
            s,
            "- {prefix}`quality_gap` is {} ({sign}).",
            human(Some(bq.mean))
        );
        for m in moves {
            let _ = writeln!(s, "  - {m}.");
        }
    }

    let _ = writeln!(s, "\n**Any collusion or security amplification?**\n");
    let present: Vec<&str> = AMPLIFICATION
        .iter()
        .copied()
        .filter(|m| input.has_metric(m))
        .collect();
    if present.is_empty() {
        let _ = writeln!(
            s,
            "- Not measured: no configuration of this sweep has collusion detection or the security lever on, so runs.parquet has no collusion or threat columns.\n"
        );
        return;
    }
    let up: Vec<String> = input
        .comparisons
        .iter()
        .filter(|c| present.contains(&c.metric.as_str()) && worse(c))
        .map(|c| format!("{} {}", input.display(c.config), change(c)))
        .collect();
    let down: Vec<String> = input
        .comparisons
        .iter()
        .filter(|c| present.contains(&c.metric.as_str()) && better(c))
        .map(|c| format!("{} {}", input.display(c.config), change(c)))
        .collect();
    if up.is_empty() {
        let _ = writeln!(
            s,
            "- No amplification: no configuration raises {}.",
            list(&present.iter().map(|m| format!("`{m}`")).collect::<Vec<_>>())
        );
    } else {
        for u in &up {
            let _ = writeln!(s, "- Amplification: {u}.");
        }
    }
    for d in &down {
        let _ = writeln!(s, "- Dampening: {d}.");
    }
    let _ = writeln!(s);
}

fn next_section(s: &mut String, input: &ReportInput, scenarios: &[&str]) {
    let _ = writeln!(s, "## Next iteration\n");
    let mut items: Vec<String> = Vec::new();
    let clean: Vec<usize> = input
        .comparisons
        .iter()
        .filter(|c| HARM.contains(&c.metric.as_str()) && better(c))
        .map(|c| c.config)
        .filter(|&v| !QUALITY.iter().filter_map(|m| input.cmp(v, m)).any(worse))
        .collect();
    if let Some(&best) = clean.first() {
        items.push(format!(
            "Confirm {} on more seeds and on other base scenarios, and refine the grid around it.",
            input.name(best)
        ));
    } else if input
        .comparisons
        .iter()
        .any(|c| HARM.contains(&c.metric.as_str()) && better(c))
    {
        items.push("Every harm reduction costs quality: try settings between the baseline and the variants that reduce harm, looking for one that keeps most of the reduction at a smaller cost.".into());
    }
    let regress: Vec<String> = by_config(
        input
            .comparisons
            .iter()
            .filter(|c| worse(c) && !HARM.contains(&c.metric.as_str())),
    )
    .into_iter()
    .map(|(config, rows)| {
        let names: Vec<String> = rows.iter().map(|c| format!("`{}`", c.metric)).collect();
        format!("{} under {}", list(&names), input.display(config))
    })
    .collect();
    if !regress.is_empty() {
        items.push(format!(
            "Investigate the regressions: {}.",
            regress.join("; ")
        ));
    }
    for sc in scenarios {
        let Some(base) = input
            .runs
            .configs
            .iter()
            .position(|c| c.scenario == *sc && c.is_baseline())
        else {
            continue;
        };
        if input
            .stat(base, "quality_gap")
            .and_then(|r| r.stats)
            .is_some_and(|q| q.mean < 0.0)
        {
            items.push(format!("`{sc}` shows adverse selection (negative quality_gap): target the acceptance rule, e.g. audits or stricter thresholds."));
        }
    }
    let insignificant: Vec<&ComparisonRow> = input
        .comparisons
        .iter()
        .filter(|c| c.metric == "toxicity_rate" && !counts(c))
        .collect();
    if let Some(c) = insignificant.first() {
        // Smallest difference a paired test detects with 80% power at α = 0.05:
        // (z_0.975 + z_0.8) · sd(d) / √n ≈ 2.8 · sd(d) / √n, with sd(d) = diff / d_z.
        let mde = c
            .d_z
            .zip(c.diff)
            .filter(|(dz, _)| *dz != 0.0)
            .map(|(dz, d)| 2.8 * (d / dz).abs() / (c.n_pairs as f64).sqrt());
        items.push(format!(
            "Some toxicity differences are too small or too uncertain to count with {} seed pairs{}: add seeds to resolve smaller effects.",
            c.n_pairs,
            mde.map(|m| format!(" (the smallest change this design detects with 80% power is about {})", human(Some(m))))
                .unwrap_or_default()
        ));
    }
    if input
        .comparisons
        .iter()
        .all(|c| c.direction == Direction::Neutral || !counts(c))
        && insignificant.is_empty()
    {
        items.push(
            "No configuration changes any metric: widen the grid (stronger settings) or add seeds."
                .into(),
        );
    }
    if items.is_empty() {
        items.push("Keep the current baseline; no configuration is clearly better.".into());
    }
    for i in items {
        let _ = writeln!(s, "- {i}");
    }
    let _ = writeln!(s);
}
