//! A metric's mean over two swept parameters: one cell per value pair,
//! coloured on a viridis scale; each cell is labelled with its value only
//! while the grid is small enough for the numbers to fit, and tick labels
//! are thinned to every k-th value so they never overlap.

use anyhow::Result;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::render::{padded, text_width, viridis, Chart, OrDraw, FONT_FAMILY};
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

/// Cells are annotated only up to this many.
pub const MAX_ANNOTATED: usize = 144;
const TICK_SIZE: f64 = 16.0;
const CELL_SIZE: f64 = 17.0;

/// Show every `step`-th of `n` tick labels so that labels `width` pixels
/// wide (plus a gap) fit in cells `cell` pixels wide.
pub fn tick_step(width: f64, cell: f64) -> usize {
    if cell <= 0.0 {
        return 1;
    }
    (((width + 12.0) / cell).ceil() as usize).max(1)
}

impl Heatmap {
    fn widest(labels: &[String]) -> f64 {
        labels
            .iter()
            .map(|l| text_width(l, TICK_SIZE))
            .fold(0.0, f64::max)
    }

    fn y_area(&self) -> u32 {
        (Self::widest(&self.y_labels).ceil() as u32 + 45).clamp(80, 220)
    }

    /// Whether every cell's number fits in its cell.
    fn annotate(&self, cell_w: f64, cell_h: f64) -> bool {
        let cells = self.x_labels.len() * self.y_labels.len();
        let widest = self
            .cells
            .iter()
            .flatten()
            .flatten()
            .map(|v| text_width(&human_sig(Some(*v), 4), CELL_SIZE))
            .fold(0.0, f64::max);
        cells <= MAX_ANNOTATED && widest + 6.0 <= cell_w && CELL_SIZE + 4.0 <= cell_h
    }
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
        let y_area = self.y_area();
        let mut chart = ChartBuilder::on(&plot)
            .caption(&self.title, (FONT_FAMILY, 22))
            .margin(15)
            .x_label_area_size(60)
            .y_label_area_size(y_area)
            .build_cartesian_2d(0.0..nx as f64, 0.0..ny as f64)
            .or_draw()?;
        let (pw, ph) = chart.plotting_area().dim_in_pixel();
        let (cell_w, cell_h) = (
            f64::from(pw) / nx.max(1) as f64,
            f64::from(ph) / ny.max(1) as f64,
        );
        let step_x = tick_step(Self::widest(&self.x_labels), cell_w);
        let step_y = ((TICK_SIZE + 6.0) / cell_h).ceil().max(1.0) as usize;
        let xl = &self.x_labels;
        let yl = &self.y_labels;
        let tick = |labels: &[String], step: usize, v: &f64| {
            let i = v.floor() as usize;
            if (v.fract() - 0.5).abs() < 1e-9 && i.is_multiple_of(step) {
                labels.get(i).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        };
        chart
            .configure_mesh()
            .disable_mesh()
            .x_desc(self.x_name.as_str())
            .y_desc(self.y_name.as_str())
            .x_labels(nx * 2 + 1)
            .y_labels(ny * 2 + 1)
            .x_label_formatter(&|v| tick(xl, step_x, v))
            .y_label_formatter(&|v| tick(yl, step_y, v))
            .label_style((FONT_FAMILY, TICK_SIZE))
            .axis_desc_style((FONT_FAMILY, 19))
            .draw()
            .or_draw()?;
        let annotate = self.annotate(cell_w, cell_h);
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
                if !annotate {
                    continue;
                }
                let ink = if t > 0.6 { BLACK } else { WHITE };
                let style = (FONT_FAMILY, CELL_SIZE)
                    .into_font()
                    .color(&ink)
                    .pos(centered);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_thin_out_to_fit() {
        assert_eq!(tick_step(30.0, 100.0), 1);
        assert_eq!(tick_step(60.0, 18.0), 4);
        assert_eq!(tick_step(10.0, 0.0), 1);
    }
}
