//! The published contract of a sweep's output folder (docs/sweep.md
//! "Outputs", docs/analysis.md, docs/scale-out.md): every file name, every
//! Parquet metadata key, the schema versions and the engine version.
//! The writers and every reader (analyze, check, merge, status, show,
//! reuse, rerun, sensitivity) name files and keys only through here, so the
//! two sides cannot drift; the tests below write a sweep and check both.

/// The engine's version, as every table, journal and manifest records it.
pub const ENGINE_VERSION: &str = env!("CARGO_PKG_VERSION");

/// Versions of the formats; each is bumped when a column (or field) is
/// added, removed, renamed or retyped.
pub mod schema_version {
    /// runs.parquet, epochs.parquet and configs.parquet.
    pub const SWEEP: &str = "2";
    /// summary.parquet and comparisons.parquet (2: n_nonfinite; 3:
    /// comparisons' `bootstrap_resamples` and `verdict`).
    pub const ANALYSIS: &str = "3";
    /// sensitivity.parquet.
    pub const SENSITIVITY: &str = "1";
    /// The journal header's `swarm_sweep_journal`.
    pub const JOURNAL: u32 = 3;
    /// A part manifest's `swarm_sweep_part`.
    pub const PART_MANIFEST: u32 = 1;
}

/// File and folder names, relative to the sweep's output folder.
pub mod file {
    /// One row per run, in run order.
    pub const RUNS: &str = "runs.parquet";
    /// One row per (successful run, epoch).
    pub const EPOCHS: &str = "epochs.parquet";
    /// One row per configuration, with its resolved scenario.
    pub const CONFIGS: &str = "configs.parquet";
    /// What a rerun reuses (docs/scale-out.md#resume).
    pub const JOURNAL: &str = "journal.jsonl";
    /// The analysis step (docs/analysis.md).
    pub const SUMMARY: &str = "summary.parquet";
    pub const COMPARISONS: &str = "comparisons.parquet";
    /// The comparisons again, as CSV (full precision, Python `repr` floats).
    pub const COMPARISONS_CSV: &str = "comparisons.csv";
    pub const REPORT: &str = "report.md";
    /// Charts, `<name>.svg` and `<name>.png`.
    pub const PLOTS_DIR: &str = "plots";
    /// A design's sensitivity analysis (docs/design.md).
    pub const DESIGN: &str = "design.parquet";
    pub const SENSITIVITY: &str = "sensitivity.parquet";
    pub const SENSITIVITY_REPORT: &str = "sensitivity.md";
    /// Second-order indices, a row per pair of parameters (saltelli designs
    /// with `second_order: true`).
    pub const SENSITIVITY_S2: &str = "sensitivity_s2.parquet";
    /// Per-run folders `runs/<run_key>/`, and the index beside them.
    pub const RUNS_DIR: &str = "runs";
    /// Under RUNS_DIR: which run each per-run folder holds.
    pub const RUN_INDEX: &str = "index.tsv";
    /// In a per-run folder: the run's metrics (as `swarm run` writes them)
    /// and, on request, its events.
    pub const RUN_METRICS: &str = "metrics.csv";
    pub const RUN_EVENTS: &str = "events.jsonl";
    /// `swarm-sweep rerun`'s folders `reruns/<run_key>/`, each with the
    /// run's scenario file.
    pub const RERUNS_DIR: &str = "reruns";
    pub const RERUN_SCENARIO: &str = "scenario.yaml";

    /// Every file the analysis step (and a design's sensitivity analysis)
    /// may write, beside the plots.
    pub const ANALYSIS: &[&str] = &[
        SUMMARY,
        COMPARISONS,
        COMPARISONS_CSV,
        REPORT,
        DESIGN,
        SENSITIVITY,
        SENSITIVITY_S2,
        SENSITIVITY_REPORT,
    ];

    /// `runs/<run_key>/` under the output folder `dir`.
    pub fn run_dir(dir: &std::path::Path, run_key: &str) -> std::path::PathBuf {
        dir.join(RUNS_DIR).join(run_key)
    }

