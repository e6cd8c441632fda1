//! Adaptive replication end to end (docs/design.md, "Adaptive
//! replication"): the binary stops adding seeds by the rule — checked
//! against seed counts worked out by hand on the `--test-sim` hook, whose
//! paired differences have a known spread — gives the same tables at
//! --jobs 1 and 2 and after a kill -9 mid-round, and runs a real small spec.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::{bundled_scenario, read_table, sweep_binary as bin, test_data};

fn spec(name: &str) -> PathBuf {
    test_data(&format!("sweeps/{name}"))
}

fn sweep(spec: &Path, out: &Path, extra: &[&str]) -> Command {
    let mut c = Command::new(bin());
    c.arg(spec)
        .args(["--deterministic-timing", "--no-metrics-csv", "-q", "--out"])
        .arg(out)
        .args(extra);
    c
}

fn ok(mut c: Command) -> String {
    let o = c.output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(o.status.code(), Some(0), "{err}");
    err
}

/// Runs per configuration label, and the seeds each ran, from runs.parquet.
fn seeds_by_config(dir: &Path) -> BTreeMap<String, Vec<i64>> {
    let mut out: BTreeMap<String, Vec<i64>> = BTreeMap::new();
    for row in read_table(&dir.join("runs.parquet")).rows {
        out.entry(row["config_label"].str().to_string())
            .or_default()
            .push(row["seed"].int());
    }
    out
}

/// `--test-sim`: toxicity_rate = tax + audit · (−1)^seed, the baseline at
/// audit 0, so a configuration's n paired differences (n even) are its tax
/// ± its audit probability a: sd = a·√(n/(n−1)), and the 95% half-width is
/// t(0.975, n−1) · a / √(n−1). With the target 0.005, batches of 10, max 100:
/// - a = 0: half-width 0 after the first batch → 10 seeds;
/// - a = 0.01: n = 10 gives 2.2622·0.01/3 = 0.00754, n = 20 gives
///   2.0930·0.01/√19 = 0.00480 → 20 seeds;
/// - a = 0.02: n = 60 gives 2.0010·0.02/√59 = 0.00521, n = 70 gives
///   1.9949·0.02/√69 = 0.00480 → 70 seeds;
/// - a = 0.05: n = 100 still gives 1.9842·0.05/√99 = 0.00997 → the max, 100;
/// - the baseline runs as many as the most: 100.
#[test]
fn seeds_stop_by_the_rule() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("out");
    ok(sweep(
        &spec("adaptive_fake.yaml"),
        &dir,
        &["--test-sim", "0"],
    ));
    let counts: BTreeMap<String, usize> = seeds_by_config(&dir)
        .into_iter()
        .map(|(k, v)| (k, v.len()))
        .collect();
    let expected: BTreeMap<String, usize> = [
        ("baseline", 100),
        (
            "governance.audit_probability=0.0,governance.transaction_tax_rate=0.1",
            10,
        ),
        (
            "governance.audit_probability=0.01,governance.transaction_tax_rate=0.0",
            20,
        ),
        (
            "governance.audit_probability=0.02,governance.transaction_tax_rate=0.2",
            70,
        ),
        (
            "governance.audit_probability=0.05,governance.transaction_tax_rate=0.3",
            100,
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    assert_eq!(counts, expected);
    // Every configuration runs the first seeds: the same seeds as its baseline.
    for (label, seeds) in seeds_by_config(&dir) {
        let want: Vec<i64> = (0..seeds.len() as i64).collect();
        assert_eq!(seeds, want, "{label}");
    }
    let report = std::fs::read_to_string(dir.join("report.md")).unwrap();
    assert!(report.contains("## Adaptive replication"), "{report}");
    assert!(
        report.contains("3 of 4 configurations met the target; 1 reached the maximum of 100"),
        "{report}"
    );
    assert!(
        report.contains("10 to 100 seeds per configuration"),
        "{report}"
    );
    assert!(
        report.contains("| `audit_probability=0.05, transaction_tax_rate=0.3` | 100 | 0.00997 | **reached max** |"),
        "{report}"
    );
    // `show` says it too, after the comparisons.
    let o = Command::new(bin()).arg("show").arg(&dir).output().unwrap();
    let shown = String::from_utf8_lossy(&o.stdout);
    assert!(shown.contains("3 of 4 configurations met it"), "{shown}");
    for line in [
        "audit_probability=0.05, transaction_tax_rate=0.3    100 seeds  ±0.00997    reached max",
        "audit_probability=0.02, transaction_tax_rate=0.2     70 seeds  ±0.0048     met the target",
    ] {
        assert!(shown.contains(line), "{shown}");
    }
}

#[test]
fn tables_are_identical_at_jobs_1_and_2() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    let s = spec("adaptive_fake.yaml");
    ok(sweep(
        &s,
        &a,
        &["--test-sim", "0", "--jobs", "1", "--no-analyze"],
    ));
    ok(sweep(
        &s,
        &b,
        &["--test-sim", "1", "--jobs", "2", "--no-analyze"],
    ));
    for f in ["runs.parquet", "epochs.parquet", "configs.parquet"] {
        assert!(
            std::fs::read(a.join(f)).unwrap() == std::fs::read(b.join(f)).unwrap(),
            "{f} differs between --jobs 1 and 2"
        );
    }
}

