//! Where a sweep's spec comes from: a spec file, or the command line
//! (`--base`, `--grid`, `--baseline`, `--set`, `--seeds`, `--name`), which
//! is written as the spec file it stands for and read by the same reader,
//! so every check and message is a spec file's (docs/sweep.md, "Sweeps
//! without a spec file"). Messages about a command-line spec name the flag.

use std::path::{Path, PathBuf};

use super::assign::{self, AssignError};
use crate::input::{self, InputError};
use crate::output::yaml::{self, Yaml};
use crate::scenario::LoadOptions;
use crate::sweep::plan::{self, SweepPlan};
use crate::sweep::spec::{self, SpecError, SweepSpec};
use crate::sweep::{spec_yaml, swarm_file};

/// A sweep spec that cannot be read or does not hold: bad input (exit 2).
#[derive(Debug, thiserror::Error)]
pub enum SpecInputError {
    #[error("cannot read sweep spec {origin}: {error}")]
    ReadSpec { origin: String, error: InputError },
    #[error("cannot read {origin}: {error}")]
    Read { origin: String, error: InputError },
    #[error(transparent)]
    Spec(#[from] SpecError),
    /// A SWARM sweep file that cannot run as it is (its keys, its base).
    #[error("{0}")]
    Refused(String),
    #[error(
        "{0} is not one of SWARM's sweep files (no sweep_id or base_scenario): a native spec \
         runs as it is"
    )]
    NotSwarmFile(String),
    #[error("--base: no base scenario")]
    NoBase,
    #[error("--seeds is needed with --base (N for seeds 0 to N-1, A-B, or a list)")]
    NoSeeds,
    #[error("{flag}: {error}")]
    Flag {
        flag: &'static str,
        error: AssignError,
    },
    #[error("{flag} {path}: given twice")]
    Twice { flag: &'static str, path: String },
}

/// What names a command-line spec in messages.
pub const COMMAND_LINE: &str = "command line";

/// The sweep's flags that stand for a spec file.
#[derive(Debug, Clone, Default)]
pub struct SpecFlags {
    pub base: Vec<PathBuf>,
    pub grid: Vec<String>,
    pub baseline: Vec<String>,
    pub set: Vec<String>,
    pub seeds: Option<String>,
    pub name: Option<String>,
}

/// A spec read, and the directory its relative paths start from.
pub struct SpecInput {
    pub spec: SweepSpec,
    pub dir: PathBuf,
}

/// Read and parse the spec file at `path`: a native spec, or one of SWARM's
/// sweep files (`sweep::swarm_file`; its base scenarios are resolved from
/// `scenarios_dir`, else from the repository layout around it).
pub fn from_file(
    path: &Path,
    scenarios_dir: Option<&Path>,
    allow_unmodelled: bool,
) -> Result<SpecInput, SpecInputError> {
    let origin = path.display().to_string();
    let text =
        input::read_text(path, "the sweep spec", "SWARM_MAX_SPEC_BYTES").map_err(|error| {
            SpecInputError::ReadSpec {
                origin: origin.clone(),
                error,
            }
        })?;
    if swarm_file::is_swarm_file(&text) {
        return match swarm_file::import(&text, &origin, path, scenarios_dir) {
            Ok(i) => Ok(SpecInput {
                spec: i.spec,
                dir: PathBuf::from("."),
            }),
            Err(r) => Err(refusal(&origin, r, allow_unmodelled)),
        };
    }
    let spec = spec::parse(&text, &origin)?;
    let dir = path.parent().unwrap_or(Path::new(".")).to_path_buf();
    Ok(SpecInput { spec, dir })
}

