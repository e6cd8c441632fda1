//! The sweep engine on its own fixtures (a hand-built scenario and a fake,
//! deterministic simulation), so scheduling, row order, failure handling,
//! the journal, the Parquet tables and their metadata are tested without
//! the real loader or simulation.

use std::path::Path;
use std::time::Duration;

use crate::common::{assert_contains, files_under, read_table, Val};
use swarm_sweep::contract::{schema_version, Table};
use swarm_sweep::metrics::{EpochMetrics, SecurityFigures, SoftMetrics};
use swarm_sweep::scenario::params::{ParamKind, ParamValue};
use swarm_sweep::scenario::{AgentConfig, AgentKind, AgentSpec, Scenario, SimulationConfig};
use swarm_sweep::sim::RunResult;
use swarm_sweep::sweep::key;
use swarm_sweep::sweep::plan::{self, BaseScenario, Config, ParamColumn, SweepPlan};
use swarm_sweep::sweep::progress::{Mode, Progress};
use swarm_sweep::sweep::run_files::RunFiles;
use swarm_sweep::sweep::runner::{ExecOptions, SimFn};
use swarm_sweep::sweep::session::{self, End, SweepOptions, SweepReport};
use swarm_sweep::sweep::spec;

fn scenario(n_epochs: u32) -> Scenario {
    Scenario {
        scenario_id: "fixture".into(),
        description: String::new(),
        motif: String::new(),
        agents: vec![AgentSpec {
            kind: AgentKind::Honest,
            count: 2,
            name: None,
            config: AgentConfig::default_for(AgentKind::Honest),
        }],
        simulation: SimulationConfig {
            n_epochs,
            ..SimulationConfig::default()
        },
        ..Scenario::default()
    }
}

/// A pure function of (scenario, seed) with varying run times, failing on
/// seeds ≡ 3 (mod 7).
fn fake_run(s: &Scenario, seed: i64) -> RunResult {
    if seed % 7 == 3 {
        panic!("fake failure at seed {seed}");
    }
    if seed % 5 == 0 {
        std::thread::sleep(Duration::from_millis(1));
    }
    let g = &s.governance;
    let soft = |k: f64| SoftMetrics {
        total_interactions: seed as u64 + 10,
        accepted_interactions: seed as u64 + 5,
        toxicity_rate: g.audit_probability + k,
        toxicity_rate_all: 0.25 + k,
        quality_gap: seed as f64 * 1e-3 - k,
        total_welfare: 1.5 * k + seed as f64,
        net_social_welfare: k - 0.5,
        acceptance_rate: 0.9,
        ..SoftMetrics::default()
    };
    let epochs = (0..s.simulation.n_epochs)
        .map(|e| EpochMetrics {
            epoch: e,
            total_posts: u64::from(e) * 3,
            total_votes: u64::from(e) * 2,
            soft: soft(f64::from(e) / 10.0),
            n_frozen: u64::from(e % 2),
            n_quarantined: 0,
            security: (g.security_enabled && e > 0).then_some(SecurityFigures {
                ecosystem_threat_level: 0.1 * f64::from(e),
                active_threat_count: u64::from(e),
                contagion_depth: 1,
            }),
            collusion: None,
            contract: None,
            capability_envelope: None,
        })
        .collect();
    RunResult {
        seed,
        epochs,
        run: soft(0.05),
        n_frozen: 1,
        n_quarantined: 2,
        ..RunResult::default()
    }
}

fn fake_sim(s: &Scenario, seed: i64, _events: Option<&Path>) -> std::io::Result<RunResult> {
    Ok(fake_run(s, seed))
}

