//! The deployment examples (deploy/) do what their docs say: the Kubernetes
//! Indexed Job's and the Slurm batch scripts' commands, run here with the
//! launcher variables their schedulers would set, give shards that merge into
//! the one-process tables. (`make test-slurm` runs them on a real Slurm.)

use std::path::Path;
use std::process::Command;

use crate::common::{
    assert_contains, assert_same_tables, one_process, repo_root, stderr, sweep_binary as bin,
};

const SMALL: &str = "tests/data/sweeps/small_grid.yaml";

/// A command list from the YAML (`command:`), as strings.
fn command(container: &serde_yaml::Value) -> Vec<String> {
    container["command"]
        .as_sequence()
        .expect("a command list")
        .iter()
        .map(|v| match v {
            serde_yaml::Value::String(s) => s.clone(),
            other => panic!("command items should be strings: {other:?}"),
        })
        .collect()
}

#[test]
fn the_kubernetes_indexed_job_and_merge_job_work_as_written() {
    let text = std::fs::read_to_string(repo_root().join("deploy/k8s/indexed-job.yaml")).unwrap();
    let docs: Vec<serde_yaml::Value> = serde_yaml::Deserializer::from_str(&text)
        .map(|d| serde::Deserialize::deserialize(d).unwrap())
        .collect();
    let job = |name: &str| {
        docs.iter()
            .find(|d| d["kind"] == "Job" && d["metadata"]["name"] == name)
            .unwrap_or_else(|| panic!("no Job {name}"))
    };
    let shards = job("swarm-sweep-shards");
    assert_eq!(shards["spec"]["completionMode"], "Indexed");
    let n = shards["spec"]["completions"].as_u64().unwrap() as usize;
    let shard_cmd = command(&shards["spec"]["template"]["spec"]["containers"][0]);
    let at = |cmd: &[String], flag: &str| {
        cmd[cmd
            .iter()
            .position(|a| a == flag)
            .unwrap_or_else(|| panic!("no {flag}"))
            + 1]
        .clone()
    };
    assert_eq!(
        at(&shard_cmd, "--shards"),
        n.to_string(),
        "completions = --shards"
    );
    assert!(shard_cmd.contains(&"--shard-from-env".to_string()));
    let out = at(&shard_cmd, "--out");
    let merge_cmd = command(&job("swarm-sweep-merge")["spec"]["template"]["spec"]["containers"][0]);
    assert_eq!(merge_cmd[1], "merge");
    assert_eq!(
        merge_cmd.last().unwrap(),
        &out,
        "merge reads what the shards write"
    );
    let pvc = docs
        .iter()
        .find(|d| d["kind"] == "PersistentVolumeClaim")
        .unwrap();
    assert_eq!(pvc["spec"]["accessModes"][0], "ReadWriteMany");

    // Run each pod's command as Kubernetes would (JOB_COMPLETION_INDEX),
    // on the small test sweep and a local volume, merge first (it waits).
    let tmp = tempfile::tempdir().unwrap();
    let volume = tmp.path().join("results");
    let local = |args: &[String]| -> Vec<String> {
        args[1..]
            .iter()
            .map(|a| match a.as_str() {
                "sweeps/circuit_breaker.yaml" => SMALL.to_string(),
                a if a == out => volume.to_str().unwrap().to_string(),
                a => a.to_string(),
            })
            .collect()
    };
    std::fs::create_dir_all(&volume).unwrap();
    let mut merge = Command::new(bin());
    merge
        .current_dir(repo_root())
        .args(local(&merge_cmd))
        .arg("--no-analyze");
    let merge = merge.stderr(std::process::Stdio::piped()).spawn().unwrap();
    for index in 0..n {
        let s = Command::new(bin())
            .current_dir(repo_root())
            .args(local(&shard_cmd))
            .args(["-q", "--deterministic-timing"])
            .env("JOB_COMPLETION_INDEX", index.to_string())
            .env_remove("SLURM_ARRAY_TASK_ID")
            .env_remove("OMPI_COMM_WORLD_RANK")
            .env_remove("PMI_RANK")
            .status()
            .unwrap();
        assert!(s.success(), "pod {index}");
    }
    let o = merge.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert_contains(&err, "waiting for the shards");
    let single = tmp.path().join("single");
    one_process(Path::new(SMALL), &single, &["--no-analyze"]);
    assert_same_tables(&volume, &single);
}

#[test]
fn the_slurm_batch_scripts_work_as_written() {
    let dir = repo_root().join("deploy/slurm");
    for f in ["sweep.sbatch", "merge.sbatch", "submit.sh"] {
        let s = Command::new("bash")
            .arg("-n")
            .arg(dir.join(f))
            .status()
            .unwrap();
        assert!(s.success(), "{f} is not valid bash");
    }
    // Each array task as Slurm would start it (ids 0..3 and its variables).
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("results");
    let env = |c: &mut Command| {
        c.current_dir(repo_root())
            .env("SWARM_SWEEP", bin())
            .env("SPEC", SMALL)
            .env("OUT", &out)
            .env("SHARDS", "4")
            .env("SWEEP_ARGS", "-q --deterministic-timing")
            .env("MERGE_ARGS", "--no-analyze")
            .env("SLURM_ARRAY_TASK_MIN", "0")
            .env("SLURM_ARRAY_TASK_COUNT", "4")
            .env("SLURM_CPUS_PER_TASK", "1");
    };
    for id in 0..4 {
        let mut c = Command::new("bash");
        c.arg(dir.join("sweep.sbatch"))
            .env("SLURM_ARRAY_TASK_ID", id.to_string());
        env(&mut c);
        assert!(c.status().unwrap().success(), "task {id}");
    }
    let mut c = Command::new("bash");
    c.arg(dir.join("merge.sbatch"));
    env(&mut c);
    let o = c.output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("4/4      complete"));
    let single = tmp.path().join("single");
    one_process(Path::new(SMALL), &single, &["--no-analyze"]);
    assert_same_tables(&out, &single);
}