/// Why a SWARM sweep file cannot run. When its base scenario is one the
/// engine refuses (agent types or modules it does not model yet), that is
/// what is said first: fixing the file's keys would not make it run.
fn refusal(origin: &str, r: swarm_file::Refused, allow_unmodelled: bool) -> SpecInputError {
    let keys = r
        .errors
        .iter()
        .map(|e| format!("  {e}"))
        .collect::<Vec<_>>();
    if let Some(base) = &r.base {
        let load = LoadOptions {
            strict: false,
            allow_unmodelled,
        };
        if let Err(e) = crate::scenario::load_file(base, load) {
            return SpecInputError::Refused(format!(
                "{origin}: its base scenario cannot run here: {e}\n(and {} of its keys cannot \
                 be mapped: `swarm-sweep import {origin}` lists them)",
                keys.len()
            ));
        }
    }
    SpecInputError::Refused(match keys.as_slice() {
        [one] => one.trim_start().to_string(),
        _ => format!(
            "{origin}: a SWARM sweep file that swarm-sweep cannot run as it is ({} keys cannot be mapped):\n{}",
            keys.len(),
            keys.join("\n")
        ),
    })
}

/// The native spec of the SWARM sweep file at `path` (`swarm-sweep import`).
pub fn import_file(path: &Path, scenarios_dir: Option<&Path>) -> Result<String, SpecInputError> {
    let origin = path.display().to_string();
    let text =
        input::read_text(path, "the sweep file", "SWARM_MAX_SPEC_BYTES").map_err(|error| {
            SpecInputError::Read {
                origin: origin.clone(),
                error,
            }
        })?;
    if !swarm_file::is_swarm_file(&text) {
        return Err(SpecInputError::NotSwarmFile(origin));
    }
    match swarm_file::import(&text, &origin, path, scenarios_dir) {
        Ok(i) => Ok(spec_yaml::to_yaml(
            &i.spec,
            &[
                format!("{origin}, SWARM's sweep file, as a native swarm-sweep spec."),
                "Paths are relative to the directory this was made in (a spec file's".into(),
                "paths are relative to the file). docs/sweep.md has the format.".into(),
            ],
        )),
        Err(r) => Err(refusal(
            &origin,
            swarm_file::Refused {
                base: None,
                errors: r.errors,
            },
            true,
        )),
    }
}

/// The spec the flags stand for (paths relative to the current directory).
pub fn from_flags(f: &SpecFlags) -> Result<SpecInput, SpecInputError> {
    let text = spec_text(f)?;
    let spec = spec::parse(&text, COMMAND_LINE).map_err(flag_error)?;
    Ok(SpecInput {
        spec,
        dir: PathBuf::from("."),
    })
}

/// The spec file's text for `f`.
pub fn spec_text(f: &SpecFlags) -> Result<String, SpecInputError> {
    let mut doc = Yaml::map();
    let first = f.base.first().ok_or(SpecInputError::NoBase)?;
    let name = match &f.name {
        Some(n) => n.clone(),
        None => first
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "sweep".into()),
    };
    doc.push("name", yaml::string(&name));
    let path = |p: &PathBuf| yaml::string(&p.display().to_string());
    if f.base.len() == 1 {
        doc.push("base", path(first));
    } else {
        doc.push("bases", Yaml::Seq(f.base.iter().map(path).collect()));
    }
    let flag = |flag: &'static str| move |error| SpecInputError::Flag { flag, error };
    let seeds = f.seeds.as_deref().ok_or(SpecInputError::NoSeeds)?;
    let seeds = assign::seeds(seeds).map_err(flag("--seeds"))?;
    doc.push(
        "seeds",
        Yaml::Flow(seeds.into_iter().map(yaml::int).collect()),
    );
    let twice = |flag: &'static str, path: String| SpecInputError::Twice { flag, path };
    let settings = |name: &'static str, args: &[String]| -> Result<Yaml, SpecInputError> {
        let mut m = Yaml::map();
        let mut seen = Vec::new();
        for a in args {
            let (p, v) = assign::assignment(a).map_err(flag(name))?;
            if seen.contains(&p) {
                return Err(twice(name, p));
            }
            seen.push(p.clone());
            m.push(p, yaml::value(&v));
        }
        Ok(m)
    };
    if !f.set.is_empty() {
        doc.push("overrides", settings("--set", &f.set)?);
    }
    if !f.baseline.is_empty() {
        doc.push("baseline", settings("--baseline", &f.baseline)?);
    }
    if !f.grid.is_empty() {
        let mut grid = Yaml::map();
        let mut seen = Vec::new();
        for a in &f.grid {
            let (p, v) = assign::axis(a).map_err(flag("--grid"))?;
            if seen.contains(&p) {
                return Err(twice("--grid", p));
            }
            seen.push(p.clone());
            grid.push(p, v);
        }
        doc.push("grid", grid);
    }
    Ok(yaml::render(&doc))
}

