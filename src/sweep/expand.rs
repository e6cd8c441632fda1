//! The run list: spec → configurations (baseline, then variants × grid
//! points) → runs (configuration × seed). Pure and deterministic; runs are
//! computed from their index, so no list of runs is ever held.

use super::design::Sample;
use super::spec::{render, Assignment, SweepSpec};
use crate::contract::column::BASELINE_ARM;

/// One configuration before it meets a scenario: its arm, label and the
/// overrides to apply, in precedence order (overrides, arm, grid/zip).
#[derive(Debug, Clone, PartialEq)]
pub struct ConfigSpec {
    /// `baseline`, the variant name, or (without variants) the label.
    pub arm: String,
    /// e.g. `governance.freeze_threshold_toxicity=0.6,governance.freeze_threshold_violations=2`.
    pub label: String,
    pub assignments: Vec<Assignment>,
}

/// All configurations for one base scenario: the baseline first, then each
/// variant (or none) crossed with each grid point. Grid axes vary in file
/// order with the last fastest; the zip group is one more, fastest axis.
pub fn configs(spec: &SweepSpec) -> Vec<ConfigSpec> {
    let mut out = vec![ConfigSpec {
        arm: BASELINE_ARM.to_string(),
        label: BASELINE_ARM.to_string(),
        assignments: spec
            .overrides
            .iter()
            .chain(&spec.baseline)
            .cloned()
            .collect(),
    }];
    let points = grid_points(spec);
    if spec.variants.is_empty()
        && points.len() == 1
        && points[0].is_empty()
        && spec.sample.is_none()
    {
        return out; // a baseline-only sweep
    }
    // Design rows are the fastest axis; without a design, one empty row.
    let rows: Vec<Option<usize>> = match &spec.sample {
        Some(s) => (0..s.unit.len()).map(Some).collect(),
        None => vec![None],
    };
    let variants: Vec<Option<&super::spec::Variant>> = if spec.variants.is_empty() {
        vec![None]
    } else {
        spec.variants.iter().map(Some).collect()
    };
    for variant in variants {
        for point in &points {
            for &row in &rows {
                let mut parts: Vec<String> = variant.iter().map(|v| v.name.clone()).collect();
                parts.extend(
                    point
                        .iter()
                        .map(|a| format!("{}={}", spec.label_of(&a.path), render(&a.value))),
                );
                let design = design_row(spec, row);
                parts.extend(row.map(Sample::label));
                let label = parts.join(",");
                let arm = variant.map_or_else(|| label.clone(), |v| v.name.clone());
                let assignments = spec
                    .overrides
                    .iter()
                    .chain(variant.iter().flat_map(|v| &v.assignments))
                    .chain(point)
                    .cloned()
                    .chain(design)
                    .collect();
                out.push(ConfigSpec {
                    arm,
                    label,
                    assignments,
                });
            }
        }
    }
    out
}

/// Design row `row`'s values as assignments (section `sample`).
fn design_row(spec: &SweepSpec, row: Option<usize>) -> Vec<Assignment> {
    let (Some(sample), Some(row)) = (&spec.sample, row) else {
        return Vec::new();
    };
    sample
        .factors
        .iter()
        .zip(sample.values(row))
        .map(|(f, value)| Assignment {
            path: f.path.clone(),
            value,
            section: "sample".to_string(),
            line: f.line,
        })
        .collect()
}

/// The number of configurations `configs` yields, without building them
/// (saturating: for the up-front size check).
pub fn config_count(spec: &SweepSpec) -> u64 {
    let grid = spec
        .grid
        .iter()
        .fold(1u64, |n, a| n.saturating_mul(a.values.len() as u64));
    let zip = spec.zip.first().map_or(1, |a| a.values.len() as u64);
    let rows = spec.sample.as_ref().map_or(1, |s| s.unit.len() as u64);
    let points = grid.saturating_mul(zip).saturating_mul(rows);
    let treated = if spec.variants.is_empty()
        && spec.grid.is_empty()
        && spec.zip.is_empty()
        && spec.sample.is_none()
    {
        0
    } else {
        points.saturating_mul(spec.variants.len().max(1) as u64)
    };
    treated.saturating_add(1)
}

