//! SWARM's own sweep files (docs/sweep.md, "SWARM's sweep files"): a file
//! in the reference repository's format runs directly and `import` prints
//! the native spec it stands for, which runs the same sweep; every sweep
//! file of the reference library is either run or refused with a precise
//! reason (the library is read from ../shared/reference-library, and this
//! part is skipped with a message when it is absent).

use std::path::{Path, PathBuf};

use crate::common::{read_table, repo_root, sweep, texts};

fn fixture() -> PathBuf {
    repo_root().join("tests/data/swarm_sweeps/core/sweeps/audit_rate.yaml")
}

#[test]
fn a_swarm_sweep_file_runs_and_imports_to_the_same_sweep() {
    let tmp = tempfile::tempdir().unwrap();
    let scenarios = repo_root().join("scenarios");
    // import prints the native spec.
    let o = sweep()
        .current_dir(tmp.path())
        .arg("import")
        .arg(fixture())
        .arg("--scenarios-dir")
        .arg(&scenarios)
        .output()
        .unwrap();
    let (native, err) = texts(&o);
    assert!(o.status.success(), "{err}");
    for want in [
        "name: \"core_audit_rate\"",
        "overrides:\n  governance.audit_enabled: true\n  governance.audit_penalty_multiplier: 3.0\n",
        "grid:\n  governance.audit_probability: [0.1, 0.3]\n  simulation.n_epochs: [3]\n",
        "variants:\n  no_tax:\n    governance.transaction_tax_rate: 0.0\n  tax:\n",
        "labels:\n  governance.audit_probability: \"audit_rate\"\n  simulation.n_epochs: \"epochs\"\n",
        "report:\n  metrics: [\"toxicity_rate\", \"quality_gap\", \"total_welfare\"]\n",
    ] {
        assert!(native.contains(want), "{want}\n---\n{native}");
    }
    let spec = tmp.path().join("native.yaml");
    std::fs::write(&spec, &native).unwrap();
    // The import round-trips: the native spec prints as itself.
    let o = sweep()
        .current_dir(tmp.path())
        .arg(&spec)
        .arg("--print-spec")
        .output()
        .unwrap();
    let (again, err) = texts(&o);
    assert!(o.status.success(), "{err}");
    let body = |t: &str| {
        t.lines()
            .filter(|l| !l.starts_with('#'))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(body(&again), body(&native));

    // The SWARM file runs directly, and as its native spec: the same runs.
    let run = |input: &Path, out: &str| {
        let o = sweep()
            .current_dir(tmp.path())
            .arg(input)
            .arg("--scenarios-dir")
            .arg(&scenarios)
            .args(["-q", "--deterministic-timing", "--no-analyze", "--out", out])
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", texts(&o).1);
        read_table(&tmp.path().join(out).join("runs.parquet"))
    };
    let direct = run(&fixture(), "direct");
    let imported = run(&spec, "imported");
    assert_eq!(direct.rows, imported.rows);
    // baseline + 2 variants × 2 audit rates × 1 epoch count, 2 seeds.
    assert_eq!(direct.rows.len(), (1 + 2 * 2) * 2);
    assert_eq!(
        direct.rows[2]["config_label"].str(),
        "no_tax,audit_rate=0.1,epochs=3"
    );
    assert_eq!(direct.metadata["swarm_sweep.name"], "core_audit_rate");
    assert!(direct.metadata["swarm_sweep.report"].contains("\"metrics\":[\"toxicity_rate\""));
    // The analysis draws the metrics the file's plots name, besides its own.
    let o = sweep()
        .arg("analyze")
        .arg(tmp.path().join("direct"))
        .arg("-q")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", texts(&o).1);
    let plots = tmp.path().join("direct/plots");
    assert!(plots.join("epochs_spread.png").is_file());
    assert!(plots.join("epochs_toxicity_rate.png").is_file());
}

/// Every `*/sweeps/*.yaml` of the reference library: run (a dry run) or
/// refused with exit 2 and a reason that names the file and line, and
/// `import` prints a native spec or lists every key it cannot map, each
/// with its line.
#[test]
fn every_library_sweep_file_is_run_or_refused_precisely() {
    let library = repo_root().join("../shared/reference-library");
    if !library.is_dir() {
        eprintln!("SKIPPED: no reference library at {}", library.display());
        return;
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(&library)
        .unwrap()
        .flatten()
        .map(|e| e.path().join("sweeps"))
        .filter(|d| d.is_dir())
        .flat_map(|d| std::fs::read_dir(d).unwrap().flatten().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    files.sort();
    assert!(files.len() >= 8, "{files:?}");
    for f in &files {
        let name = f.display().to_string();
        let o = sweep().arg(f).arg("--dry-run").output().unwrap();
        let (_, err) = texts(&o);
        match o.status.code() {
            Some(0) => {}
            Some(2) => {
                let precise = err.contains("its base scenario cannot run here: ")
                    && (err.contains("is not supported by this engine")
                        || err.contains("not modelled"))
                    || err.contains(&format!("{name}:"))
                        && (err.contains(": base_scenario: no scenario '")
                            || err.contains("cannot be mapped"));
                assert!(precise, "{name}: {err}");
                // A line number for each reason.
                let first = err.lines().next().unwrap();
                assert!(
                    first
                        .split(':')
                        .nth(1)
                        .is_some_and(|l| l.trim().parse::<usize>().is_ok())
                        || first.contains(".yaml:"),
                    "{name}: {first}"
                );
            }
            other => panic!("{name}: exit {other:?}: {err}"),
        }
        let o = sweep().arg("import").arg(f).output().unwrap();
        let (out, err) = texts(&o);
        match o.status.code() {
            Some(0) => assert!(out.contains("name: "), "{name}: {out}"),
            Some(2) => {
                for line in err.lines().skip(1) {
                    let l = line.trim_start();
                    assert!(l.starts_with(&format!("{name}:")), "{name}: {line}");
                    let n = l[name.len() + 1..].split(':').next().unwrap();
                    assert!(n.parse::<usize>().is_ok(), "{name}: no line in {line}");
                }
                assert!(
                    err.contains("cannot be mapped") || err.contains("base_scenario: no scenario"),
                    "{name}: {err}"
                );
            }
            other => panic!("{name}: import exit {other:?}: {err}"),
        }
    }
}
