//! The toxicity-versus-quality_gap trade-off: one point per configuration
//! at its means, with 95% t-interval error bars on both axes.

use anyhow::Result;
use plotters::coord::Shift;
use plotters::prelude::*;

use super::lines::draw_legend;
use super::render::{padded, Chart, OrDraw, FONT_FAMILY};

pub struct TradeoffPoint {
    pub label: String,
    pub color: RGBColor,
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
    /// Legend entries (one per point, or one per scenario for big sweeps).
    pub legend: Vec<(String, RGBColor)>,
}

impl Chart for Tradeoff {
    fn size(&self) -> (u32, u32) {
        (1100, 700)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()> {
        root.fill(&WHITE).or_draw()?;
        let span = |f: &dyn Fn(&TradeoffPoint) -> (f64, f64, f64)| {
            self.points
                .iter()
                .map(f)
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), (m, lo, hi)| {
                    (a.min(lo.min(m)), b.max(hi.max(m)))
                })
        };
        let (x0, x1) = span(&|p| p.x);
        let (y0, y1) = span(&|p| p.y);
        let (x0, x1) = padded(x0, x1, 0.08);
        let (y0, y1) = padded(y0, y1, 0.08);
        let (plot, legend) = root.split_horizontally(830);
        let mut chart = ChartBuilder::on(&plot)
            .caption(&self.title, (FONT_FAMILY, 24))
            .margin(15)
            .x_label_area_size(55)
            .y_label_area_size(85)
            .build_cartesian_2d(x0..x1, y0..y1)
            .or_draw()?;
        chart
            .configure_mesh()
            .x_desc(self.x_name.as_str())
            .y_desc(self.y_name.as_str())
            .label_style((FONT_FAMILY, 16))
            .axis_desc_style((FONT_FAMILY, 19))
            .light_line_style(TRANSPARENT)
            .bold_line_style(RGBColor(215, 215, 215))
            .draw()
            .or_draw()?;
        // The baseline last, so it stays visible on top.
        let mut order: Vec<&TradeoffPoint> = self.points.iter().filter(|p| !p.baseline).collect();
        order.extend(self.points.iter().filter(|p| p.baseline));
        for p in order {
            let (xm, xl, xh) = p.x;
            let (ym, yl, yh) = p.y;
            let style = p.color.stroke_width(2);
            chart
                .draw_series([
                    PathElement::new(vec![(xl, ym), (xh, ym)], style),
                    PathElement::new(vec![(xm, yl), (xm, yh)], style),
                ])
                .or_draw()?;
            if p.baseline {
                chart
                    .draw_series(std::iter::once(TriangleMarker::new(
                        (xm, ym),
                        11,
                        p.color.filled(),
                    )))
                    .or_draw()?;
            } else {
                chart
                    .draw_series(std::iter::once(Circle::new((xm, ym), 7, p.color.filled())))
                    .or_draw()?;
            }
        }
        let items: Vec<(&str, RGBColor)> =
            self.legend.iter().map(|(l, c)| (l.as_str(), *c)).collect();
        draw_legend(&legend, &items, "triangle: baseline; bars: 95% CI")
    }
}
