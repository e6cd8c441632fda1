//! The scenario loader: a YAML file → a validated [`Scenario`]. Every problem
//! is reported as `file:line: key.path: message`; keys the reference ignores
//! become warnings (errors with `strict`). Implements docs/model/scenario.md
//! §1 with the error outcomes of §2, reported instead of crashing.

use std::fmt::Display;
use std::path::Path;

use super::coerce::{coerce, Ty};
use super::error::ScenarioIdError;
use super::params::ParamValue;
use super::schema::{self, DOMAIN_SECTIONS, IGNORED_SECTIONS, SECTIONS};
use super::yaml::{self, Entry, Node};
use super::Scenario;
use super::{
    agents, alife, dynamic_toxicity, handlers, markets, memory, perturbations, scholar, sections,
};
use crate::input::{self, InputError};
use crate::suggest::did_you_mean;

/// Options for loading a scenario file.
#[derive(Debug, Clone, Copy, Default)]
pub struct LoadOptions {
    /// Turn warnings (keys the reference ignores) into errors.
    pub strict: bool,
    /// Load a scenario that sets keys the reference reads but this engine
    /// does not model (the fidelity guard refuses it otherwise); the
    /// scenario then lists them in [`Scenario::unmodelled`].
    pub allow_unmodelled: bool,
}

/// A non-fatal finding: e.g. a key the reference silently ignores.
#[derive(Debug, Clone, PartialEq)]
pub struct Warning {
    /// e.g. `scenarios/x.yaml:12: governance.moderator_enabled: ...`
    pub message: String,
}

/// A loaded scenario plus the warnings found while loading it.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub scenario: Scenario,
    pub warnings: Vec<Warning>,
    /// With `allow_unmodelled`: one message per unmodelled key, as the
    /// refusal would have named it (`file:line: path: what the reference does`).
    pub unmodelled: Vec<Warning>,
}

/// A scenario that cannot be used. Display names file, key path and line;
/// with several problems, one per line in file order.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}")]
pub struct ScenarioError {
    pub message: String,
}

pub fn load_file(path: &Path, opts: LoadOptions) -> Result<Loaded, ScenarioError> {
    let origin = path.display().to_string();
    let fail = |what: String| {
        Err(ScenarioError {
            message: format!("{origin}: {what}"),
        })
    };
    let bytes = match input::read_bounded(path, "the scenario file", "SWARM_MAX_SPEC_BYTES") {
        Ok(bytes) => bytes,
        Err(InputError::NotFound) => return fail("scenario file not found".into()),
        Err(InputError::IsDirectory) => return fail("is a directory, not a scenario file".into()),
        Err(e @ (InputError::NotRegular | InputError::TooLarge(_))) => return fail(e.to_string()),
        Err(InputError::Io(e)) => return fail(format!("cannot read scenario file: {e}")),
    };
    match String::from_utf8(bytes) {
        Ok(text) => load_str(&text, &origin, opts),
        Err(e) => {
            let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            let line = 1 + valid.iter().filter(|&&b| b == b'\n').count();
            Err(ScenarioError {
                message: format!("{origin}:{line}: not valid UTF-8 text"),
            })
        }
    }
}

pub fn load_str(text: &str, origin: &str, opts: LoadOptions) -> Result<Loaded, ScenarioError> {
    let mut report = Report::new(origin);
    match yaml::parse(text) {
        Ok(Some(root)) if !root.is_null() => {
            let scenario = read_scenario(&root, &mut report);
            report.finish(scenario, opts)
        }
        Ok(_) => Err(report.fatal(
            0,
            "",
            "file is empty; expected a mapping with sections such as 'agents' and 'simulation'",
        )),
        Err(e) => match e.col {
            Some(col) => Err(ScenarioError {
                message: format!("{origin}:{}:{col}: invalid YAML: {}", e.line, e.message),
            }),
            None => Err(report.fatal(e.line, &e.path, &e.message)),
        },
    }
}