/// A plan over the fixture scenario: the baseline plus two audit settings,
/// one of them with security on.
fn fixture_plan(n_seeds: usize, n_epochs: u32) -> SweepPlan {
    let text =
        format!("name: fixture\nbase: fixture.yaml\nseeds: {{start: 0, count: {n_seeds}}}\n");
    let spec = spec::parse(&text, "fixture_sweep.yaml").unwrap();
    let sha = key::sha256_hex(b"fixture scenario");
    let base = BaseScenario {
        path: "fixture.yaml".into(),
        scenario_id: "fixture".into(),
        sha256: sha.clone(),
        unmodelled: Vec::new(),
    };
    let mut plan = plan::build(spec, vec![(base, scenario(n_epochs))], Vec::new()).unwrap();
    let path = "governance.audit_probability";
    plan.params = vec![ParamColumn {
        path: path.into(),
        kind: ParamKind::Float,
    }];
    plan.configs[0].params = vec![Some(ParamValue::Float(0.1))];
    for (i, p) in [0.3, 0.5].into_iter().enumerate() {
        let mut s = scenario(n_epochs);
        s.governance.audit_probability = p;
        s.governance.security_enabled = i == 1;
        let value = ParamValue::Float(p);
        plan.configs.push(Config {
            id: i + 1,
            base: 0,
            arm: format!("{path}={p}"),
            label: format!("{path}={p}"),
            params: vec![Some(value.clone())],
            fingerprint: key::fingerprint(&s),
            scenario: s,
            first: i + 1,
            copied: false,
        });
    }
    plan.security = true;
    plan
}

/// `jobs` workers, deterministic timing, no per-run files.
fn exec(jobs: usize, fail_fast: bool) -> ExecOptions {
    ExecOptions {
        jobs,
        fail_fast,
        deterministic_timing: true,
        run_files: None,
    }
}

/// `jobs` workers, deterministic timing, per-run metrics.csv (no events)
/// under `dir`.
fn exec_with_csv(jobs: usize, dir: &Path) -> ExecOptions {
    ExecOptions {
        run_files: Some(RunFiles {
            dir: dir.to_path_buf(),
            metrics_csv: true,
            events_jsonl: false,
        }),
        ..exec(jobs, false)
    }
}

fn run_sweep(plan: &SweepPlan, dir: &Path, jobs: usize, fail_fast: bool) -> SweepReport {
    sweep_with(plan, dir, exec(jobs, fail_fast), &fake_sim)
}

/// A one-process sweep of `plan` into `dir`, prepared to run.
fn prepare(plan: &SweepPlan, dir: &Path, exec: &ExecOptions) -> session::Prepared {
    let opts = SweepOptions {
        out_dir: dir.to_path_buf(),
        shard: None,
        exec: exec.clone(),
        force_new: false,
        keep_journal: false,
    };
    session::prepare(plan, &opts).unwrap()
}

/// Prepare and run a one-process sweep into `dir`.
fn sweep_with(plan: &SweepPlan, dir: &Path, exec: ExecOptions, sim: &SimFn) -> SweepReport {
    let prepared = prepare(plan, dir, &exec);
    let progress = Progress::new(prepared.todo.len(), Mode::Quiet);
    let never = std::sync::atomic::AtomicBool::new(false);
    prepared.run(plan, &exec, sim, &progress, &never).unwrap()
}

#[test]
fn tables_are_byte_identical_across_job_counts() {
    let plan = fixture_plan(40, 4);
    let (a, b, c) = (
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
    );
    run_sweep(&plan, a.path(), 1, false);
    run_sweep(&plan, b.path(), 2, false);
    run_sweep(&plan, c.path(), 5, false);
    for t in [Table::Runs, Table::Epochs] {
        let bytes = |d: &Path| std::fs::read(d.join(t.file_name())).unwrap();
        assert!(
            bytes(a.path()) == bytes(b.path()),
            "{} differs between --jobs 1 and 2",
            t.file_name()
        );
        assert!(
            bytes(a.path()) == bytes(c.path()),
            "{} differs between --jobs 1 and 5",
            t.file_name()
        );
    }
    assert_eq!(
        files_under(a.path()),
        vec![
            "configs.parquet",
            "epochs.parquet",
            "journal.jsonl",
            "runs.parquet"
        ],
        "no temporary files left"
    );
}

#[test]
fn row_groups_have_fixed_sizes_independent_of_jobs() {
    // Crosses both row-group limits several times: 4203 runs, 25218 epoch rows.
    let plan = fixture_plan(1401, 6);
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    run_sweep(&plan, a.path(), 1, false);
    run_sweep(&plan, b.path(), 3, false);
    for t in [Table::Runs, Table::Epochs] {
        assert!(
            std::fs::read(a.path().join(t.file_name())).unwrap()
                == std::fs::read(b.path().join(t.file_name())).unwrap(),
            "{} differs",
            t.file_name()
        );
    }
    let runs = read_table(&a.path().join("runs.parquet"));
    assert_eq!(runs.rows.len(), 4203);
    assert_eq!(runs.row_groups, 4203usize.div_ceil(Table::Runs.row_group()));
    let epochs = read_table(&a.path().join("epochs.parquet"));
    assert_eq!(
        epochs.row_groups,
        epochs.rows.len().div_ceil(Table::Epochs.row_group())
    );
}