    /// `reruns/<run_key>/` under the output folder `dir`.
    pub fn rerun_dir(dir: &std::path::Path, run_key: &str) -> std::path::PathBuf {
        dir.join(RERUNS_DIR).join(run_key)
    }

    /// Plot files are the ones with these extensions.
    pub fn is_plot(name: &str) -> bool {
        name.ends_with(".svg") || name.ends_with(".png")
    }
}

/// Files of one shard (`--shard K/N`): `{prefix}part-K-of-N{suffix}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PartFiles {
    pub prefix: &'static str,
    pub suffix: &'static str,
}

impl PartFiles {
    /// journal.part-K-of-N.jsonl
    pub const JOURNAL: PartFiles = PartFiles {
        prefix: "journal.",
        suffix: ".jsonl",
    };
    /// runs.part-K-of-N.parquet
    pub const RUNS: PartFiles = PartFiles {
        prefix: "runs.",
        suffix: ".parquet",
    };
    /// epochs.part-K-of-N.parquet
    pub const EPOCHS: PartFiles = PartFiles {
        prefix: "epochs.",
        suffix: ".parquet",
    };
    /// part-K-of-N.json, written once the shard's tables are complete.
    pub const MANIFEST: PartFiles = PartFiles {
        prefix: "",
        suffix: ".json",
    };
    pub const ALL: [PartFiles; 4] = [Self::JOURNAL, Self::RUNS, Self::EPOCHS, Self::MANIFEST];

    /// The file of shard K of N.
    pub fn name(self, k: usize, n: usize) -> String {
        format!("{}{}{}", self.prefix, part_tag(k, n), self.suffix)
    }

    /// `(k, n)` of a file named by this pattern (1 ≤ k ≤ n).
    pub fn parse(self, name: &str) -> Option<(usize, usize)> {
        let mid = name.strip_prefix(self.prefix)?.strip_suffix(self.suffix)?;
        let (k, n) = mid.strip_prefix("part-")?.split_once("-of-")?;
        let (k, n) = (k.parse().ok()?, n.parse().ok()?);
        (k >= 1 && k <= n).then_some((k, n))
    }
}

/// `part-K-of-N`: the tag of shard K of N in its file names.
pub fn part_tag(k: usize, n: usize) -> String {
    format!("part-{k}-of-{n}")
}

/// The sweep's two tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    Runs,
    Epochs,
}

impl Table {
    pub const ALL: [Table; 2] = [Table::Runs, Table::Epochs];

    pub fn file_name(self) -> &'static str {
        match self {
            Table::Runs => file::RUNS,
            Table::Epochs => file::EPOCHS,
        }
    }

    /// What the file's `swarm_sweep.table` says.
    pub fn name(self) -> &'static str {
        match self {
            Table::Runs => table_name::RUNS,
            Table::Epochs => table_name::EPOCHS,
        }
    }

    /// The table a file's `swarm_sweep.table` metadata names.
    pub fn from_name(name: &str) -> Option<Table> {
        Table::ALL.into_iter().find(|t| t.name() == name)
    }

    pub fn parts(self) -> PartFiles {
        match self {
            Table::Runs => PartFiles::RUNS,
            Table::Epochs => PartFiles::EPOCHS,
        }
    }

    /// Rows per row group: part of the file's bytes, which do not depend on
    /// how runs were scheduled, sharded, merged or reused.
    pub fn row_group(self) -> usize {
        match self {
            Table::Runs => 1024,
            Table::Epochs => 8192,
        }
    }
}

/// Values of the `swarm_sweep.table` / `swarm_analysis.table` keys.
pub mod table_name {
    pub const RUNS: &str = "runs";
    pub const EPOCHS: &str = "epochs";
    pub const CONFIGS: &str = "configs";
    pub const SUMMARY: &str = "summary";
    pub const COMPARISONS: &str = "comparisons";
}

