//! The toxicity-versus-quality_gap trade-off: one point per configuration
//! at its means, with 95% t-interval error bars on both axes (left out
//! when there are too many points to read them). Colour keys the first
//! swept parameter, marker shape (or, with many values, marker size) the
//! second; the baseline is a black star drawn last.

use anyhow::Result;
use plotters::coord::Shift;
use plotters::prelude::*;

use super::legend::{star, Legend, Shape};
use super::render::{padded, xy_chart, Chart, OrDraw, BASELINE_COLOR};

pub struct TradeoffPoint {
    pub color: RGBColor,
    pub shape: Shape,
    /// Marker half-size in pixels.
    pub size: i32,
    pub baseline: bool,
    /// (mean, ci low, ci high) on each axis.
    pub x: (f64, f64, f64),
    pub y: (f64, f64, f64),
}

pub struct Tradeoff {
    pub title: String,
    pub x_name: String,
    pub y_name: String,
    pub points: Vec<TradeoffPoint>,
    pub legend: Legend,
}

/// Above this many points the error bars are left out (they would hide
/// the points); the legend says so.
pub const MAX_BARS: usize = 60;
const PLOT_W: u32 = 830;
const MIN_H: u32 = 700;

impl Tradeoff {
    fn bars(&self) -> bool {
        self.points.len() <= MAX_BARS
    }

    fn legend_width(&self) -> u32 {
        self.legend.width(220, 560)
    }
}

impl Chart for Tradeoff {
    fn size(&self) -> (u32, u32) {
        let w = self.legend_width();
        (PLOT_W + w, MIN_H.max(self.legend.height(w)))
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()> {
        root.fill(&WHITE).or_draw()?;
        let bars = self.bars();
        let span = |f: &dyn Fn(&TradeoffPoint) -> (f64, f64, f64)| {
            self.points.iter().map(f).fold(
                (f64::INFINITY, f64::NEG_INFINITY),
                |(a, b), (m, lo, hi)| {
                    if bars {
                        (a.min(lo.min(m)), b.max(hi.max(m)))
                    } else {
                        (a.min(m), b.max(m))
                    }
                },
            )
        };
        let (x0, x1) = span(&|p| p.x);
        let (y0, y1) = span(&|p| p.y);
        let (x0, x1) = padded(x0, x1, 0.08);
        let (y0, y1) = padded(y0, y1, 0.08);
        let (plot, legend) = root.split_horizontally(PLOT_W);
        let mut chart = xy_chart(
            &plot,
            &self.title,
            (x0..x1, y0..y1),
            (self.x_name.as_str(), self.y_name.as_str()),
            None,
        )?;
        // The baseline last, so it stays visible on top.
        let order: Vec<&TradeoffPoint> = self
            .points
            .iter()
            .filter(|p| !p.baseline)
            .chain(self.points.iter().filter(|p| p.baseline))
            .collect();
        if bars {
            for p in &order {
                let (xm, xl, xh) = p.x;
                let (ym, yl, yh) = p.y;
                let style = p.color.mix(0.6).stroke_width(2);
                chart
                    .draw_series([
                        PathElement::new(vec![(xl, ym), (xh, ym)], style),
                        PathElement::new(vec![(xm, yl), (xm, yh)], style),
                    ])
                    .or_draw()?;
            }
        }
        let base = plot.get_base_pixel();
        for p in &order {
            let (px, py) = chart.backend_coord(&(p.x.0, p.y.0));
            let at = (px - base.0, py - base.1);
            if p.baseline {
                plot.draw(&Polygon::new(star(at, 14.0), WHITE.filled()))
                    .or_draw()?;
                plot.draw(&Polygon::new(star(at, 12.0), BASELINE_COLOR.filled()))
                    .or_draw()?;
            } else {
                // A thin white edge keeps overlapping markers apart.
                p.shape.draw(&plot, at, p.size + 1, WHITE.filled())?;
                p.shape.draw(&plot, at, p.size, p.color.filled())?;
            }
        }
        self.legend.draw(&legend)
    }
}
