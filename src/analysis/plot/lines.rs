//! Per-epoch lines of one metric: the mean across seeds for the baseline and
//! each variant, with a shaded band (95% t-interval of the mean).

use anyhow::Result;
use plotters::coord::Shift;
use plotters::prelude::*;

use super::render::{padded, Chart, OrDraw, FONT_FAMILY};

/// One configuration's series: (epoch, mean, band low, band high).
pub struct Band {
    pub label: String,
    pub color: RGBColor,
    pub points: Vec<(f64, f64, f64, f64)>,
}

pub struct EpochLines {
    pub title: String,
    pub metric: String,
    pub bands: Vec<Band>,
}

impl Chart for EpochLines {
    fn size(&self) -> (u32, u32) {
        (1100, 650)
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
            .x_desc("epoch")
            .y_desc(self.metric.as_str())
            .label_style((FONT_FAMILY, 16))
            .axis_desc_style((FONT_FAMILY, 19))
            .x_label_formatter(&|v| format!("{v:.0}"))
            .light_line_style(TRANSPARENT)
            .bold_line_style(RGBColor(215, 215, 215))
            .draw()
            .or_draw()?;
        for b in &self.bands {
            let mut poly: Vec<(f64, f64)> = b.points.iter().map(|p| (p.0, p.3)).collect();
            poly.extend(b.points.iter().rev().map(|p| (p.0, p.2)));
            chart
                .draw_series(std::iter::once(Polygon::new(
                    poly,
                    b.color.mix(0.15).filled(),
                )))
                .or_draw()?;
        }
        for b in &self.bands {
            chart
                .draw_series(LineSeries::new(
                    b.points.iter().map(|p| (p.0, p.1)),
                    b.color.stroke_width(3),
                ))
                .or_draw()?;
        }
        draw_legend(
            &legend,
            &self
                .bands
                .iter()
                .map(|b| (b.label.as_str(), b.color))
                .collect::<Vec<_>>(),
            "band: 95% CI across seeds",
        )
    }
}

/// A legend panel: a coloured line and a (wrapped) label per series, then a note.
pub fn draw_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    items: &[(&str, RGBColor)],
    note: &str,
) -> Result<()> {
    let font = (FONT_FAMILY, 16).into_font();
    let mut y = 70;
    for (label, color) in items {
        area.draw(&PathElement::new(
            vec![(5, y), (35, y)],
            color.stroke_width(4),
        ))
        .or_draw()?;
        let lines = wrap(label, 26);
        for (k, line) in lines.iter().enumerate() {
            area.draw(&Text::new(
                line.clone(),
                (42, y - 9 + 20 * k as i32),
                font.clone(),
            ))
            .or_draw()?;
        }
        y += 20 * lines.len() as i32 + 14;
    }
    let grey = (FONT_FAMILY, 14).into_font().color(&RGBColor(90, 90, 90));
    area.draw(&Text::new(note.to_string(), (5, y + 5), grey))
        .or_draw()?;
    Ok(())
}

/// Break a label into lines of at most `width` characters, at commas when possible.
pub fn wrap(s: &str, width: usize) -> Vec<String> {
    let mut pieces: Vec<String> = Vec::new();
    for part in s.split_inclusive(',') {
        let chars: Vec<char> = part.trim_start().chars().collect();
        pieces.extend(
            chars
                .chunks(width.max(1))
                .map(|c| c.iter().collect::<String>()),
        );
    }
    let mut lines: Vec<String> = Vec::new();
    for p in pieces {
        match lines.last_mut() {
            Some(cur) if cur.chars().count() + 1 + p.chars().count() <= width => {
                cur.push(' ');
                cur.push_str(&p);
            }
            _ => lines.push(p),
        }
    }
    if lines.is_empty() {
        lines.push(String::new());
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn wraps_at_commas() {
        assert_eq!(wrap("a=1, b=2", 4), vec!["a=1,", "b=2"]);
        assert_eq!(wrap("a=1, b=2", 9), vec!["a=1, b=2"]);
        assert_eq!(wrap("abcdefgh", 3), vec!["abc", "def", "gh"]);
        assert_eq!(wrap("baseline", 24), vec!["baseline"]);
    }
}