/// Columns the readers rely on by name (docs/sweep.md "runs.parquet
/// columns"); the rest are named by the tables' metadata.
pub mod column {
    pub const RUN_KEY: &str = "run_key";
    pub const SCENARIO: &str = "scenario";
    pub const CONFIG_ID: &str = "config_id";
    pub const CONFIG_LABEL: &str = "config_label";
    pub const ARM: &str = "arm";
    pub const REPLICATE: &str = "replicate";
    pub const SEED: &str = "seed";
    /// runs.parquet only, after the metrics.
    pub const FIDELITY: &str = "fidelity";
    pub const STATUS: &str = "status";
    pub const ERROR: &str = "error";
    pub const WALL_TIME_S: &str = "wall_time_s";

    /// At the front of both tables, in this order.
    pub const IDENTITY: &[&str] = &[
        RUN_KEY,
        SCENARIO,
        CONFIG_ID,
        CONFIG_LABEL,
        ARM,
        REPLICATE,
        SEED,
    ];
    /// At the end of runs.parquet, in this order.
    pub const BOOKKEEPING: &[&str] = &[FIDELITY, STATUS, ERROR, WALL_TIME_S];

    /// configs.parquet's columns, in order: the configuration's identity,
    /// its settings over the base (JSON) and its resolved scenario (YAML).
    pub const OVERRIDES: &str = "overrides";
    pub const SCENARIO_YAML: &str = "scenario_yaml";
    pub const CONFIGS: &[&str] = &[
        CONFIG_ID,
        SCENARIO,
        CONFIG_LABEL,
        ARM,
        OVERRIDES,
        SCENARIO_YAML,
    ];

    /// `status` of a run that finished, and of one that failed.
    pub const STATUS_OK: &str = "ok";
    pub const STATUS_FAILED: &str = "failed";
    /// `arm` of the configuration every other one is compared with.
    pub const BASELINE_ARM: &str = "baseline";
}

/// Parquet key-value metadata keys.
pub mod key {
    /// runs.parquet and epochs.parquet (configs.parquet: `CONFIGS`).
    pub mod sweep {
        pub const SCHEMA_VERSION: &str = "swarm_sweep.schema_version";
        pub const TABLE: &str = "swarm_sweep.table";
        pub const ENGINE_VERSION: &str = "swarm_sweep.engine_version";
        pub const NAME: &str = "swarm_sweep.name";
        pub const SPEC_HASH: &str = "swarm_sweep.spec_hash";
        /// The spec's text (in the key-value list only: it can be large).
        pub const SPEC_YAML: &str = "swarm_sweep.spec_yaml";
        pub const SPEC_SHA256: &str = "swarm_sweep.spec_sha256";
        /// JSON list: each base scenario file's sha256.
        pub const BASE_SHA256: &str = "swarm_sweep.base_sha256";
        /// JSON list of `{path, scenario, sha256}`.
        pub const BASES: &str = "swarm_sweep.bases";
        /// `exact` or `partial`.
        pub const FIDELITY: &str = "swarm_sweep.fidelity";
        /// JSON map: base path → keys it sets that the engine does not model.
        pub const UNMODELLED: &str = "swarm_sweep.unmodelled";
        /// JSON list of the seeds.
        pub const SEEDS: &str = "swarm_sweep.seeds";
        /// JSON: the spec's `report:` (`{"metrics": [...], "plots": [...]}`).
        pub const REPORT: &str = "swarm_sweep.report";
        /// JSON lists of column names.
        pub const PARAM_COLUMNS: &str = "swarm_sweep.param_columns";
        pub const METRIC_COLUMNS: &str = "swarm_sweep.metric_columns";

        /// Every key of runs.parquet and epochs.parquet, in written order.
        pub const TABLES: &[&str] = &[
            SCHEMA_VERSION,
            TABLE,
            ENGINE_VERSION,
            NAME,
            SPEC_HASH,
            SPEC_YAML,
            SPEC_SHA256,
            BASE_SHA256,
            BASES,
            FIDELITY,
            UNMODELLED,
            SEEDS,
            REPORT,
            PARAM_COLUMNS,
            METRIC_COLUMNS,
        ];
        /// Every key of configs.parquet, in written order.
        pub const CONFIGS: &[&str] = &[SCHEMA_VERSION, TABLE, NAME, SPEC_HASH];
        /// Kept in the Parquet key-value list only, not again on the
        /// embedded Arrow schema (`output::parquet`).
        pub const KEY_VALUE_ONLY: &[&str] = &[SPEC_YAML];
    }