/// Load the bases and build the plan; a command-line spec's messages name
/// the flag rather than a line.
pub fn resolve(input: SpecInput, allow_unmodelled: bool) -> Result<SweepPlan, SpecError> {
    let load = LoadOptions {
        strict: false,
        allow_unmodelled,
    };
    let command_line = input.spec.source.origin == COMMAND_LINE;
    plan::resolve(input.spec, &input.dir, load).map_err(|e| {
        if command_line {
            flag_error(e)
        } else {
            e
        }
    })
}

/// `command line: --grid governance.x: message` for an error at
/// `grid.governance.x` of the spec the flags stand for.
pub fn flag_error(mut e: SpecError) -> SpecError {
    e.line = None;
    // The schema's messages start with the path, which the flag names now.
    if let Some((_, path)) = e.key.as_deref().and_then(|k| k.split_once('.')) {
        if let Some(rest) = e.message.strip_prefix(&format!("{path}: ")) {
            e.message = rest.to_string();
        }
    }
    e.key = e.key.map(|k| {
        for (section, flag) in [
            ("grid", "--grid"),
            ("baseline", "--baseline"),
            ("overrides", "--set"),
        ] {
            if let Some(rest) = k.strip_prefix(section).and_then(|r| r.strip_prefix('.')) {
                return format!("{flag} {rest}");
            }
        }
        match k.as_str() {
            "base" | "bases" => "--base".into(),
            "seeds" => "--seeds".into(),
            "name" => "--name".into(),
            _ => k,
        }
    });
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flags() -> SpecFlags {
        SpecFlags {
            base: vec!["scenarios/baseline.yaml".into()],
            grid: vec!["governance.audit_probability=0.1,0.2".into()],
            baseline: vec!["governance.audit_enabled=false".into()],
            set: vec!["simulation.n_epochs=5".into()],
            seeds: Some("3".into()),
            name: None,
        }
    }

    #[test]
    fn the_flags_read_as_the_spec_they_stand_for() {
        let text = spec_text(&flags()).unwrap();
        assert_eq!(
            text,
            "name: \"baseline\"\nbase: \"scenarios/baseline.yaml\"\nseeds: [0, 1, 2]\n\
             overrides:\n  simulation.n_epochs: 5\nbaseline:\n  governance.audit_enabled: false\n\
             grid:\n  governance.audit_probability: [0.1, 0.2]\n"
        );
        let s = from_flags(&flags()).unwrap().spec;
        assert_eq!(s.grid[0].values.len(), 2);
    }

    #[test]
    fn messages_name_the_flag() {
        let mut f = flags();
        f.grid.push("governance.audit_probability=0.3".into());
        assert_eq!(
            from_flags(&f).err().unwrap().to_string(),
            "--grid governance.audit_probability: given twice"
        );
        let mut f = flags();
        f.baseline = vec!["governance.audit_probability=0.3".into()];
        assert_eq!(
            from_flags(&f).err().unwrap().to_string(),
            "command line: --baseline governance.audit_probability: 'governance.audit_probability' is also swept in grid; an arm may not set a swept parameter"
        );
        let mut f = flags();
        f.seeds = None;
        assert!(matches!(from_flags(&f), Err(SpecInputError::NoSeeds)));
    }
}
