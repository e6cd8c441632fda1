//! What `swarm analyze` reports per metric of one run: n, mean, std, min,
//! max, first, last and the least-squares slope over epochs
//! (docs/model/outputs.md §5).

use super::series::{Column, EpochTable};
use super::stats::describe::{mean, sd, slope};

/// One metric's summary over the epochs of a run. Missing cells are
/// skipped; `std` is the sample standard deviation (ddof = 1, as pandas).
#[derive(Debug, Clone, PartialEq)]
pub struct MetricTrend {
    pub metric: String,
    pub n: usize,
    pub mean: Option<f64>,
    pub std: Option<f64>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub first: Option<f64>,
    pub last: Option<f64>,
    /// Change per epoch of the least-squares line through (epoch, value).
    pub slope: Option<f64>,
}

impl MetricTrend {
    pub fn of(column: &Column, epochs: &[Option<f64>]) -> MetricTrend {
        let (xs, ys): (Vec<f64>, Vec<f64>) = column
            .values
            .iter()
            .zip(epochs)
            .filter_map(|(v, e)| Some(((*e)?, (*v)?)))
            .unzip();
        let values: Vec<f64> = column.values.iter().flatten().copied().collect();
        let n = values.len();
        MetricTrend {
            metric: column.name.clone(),
            n,
            mean: (n > 0).then(|| mean(&values)),
            std: sd(&values),
            min: values.iter().copied().reduce(f64::min),
            max: values.iter().copied().reduce(f64::max),
            first: values.first().copied(),
            last: values.last().copied(),
            slope: slope(&xs, &ys),
        }
    }
}

/// Trends of the selected columns of `table`.
pub fn trends(table: &EpochTable, columns: &[&Column]) -> Vec<MetricTrend> {
    let epochs = table.epochs();
    columns
        .iter()
        .map(|c| MetricTrend::of(c, &epochs))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skips_missing_cells() {
        let col = Column {
            name: "m".into(),
            values: vec![Some(1.0), None, Some(3.0), Some(5.0)],
        };
        let t = MetricTrend::of(&col, &[Some(0.0), Some(1.0), Some(2.0), Some(3.0)]);
        assert_eq!(t.n, 3);
        assert_eq!(t.mean, Some(3.0));
        assert_eq!(t.std, Some(2.0));
        assert_eq!(
            (t.first, t.last, t.min, t.max),
            (Some(1.0), Some(5.0), Some(1.0), Some(5.0))
        );
        // points (0,1), (2,3), (3,5): scipy.stats.linregress slope 9/7
        let s = t.slope.unwrap();
        assert!((s - 1.2857142857142858).abs() < 1e-12, "{s}");
    }
}
