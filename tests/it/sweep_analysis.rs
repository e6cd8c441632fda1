//! `swarm-sweep analyze` / `plot` end to end on a synthetic results
//! directory: the files, their columns, pairing with failed runs, the
//! report's sections, reproducibility.

use std::path::Path;

use swarm_sweep::analysis::frame::{Cell, Frame};

use crate::common::{assert_contains, fixture, sweep};

fn read(path: &Path) -> Frame {
    Frame::read_parquet(path, None).unwrap()
}

fn rows_where(f: &Frame, col: &str, val: &str) -> Vec<usize> {
    let c = f.get(col).unwrap();
    (0..f.rows)
        .filter(|&r| c.cell(r) == Cell::Str(val.into()))
        .collect()
}

#[test]
fn analyze_writes_tables_report_and_plots() {
    let dir = tempfile::tempdir().unwrap();
    // config 1 replicate 3 and baseline replicate 5 fail
    fixture::write_sweep(dir.path(), 10, 6, &[(1, 3), (0, 5)]);
    // -q: nothing at all on the terminal
    sweep()
        .args(["analyze", "-q"])
        .arg(dir.path())
        .assert()
        .success()
        .stdout("")
        .stderr("");
    for f in [
        "summary.parquet",
        "comparisons.parquet",
        "comparisons.csv",
        "report.md",
        "plots/epochs_toxicity_rate.png",
        "plots/epochs_toxicity_rate.svg",
        "plots/heatmap_toxicity_rate.png",
        "plots/tradeoff_toxicity_vs_quality_gap.png",
        "plots/tradeoff_toxicity_vs_quality_gap.svg",
    ] {
        assert!(dir.path().join(f).exists(), "missing {f}");
    }

    let s = read(&dir.path().join("summary.parquet"));
    for c in [
        "scenario",
        "config_id",
        "config_label",
        "arm",
        fixture::P_TOX,
        fixture::P_VIOL,
        "metric",
        "n",
        "n_failed",
        "mean",
        "sd",
        "sem",
        "ci95_lo",
        "ci95_hi",
        "median",
        "q25",
        "q75",
        "iqm",
        "min",
        "max",
    ] {
        assert!(s.get(c).is_some(), "summary lacks {c}");
    }
    assert_eq!(s.rows, 7 * fixture::RUN_METRICS.len());
    let tox = rows_where(&s, "metric", "toxicity_rate");
    let base = tox[0];
    assert_eq!(
        s.get("config_label").unwrap().cell(base),
        Cell::Str("baseline".into())
    );
    assert_eq!(s.get("n").unwrap().cell(base), Cell::Int(9));
    assert_eq!(s.get("n_failed").unwrap().cell(base), Cell::Int(1));
    assert_eq!(s.get(fixture::P_TOX).unwrap().cell(base), Cell::Null);
    assert_eq!(
        s.get(fixture::P_TOX).unwrap().cell(tox[1]),
        Cell::Float(0.5)
    );

    let c = read(&dir.path().join("comparisons.parquet"));
    for col in [
        "variant",
        "metric",
        "n_pairs",
        "mean_baseline",
        "mean_variant",
        "diff",
        "diff_ci_lo",
        "diff_ci_hi",
        "rel_change",
        "t_stat",
        "p_ttest",
        "p_wilcoxon",
        "p_holm",
        "d_z",
        "hedges_g",
        "p_improve",
        "bootstrap_resamples",
        "verdict",
    ] {
        assert!(c.get(col).is_some(), "comparisons lacks {col}");
    }
    assert_eq!(
        c.get("verdict").unwrap().cell(ctox_first(&c)),
        Cell::Str("better".into())
    );
    let csv = std::fs::read_to_string(dir.path().join("comparisons.csv")).unwrap();
    assert_eq!(csv.lines().count(), c.rows + 1);
    assert!(csv.lines().next().unwrap().ends_with(",p_improve,verdict"));
    assert_eq!(c.rows, 6 * fixture::RUN_METRICS.len());
    let ctox = rows_where(&c, "metric", "toxicity_rate");
    // variant 1 lost replicate 3, the baseline lost replicate 5: 8 pairs
    assert_eq!(c.get("n_pairs").unwrap().cell(ctox[0]), Cell::Int(8));
    assert_eq!(c.get("n_pairs").unwrap().cell(ctox[1]), Cell::Int(9));
    // the strictest setting lowers toxicity in every pair, significantly
    let f = |col: &str, r: usize| c.get(col).unwrap().f64(r).unwrap();
    assert!(f("diff", ctox[0]) < 0.0);
    assert!(f("diff_ci_hi", ctox[0]) < 0.0);
    assert!(f("p_holm", ctox[0]) < 0.01);
    assert!(f("p_holm", ctox[0]) >= f("p_ttest", ctox[0]));
    assert_eq!(f("p_improve", ctox[0]), 1.0);
    // neutral metrics have no improvement share
    let acc = rows_where(&c, "metric", "acceptance_rate");
    assert_eq!(c.get("p_improve").unwrap().cell(acc[0]), Cell::Null);
    assert!(c.metadata.contains_key("swarm_analysis.holm_family"));

    let report = std::fs::read_to_string(dir.path().join("report.md")).unwrap();
    for h in [
        "## Summary",
        "## Metrics",
        "## Interpretation",
        "## Next iteration",
        "**Goal.**",
        "**Key observation.**",
        "**Risks and regressions.**",
    ] {
        assert!(report.contains(h), "report lacks {h}:\n{report}");
    }
    for m in [
        "`toxicity_rate`",
        "`toxicity_rate_all`",
        "`quality_gap`",
        "`spread`",
        "`conditional_loss_initiator`",
        "`conditional_loss_counterparty`",
    ] {
        assert!(report.contains(m), "report lacks {m}");
    }
    assert_contains(&report, "2 runs failed");
    assert_contains(&report, "**Lower harm at a cost in quality or welfare**");
    assert!(report.contains("plots/tradeoff_toxicity_vs_quality_gap.png"));
}

