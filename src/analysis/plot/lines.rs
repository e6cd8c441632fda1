//! Per-epoch lines of one metric: the mean across seeds for the baseline and
//! each variant, with a shaded band (95% t-interval of the mean). The
//! baseline is drawn last, black and dashed, so a variant identical to it
//! still shows between the dashes; the legend panel is as wide and tall as
//! its labels need.

use anyhow::Result;
use plotters::coord::Shift;
use plotters::prelude::*;

use super::legend::{Item, Legend, Swatch};
use super::render::{padded, xy_chart, Chart, OrDraw};

/// One configuration's series: (epoch, mean, band low, band high).
pub struct Band {
    pub label: String,
    pub color: RGBColor,
    pub baseline: bool,
    pub points: Vec<(f64, f64, f64, f64)>,
}

pub struct EpochLines {
    pub title: String,
    pub metric: String,
    pub bands: Vec<Band>,
}

const PLOT_W: u32 = 830;
const MIN_H: u32 = 650;

impl EpochLines {
    fn legend(&self) -> Legend {
        let base = self.bands.iter().find(|b| b.baseline);
        let mut items: Vec<Item> = self
            .bands
            .iter()
            .filter(|b| !b.baseline)
            .map(|b| {
                let same = base.is_some_and(|x| x.points == b.points);
                let label = if same {
                    format!("{} (= baseline)", b.label)
                } else {
                    b.label.clone()
                };
                Item::line(label, b.color)
            })
            .collect();
        if let Some(b) = base {
            items.insert(
                0,
                Item {
                    label: b.label.clone(),
                    swatch: Swatch::Line {
                        color: b.color,
                        width: 3,
                        dashed: true,
                    },
                },
            );
        }
        Legend {
            items,
            notes: vec![
                "dashed black: the baseline, drawn on top; band: 95% CI of the mean across seeds"
                    .into(),
            ],
        }
    }

    fn legend_width(&self) -> u32 {
        self.legend().width(220, 560)
    }
}

impl Chart for EpochLines {
    fn size(&self) -> (u32, u32) {
        let w = self.legend_width();
        (PLOT_W + w, MIN_H.max(self.legend().height(w)))
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()> {
        root.fill(&WHITE).or_draw()?;
        let all = self.bands.iter().flat_map(|b| &b.points);
        let (x0, x1) = all
            .clone()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), p| {
                (a.min(p.0), b.max(p.0))
            });
        let (y0, y1) = all.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), p| {
            (a.min(p.2.min(p.1)), b.max(p.3.max(p.1)))
        });
        let (y0, y1) = padded(y0, y1, 0.08);
        let (x0, x1) = if x1 > x0 {
            (x0, x1)
        } else {
            (x0 - 0.5, x0 + 0.5)
        };
        let (plot, legend) = root.split_horizontally(PLOT_W);
        let mut chart = xy_chart(
            &plot,
            &self.title,
            (x0..x1, y0..y1),
            ("epoch", self.metric.as_str()),
            Some(|v| format!("{v:.0}")),
        )?;
        // Variants first, the baseline last (on top).
        let order: Vec<&Band> = self
            .bands
            .iter()
            .filter(|b| !b.baseline)
            .chain(self.bands.iter().filter(|b| b.baseline))
            .collect();
        for b in &order {
            let mut poly: Vec<(f64, f64)> = b.points.iter().map(|p| (p.0, p.3)).collect();
            poly.extend(b.points.iter().rev().map(|p| (p.0, p.2)));
            let alpha = if b.baseline { 0.10 } else { 0.15 };
            chart
                .draw_series(std::iter::once(Polygon::new(
                    poly,
                    b.color.mix(alpha).filled(),
                )))
                .or_draw()?;
        }
        for b in &order {
            let pts = b.points.iter().map(|p| (p.0, p.1));
            if b.baseline {
                chart
                    .draw_series(DashedLineSeries::new(pts, 12, 7, b.color.stroke_width(3)))
                    .or_draw()?;
            } else {
                chart
                    .draw_series(LineSeries::new(pts, b.color.stroke_width(3)))
                    .or_draw()?;
            }
        }
        self.legend().draw(&legend)
    }
}