    /// summary.parquet and comparisons.parquet.
    pub mod analysis {
        pub const SCHEMA_VERSION: &str = "swarm_analysis.schema_version";
        pub const TABLE: &str = "swarm_analysis.table";
        pub const ENGINE_VERSION: &str = "swarm_analysis.engine_version";
        /// The file analysed (`file::RUNS`).
        pub const SOURCE: &str = "swarm_analysis.source";
        pub const PARAM_COLUMNS: &str = "swarm_analysis.param_columns";
        pub const METRICS: &str = "swarm_analysis.metrics";
        /// The sweep's name and spec sha256, when runs.parquet has them.
        pub const SWEEP_NAME: &str = "swarm_analysis.sweep_name";
        pub const SPEC_SHA256: &str = "swarm_analysis.spec_sha256";
        /// summary.parquet: how the intervals are computed.
        pub const CI95: &str = "swarm_analysis.ci95";
        /// comparisons.parquet: the methods and the verdict rule.
        pub const PAIRING: &str = "swarm_analysis.pairing";
        pub const BOOTSTRAP: &str = "swarm_analysis.bootstrap";
        pub const WILCOXON: &str = "swarm_analysis.wilcoxon";
        pub const HOLM_FAMILY: &str = "swarm_analysis.holm_family";
        pub const DIRECTIONS: &str = "swarm_analysis.directions";
        pub const VERDICT_RULE: &str = "swarm_analysis.verdict_rule";

        /// Keys of both files, in written order.
        pub const COMMON: &[&str] = &[
            SCHEMA_VERSION,
            TABLE,
            ENGINE_VERSION,
            SOURCE,
            PARAM_COLUMNS,
            METRICS,
            SWEEP_NAME,
            SPEC_SHA256,
        ];
        pub const SUMMARY: &[&str] = &[CI95];
        pub const COMPARISONS: &[&str] = &[
            PAIRING,
            BOOTSTRAP,
            WILCOXON,
            HOLM_FAMILY,
            DIRECTIONS,
            VERDICT_RULE,
        ];
    }

    /// design.parquet: how the design was drawn.
    pub mod design {
        pub const METHOD: &str = "swarm_design.method";
        pub const N: &str = "swarm_design.n";
        pub const SEED: &str = "swarm_design.seed";
        pub const LEVELS: &str = "swarm_design.levels";
        pub const SECOND_ORDER: &str = "swarm_design.second_order";
        pub const SCRAMBLE: &str = "swarm_design.scramble";
        pub const ALL: &[&str] = &[METHOD, N, SEED, LEVELS, SECOND_ORDER, SCRAMBLE];
    }

    /// sensitivity.parquet: how the confidence intervals were drawn.
    pub mod sensitivity {
        pub const SCHEMA_VERSION: &str = "swarm_sensitivity.schema_version";
        pub const RESAMPLES: &str = "swarm_sensitivity.resamples";
        pub const CONF_LEVEL: &str = "swarm_sensitivity.conf_level";
        pub const BOOTSTRAP_SEED: &str = "swarm_sensitivity.bootstrap_seed";
        pub const ALL: &[&str] = &[SCHEMA_VERSION, RESAMPLES, CONF_LEVEL, BOOTSTRAP_SEED];
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::path::{Path, PathBuf};

    use clap::Parser;

    use super::*;
    use crate::analysis::frame::Frame;
    use crate::analysis::runs::RunsTable;
    use crate::cli::{check, exit, rerun, show, sweep as sweep_cli};
    use crate::model_citations::rust_files;
    use crate::sweep::run_files::simulate;
    use crate::sweep::{merge, part, session, status};

    fn repo() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
    }