/// Errors and warnings found so far, each with the line it is about.
pub(super) struct Report {
    origin: String,
    errors: Vec<(usize, String)>,
    warnings: Vec<(usize, String)>,
    /// Keys the reference reads, at values that change its results, that
    /// this engine does not model: (line, key path, message).
    unmodelled: Vec<(usize, String, String)>,
}

impl Report {
    fn new(origin: &str) -> Report {
        Report {
            origin: origin.to_string(),
            errors: Vec::new(),
            warnings: Vec::new(),
            unmodelled: Vec::new(),
        }
    }

    /// `file:line: path: message`; line 0 means "the whole file".
    fn format(&self, line: usize, path: &str, message: &str) -> String {
        let mut out = self.origin.clone();
        if line > 0 {
            out.push_str(&format!(":{line}"));
        }
        if !path.is_empty() {
            out.push_str(&format!(": {path}"));
        }
        out.push_str(&format!(": {message}"));
        out
    }

    pub fn error(&mut self, line: usize, path: &str, message: impl Display) {
        let text = self.format(line, path, &message.to_string());
        self.errors.push((line, text));
    }

    pub fn warn(&mut self, line: usize, path: &str, message: impl Display) {
        let text = self.format(line, path, &message.to_string());
        self.warnings.push((line, text));
    }

    /// The fidelity guard: `path` is read by the reference, at a value that
    /// changes its results, and this engine does not model it. `what` says in
    /// one line what the reference does with it.
    pub fn unmodelled(&mut self, line: usize, path: &str, what: impl Display) {
        let message = format!("read by the reference but not modelled here: {what}");
        self.refuse(line, path, message);
    }

    /// The fidelity guard, for a reason other than an unmodelled key
    /// (`message` says it in full).
    pub fn refuse(&mut self, line: usize, path: &str, message: impl Display) {
        let text = self.format(line, path, &message.to_string());
        self.unmodelled.push((line, path.to_string(), text));
    }

    fn fatal(&self, line: usize, path: &str, message: &str) -> ScenarioError {
        ScenarioError {
            message: self.format(line, path, message),
        }
    }

    fn finish(self, mut scenario: Scenario, opts: LoadOptions) -> Result<Loaded, ScenarioError> {
        let mut errors = self.errors;
        let mut warnings = self.warnings;
        let mut unmodelled = self.unmodelled;
        unmodelled.sort_by_key(|(line, _, _)| *line);
        if opts.strict {
            let promoted = warnings
                .drain(..)
                .map(|(line, w)| (line, format!("{w} (an error in strict mode)")));
            errors.extend(promoted);
        }
        if !opts.allow_unmodelled && !unmodelled.is_empty() {
            errors.extend(unmodelled.iter().map(|(line, _, m)| (*line, m.clone())));
        }
        errors.sort_by_key(|(line, _)| *line);
        warnings.sort_by_key(|(line, _)| *line);
        if errors.is_empty() {
            let to_warnings = |list: Vec<(usize, String)>| {
                list.into_iter()
                    .map(|(_, message)| Warning { message })
                    .collect()
            };
            scenario.unmodelled = unmodelled.iter().map(|(_, p, _)| p.clone()).collect();
            let unmodelled = unmodelled.into_iter().map(|(l, _, m)| (l, m)).collect();
            Ok(Loaded {
                scenario,
                warnings: to_warnings(warnings),
                unmodelled: to_warnings(unmodelled),
            })
        } else {
            let mut lines: Vec<String> = errors.into_iter().map(|(_, e)| e).collect();
            if !opts.allow_unmodelled && !unmodelled.is_empty() {
                lines.push(UNMODELLED_HINT.to_string());
            }
            Err(ScenarioError {
                message: lines.join("\n"),
            })
        }
    }
}

/// The last line of a fidelity-guard refusal.
pub const UNMODELLED_HINT: &str = "refused: this engine would run it with numbers that differ from the reference (docs/coverage.md lists what is modelled); --allow-unmodelled runs it anyway and marks the results partial";