#[test]
fn runs_table_rows_follow_run_order_and_match_the_simulation() {
    let plan = fixture_plan(10, 3);
    let dir = tempfile::tempdir().unwrap();
    let report = run_sweep(&plan, dir.path(), 2, false);
    assert_eq!(report.ran.runs, 30);
    assert_eq!(report.failed, 3); // seed 3 in each of the 3 configurations
    assert_eq!(report.end, End::Complete);

    let runs = read_table(&dir.path().join("runs.parquet"));
    assert_eq!(runs.rows.len(), 30);
    for (i, row) in runs.rows.iter().enumerate() {
        let run = plan.run(i);
        let cfg = &plan.configs[run.config];
        assert_eq!(row["run_key"].str(), run.run_key);
        assert_eq!(row["scenario"].str(), "fixture");
        assert_eq!(row["config_id"].int(), run.config as i64);
        assert_eq!(row["config_label"].str(), cfg.label);
        assert_eq!(row["arm"].str(), cfg.arm);
        assert_eq!(row["replicate"].int(), run.replicate as i64);
        assert_eq!(row["seed"].int(), run.seed);
        assert_eq!(
            row["governance.audit_probability"].float(),
            cfg.scenario.governance.audit_probability
        );
        assert_eq!(row["wall_time_s"].float(), 0.0);
        if run.seed % 7 == 3 {
            assert_eq!(row["status"].str(), "failed");
            assert!(
                row["error"].str().contains("fake failure at seed 3"),
                "{:?}",
                row["error"]
            );
            assert_eq!(row["toxicity_rate"], Val::Null);
            continue;
        }
        let want = fake_run(&cfg.scenario, run.seed);
        assert_eq!(row["status"].str(), "ok");
        assert_eq!(row["error"], Val::Null);
        assert_eq!(row["toxicity_rate"].float(), want.run.toxicity_rate);
        assert_eq!(row["quality_gap"].float(), want.run.quality_gap);
        assert_eq!(row["total_welfare"].float(), want.run.total_welfare);
        assert_eq!(
            row["total_interactions"].int(),
            want.run.total_interactions as i64
        );
        assert_eq!(row["n_frozen"].int(), 1);
        assert_eq!(row["n_quarantined"].int(), 2);
        let mean = |f: fn(&EpochMetrics) -> f64| {
            want.epochs.iter().map(f).sum::<f64>() / want.epochs.len() as f64
        };
        assert_eq!(
            row["mean_epoch_toxicity_rate"].float(),
            mean(|e| e.soft.toxicity_rate)
        );
        assert_eq!(
            row["mean_epoch_total_welfare"].float(),
            mean(|e| e.soft.total_welfare)
        );
        assert_eq!(
            row["mean_epoch_net_social_welfare"].float(),
            mean(|e| e.soft.net_social_welfare)
        );
        assert_eq!(
            row["mean_epoch_quality_gap"].float(),
            mean(|e| e.soft.quality_gap)
        );
        // Security figures are the last epoch's; null where the lever is off.
        match want.epochs.last().and_then(|e| e.security) {
            Some(s) => assert_eq!(
                row["ecosystem_threat_level"].float(),
                s.ecosystem_threat_level
            ),
            None => assert_eq!(row["ecosystem_threat_level"], Val::Null),
        }
    }
}