    /// A morris design over two parameters (with a baseline), so one sweep
    /// writes every file the contract names: the tables, configurations,
    /// journal, per-run files with events, the analysis, plots, and the
    /// design's sensitivity analysis.
    fn spec(dir: &Path) -> PathBuf {
        let base = repo().join("scenarios/baseline.yaml");
        let text = format!(
            "name: contract\nbase: {}\nseeds: {{start: 0, count: 2}}\n\
             overrides:\n  simulation.n_epochs: 2\n  simulation.steps_per_epoch: 3\n\
             baseline:\n  governance.circuit_breaker_enabled: false\n\
             sample:\n  method: morris\n  n: 2\n  seed: 3\n  parameters:\n\
             \x20   governance.freeze_threshold_toxicity: {{dist: uniform, min: 0.3, max: 0.9}}\n\
             \x20   governance.audit_probability: {{dist: uniform, min: 0.01, max: 0.5}}\n\
             report:\n  metrics: [toxicity_rate, total_welfare]\n\
             outputs:\n  events_jsonl: true\n",
            base.display()
        );
        let path = dir.join("contract.yaml");
        std::fs::write(&path, text).unwrap();
        path
    }

    fn sweep(spec: &Path, out: &Path, extra: &[&str]) -> i32 {
        let mut args: Vec<String> = ["swarm-sweep", "-q", "--deterministic-timing", "--out"]
            .map(String::from)
            .to_vec();
        args.push(out.display().to_string());
        args.push(spec.display().to_string());
        args.extend(extra.iter().map(|a| a.to_string()));
        sweep_cli::run(&sweep_cli::Cli::try_parse_from(args).unwrap(), &simulate)
    }

    /// The keys of a Parquet file's key-value metadata, less the Arrow
    /// schema the Parquet writer adds itself (`ARROW:schema`).
    fn keys(path: &Path) -> BTreeSet<String> {
        Frame::read_metadata(path)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
            .into_keys()
            .filter(|k| !k.starts_with("ARROW:"))
            .collect()
    }

    fn set(keys: &[&[&str]]) -> BTreeSet<String> {
        keys.iter()
            .flat_map(|k| k.iter())
            .map(|k| k.to_string())
            .collect()
    }

    fn meta(path: &Path, key: &str) -> String {
        Frame::read_metadata(path).unwrap()[key].clone()
    }

