//! `swarm-sweep check` end to end: a sweep's own results pass; a perturbed
//! runs.parquet fails with a readable message and JUnit XML; bad input is
//! exit 2; `--criteria` enforces success criteria. Also the CLI polish:
//! completions, man page, `--version` with the commit, NO_COLOR.

use std::fs::File;
use std::path::Path;
use std::sync::Arc;

use arrow_array::{Array, ArrayRef, Float64Array, Int64Array, RecordBatch};
use assert_cmd::Command;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::arrow::ArrowWriter;
use parquet::file::properties::WriterProperties;

use crate::common::{self, assert_contains, assert_exit, repo_root, stderr, stdout, sweep};

const SPEC: &str = "tests/data/sweeps/small_grid.yaml";

fn cmd() -> Command {
    let mut c = sweep();
    c.current_dir(repo_root()).env_remove("CLICOLOR_FORCE");
    c
}

/// The small grid's results (runs only, no analysis) in `dir`.
fn sweep_into(dir: &Path) {
    let o = cmd()
        .args([SPEC, "-q", "--no-analyze", "--no-metrics-csv", "-o"])
        .arg(dir)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
}

/// Rewrite runs.parquet with `toxicity_rate` × `factor` in the rows of
/// configuration `config_id`, keeping schema and metadata.
fn perturb(dir: &Path, config_id: i64, factor: f64) {
    let path = dir.join("runs.parquet");
    let builder = ParquetRecordBatchReaderBuilder::try_new(File::open(&path).unwrap()).unwrap();
    let kv = builder
        .metadata()
        .file_metadata()
        .key_value_metadata()
        .cloned();
    let schema = builder.schema().clone();
    let batches: Vec<RecordBatch> = builder.build().unwrap().map(Result::unwrap).collect();
    let props = WriterProperties::builder()
        .set_key_value_metadata(kv)
        .build();
    let tmp = dir.join("runs.parquet.tmp");
    let mut w =
        ArrowWriter::try_new(File::create(&tmp).unwrap(), schema.clone(), Some(props)).unwrap();
    let tox = schema.index_of("toxicity_rate").unwrap();
    let cfg = schema.index_of("config_id").unwrap();
    for b in batches {
        let ids = b.column(cfg).as_any().downcast_ref::<Int64Array>().unwrap();
        let t = b
            .column(tox)
            .as_any()
            .downcast_ref::<Float64Array>()
            .unwrap();
        let changed: Float64Array = (0..b.num_rows())
            .map(|i| {
                let v = (!t.is_null(i)).then(|| t.value(i));
                if ids.value(i) == config_id {
                    v.map(|x| x * factor)
                } else {
                    v
                }
            })
            .collect();
        let mut cols: Vec<ArrayRef> = b.columns().to_vec();
        cols[tox] = Arc::new(changed);
        w.write(&RecordBatch::try_new(schema.clone(), cols).unwrap())
            .unwrap();
    }
    w.close().unwrap();
    std::fs::rename(tmp, path).unwrap();
}

#[test]
fn stored_infinities_fail_the_check_whatever_the_tolerance() {
    let tmp = tempfile::tempdir().unwrap();
    let stored = tmp.path().join("stored");
    sweep_into(&stored);
    // Every stored toxicity of configuration 1 becomes ±inf (or NaN for 0).
    perturb(&stored, 1, f64::INFINITY);
    let o = cmd()
        .args(["check", SPEC, "-q", "--tolerance", "1e300", "--against"])
        .arg(&stored)
        .output()
        .unwrap();
    assert_exit(&o, 5);
    assert_contains(&stdout(&o), "toxicity_rate: non-finite values differ");
}