fn journal_lines(path: &Path) -> usize {
    std::fs::read(path)
        .map(|b| b.iter().filter(|&&c| c == b'\n').count())
        .unwrap_or(0)
}

/// Killed with SIGKILL in round `k` (after `lines` journal lines), the
/// rerun replays the decisions from the journal and ends with the tables of
/// an uninterrupted sweep.
fn killed_after(lines: usize) {
    let tmp = tempfile::tempdir().unwrap();
    let s = spec("adaptive_fake.yaml");
    let reference = tmp.path().join("reference");
    ok(sweep(&s, &reference, &["--test-sim", "0", "--no-analyze"]));
    let dir = tmp.path().join("out");
    let journal = dir.join("journal.jsonl");
    let mut child = sweep(
        &s,
        &dir,
        &["--test-sim", "3", "--jobs", "2", "--no-analyze"],
    )
    .stderr(Stdio::null())
    .spawn()
    .unwrap();
    let start = Instant::now();
    while journal_lines(&journal) < lines {
        assert!(child.try_wait().unwrap().is_none(), "ended before the kill");
        assert!(start.elapsed() < Duration::from_secs(60), "no progress");
        std::thread::sleep(Duration::from_millis(1));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let finished = journal_lines(&journal) - 1;
    assert!(finished < 300, "{finished} runs before the kill");
    assert!(!dir.join("runs.parquet").exists());
    ok(sweep(
        &s,
        &dir,
        &["--test-sim", "0", "--jobs", "1", "--no-analyze"],
    ));
    for f in ["runs.parquet", "epochs.parquet"] {
        assert!(
            std::fs::read(dir.join(f)).unwrap() == std::fs::read(reference.join(f)).unwrap(),
            "{f} differs from an uninterrupted sweep"
        );
    }
    // Once finished, a rerun runs nothing (the runs come back from the
    // tables, round by round) and writes the same tables.
    let mut again = Command::new(bin());
    again
        .arg(&s)
        .args([
            "--test-sim",
            "0",
            "--deterministic-timing",
            "--no-metrics-csv",
        ])
        .args(["--no-analyze", "--out"])
        .arg(&dir);
    let err = ok(again);
    assert!(err.contains("300 runs (0 failed, 300 reused)"), "{err}");
    assert!(
        std::fs::read(dir.join("runs.parquet")).unwrap()
            == std::fs::read(reference.join("runs.parquet")).unwrap()
    );
}

#[test]
fn a_kill_in_the_first_round_resumes_into_identical_tables() {
    killed_after(20);
}

#[test]
fn a_kill_in_a_later_round_resumes_into_identical_tables() {
    // Round 1 is 50 runs, round 2 40 more.
    killed_after(70);
}

/// The real simulation: every configuration stops where the rule says,
/// worked out again from runs.parquet (the half-width after its last batch
/// is within the target or it is at max; after the batch before, it was not).
#[test]
fn a_real_spec_stops_by_the_rule() {
    use swarm_sweep::sweep::adaptive::half_width;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("out");
    let mut c = Command::new(bin());
    c.arg(spec("adaptive_baseline.yaml"))
        .args(["--deterministic-timing", "-q", "--out"])
        .arg(&dir);
    ok(c);
    let (batch, max, target) = (5usize, 30usize, 0.0002);
    let table = read_table(&dir.join("runs.parquet"));
    let mut tox: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for row in &table.rows {
        tox.entry(row["config_label"].str().to_string())
            .or_default()
            .push(row["toxicity_rate"].float());
    }
    let base = tox["baseline"].clone();
    let mut most = 0;
    for (label, v) in tox.iter().filter(|(l, _)| *l != "baseline") {
        let n = v.len();
        assert!(n % batch == 0 && n <= max, "{label}: {n} seeds");
        let hw = |k: usize| {
            let d: Vec<f64> = (0..k).map(|r| v[r] - base[r]).collect();
            half_width(&d, 0.95).unwrap()
        };
        assert!(
            hw(n) <= target || n == max,
            "{label}: stopped too early at {n}"
        );
        if n > batch {
            assert!(
                hw(n - batch) > target,
                "{label}: went on past the target at {n}"
            );
        }
        most = most.max(n);
    }
    assert_eq!(
        base.len(),
        most,
        "the baseline runs as many seeds as the most"
    );
    // This spec needs more than one round for some configuration and not for all.
    let counts: Vec<usize> = tox.values().map(Vec::len).collect();
    assert!(
        counts.contains(&batch) && counts.iter().any(|&n| n > batch),
        "{counts:?}"
    );
    let report = std::fs::read_to_string(dir.join("report.md")).unwrap();
    assert!(report.contains("## Adaptive replication"), "{report}");
    // `check` reruns the runs the sweep made and finds them the same.
    let o = Command::new(bin())
        .arg("check")
        .arg(spec("adaptive_baseline.yaml"))
        .arg("--against")
        .arg(&dir)
        .output()
        .unwrap();
    let (out, err) = (
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr),
    );
    assert_eq!(o.status.code(), Some(0), "{out}{err}");
    let made = format!("the {} runs the adaptive sweep made", table.rows.len());
    assert!(err.contains(&made), "{err}");
    assert!(
        format!("{out}{err}").contains("5 of 5 configurations passed"),
        "{out}{err}"
    );
    // runs/index.tsv lists the runs made, not every run the maximum allows.
    let index = std::fs::read_to_string(dir.join("runs/index.tsv")).unwrap();
    assert_eq!(index.lines().count(), 1 + table.rows.len());
}