#[test]
fn epochs_table_has_one_row_per_successful_run_and_epoch() {
    let plan = fixture_plan(5, 3);
    let dir = tempfile::tempdir().unwrap();
    run_sweep(&plan, dir.path(), 2, false);
    let epochs = read_table(&dir.path().join("epochs.parquet"));
    // 3 configurations × seeds 0..5 without seed 3 × 3 epochs.
    assert_eq!(epochs.rows.len(), 3 * 4 * 3);
    let first = &epochs.rows[0];
    assert_eq!(first["epoch"].int(), 0);
    assert_eq!(first["seed"].int(), 0);
    assert_eq!(first["arm"].str(), "baseline");
    let want = fake_run(&plan.configs[2].scenario, 4);
    let rows: Vec<_> = epochs
        .rows
        .iter()
        .filter(|r| r["config_id"].int() == 2 && r["seed"].int() == 4)
        .collect();
    assert_eq!(rows.len(), 3);
    for (row, e) in rows.iter().zip(&want.epochs) {
        assert_eq!(row["epoch"].int(), i64::from(e.epoch));
        assert_eq!(row["total_posts"].int(), e.total_posts as i64);
        assert_eq!(row["toxicity_rate"].float(), e.soft.toxicity_rate);
        assert_eq!(row["n_frozen"].int(), e.n_frozen as i64);
        assert_eq!(row["governance.audit_probability"].float(), 0.5);
        match e.security {
            Some(s) => assert_eq!(
                row["active_threat_count"].int(),
                s.active_threat_count as i64
            ),
            None => assert_eq!(row["active_threat_count"], Val::Null),
        }
    }
    assert!(!epochs.schema.fields().iter().any(|f| f.name() == "status"));
    assert!(
        !epochs
            .schema
            .fields()
            .iter()
            .any(|f| f.name() == "ecosystem_collusion_risk"),
        "collusion is off everywhere"
    );
}

