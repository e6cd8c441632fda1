//! Sensitivity indices as grouped bars with interval whiskers: S1 and ST
//! per parameter (saltelli), or μ* with its interval and σ (morris),
//! parameters in rank order.

use std::path::Path;

use anyhow::Result;
use plotters::coord::Shift;
use plotters::prelude::*;

use super::render::{write_chart, Chart, OrDraw, PlotFormat, FONT_FAMILY, PALETTE};
use crate::analysis::sensitivity::IndexRow;
use crate::sweep::design::Method;

struct Bars {
    title: String,
    y_name: String,
    /// Series names and colours.
    series: Vec<(String, RGBColor)>,
    /// Per parameter: its name and (value, interval half-width) per series.
    groups: Vec<(String, Vec<(f64, f64)>)>,
}

/// Write `<stem>.svg` and/or `<stem>.png` for one metric's rows.
pub fn write_indices(
    stem: &Path,
    method: Method,
    metric: &str,
    rows: &[&IndexRow],
    formats: PlotFormat,
) -> Result<()> {
    let mut rows: Vec<&IndexRow> = rows.to_vec();
    rows.sort_by_key(|r| r.rank);
    let val = |x: Option<f64>| x.filter(|v| v.is_finite()).unwrap_or(0.0);
    let (series, y_name, groups) = if method == Method::Saltelli {
        (
            vec![
                ("S1 (first order)".to_string(), PALETTE[0]),
                ("ST (total)".to_string(), PALETTE[1]),
            ],
            "Sobol' index",
            rows.iter()
                .map(|r| {
                    (
                        r.parameter.clone(),
                        vec![(val(r.s1), val(r.s1_conf)), (val(r.st), val(r.st_conf))],
                    )
                })
                .collect(),
        )
    } else {
        (
            vec![
                ("μ* (mean |effect|)".to_string(), PALETTE[0]),
                ("σ".to_string(), PALETTE[1]),
            ],
            "elementary effect",
            rows.iter()
                .map(|r| {
                    (
                        r.parameter.clone(),
                        vec![(val(r.mu_star), val(r.mu_star_conf)), (val(r.sigma), 0.0)],
                    )
                })
                .collect(),
        )
    };
    let chart = Bars {
        title: format!("{metric}: sensitivity ({})", method.name()),
        y_name: y_name.to_string(),
        series,
        groups,
    };
    write_chart(&chart, stem, formats)
}

impl Chart for Bars {
    fn size(&self) -> (u32, u32) {
        (1100, 650)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()> {
        root.fill(&WHITE).or_draw()?;
        let top = self
            .groups
            .iter()
            .flat_map(|(_, v)| v.iter().map(|(x, c)| x + c))
            .fold(0.0f64, f64::max)
            .max(1e-9)
            * 1.1;
        let bottom = self
            .groups
            .iter()
            .flat_map(|(_, v)| v.iter().map(|(x, c)| x - c))
            .fold(0.0f64, f64::min)
            * 1.1;
        let n = self.groups.len();
        let names: Vec<String> = self
            .groups
            .iter()
            .map(|(p, _)| p.rsplit('.').next().unwrap_or(p).to_string())
            .collect();
        let mut chart = ChartBuilder::on(root)
            .caption(&self.title, (FONT_FAMILY, 24))
            .margin(15)
            .x_label_area_size(60)
            .y_label_area_size(85)
            .build_cartesian_2d(0f64..n as f64, bottom..top)
            .or_draw()?;
        chart
            .configure_mesh()
            .x_labels(2 * n + 1)
            .x_label_formatter(&|x| {
                let i = (x - 0.5).round();
                if (x - 0.5 - i).abs() < 1e-6 && i >= 0.0 && (i as usize) < names.len() {
                    names[i as usize].clone()
                } else {
                    String::new()
                }
            })
            .y_desc(self.y_name.as_str())
            .label_style((FONT_FAMILY, 15))
            .axis_desc_style((FONT_FAMILY, 18))
            .light_line_style(TRANSPARENT)
            .bold_line_style(RGBColor(215, 215, 215))
            .disable_x_mesh()
            .draw()
            .or_draw()?;
        let width = 0.8 / self.series.len() as f64;
        for (i, (_, values)) in self.groups.iter().enumerate() {
            for (s, &(v, c)) in values.iter().enumerate() {
                let x0 = i as f64 + 0.1 + s as f64 * width;
                let color = self.series[s].1;
                chart
                    .draw_series(std::iter::once(Rectangle::new(
                        [(x0, 0.0), (x0 + width * 0.9, v)],
                        color.filled(),
                    )))
                    .or_draw()?;
                if c > 0.0 {
                    let xm = x0 + width * 0.45;
                    chart
                        .draw_series(std::iter::once(PathElement::new(
                            vec![(xm, v - c), (xm, v + c)],
                            BLACK.stroke_width(2),
                        )))
                        .or_draw()?;
                }
            }
        }
        for (s, (name, color)) in self.series.iter().enumerate() {
            let c = *color;
            chart
                .draw_series(std::iter::empty::<Rectangle<(f64, f64)>>())
                .or_draw()?
                .label(name.as_str())
                .legend(move |(x, y)| Rectangle::new([(x, y - 6), (x + 14, y + 6)], c.filled()));
            let _ = s;
        }
        chart
            .configure_series_labels()
            .label_font((FONT_FAMILY, 15))
            .background_style(WHITE.mix(0.8))
            .border_style(BLACK)
            .position(SeriesLabelPosition::UpperRight)
            .draw()
            .or_draw()?;
        Ok(())
    }
}
