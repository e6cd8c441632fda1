//! A metric's mean over two swept parameters: one cell per value pair,
//! coloured on a viridis scale and labelled with its value.

use anyhow::Result;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::render::{padded, viridis, Chart, OrDraw, FONT_FAMILY};
use crate::analysis::export::{human, human_sig};

pub struct Heatmap {
    pub title: String,
    pub metric: String,
    pub x_name: String,
    pub y_name: String,
    pub x_labels: Vec<String>,
    pub y_labels: Vec<String>,
    /// `cells[y][x]`.
    pub cells: Vec<Vec<Option<f64>>>,
}

impl Chart for Heatmap {
    fn size(&self) -> (u32, u32) {
        (1000, 720)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()> {
        root.fill(&WHITE).or_draw()?;
        let vals: Vec<f64> = self.cells.iter().flatten().flatten().copied().collect();
        let lo = vals.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = vals.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let scale = |v: f64| if hi > lo { (v - lo) / (hi - lo) } else { 0.5 };
        let (plot, bar) = root.split_horizontally(850);
        let (nx, ny) = (self.x_labels.len(), self.y_labels.len());
        let mut chart = ChartBuilder::on(&plot)
            .caption(&self.title, (FONT_FAMILY, 22))
            .margin(15)
            .x_label_area_size(60)
            .y_label_area_size(110)
            .build_cartesian_2d(0.0..nx as f64, 0.0..ny as f64)
            .or_draw()?;
        let xl = &self.x_labels;
        let yl = &self.y_labels;
        let fmt_x = |v: &f64| xl.get(v.floor() as usize).cloned().unwrap_or_default();
        let fmt_y = |v: &f64| yl.get(v.floor() as usize).cloned().unwrap_or_default();
        chart
            .configure_mesh()
            .disable_mesh()
            .x_desc(self.x_name.as_str())
            .y_desc(self.y_name.as_str())
            .x_labels(nx * 2 + 1)
            .y_labels(ny * 2 + 1)
            .x_label_formatter(&|v| {
                if (v.fract() - 0.5).abs() < 1e-9 {
                    fmt_x(v)
                } else {
                    String::new()
                }
            })
            .y_label_formatter(&|v| {
                if (v.fract() - 0.5).abs() < 1e-9 {
                    fmt_y(v)
                } else {
                    String::new()
                }
            })
            .label_style((FONT_FAMILY, 16))
            .axis_desc_style((FONT_FAMILY, 19))
            .draw()
            .or_draw()?;
        let centered = Pos::new(HPos::Center, VPos::Center);
        for (j, row) in self.cells.iter().enumerate() {
            for (i, cell) in row.iter().enumerate() {
                let (x, y) = (i as f64, j as f64);
                let Some(v) = cell else {
                    chart
                        .draw_series(std::iter::once(Rectangle::new(
                            [(x, y), (x + 1.0, y + 1.0)],
                            RGBColor(230, 230, 230).filled(),
                        )))
                        .or_draw()?;
                    continue;
                };
                let t = scale(*v);
                chart
                    .draw_series(std::iter::once(Rectangle::new(
                        [(x, y), (x + 1.0, y + 1.0)],
                        viridis(t).filled(),
                    )))
                    .or_draw()?;
                let ink = if t > 0.6 { BLACK } else { WHITE };
                let style = (FONT_FAMILY, 17).into_font().color(&ink).pos(centered);
                chart
                    .draw_series(std::iter::once(Text::new(
                        human_sig(Some(*v), 4),
                        (x + 0.5, y + 0.5),
                        style,
                    )))
                    .or_draw()?;
            }
        }
        // Colour bar.
        let (b0, b1) = padded(lo, hi, 0.0);
        let mut cb = ChartBuilder::on(&bar)
            .margin_top(70)
            .margin_bottom(75)
            .margin_right(10)
            .y_label_area_size(75)
            .build_cartesian_2d(0.0..1.0, b0..b1)
            .or_draw()?;
        cb.configure_mesh()
            .disable_mesh()
            .disable_x_axis()
            .y_desc(self.metric.as_str())
            .label_style((FONT_FAMILY, 14))
            .axis_desc_style((FONT_FAMILY, 16))
            .y_label_formatter(&|v| human(Some(*v)))
            .draw()
            .or_draw()?;
        let steps = 100;
        cb.draw_series((0..steps).map(|k| {
            let a = b0 + (b1 - b0) * k as f64 / steps as f64;
            let b = b0 + (b1 - b0) * (k + 1) as f64 / steps as f64;
            Rectangle::new(
                [(0.0, a), (1.0, b)],
                viridis(k as f64 / (steps - 1) as f64).filled(),
            )
        }))
        .or_draw()?;
        Ok(())
    }
}
