//! A sweep spec written back as a native spec file (docs/sweep.md): what
//! `--print-spec` prints for a sweep given on the command line and what
//! `swarm-sweep import` prints for a SWARM sweep file. `spec::parse` reads
//! the text back to the same spec (tested below and in tests/).

use super::spec::{Assignment, Axis, SweepSpec};
use crate::output::yaml::{self, Yaml};

/// The spec as YAML. `header` lines go first, as comments.
pub fn to_yaml(spec: &SweepSpec, header: &[String]) -> String {
    let mut doc = Yaml::map();
    doc.push("name", yaml::string(&spec.name));
    if let Some(d) = &spec.description {
        doc.push("description", yaml::string(d));
    }
    match spec.bases.as_slice() {
        [one] if spec.bases_at.0 == "base" => doc.push("base", yaml::string(one)),
        many => doc.push(
            "bases",
            Yaml::Seq(many.iter().map(|b| yaml::string(b)).collect()),
        ),
    }
    doc.push(
        "seeds",
        match &spec.replication {
            Some(r) => replication(spec.seeds[0], r),
            None => seeds(&spec.seeds),
        },
    );
    let assignments = |list: &[Assignment]| {
        Yaml::Map(
            list.iter()
                .map(|a| (a.path.clone(), yaml::value(&a.value)))
                .collect(),
        )
    };
    if !spec.overrides.is_empty() {
        doc.push("overrides", assignments(&spec.overrides));
    }
    if !spec.baseline.is_empty() {
        doc.push("baseline", assignments(&spec.baseline));
    }
    let axes = |list: &[Axis]| {
        Yaml::Map(
            list.iter()
                .map(|a| {
                    let values = a.values.iter().map(yaml::value).collect();
                    (a.path.clone(), Yaml::Flow(values))
                })
                .collect(),
        )
    };
    if !spec.grid.is_empty() {
        doc.push("grid", axes(&spec.grid));
    }
    if !spec.zip.is_empty() {
        doc.push("zip", axes(&spec.zip));
    }
    if !spec.variants.is_empty() {
        doc.push(
            "variants",
            Yaml::Map(
                spec.variants
                    .iter()
                    .map(|v| (v.name.clone(), assignments(&v.assignments)))
                    .collect(),
            ),
        );
    }
    if !spec.labels.is_empty() {
        doc.push(
            "labels",
            Yaml::Map(
                spec.labels
                    .iter()
                    .map(|(p, l)| (p.clone(), yaml::string(l)))
                    .collect(),
            ),
        );
    }
    let r = &spec.report;
    if !r.metrics.is_empty() || !r.plots.is_empty() {
        let mut report = Yaml::map();
        if !r.metrics.is_empty() {
            let names = r.metrics.iter().map(|m| yaml::string(m)).collect();
            report.push("metrics", Yaml::Flow(names));
        }
        if !r.plots.is_empty() {
            let plots = r
                .plots
                .iter()
                .map(|p| {
                    let mut m = Yaml::map();
                    m.push("type", yaml::string(&p.kind));
                    m.push("x", yaml::string(&p.x));
                    match (p.kind.as_str(), p.y.as_slice()) {
                        ("heatmap", [y]) => m.push("y", yaml::string(y)),
                        (_, ys) => m.push(
                            "y",
                            Yaml::Flow(ys.iter().map(|y| yaml::string(y)).collect()),
                        ),
                    }
                    if let Some(z) = &p.z {
                        m.push("z", yaml::string(z));
                    }
                    if let Some(t) = &p.title {
                        m.push("title", yaml::string(t));
                    }
                    m
                })
                .collect();
            report.push("plots", Yaml::Seq(plots));
        }
        doc.push("report", report);
    }
    let o = &spec.outputs;
    let defaults = super::spec::OutputsSpec::default();
    let mut outputs = Yaml::map();
    if let Some(d) = &o.dir {
        outputs.push("dir", yaml::string(d));
    }
    if o.metrics_csv != defaults.metrics_csv {
        outputs.push("metrics_csv", yaml::bool(o.metrics_csv));
    }
    if o.events_jsonl != defaults.events_jsonl {
        outputs.push("events_jsonl", yaml::bool(o.events_jsonl));
    }
    if outputs != Yaml::map() {
        doc.push("outputs", outputs);
    }
    let mut text = String::new();
    for line in header {
        text.push_str(&format!("# {line}\n"));
    }
    text.push_str(&yaml::render(&doc));
    text
}

/// `{start, batch, max, until}` of adaptive replication.
fn replication(start: i64, r: &super::adaptive::Replication) -> Yaml {
    Yaml::Map(vec![
        ("start".into(), yaml::int(start)),
        ("batch".into(), yaml::int(r.batch as i64)),
        ("max".into(), yaml::int(r.max as i64)),
        (
            "until".into(),
            Yaml::Map(vec![
                ("metric".into(), yaml::string(&r.metric)),
                ("ci_half_width".into(), yaml::float_scalar(r.ci_half_width)),
                ("conf_level".into(), yaml::float_scalar(r.level)),
            ]),
        ),
    ])
}