#[test]
fn schema_and_metadata_come_from_the_plan() {
    let plan = fixture_plan(2, 2);
    let dir = tempfile::tempdir().unwrap();
    run_sweep(&plan, dir.path(), 1, false);
    let runs = read_table(&dir.path().join("runs.parquet"));
    let names: Vec<&str> = runs
        .schema
        .fields()
        .iter()
        .map(|f| f.name().as_str())
        .collect();
    assert_eq!(
        &names[..8],
        [
            "run_key",
            "scenario",
            "config_id",
            "config_label",
            "arm",
            "replicate",
            "seed",
            "governance.audit_probability"
        ]
    );
    assert_eq!(
        &names[names.len() - 3..],
        ["status", "error", "wall_time_s"]
    );
    for f in runs.schema.fields() {
        if [
            "run_key",
            "scenario",
            "config_label",
            "arm",
            "status",
            "error",
        ]
        .contains(&f.name().as_str())
        {
            assert!(
                matches!(f.data_type(), arrow_schema::DataType::Dictionary(_, _)),
                "{} should be a dictionary column",
                f.name()
            );
        }
    }
    let md = &runs.metadata;
    assert_eq!(md["swarm_sweep.schema_version"], schema_version::SWEEP);
    assert_eq!(md["swarm_sweep.table"], "runs");
    assert_eq!(md["swarm_sweep.name"], "fixture");
    assert_eq!(md["swarm_sweep.engine_version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(md["swarm_sweep.spec_yaml"], plan.spec.source.text);
    assert_eq!(
        md["swarm_sweep.spec_sha256"],
        key::sha256_hex(plan.spec.source.text.as_bytes())
    );
    assert_eq!(
        md["swarm_sweep.base_sha256"],
        format!("[\"{}\"]", key::sha256_hex(b"fixture scenario"))
    );
    assert_eq!(md["swarm_sweep.seeds"], "[0,1]");
    assert_eq!(
        md["swarm_sweep.param_columns"],
        "[\"governance.audit_probability\"]"
    );
    let metrics: Vec<String> = serde_json::from_str(&md["swarm_sweep.metric_columns"]).unwrap();
    assert_eq!(metrics.first().map(String::as_str), Some("toxicity_rate"));
    assert!(metrics.iter().all(|m| names.contains(&m.as_str())));
    assert!(metrics.contains(&"ecosystem_threat_level".to_string()));
    let epochs = read_table(&dir.path().join("epochs.parquet"));
    assert_eq!(epochs.metadata["swarm_sweep.table"], "epochs");
}

#[test]
fn fail_fast_stops_and_writes_no_tables() {
    let plan = fixture_plan(10, 2);
    let dir = tempfile::tempdir().unwrap();
    let s = run_sweep(&plan, dir.path(), 2, true);
    assert_eq!(s.end, End::Stopped);
    assert_eq!(s.first_failure.as_ref().map(|(r, _)| r.seed), Some(3));
    assert_eq!(files_under(dir.path()), vec!["journal.jsonl"]);
}

#[test]
fn per_run_files_land_under_the_run_key() {
    fn sim_with_events(
        s: &Scenario,
        seed: i64,
        events: Option<&Path>,
    ) -> std::io::Result<RunResult> {
        if let Some(p) = events {
            std::fs::write(p, format!("{{\"seed\": {seed}}}\n"))?;
        }
        Ok(fake_run(s, seed))
    }
    let plan = fixture_plan(4, 2);
    let dir = tempfile::tempdir().unwrap();
    let files = RunFiles {
        dir: dir.path().to_path_buf(),
        metrics_csv: true,
        events_jsonl: true,
    };
    let opts = ExecOptions {
        jobs: 2,
        fail_fast: false,
        deterministic_timing: true,
        run_files: Some(files),
    };
    let s = sweep_with(&plan, dir.path(), opts, &sim_with_events).ran;
    assert_eq!((s.runs, s.failed), (12, 3));
    for i in 0..plan.n_runs() {
        let run = plan.run(i);
        let d = dir.path().join("runs").join(&run.run_key);
        if run.seed == 3 {
            assert!(!d.join("metrics.csv").exists());
            continue;
        }
        let csv = std::fs::read_to_string(d.join("metrics.csv")).unwrap();
        assert!(csv.starts_with("epoch,total_interactions,"), "{csv}");
        assert_eq!(csv.lines().count(), 1 + 2, "header + one row per epoch");
        assert_eq!(
            std::fs::read_to_string(d.join("events.jsonl")).unwrap(),
            format!("{{\"seed\": {}}}\n", run.seed)
        );
    }
}

/// metrics.csv is written by the runner's writer threads, after the run:
/// a run reaches the journal only once its file is in place (a crash never
/// leaves a journalled run without its file), the files are byte for byte
/// the same at any --jobs, and a file that cannot be written fails its run
/// with the file's path.
#[test]
fn a_run_is_recorded_only_once_its_metrics_csv_is_in_place() {
    use std::sync::Mutex;
    use swarm_sweep::sweep::run_list::RunList;
    use swarm_sweep::sweep::runner::{execute, Outcome, RunRecord, RunSink};
    struct Check {
        dir: std::path::PathBuf,
        recorded: Mutex<Vec<(String, bool)>>,
    }
    impl RunSink for Check {
        fn record(&self, rec: &RunRecord) -> anyhow::Result<()> {
            let run = self.dir.join("runs").join(&rec.run.run_key);
            let there = run.join("metrics.csv").is_file();
            // Never a temporary left beside it.
            let names = std::fs::read_dir(&run).map_or(0, |d| d.count());
            assert_eq!(names, usize::from(there), "{}", run.display());
            let ok = matches!(rec.outcome, Outcome::Ok(_));
            self.recorded
                .lock()
                .unwrap()
                .push((rec.run.run_key.clone(), ok));
            assert_eq!(there, ok, "{}: {:?}", rec.run.run_key, rec.outcome);
            Ok(())
        }
        fn checkpoint(&self) -> anyhow::Result<()> {
            Ok(())
        }
    }
    let plan = fixture_plan(30, 2);
    let files_at = |jobs: usize| {
        let dir = tempfile::tempdir().unwrap();
        let opts = exec_with_csv(jobs, dir.path());
        let sink = Check {
            dir: dir.path().to_path_buf(),
            recorded: Mutex::new(Vec::new()),
        };
        let todo = RunList::from((0..plan.n_runs()).collect::<Vec<_>>());
        let progress = Progress::new(plan.n_runs(), Mode::Quiet);
        let never = std::sync::atomic::AtomicBool::new(false);
        let sim = |s: &Scenario, seed: i64, _: Option<&Path>| Ok(fake_run(s, seed));
        let s = execute(&plan, &todo, &opts, &sim, &sink, &progress, &never).unwrap();
        assert_eq!(s.runs, plan.n_runs());
        assert_eq!(sink.recorded.lock().unwrap().len(), plan.n_runs());
        let mut texts = Vec::new();
        for i in 0..plan.n_runs() {
            let f = dir
                .path()
                .join("runs")
                .join(plan.run(i).run_key)
                .join("metrics.csv");
            texts.push(std::fs::read(f).ok());
        }
        texts
    };
    let one = files_at(1);
    // Seeds 3, 10, 17 and 24 fail in each of the three configurations.
    assert_eq!(one.iter().filter(|t| t.is_some()).count(), 90 - 12);
    assert_eq!(one, files_at(3));

    // A metrics.csv that cannot be written (a folder stands in its place)
    // fails its run, naming the file; the others are written.
    let dir = tempfile::tempdir().unwrap();
    let blocked = plan.run(0).run_key;
    std::fs::create_dir_all(dir.path().join("runs").join(&blocked).join("metrics.csv")).unwrap();
    let opts = exec_with_csv(2, dir.path());
    let sim = |s: &Scenario, seed: i64, _: Option<&Path>| Ok(fake_run(s, seed));
    let report = sweep_with(&plan, dir.path(), opts, &sim);
    let (run, msg) = report.ran.first_failure.expect("the blocked run fails");
    assert_eq!(run.run_key, blocked);
    assert_contains(&msg, "metrics.csv");
}

/// Run `plan` into `dir` until `n` runs have started (one worker), then
/// interrupt: the journal holds those runs' rows and no tables are written.
fn interrupted_sweep(plan: &SweepPlan, dir: &Path, n: usize) {
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    let exec = exec(1, false);
    let prepared = prepare(plan, dir, &exec);
    let progress = Progress::new(prepared.todo.len(), Mode::Quiet);
    // `SimFn` closures are 'static.
    let stop: &'static AtomicBool = Box::leak(Box::new(AtomicBool::new(false)));
    let started: &'static AtomicUsize = Box::leak(Box::new(AtomicUsize::new(0)));
    let sim = move |s: &Scenario, seed: i64, _: Option<&Path>| {
        if started.fetch_add(1, Ordering::SeqCst) + 1 == n {
            stop.store(true, Ordering::SeqCst);
        }
        Ok(fake_run(s, seed))
    };
    let report = prepared.run(plan, &exec, &sim, &progress, stop).unwrap();
    assert_eq!(report.end, session::End::Interrupted);
}

#[test]
fn the_journal_skips_bad_lines_and_cuts_a_torn_tail() {
    let plan = fixture_plan(4, 2);
    let whole = tempfile::tempdir().unwrap();
    run_sweep(&plan, whole.path(), 2, false);
    let before = std::fs::read(whole.path().join("runs.parquet")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    interrupted_sweep(&plan, dir.path(), 11);
    let journal = dir.path().join("journal.jsonl");
    let text = std::fs::read_to_string(&journal).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 1 + 11, "the header and 11 runs");
    let key = |i: usize| format!("{{\"key\":\"{}\",", plan.run(i).run_key);
    // Drop run 5's line, change a digit in run 4's (still JSON: only its
    // checksum tells), add a line that is not JSON, and end mid-line.
    let mut damaged: Vec<String> = lines
        .iter()
        .filter(|l| !l.starts_with(&key(5)))
        .map(|l| {
            if l.starts_with(&key(4)) {
                l.replacen("\"run\":[", "\"run\":[1", 1)
            } else {
                l.to_string()
            }
        })
        .collect();
    assert_eq!(damaged.len(), lines.len() - 1);
    damaged.push("not json".into());
    let mut damaged = damaged.join("\n") + "\n";
    damaged.push_str(&key(7)[..12]);
    std::fs::write(&journal, &damaged).unwrap();

    let prepared = prepare(&plan, dir.path(), &exec(1, false));
    // Runs 4 (changed) and 5 (dropped), the failed runs (seed 3) and run 11,
    // which never ran.
    assert_eq!(prepared.todo.to_vec(), vec![3, 4, 5, 7, 11]);
    let w = prepared.warnings.join("\n");
    assert_contains(&w, "ignoring a bad line");
    assert_contains(&w, "checksum mismatch");
    assert_contains(&w, "ignoring a truncated last line");
    // The torn tail was cut before anything is appended.
    assert!(std::fs::read_to_string(&journal)
        .unwrap()
        .ends_with("not json\n"));
    drop(prepared);
    let report = run_sweep(&plan, dir.path(), 2, false);
    assert_eq!(report.ran.runs, 5);
    assert!(std::fs::read(dir.path().join("runs.parquet")).unwrap() == before);
}