    #[test]
    fn what_a_sweep_writes_is_what_the_contract_names_and_the_readers_read() {
        let tmp = tempfile::tempdir().unwrap();
        let spec = spec(tmp.path());
        let out = tmp.path().join("whole");
        assert_eq!(sweep(&spec, &out, &[]), exit::SUCCESS);
        let plan = sweep_cli::load_plan(&spec, false).unwrap();
        let n_runs = plan.n_runs();
        assert_eq!(n_runs, (1 + 2 * 3) * 2);

        // Every file and folder the contract names is there.
        let tables = [file::RUNS, file::EPOCHS, file::CONFIGS, file::JOURNAL];
        // (A morris design: no second-order indices.)
        let analysis = file::ANALYSIS
            .iter()
            .filter(|&&f| f != file::SENSITIVITY_S2);
        for f in tables.iter().chain(analysis) {
            assert!(out.join(f).is_file(), "{f} was not written");
        }
        assert!(!out.join(file::SENSITIVITY_S2).exists());
        assert!(out.join(file::RUNS_DIR).join(file::RUN_INDEX).is_file());
        let plots: Vec<String> = std::fs::read_dir(out.join(file::PLOTS_DIR))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(
            !plots.is_empty() && plots.iter().all(|p| file::is_plot(p)),
            "{plots:?}"
        );

        // The metadata keys are exactly the contract's, for every table.
        let runs_path = out.join(file::RUNS);
        for t in Table::ALL {
            let path = out.join(t.file_name());
            assert_eq!(keys(&path), set(&[key::sweep::TABLES]), "{}", t.name());
            assert_eq!(meta(&path, key::sweep::TABLE), t.name());
            assert_eq!(
                meta(&path, key::sweep::SCHEMA_VERSION),
                schema_version::SWEEP
            );
            assert_eq!(meta(&path, key::sweep::ENGINE_VERSION), ENGINE_VERSION);
        }
        let configs = out.join(file::CONFIGS);
        assert_eq!(keys(&configs), set(&[key::sweep::CONFIGS]));
        assert_eq!(meta(&configs, key::sweep::TABLE), table_name::CONFIGS);
        let analysis = key::analysis::COMMON;
        let summary = out.join(file::SUMMARY);
        assert_eq!(keys(&summary), set(&[analysis, key::analysis::SUMMARY]));
        assert_eq!(meta(&summary, key::analysis::TABLE), table_name::SUMMARY);
        let comparisons = out.join(file::COMPARISONS);
        assert_eq!(
            keys(&comparisons),
            set(&[analysis, key::analysis::COMPARISONS])
        );
        assert_eq!(meta(&comparisons, key::analysis::SOURCE), file::RUNS);
        assert_eq!(
            meta(&comparisons, key::analysis::SCHEMA_VERSION),
            schema_version::ANALYSIS
        );
        assert_eq!(keys(&out.join(file::DESIGN)), set(&[key::design::ALL]));
        let sensitivity = out.join(file::SENSITIVITY);
        assert_eq!(keys(&sensitivity), set(&[key::sensitivity::ALL]));
        assert_eq!(
            meta(&sensitivity, key::sensitivity::SCHEMA_VERSION),
            schema_version::SENSITIVITY
        );

        // The readers read what was written. analyze (and check, plot,
        // report): runs.parquet's parameters, metrics and name.
        let runs = RunsTable::load(&runs_path).unwrap();
        assert_eq!(runs.name(), Some("contract"));
        let params: Vec<String> =
            serde_json::from_str(&meta(&runs_path, key::sweep::PARAM_COLUMNS)).unwrap();
        assert_eq!(runs.params, params);
        let shape = plan.shape();
        let metrics: Vec<&str> = shape
            .metric_columns(Table::Runs)
            .iter()
            .map(|c| c.0)
            .collect();
        assert_eq!(runs.metrics, metrics);
        assert_eq!(runs.frame.rows, n_runs);
        assert!((0..n_runs).all(|r| runs.ok(r)), "every run has status ok");
        let columns: Vec<String> = shape
            .columns(Table::Runs)
            .into_iter()
            .map(|c| c.0)
            .collect();
        assert_eq!(runs.frame.names, columns);
        assert_eq!(&columns[..column::IDENTITY.len()], column::IDENTITY);
        assert_eq!(
            &columns[columns.len() - column::BOOKKEEPING.len()..],
            column::BOOKKEEPING
        );
        // show: the comparisons, of the metrics the analysis keys list.
        let view = |metric: &[&str]| show::ComparisonsView {
            metric: metric.iter().map(|m| m.to_string()).collect(),
            top: 0,
        };
        let wanted = ["total_welfare", "toxicity_rate"];
        let groups = show::select(&out, &view(&wanted)).unwrap();
        let shown: Vec<&str> = groups.iter().map(|g| g.metric.as_str()).collect();
        assert_eq!(shown, wanted);
        assert!(
            groups.iter().all(|g| g.total == 2 * 3),
            "a row per design point"
        );
        assert!(show::select(&out, &view(&["no_such_metric"])).is_err());
        // status: the journal, whose header carries the versions.
        let journal = std::fs::read_to_string(out.join(file::JOURNAL)).unwrap();
        let header = journal.lines().next().unwrap();
        let version = format!("\"swarm_sweep_journal\":{}", schema_version::JOURNAL);
        assert!(header.contains(&version), "{header}");
        assert!(header.contains(&format!("\"engine_version\":\"{ENGINE_VERSION}\"")));
        let st = status::status(&out).unwrap();
        assert_eq!((st.done(), st.n_runs, st.tables), (n_runs, n_runs, true));
        // reuse: a rerun takes every run from the tables.
        let opts = session::SweepOptions {
            out_dir: out.clone(),
            shard: None,
            exec: crate::sweep::runner::ExecOptions {
                jobs: 1,
                fail_fast: false,
                deterministic_timing: true,
                run_files: None,
            },
            force_new: false,
            keep_journal: false,
        };
        let prepared = session::prepare(&plan, &opts).unwrap();
        assert_eq!(prepared.resumed_ok, n_runs);
        drop(prepared);
        // rerun: configs.parquet, runs.parquet and the kept metrics.csv.
        let run_key = runs.frame.get(column::RUN_KEY).unwrap().cell(3).render();
        let args = rerun::RerunArgs {
            results_dir: out.clone(),
            run: run_key.clone(),
            out: None,
            no_events: true,
            quiet: true,
        };
        rerun::rerun(&args).unwrap_or_else(|e| panic!("{:#}", e.error));
        let rerun_dir = file::rerun_dir(&out, &run_key);
        assert!(rerun_dir.join(file::RERUN_SCENARIO).is_file());
        let run_dir = file::run_dir(&out, &run_key);
        assert!(run_dir.join(file::RUN_METRICS).is_file());
        assert!(run_dir.join(file::RUN_EVENTS).is_file());
        // check: the stored results and their spec and base hashes.
        let args = check::CheckArgs {
            spec: spec.clone(),
            against: out.clone(),
            criteria: false,
            tolerance: Vec::new(),
            junit: None,
            jobs: Some(2),
            out: None,
            quiet: true,
            allow_unmodelled: false,
        };
        assert_eq!(check::run(&args, &simulate), exit::SUCCESS);

        // merge: the shards' files, by the contract's part names, join into
        // the same tables.
        let parts = tmp.path().join("parts");
        for k in ["1/2", "2/2"] {
            assert_eq!(sweep(&spec, &parts, &["--shard", k, "--no-analyze"]), 0);
        }
        for pattern in PartFiles::ALL {
            for k in 1..=2 {
                let name = pattern.name(k, 2);
                assert_eq!(pattern.parse(&name), Some((k, 2)));
                assert!(parts.join(&name).is_file(), "{name} was not written");
            }
        }
        for k in 1..=2 {
            let m = part::read_manifest(&parts.join(PartFiles::MANIFEST.name(k, 2))).unwrap();
            assert_eq!(m.swarm_sweep_part, schema_version::PART_MANIFEST);
            assert_eq!((m.engine_version.as_str(), m.k), (ENGINE_VERSION, k));
            let names: Vec<&str> = m.tables.iter().map(|t| t.file.as_str()).collect();
            let want = Table::ALL.map(|t| t.parts().name(k, 2));
            assert_eq!(names, want, "the manifest names the part tables");
        }
        let merged = merge::merge(&parts).unwrap();
        assert_eq!((merged.n_runs, merged.n_parts), (n_runs, 2));
        for t in Table::ALL {
            let (a, b) = (out.join(t.file_name()), parts.join(t.file_name()));
            assert!(std::fs::read(a).unwrap() == std::fs::read(b).unwrap());
        }
        assert_eq!(status::status(&parts).unwrap().done(), n_runs);
    }