/// `{start, count}` for consecutive ascending seeds, else the list.
fn seeds(seeds: &[i64]) -> Yaml {
    let consecutive = seeds.windows(2).all(|w| w[1] == w[0] + 1);
    if consecutive && seeds.len() > 1 {
        return Yaml::Map(vec![
            ("start".into(), yaml::int(seeds[0])),
            ("count".into(), yaml::int(seeds.len() as i64)),
        ]);
    }
    Yaml::Flow(seeds.iter().map(|&s| yaml::int(s)).collect())
}

/// Whether two specs say the same thing (everything but where they were
/// read from and on which lines).
pub fn same(a: &SweepSpec, b: &SweepSpec) -> bool {
    let assignments = |l: &[Assignment]| -> Vec<(String, crate::scenario::params::ParamValue)> {
        l.iter()
            .map(|x| (x.path.clone(), x.value.clone()))
            .collect()
    };
    let axes = |l: &[Axis]| -> Vec<(String, Vec<crate::scenario::params::ParamValue>)> {
        l.iter()
            .map(|x| (x.path.clone(), x.values.clone()))
            .collect()
    };
    a.name == b.name
        && a.description == b.description
        && a.bases == b.bases
        && a.seeds == b.seeds
        && a.replication == b.replication
        && assignments(&a.overrides) == assignments(&b.overrides)
        && assignments(&a.baseline) == assignments(&b.baseline)
        && axes(&a.grid) == axes(&b.grid)
        && axes(&a.zip) == axes(&b.zip)
        && a.variants.len() == b.variants.len()
        && a.variants.iter().zip(&b.variants).all(|(x, y)| {
            x.name == y.name && assignments(&x.assignments) == assignments(&y.assignments)
        })
        && a.labels == b.labels
        && a.report == b.report
        && a.outputs == b.outputs
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sweep::spec::parse;

    #[test]
    fn a_spec_reads_back_the_same() {
        let text = "name: cb\ndescription: \"two\\nlines\"\nbase: ../scenarios/a.yaml\nseeds: [5, 0, 9]\n\
             overrides: {simulation.n_epochs: 3}\n\
             baseline: {governance.circuit_breaker_enabled: false}\n\
             grid:\n  governance.freeze_threshold_toxicity: {start: 0.1, stop: 0.3, step: 0.1}\n  governance.freeze_threshold_violations: [1, 2]\n\
             zip:\n  governance.audit_probability: [0.1, 0.2]\n  simulation.schedule_mode: [random, 'yes']\n\
             variants:\n  strict: {governance.audit_enabled: yes}\n  'no': {payoff.theta: 1e-5}\n\
             labels: {governance.freeze_threshold_violations: violations}\n\
             report:\n  metrics: [toxicity_rate, total_welfare]\n  plots:\n    - {type: line, x: epoch, y: quality_gap, title: Over time}\n    - {type: heatmap, x: violations, y: governance.freeze_threshold_toxicity, z: toxicity_rate}\n\
             outputs: {metrics_csv: false, dir: out}\n";
        let spec = parse(text, "a.yaml").unwrap();
        let written = to_yaml(&spec, &["generated".into()]);
        let back = parse(&written, "b.yaml").unwrap_or_else(|e| panic!("{e}\n{written}"));
        assert!(same(&spec, &back), "{written}");
        let consecutive = parse("base: a\nseeds: {start: 3, count: 4}\n", "c.yaml").unwrap();
        let written = to_yaml(&consecutive, &[]);
        assert!(
            written.contains("seeds:\n  start: 3\n  count: 4\n"),
            "{written}"
        );
        assert!(same(&consecutive, &parse(&written, "c.yaml").unwrap()));
    }

    #[test]
    fn an_adaptive_rule_reads_back_the_same() {
        let text = "base: a
seeds: {start: 2, batch: 5, max: 40, until: {metric: quality_gap, \
                    ci_half_width: 0.01, conf_level: 0.9}}
";
        let spec = parse(text, "a.yaml").unwrap();
        assert_eq!(spec.seeds, (2..42).collect::<Vec<i64>>());
        let rule = spec.replication.clone().unwrap();
        assert_eq!((rule.batch, rule.max, rule.level), (5, 40, 0.9));
        assert_eq!(
            (rule.metric.as_str(), rule.ci_half_width),
            ("quality_gap", 0.01)
        );
        let written = to_yaml(&spec, &[]);
        let back = parse(&written, "b.yaml").unwrap_or_else(|e| panic!("{e}\n{written}"));
        assert!(same(&spec, &back), "{written}");
    }
}