#[test]
fn bad_rules_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let cases = [
        ("seeds: {start: 0, batch: 10, max: 100}", "batch, max and until together"),
        ("seeds: {count: 5, batch: 10, max: 100, until: {metric: toxicity_rate, ci_half_width: 0.01}}", "not both"),
        ("seeds: {batch: 10, max: 5, until: {metric: toxicity_rate, ci_half_width: 0.01}}", "at least batch"),
        ("seeds: {batch: 1, max: 5, until: {metric: toxicity_rate, ci_half_width: 0.01}}", "at least 2"),
        ("seeds: {batch: 5, max: 50, until: {metric: toxicty_rate, ci_half_width: 0.01}}", "did you mean 'toxicity_rate'"),
        ("seeds: {batch: 5, max: 50, until: {metric: toxicity_rate, ci_half_width: -1}}", "positive"),
        ("seeds: {batch: 5, max: 50, until: {metric: toxicity_rate}}", "missing 'ci_half_width'"),
    ];
    for (seeds, message) in cases {
        let path = tmp.path().join("s.yaml");
        let base = bundled_scenario("baseline.yaml");
        std::fs::write(&path, format!("base: {}\n{seeds}\n", base.display())).unwrap();
        let o = Command::new(bin())
            .arg(&path)
            .arg("--dry-run")
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{seeds}: {err}");
        assert!(err.contains(message), "{seeds}: {err}");
    }
    // Sharding needs the run list up front.
    let o = Command::new(bin())
        .arg(spec("adaptive_fake.yaml"))
        .args(["--shard", "1/2", "--out"])
        .arg(tmp.path().join("x"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("cannot be sharded"));
}