    /// The docs list every key the files carry: docs/sweep.md's metadata
    /// table has a row per `swarm_sweep.` key and no other, docs/analysis.md
    /// and docs/design.md name the analysis, design and sensitivity keys.
    #[test]
    fn the_documented_keys_are_these() {
        let doc = |page: &str| std::fs::read_to_string(repo().join("docs").join(page)).unwrap();
        let sweep = doc("sweep.md");
        let rows: BTreeSet<String> = sweep
            .lines()
            .filter_map(|l| l.strip_prefix("| `swarm_sweep."))
            .filter_map(|l| l.split_once('`'))
            .map(|(k, _)| format!("swarm_sweep.{k}"))
            .collect();
        assert_eq!(rows, set(&[key::sweep::TABLES]), "docs/sweep.md");
        let analysis = doc("analysis.md").replace('\n', " ");
        let all = key::analysis::COMMON
            .iter()
            .chain(key::analysis::SUMMARY)
            .chain(key::analysis::COMPARISONS);
        for k in all {
            let name = k.strip_prefix("swarm_analysis.").unwrap();
            assert!(
                analysis.contains(&format!("`{name}`")),
                "docs/analysis.md lacks {k}"
            );
        }
        let design = doc("design.md").replace('\n', " ");
        for k in key::design::ALL.iter().chain(key::sensitivity::ALL) {
            assert!(
                design.contains(&format!("`{k}`")),
                "docs/design.md lacks {k}"
            );
        }
    }

