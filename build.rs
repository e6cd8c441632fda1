//! Build metadata for `--version`: the crate version plus the short git
//! commit (`0.1.0 (a1b2c3d)`). Outside a git checkout (a source tarball, a
//! vendored copy) or without git, it is the crate version alone;
//! `SWARM_SWEEP_GIT_HASH` set at build time overrides the lookup.

use std::path::{Path, PathBuf};
use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    if !out.status.success() {
        return None;
    }
    let s = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (!s.is_empty()).then_some(s)
}

/// The files whose change means another commit is checked out: HEAD, the
/// branch it points to, packed-refs. Only existing ones (a missing path
/// would make cargo rerun this script on every build).
fn watched(git_dir: &Path, common_dir: &Path) -> Vec<PathBuf> {
    let head = git_dir.join("HEAD");
    let mut out = vec![head.clone()];
    if let Ok(text) = std::fs::read_to_string(&head) {
        if let Some(r) = text.strip_prefix("ref: ") {
            out.push(common_dir.join(r.trim()));
        }
    }
    out.push(common_dir.join("packed-refs"));
    out.into_iter().filter(|p| p.exists()).collect()
}

fn main() {
    println!("cargo:rerun-if-env-changed=SWARM_SWEEP_GIT_HASH");
    let hash = match std::env::var("SWARM_SWEEP_GIT_HASH") {
        Ok(h) => Some(h.trim().to_string()).filter(|h| !h.is_empty()),
        Err(_) => {
            let dirs =
                git(&["rev-parse", "--git-dir"]).zip(git(&["rev-parse", "--git-common-dir"]));
            if let Some((dir, common)) = dirs {
                for p in watched(Path::new(&dir), Path::new(&common)) {
                    println!("cargo:rerun-if-changed={}", p.display());
                }
            }
            git(&["rev-parse", "--short", "HEAD"])
        }
    };
    let version = env!("CARGO_PKG_VERSION");
    let long = match hash {
        Some(h) => format!("{version} ({h})"),
        None => version.to_string(),
    };
    println!("cargo:rustc-env=SWARM_SWEEP_VERSION={long}");
}