/// Every grid point as a list of assignments (grid axes, then zip).
fn grid_points(spec: &SweepSpec) -> Vec<Vec<Assignment>> {
    let assign = |axis: &super::spec::Axis, i: usize| Assignment {
        path: axis.path.clone(),
        value: axis.values[i].clone(),
        section: axis.section.to_string(),
        line: axis.line,
    };
    let mut points: Vec<Vec<Assignment>> = vec![Vec::new()];
    for axis in &spec.grid {
        points = points
            .into_iter()
            .flat_map(|p| {
                (0..axis.values.len()).map(move |i| {
                    let mut q = p.clone();
                    q.push(assign(axis, i));
                    q
                })
            })
            .collect();
    }
    if let Some(first) = spec.zip.first() {
        points = points
            .into_iter()
            .flat_map(|p| {
                (0..first.values.len()).map(move |i| {
                    let mut q = p.clone();
                    q.extend(spec.zip.iter().map(|axis| assign(axis, i)));
                    q
                })
            })
            .collect();
    }
    points
}

/// Where run `index` sits: configurations are major, seeds minor, so the
/// runs of one configuration are adjacent and replicate r uses seeds[r].
pub fn locate_run(index: usize, n_seeds: usize) -> (usize, usize) {
    (index / n_seeds, index % n_seeds)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sweep::spec::parse;

    fn labels(text: &str) -> Vec<(String, String)> {
        let spec = parse(text, "t.yaml").unwrap();
        let cs = configs(&spec);
        assert_eq!(cs.len() as u64, config_count(&spec));
        cs.into_iter().map(|c| (c.arm, c.label)).collect()
    }

    #[test]
    fn baseline_only() {
        assert_eq!(
            labels("base: a\nseeds: [1]\n"),
            vec![("baseline".into(), "baseline".into())]
        );
    }

    #[test]
    fn grid_last_axis_fastest_then_zip() {
        let got = labels("base: a\nseeds: [1]\ngrid:\n  g.a: [1, 2]\n  g.b: [true, false]\nzip:\n  g.c: [0.5, 1]\n  g.d: [x, y]\n");
        let got: Vec<String> = got.into_iter().map(|(_, l)| l).collect();
        assert_eq!(got.len(), 9);
        assert_eq!(got[1], "g.a=1,g.b=true,g.c=0.5,g.d=x");
        assert_eq!(got[2], "g.a=1,g.b=true,g.c=1,g.d=y");
        assert_eq!(got[3], "g.a=1,g.b=false,g.c=0.5,g.d=x");
        assert_eq!(got[8], "g.a=2,g.b=false,g.c=1,g.d=y");
    }

    #[test]
    fn variants_cross_the_grid_and_name_the_arm() {
        let got = labels("base: a\nseeds: [1]\nvariants:\n  strict: {g.x: 1}\n  loose: {g.x: 0}\ngrid: {g.y: [1, 2]}\n");
        assert_eq!(
            got,
            vec![
                ("baseline".into(), "baseline".into()),
                ("strict".into(), "strict,g.y=1".into()),
                ("strict".into(), "strict,g.y=2".into()),
                ("loose".into(), "loose,g.y=1".into()),
                ("loose".into(), "loose,g.y=2".into()),
            ]
        );
    }

    #[test]
    fn precedence_is_overrides_then_arm_then_grid() {
        let spec = parse("base: a\nseeds: [1]\noverrides: {g.n: 5}\nbaseline: {g.on: false}\ngrid: {g.t: [0.5]}\n", "t").unwrap();
        let cs = configs(&spec);
        let paths = |c: &ConfigSpec| {
            c.assignments
                .iter()
                .map(|a| a.path.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(paths(&cs[0]), vec!["g.n", "g.on"]);
        assert_eq!(paths(&cs[1]), vec!["g.n", "g.t"]);
    }

    #[test]
    fn runs_are_config_major() {
        assert_eq!(locate_run(0, 3), (0, 0));
        assert_eq!(locate_run(4, 3), (1, 1));
    }
}