fn read_scenario(root: &Node, report: &mut Report) -> Scenario {
    let mut s = Scenario::default();
    let Some(entries) = root.entries() else {
        let got = root.describe();
        report.error(
            root.line,
            "",
            format!("the top level must be a mapping of sections, got {got}"),
        );
        return s;
    };
    // The agents first: what some sections do depends on them. (Messages
    // are sorted by line in the end.)
    if let Some(e) = entries.iter().find(|e| e.key == "agents") {
        s.agents = agents::read(e, report);
    }
    let mut scholar_line = None;
    let mut marketplace_line = None;
    let mut spawn_line = None;
    let mut memory_line = None;
    for e in entries {
        let key = e.key.as_str();
        match key {
            "scenario_id" => {
                text_field(e, report, &mut s.scenario_id);
                if let Err(why) = check_scenario_id(&s.scenario_id) {
                    report.error(e.value.line, "scenario_id", why);
                }
            }
            "description" => text_field(e, report, &mut s.description),
            "motif" => text_field(e, report, &mut s.motif),
            "agents" => {}
            "simulation" => {
                if let Some(m) = section(e, report, false) {
                    sections::simulation(m, &mut s.simulation, report);
                }
            }
            "governance" => {
                if let Some(m) = section(e, report, true) {
                    sections::governance(m, &mut s.governance, report);
                }
            }
            "payoff" => {
                if let Some(m) = section(e, report, true) {
                    sections::table("payoff", schema::PAYOFF, m, &mut s.payoff, report);
                }
            }
            "rate_limits" => {
                if let Some(m) = section(e, report, true) {
                    sections::table(
                        "rate_limits",
                        schema::RATE_LIMITS,
                        m,
                        &mut s.rate_limits,
                        report,
                    );
                }
            }
            "network" => {
                if let Some(m) = section(e, report, true) {
                    s.network = sections::network(m, report);
                }
            }
            "marketplace" => {
                s.marketplace = markets::marketplace(e, report);
                marketplace_line = Some(e.key_line);
            }
            "contracts" => s.contracts = markets::contracts(e, report),
            "success_criteria" => {
                if let Some(m) = section(e, report, true) {
                    s.success_criteria = sections::success_criteria(m, report);
                }
            }
            "outputs" => {
                if let Some(m) = section(e, report, false) {
                    sections::outputs(m, &mut s.outputs, report);
                }
            }
            "dynamic_toxicity" => s.dynamic_toxicity = dynamic_toxicity::read(e, report),
            scholar::SECTION => {
                s.scholar = scholar::read(e, report);
                scholar_line = Some(e.key_line);
            }
            memory::SECTION => {
                s.memory_tiers = memory::read(e, report);
                memory_line = Some(e.key_line);
            }
            handlers::AWM => s.awm = handlers::read_awm(e, report),
            handlers::RIVALS => s.rivals = handlers::read_rivals(e, report),
            "perturbations" => {}
            "resource_negotiation" => {
                s.resource_negotiation = alife::resource_negotiation(e, report)
            }
            "tierra" => s.tierra = alife::tierra(e, report),
            "spawn" => {
                s.spawn = alife::spawn(e, report);
                spawn_line = Some(e.key_line);
            }
            "semantics" => {
                if let Some(m) = section(e, report, true) {
                    sections::semantics(m, &mut s.semantics, report);
                }
            }
            _ if schema::domain_section(key).is_some() => sections::domain(e, report),
            _ if IGNORED_SECTIONS.contains(&key) => {
                report.warn(
                    e.key_line,
                    key,
                    "section not read by the reference loader; ignored",
                );
            }
            _ => report.warn(e.key_line, key, misplaced_or_unknown(key)),
        }
    }
    // Read last: its guard needs the agents and the network.
    if let Some(e) = entries.iter().find(|e| e.key == "perturbations") {
        let ctx = perturbations::Context {
            agents: &s.agents,
            has_network: s.network.is_some(),
        };
        s.perturbations = perturbations::read(e, &ctx, report);
    }
    if let Some(line) = scholar_line {
        scholar::check_combination(&s, line, report);
    }
    if let Some(line) = marketplace_line {
        markets::check_combination(&s, line, report);
    }
    if let Some(line) = spawn_line {
        for what in alife::spawning_unmodelled_with(&s) {
            report.error(line, "spawn", format!("not modelled here: {what}"));
        }
    }
    if let Some(line) = memory_line {
        memory::check_combination(&s, line, report);
    }
    let section_line = |key: &str| {
        entries
            .iter()
            .find(|e| e.key == key)
            .map_or(0, |e| e.key_line)
    };
    handlers::check_combination(&s, section_line, report);
    if !entries.iter().any(|e| e.key == "agents") {
        report.error(
            0,
            "agents",
            "missing; a scenario needs at least one agent entry",
        );
    }
    s
}