/// report.md of a sobol design stays the same size however many points it
/// has, and ranks its levers: under `--test-sim` the seed-averaged
/// toxicity_rate is the tax rate (0 to 0.3) plus a third of the audit
/// probability (0 to 0.1), so the tax comes first with ρ near 1.
#[test]
fn a_large_design_gets_a_compact_report_that_ranks_its_levers() {
    let tmp = tempfile::tempdir().unwrap();
    let base = bundled_scenario("baseline.yaml");
    let report = |n: usize| -> String {
        let spec = tmp.path().join(format!("design{n}.yaml"));
        std::fs::write(
            &spec,
            format!(
                "name: design\nbase: {}\nseeds: {{start: 0, count: 3}}\nsample:\n  method: sobol\n  \
                 n: {n}\n  seed: 1\n  parameters:\n    governance.audit_probability: {{dist: uniform, \
                 min: 0.0, max: 0.1}}\n    governance.transaction_tax_rate: {{dist: uniform, min: 0.0, \
                 max: 0.3}}\n",
                base.display()
            ),
        )
        .unwrap();
        let dir = tmp.path().join(format!("out{n}"));
        ok(sweep(&spec, &dir, &["--test-sim", "0"]));
        std::fs::read_to_string(dir.join("report.md")).unwrap()
    };
    let (small, large) = (report(16), report(256));
    let lines = |s: &str| s.lines().count();
    assert!(
        lines(&large) <= lines(&small) + 5,
        "{} lines for 256 points, {} for 16",
        lines(&large),
        lines(&small)
    );
    let levers = large
        .split("## Levers of the design")
        .nth(1)
        .expect("the section");
    let rows: Vec<&str> = levers
        .lines()
        .filter(|l| l.starts_with("| `toxicity_rate` |"))
        .collect();
    assert_eq!(rows.len(), 2, "{levers}");
    assert!(
        rows[0].starts_with("| `toxicity_rate` | 1 | `governance.transaction_tax_rate` | 0.99"),
        "{levers}"
    );
    assert!(
        rows[1].contains("| 2 | `governance.audit_probability` |"),
        "{levers}"
    );
    assert!(!large.contains("named by their parameters: ."), "{large}");
}

/// The rule on its own (`sweep::adaptive::Schedule`), on the fake spec's
/// plan with outputs given by hand: a failed run leaves its pair out, a
/// settled configuration stays settled, and the baseline follows the most
/// replicated configuration.
#[test]
fn the_schedule_leaves_failed_pairs_out_and_the_baseline_follows() {
    use swarm_sweep::sweep::adaptive::{Schedule, Stop};
    let plan = swarm_sweep::cli::sweep::load_plan(&spec("adaptive_fake.yaml"), false).unwrap();
    let rule = plan.spec.replication.clone().unwrap();
    let n = plan.spec.seeds.len();
    // Configurations 1..=4 (after the baseline): amplitudes 0, 0.01, 0.02,
    // 0.05, as --test-sim gives them; run 3 of configuration 2 failed.
    let amplitude = [0.0, 0.0, 0.01, 0.02, 0.05];
    let value = |i: usize| -> Option<f64> {
        let (c, r) = (i / n, i % n);
        if (c, r) == (2, 3) {
            return None;
        }
        let sign = if r % 2 == 0 { 1.0 } else { -1.0 };
        Some(0.1 * c as f64 + amplitude[c] * sign)
    };
    let mut s = Schedule::new(&plan, &rule);
    assert_eq!(s.runs(&plan).len(), 5 * 10);
    let mut rounds = 1;
    while s.advance(&plan, value) {
        rounds += 1;
        // The baseline runs every seed any configuration runs.
        let most = (1..5).map(|c| s.seeds(c)).max().unwrap();
        assert_eq!(s.seeds(0), most);
    }
    assert_eq!(rounds, 10);
    let seeds: Vec<usize> = (0..5).map(|c| s.seeds(c)).collect();
    assert_eq!(seeds, [100, 10, 20, 70, 100]);
    let c = &s.configs[2];
    assert_eq!((c.n_pairs, c.stop), (19, Some(Stop::Target)));
    assert!(c.half_width.unwrap() <= 0.005);
    assert_eq!(s.configs[4].stop, Some(Stop::Max));
    assert_eq!(s.configs[0].stop, Some(Stop::Baseline));
    assert_eq!(s.open(), 0);
    // Nothing more to decide: a settled schedule stays as it is.
    assert!(!s.advance(&plan, value));
    assert_eq!((0..5).map(|c| s.seeds(c)).collect::<Vec<_>>(), seeds);
}