fn ctox_first(c: &Frame) -> usize {
    rows_where(c, "metric", "toxicity_rate")[0]
}

#[test]
fn analysis_is_reproducible() {
    let dir = tempfile::tempdir().unwrap();
    fixture::write_sweep(dir.path(), 6, 3, &[]);
    let run = |jobs: &str| {
        sweep()
            .args(["analyze", "-q", "--no-plots", "--jobs", jobs])
            .arg(dir.path())
            .assert()
            .success();
        (
            std::fs::read(dir.path().join("comparisons.parquet")).unwrap(),
            std::fs::read(dir.path().join("summary.parquet")).unwrap(),
            std::fs::read(dir.path().join("report.md")).unwrap(),
            std::fs::read(dir.path().join("comparisons.csv")).unwrap(),
        )
    };
    // the same bytes again, and on any number of threads
    assert_eq!(run("1"), run("1"));
    assert_eq!(run("1"), run("3"));
    assert!(!dir.path().join("plots").exists());
}

#[test]
fn notes_go_where_asked_with_working_links() {
    let dir = tempfile::tempdir().unwrap();
    let res = dir.path().join("results/x");
    fixture::write_sweep(&res, 4, 3, &[]);
    let notes = dir.path().join("research/notes/x_results.md");
    sweep()
        .current_dir(dir.path())
        .args([
            "analyze",
            "-q",
            "results/x",
            "--notes",
            "research/notes/x_results.md",
        ])
        .assert()
        .success();
    let text = std::fs::read_to_string(notes).unwrap();
    assert_contains(
        &text,
        "(../../results/x/plots/tradeoff_toxicity_vs_quality_gap.png)",
    );
}

#[test]
fn plot_command_and_bad_dirs() {
    let dir = tempfile::tempdir().unwrap();
    fixture::write_sweep(dir.path(), 4, 3, &[]);
    sweep()
        .args(["plot", "-q"])
        .arg(dir.path())
        .assert()
        .success();
    assert!(dir.path().join("plots/heatmap_quality_gap.svg").exists());
    assert!(!dir.path().join("summary.parquet").exists());

    let empty = tempfile::tempdir().unwrap();
    sweep()
        .arg("analyze")
        .arg(empty.path())
        .assert()
        .code(2)
        .stderr(predicates::str::contains("runs.parquet not found"));
    std::fs::write(empty.path().join("runs.parquet"), b"not parquet").unwrap();
    sweep()
        .arg("analyze")
        .arg(empty.path())
        .assert()
        .code(2)
        .stderr(predicates::str::contains("not a readable Parquet file"));
}