#[test]
fn a_sweep_passes_against_its_own_results_and_fails_against_perturbed_ones() {
    let tmp = tempfile::tempdir().unwrap();
    let stored = tmp.path().join("stored");
    sweep_into(&stored);

    let junit = tmp.path().join("ci/check.xml");
    let check = || {
        cmd()
            .args(["check", SPEC, "--against"])
            .arg(&stored)
            .arg("--junit")
            .arg(&junit)
            .output()
            .unwrap()
    };
    let o = check();
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "{out}{}", stderr(&o));
    assert_eq!(out.matches("PASS  ").count(), 5, "{out}");
    assert_contains(&out, "check passed: 5 of 5 configurations passed");
    assert!(
        !out.contains('\x1b'),
        "no colour when stdout is not a terminal: {out:?}"
    );
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert!(xml.contains(r#"tests="5" failures="0""#), "{xml}");
    assert_eq!(xml.matches("<testcase ").count(), 5);

    // 2 % more toxicity in configuration 2, far beyond the default tolerance
    perturb(&stored, 2, 1.02);
    let o = check();
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(5), "{out}{}", stderr(&o));
    assert_eq!(out.matches("PASS  ").count(), 4, "{out}");
    let fail: Vec<&str> = out.lines().filter(|l| l.starts_with("FAIL  ")).collect();
    assert_eq!(fail.len(), 1, "{out}");
    // configurations are named as in the report (shared path prefix dropped)
    assert!(fail[0].contains("violations=2"), "{out}");
    let why = out
        .lines()
        .find(|l| l.trim_start().starts_with("toxicity_rate: "))
        .unwrap_or_else(|| panic!("no toxicity_rate line in\n{out}"));
    assert!(
        why.contains(" now, ") && why.contains(" stored (Δ -"),
        "{why}"
    );
    assert_contains(why, "-1.96%");
    assert_contains(&out, "check failed: 4 of 5 configurations passed");
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert!(xml.contains(r#"tests="5" failures="1""#), "{xml}");
    assert!(
        xml.contains(r#"<failure type="regression" message="toxicity_rate: "#),
        "{xml}"
    );

    // A loose enough tolerance for that metric lets it pass again; with
    // `--junit -` the XML is standard output and the report standard error.
    let o = cmd()
        .args([
            "check",
            SPEC,
            "-q",
            "--tolerance",
            "toxicity_rate=2.5%",
            "--junit",
            "-",
            "--against",
        ])
        .arg(&stored)
        .output()
        .unwrap();
    assert_exit(&o, 0);
    assert!(stdout(&o).starts_with("<?xml"), "{}", stdout(&o));
    assert_contains(&stderr(&o), "check passed");
    assert!(
        !stderr(&o).contains("PASS"),
        "-q prints only failures and the verdict"
    );
    assert!(!repo_root().join("-").exists());
}

#[test]
fn bad_input_is_exit_2_with_the_reason() {
    let tmp = tempfile::tempdir().unwrap();
    let o = cmd()
        .args(["check", SPEC, "--against"])
        .arg(tmp.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert_contains(&stderr(&o), "runs.parquet not found");

    let stored = tmp.path().join("stored");
    sweep_into(&stored);
    let o = cmd()
        .args(["check", SPEC, "--tolerance", "toxicty_rate=1%", "--against"])
        .arg(&stored)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert_contains(&stderr(&o), "did you mean 'toxicity_rate'?");

    // Other seeds: not the same sweep.
    let o = cmd()
        .args([
            "check",
            "tests/data/sweeps/criteria_short.yaml",
            "--against",
        ])
        .arg(&stored)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert_contains(
        &stderr(&o),
        "was made with seeds [0, 1, 2], the spec has [4, 9]",
    );
}

#[test]
fn criteria_are_enforced_only_with_the_flag() {
    let tmp = tempfile::tempdir().unwrap();
    let spec = "tests/data/sweeps/criteria_short.yaml";
    let o = cmd()
        .args([spec, "-q", "--no-analyze", "-o"])
        .arg(tmp.path())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let o = cmd()
        .args(["check", spec, "--against"])
        .arg(tmp.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let o = cmd()
        .args(["check", spec, "--criteria", "--against"])
        .arg(tmp.path())
        .output()
        .unwrap();
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(5), "{out}");
    assert!(
        out.contains(
            "success criterion min_epochs (Epochs >= 10) missed in 2 of 2 runs: seed 4: 3, seed 9: 3"
        ),
        "{out}"
    );
}

#[test]
fn completions_man_page_and_version() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let o = cmd().args(["completions", shell]).output().unwrap();
        assert!(o.status.success(), "{shell}: {}", stderr(&o));
        let s = stdout(&o);
        for word in ["check", "analyze", "against", "no-analyze"] {
            assert!(s.contains(word), "{shell} completions lack {word}");
        }
    }
    let o = cmd()
        .args(["completions", "bash", "--program", "swarm"])
        .output()
        .unwrap();
    assert!(stdout(&o).contains("--seed"));

    let o = cmd().arg("man").output().unwrap();
    let page = stdout(&o);
    assert!(
        page.starts_with(".ie") && page.contains(".TH swarm-sweep 1"),
        "{page}"
    );
    assert!(
        page.contains("Exit codes") && page.contains("regression"),
        "{page}"
    );
    let dir = tempfile::tempdir().unwrap();
    let o = cmd()
        .args(["man", "--out"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(o.status.success());
    for page in [
        "swarm-sweep.1",
        "swarm-sweep-check.1",
        "swarm.1",
        "swarm-run.1",
    ] {
        assert!(dir.path().join(page).is_file(), "{page} missing");
    }

    let v = stdout(&cmd().arg("--version").output().unwrap());
    let version = env!("CARGO_PKG_VERSION");
    assert!(v.starts_with(&format!("swarm-sweep {version}")), "{v}");
    let in_git = std::process::Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .current_dir(repo_root())
        .output()
        .is_ok_and(|o| o.status.success());
    if in_git && std::env::var_os("SWARM_SWEEP_GIT_HASH").is_none() {
        let re_hash = v
            .trim()
            .strip_prefix(&format!("swarm-sweep {version} ("))
            .and_then(|s| s.strip_suffix(')'));
        assert!(
            re_hash.is_some_and(|h| h.len() >= 7 && h.chars().all(|c| c.is_ascii_hexdigit())),
            "--version should name the commit: {v}"
        );
    }
    let v = stdout(&common::swarm().arg("--version").output().unwrap());
    assert!(v.starts_with(&format!("swarm {version}")), "{v}");
}

#[test]
fn no_color_wins_over_clicolor_force() {
    let tmp = tempfile::tempdir().unwrap();
    sweep_into(tmp.path());
    let run = |no_color: bool| {
        let forced = || {
            let mut c = cmd();
            c.env("CLICOLOR_FORCE", "1");
            if no_color {
                c.env("NO_COLOR", "1");
            } else {
                c.env_remove("NO_COLOR");
            }
            c
        };
        let check = forced()
            .args(["check", SPEC, "-q", "--against"])
            .arg(tmp.path())
            .output()
            .unwrap();
        let help = forced().args(["check", "--help"]).output().unwrap();
        (stdout(&check), stdout(&help))
    };
    let (check, help) = run(false);
    assert!(check.contains("\x1b["), "CLICOLOR_FORCE colours: {check:?}");
    assert!(
        help.contains("\x1b["),
        "CLICOLOR_FORCE colours help: {help:?}"
    );
    let (check, help) = run(true);
    assert!(!check.contains('\x1b'), "NO_COLOR: {check:?}");
    assert!(!help.contains('\x1b'), "NO_COLOR help: {help:?}");
}

#[test]
fn the_example_workflow_calls_check_with_valid_arguments() {
    let text = std::fs::read_to_string(repo_root().join("docs/ci/sweep-check.yml")).unwrap();
    let doc: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
    let steps = doc["jobs"]["check"]["steps"].as_sequence().unwrap();
    let run = steps
        .iter()
        .filter_map(|s| s["run"].as_str())
        .find(|r| r.contains("swarm-sweep check"))
        .expect("a step that runs swarm-sweep check");
    let args: Vec<&str> = run.split_whitespace().collect();
    assert_eq!(args[0], "target/release/swarm-sweep");
    let m = swarm_sweep::cli::app::command()
        .try_get_matches_from(&args)
        .unwrap_or_else(|e| panic!("{run}\n{e}"));
    let (name, sub) = m.subcommand().unwrap();
    assert_eq!(name, "check");
    assert!(sub.get_one::<std::path::PathBuf>("junit").is_some());
    assert!(repo_root()
        .join(sub.get_one::<std::path::PathBuf>("spec").unwrap())
        .is_file());
}