    /// The other side of the contract: outside this file (and tests), no
    /// string literal spells one of its file names or metadata keys, so
    /// every writer and reader goes through the names above.
    #[test]
    fn only_the_contract_spells_file_names_and_metadata_keys() {
        let names = [
            file::RUNS,
            file::EPOCHS,
            file::CONFIGS,
            file::JOURNAL,
            file::SUMMARY,
            file::COMPARISONS,
            file::COMPARISONS_CSV,
            file::REPORT,
            file::DESIGN,
            file::SENSITIVITY,
            file::SENSITIVITY_REPORT,
            file::RUN_INDEX,
            file::RUN_METRICS,
            file::RUN_EVENTS,
            file::RERUN_SCENARIO,
        ];
        let prefixes = [
            "swarm_sweep.",
            "swarm_analysis.",
            "swarm_design.",
            "swarm_sensitivity.",
        ];
        let mut files = Vec::new();
        rust_files(&repo().join("src"), &mut files);
        let mut found = Vec::new();
        for path in files {
            if path.ends_with("src/contract.rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let code = without_test_modules(&text);
            for lit in string_literals(code) {
                if names.contains(&lit.as_str()) || prefixes.iter().any(|p| lit.starts_with(p)) {
                    found.push(format!("{}: \"{lit}\"", path.display()));
                }
            }
        }
        assert!(
            found.is_empty(),
            "use crate::contract:\n{}",
            found.join("\n")
        );
    }

    /// `text` up to its first test-only module (they come last).
    fn without_test_modules(text: &str) -> &str {
        let mut at = 0;
        while let Some(i) = text[at..].find("#[cfg(test)]\n") {
            let start = at + i;
            let next = text[start..].lines().nth(1).unwrap_or("").trim_start();
            if ["mod ", "pub mod ", "pub(crate) mod "]
                .iter()
                .any(|m| next.starts_with(m))
            {
                return &text[..start];
            }
            at = start + 1;
        }
        text
    }

    /// The string literals of Rust source, comments and char literals
    /// skipped (raw strings read as plain ones: none of ours hold a quote).
    fn string_literals(code: &str) -> Vec<String> {
        let c: Vec<char> = code.chars().collect();
        let mut out = Vec::new();
        let mut i = 0;
        while i < c.len() {
            match c[i] {
                '/' if c.get(i + 1) == Some(&'/') => {
                    while i < c.len() && c[i] != '\n' {
                        i += 1;
                    }
                }
                '/' if c.get(i + 1) == Some(&'*') => {
                    i += 2;
                    while i + 1 < c.len() && !(c[i] == '*' && c[i + 1] == '/') {
                        i += 1;
                    }
                    i += 2;
                }
                // A char literal ('"', '\'', 'x'); a lifetime is left alone.
                '\'' if c.get(i + 1) == Some(&'\\') => {
                    i += 2;
                    while i < c.len() && c[i] != '\'' {
                        i += 1;
                    }
                    i += 1;
                }
                '\'' if c.get(i + 2) == Some(&'\'') => i += 3,
                '"' => {
                    let mut s = String::new();
                    i += 1;
                    while i < c.len() && c[i] != '"' {
                        if c[i] == '\\' {
                            i += 1;
                        }
                        if let Some(&ch) = c.get(i) {
                            s.push(ch);
                        }
                        i += 1;
                    }
                    out.push(s);
                    i += 1;
                }
                _ => i += 1,
            }
        }
        out
    }

    #[test]
    fn the_literal_scanner_sees_strings_not_comments_or_chars() {
        let code =
            "let a = \"runs.parquet\"; // \"report.md\"\nlet q = '\"'; let b = \"x\\\"y\";\n\
                    fn f<'a>(x: &'a str) {} /* \"journal.jsonl\" */ let c = 'c';";
        assert_eq!(string_literals(code), ["runs.parquet", "x\"y"]);
    }
}