/// A section's entries. A null section means defaults where the reference
/// allows it (`null_ok`) and is an error where the reference crashes.
fn section<'a>(e: &'a Entry, report: &mut Report, null_ok: bool) -> Option<&'a [Entry]> {
    if e.value.is_null() {
        if !null_ok {
            let why = "section is empty (null); give it keys or remove it";
            report.error(e.key_line, &e.key, why);
        }
        return None;
    }
    let entries = e.value.entries();
    if entries.is_none() {
        let got = e.value.describe();
        report.error(
            e.value.line,
            &e.key,
            format!("must be a mapping, got {got}"),
        );
    }
    entries
}

/// A top-level string; null keeps the default.
fn text_field(e: &Entry, report: &mut Report, target: &mut String) {
    if e.value.is_null() {
        return;
    }
    match coerce(Ty::Str, &e.value) {
        Ok(ParamValue::Str(s)) => *target = s,
        Ok(_) => {}
        Err(m) => report.error(e.value.line, &e.key, m),
    }
}

/// `swarm run` names its output files after the scenario_id
/// (`<out>/<scenario_id>_metrics.csv`), and the sweep uses it as a column
/// value: one safe path component, so no id writes outside `--out`.
pub fn check_scenario_id(id: &str) -> Result<(), ScenarioIdError> {
    const MAX_LEN: usize = 200;
    let usable = |c: char| c.is_ascii_alphanumeric() || "_-.".contains(c);
    if id.is_empty() {
        return Err(ScenarioIdError::Empty);
    }
    if id.len() > MAX_LEN {
        return Err(ScenarioIdError::TooLong {
            len: id.len(),
            max: MAX_LEN,
        });
    }
    if id.starts_with('.') || !id.chars().all(usable) {
        return Err(ScenarioIdError::Unusable(id.escape_debug().to_string()));
    }
    Ok(())
}

fn misplaced_or_unknown(key: &str) -> String {
    let homes = [
        (
            "governance",
            schema::find(schema::GOVERNANCE, key).is_some()
                || schema::GOVERNANCE_ALIASES
                    .iter()
                    .any(|(alias, _)| *alias == key),
        ),
        (
            "simulation",
            schema::find(schema::SIMULATION, key).is_some() || key == "seed",
        ),
        ("payoff", schema::find(schema::PAYOFF, key).is_some()),
        (
            "rate_limits",
            schema::find(schema::RATE_LIMITS, key).is_some(),
        ),
    ];
    if let Some((home, _)) = homes.iter().find(|(_, here)| *here) {
        return format!(
            "a '{home}' key at the top level; ignored by the reference (move it under '{home}:')"
        );
    }
    let known = SECTIONS
        .iter()
        .chain(DOMAIN_SECTIONS.iter().map(|d| &d.key))
        .chain(IGNORED_SECTIONS)
        .copied();
    format!(
        "unknown section, ignored by the reference{}",
        did_you_mean(key, known)
    )
}
