//! A legend panel sized from its own text: labels are measured with the
//! bundled font, wrapped only between `, `-separated parts (never inside a
//! word), and the chart that owns the panel grows to hold it, so nothing
//! is ever clipped. Also the marker shapes the trade-off plot keys by.

use anyhow::Result;
use plotters::coord::Shift;
use plotters::prelude::*;

use super::render::{text_width, OrDraw, FONT_FAMILY};

const SIZE: f64 = 16.0;
const NOTE_SIZE: f64 = 14.0;
const LINE_H: i32 = 20;
const ITEM_GAP: i32 = 10;
const SWATCH_W: i32 = 36;
const PAD: i32 = 10;
/// Space above the first item (level with the chart's caption).
pub const TOP: i32 = 60;

/// Marker shapes, in the order they are handed out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    Circle,
    Square,
    TriangleUp,
    Diamond,
    TriangleDown,
    Cross,
    Plus,
    /// The baseline's (never handed out).
    Star,
}

impl Shape {
    pub const ALL: [Shape; 7] = [
        Shape::Circle,
        Shape::Square,
        Shape::TriangleUp,
        Shape::Diamond,
        Shape::TriangleDown,
        Shape::Cross,
        Shape::Plus,
    ];

    /// Draw the shape centred on pixel `(x, y)` with half-size `r`.
    pub fn draw<DB: DrawingBackend>(
        self,
        area: &DrawingArea<DB, Shift>,
        (x, y): (i32, i32),
        r: i32,
        style: ShapeStyle,
    ) -> Result<()> {
        let poly = |pts: Vec<(i32, i32)>| area.draw(&Polygon::new(pts, style)).or_draw();
        let t = (f64::from(r) * 1.2) as i32;
        match self {
            Shape::Circle => area.draw(&Circle::new((x, y), r, style)).or_draw(),
            Shape::Square => {
                let s = (f64::from(r) * 0.85) as i32;
                area.draw(&Rectangle::new([(x - s, y - s), (x + s, y + s)], style))
                    .or_draw()
            }
            Shape::TriangleUp => poly(vec![
                (x, y - t),
                (x - t, y + r * 3 / 4),
                (x + t, y + r * 3 / 4),
            ]),
            Shape::TriangleDown => poly(vec![
                (x, y + t),
                (x - t, y - r * 3 / 4),
                (x + t, y - r * 3 / 4),
            ]),
            Shape::Diamond => poly(vec![(x, y - t), (x + r, y), (x, y + t), (x - r, y)]),
            Shape::Star => poly(star((x, y), f64::from(r) * 1.5)),
            Shape::Cross | Shape::Plus => {
                let w = (r / 2).max(2) as u32;
                let stroke = ShapeStyle {
                    color: style.color,
                    filled: false,
                    stroke_width: w,
                };
                let (a, b) = if self == Shape::Cross {
                    (
                        [(x - r, y - r), (x + r, y + r)],
                        [(x - r, y + r), (x + r, y - r)],
                    )
                } else {
                    ([(x - r, y), (x + r, y)], [(x, y - r), (x, y + r)])
                };
                area.draw(&PathElement::new(a.to_vec(), stroke)).or_draw()?;
                area.draw(&PathElement::new(b.to_vec(), stroke)).or_draw()
            }
        }
    }
}

/// A five-pointed star centred on `(x, y)`, `r` pixels to its tips.
pub fn star((x, y): (i32, i32), r: f64) -> Vec<(i32, i32)> {
    (0..10)
        .map(|k| {
            let a = std::f64::consts::PI * (f64::from(k) / 5.0 - 0.5);
            let rr = if k % 2 == 0 { r } else { r * 0.45 };
            (
                x + (rr * a.cos()).round() as i32,
                y + (rr * a.sin()).round() as i32,
            )
        })
        .collect()
}

/// What an entry shows beside its label.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Swatch {
    Line {
        color: RGBColor,
        width: u32,
        dashed: bool,
    },
    Marker {
        shape: Shape,
        color: RGBColor,
        size: i32,
    },
    /// A heading line (no swatch; the label is the heading).
    Heading,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub label: String,
    pub swatch: Swatch,
}

impl Item {
    pub fn line(label: impl Into<String>, color: RGBColor) -> Item {
        Item {
            label: label.into(),
            swatch: Swatch::Line {
                color,
                width: 3,
                dashed: false,
            },
        }
    }

    pub fn marker(label: impl Into<String>, shape: Shape, color: RGBColor) -> Item {
        Item {
            label: label.into(),
            swatch: Swatch::Marker {
                shape,
                color,
                size: 6,
            },
        }
    }

    pub fn heading(label: impl Into<String>) -> Item {
        Item {
            label: label.into(),
            swatch: Swatch::Heading,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Legend {
    pub items: Vec<Item>,
    /// Grey lines under the items (what bands, bars and dashes mean).
    pub notes: Vec<String>,
}

/// Break `label` into lines no wider than `max` pixels, only between its
/// `, `-separated parts; a part wider than `max` gets a line of its own.
pub fn wrap(label: &str, size: f64, max: f64) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for part in label.split(", ") {
        match lines.last_mut() {
            Some(cur) if text_width(&format!("{cur}, {part}"), size) <= max => {
                cur.push_str(", ");
                cur.push_str(part);
            }
            Some(cur) => {
                cur.push(',');
                lines.push(part.to_string());
            }
            None => lines.push(part.to_string()),
        }
    }
    if lines.is_empty() {
        lines.push(String::new());
    }
    lines
}

impl Legend {
    fn text_x(&self) -> i32 {
        PAD + SWATCH_W + 8
    }

    /// The panel's width: enough for the widest label (unwrapped), at most
    /// `max` (labels wrap beyond that), at least `min`.
    pub fn width(&self, min: u32, max: u32) -> u32 {
        let widest = self
            .items
            .iter()
            .map(|i| text_width(&i.label, SIZE))
            .chain(self.notes.iter().map(|n| text_width(n, NOTE_SIZE)))
            .fold(0.0, f64::max);
        let want = widest.ceil() as i32 + self.text_x() + PAD;
        (want.max(0) as u32).clamp(min, max)
    }

    fn layout(&self, width: u32) -> Vec<Vec<String>> {
        let room = f64::from(width as i32 - self.text_x() - PAD);
        self.items
            .iter()
            .map(|i| wrap(&i.label, SIZE, room))
            .collect()
    }

    fn note_lines(&self, width: u32) -> Vec<String> {
        let room = f64::from(width as i32 - 2 * PAD);
        self.notes
            .iter()
            .flat_map(|n| {
                // Notes wrap between words.
                let mut lines: Vec<String> = Vec::new();
                for w in n.split(' ') {
                    match lines.last_mut() {
                        Some(cur) if text_width(&format!("{cur} {w}"), NOTE_SIZE) <= room => {
                            cur.push(' ');
                            cur.push_str(w);
                        }
                        _ => lines.push(w.to_string()),
                    }
                }
                lines
            })
            .collect()
    }

    /// The height the panel needs at `width`.
    pub fn height(&self, width: u32) -> u32 {
        let items: i32 = self
            .layout(width)
            .iter()
            .map(|l| LINE_H * l.len() as i32 + ITEM_GAP)
            .sum();
        let notes = self.note_lines(width).len() as i32 * (LINE_H - 2);
        (TOP + items + 8 + notes + PAD) as u32
    }

    pub fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<()> {
        let width = area.dim_in_pixel().0;
        let plain = (FONT_FAMILY, SIZE).into_font().color(&BLACK);
        let heading = (FONT_FAMILY, SIZE).into_font().color(&RGBColor(70, 70, 70));
        let mut y = TOP;
        let tx = self.text_x();
        for (item, lines) in self.items.iter().zip(self.layout(width)) {
            let mid = y + LINE_H / 2 - 1;
            match item.swatch {
                Swatch::Line {
                    color,
                    width,
                    dashed,
                } => {
                    let style = color.stroke_width(width);
                    if dashed {
                        for k in 0..3 {
                            let x0 = PAD + k * 13;
                            area.draw(&PathElement::new(vec![(x0, mid), (x0 + 8, mid)], style))
                                .or_draw()?;
                        }
                    } else {
                        area.draw(&PathElement::new(
                            vec![(PAD, mid), (PAD + SWATCH_W - 4, mid)],
                            style,
                        ))
                        .or_draw()?;
                    }
                }
                Swatch::Marker { shape, color, size } => {
                    shape.draw(area, (PAD + SWATCH_W / 2, mid), size, color.filled())?;
                }
                Swatch::Heading => {}
            }
            let x = if item.swatch == Swatch::Heading {
                PAD
            } else {
                tx
            };
            for (k, line) in lines.iter().enumerate() {
                let style = if item.swatch == Swatch::Heading {
                    heading.clone()
                } else {
                    plain.clone()
                };
                area.draw(&Text::new(line.clone(), (x, y + LINE_H * k as i32), style))
                    .or_draw()?;
            }
            y += LINE_H * lines.len() as i32 + ITEM_GAP;
        }
        let grey = (FONT_FAMILY, NOTE_SIZE)
            .into_font()
            .color(&RGBColor(90, 90, 90));
        y += 8;
        for line in self.note_lines(width) {
            area.draw(&Text::new(line, (PAD, y), grey.clone()))
                .or_draw()?;
            y += LINE_H - 2;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_between_parts_only() {
        let label = "freeze_threshold_toxicity=0.4, freeze_threshold_violations=1";
        let narrow = wrap(label, SIZE, 150.0);
        assert_eq!(
            narrow,
            vec![
                "freeze_threshold_toxicity=0.4,",
                "freeze_threshold_violations=1"
            ]
        );
        assert_eq!(wrap(label, SIZE, 2000.0), vec![label]);
        assert_eq!(wrap("baseline", SIZE, 10.0), vec!["baseline"]);
    }

    #[test]
    fn the_panel_holds_its_labels() {
        let legend = Legend {
            items: (0..8)
                .map(|i| Item::line(format!("toxicity=0.{i}, violations={i}"), BLACK))
                .collect(),
            notes: vec!["dashed black: the baseline, drawn last; band: 95% CI across seeds".into()],
        };
        let w = legend.width(200, 520);
        assert!(f64::from(w) >= text_width("toxicity=0.1, violations=1", SIZE));
        // one line per item at that width: 8 items, plus the wrapped note
        assert!(legend.height(w) < 650, "{}", legend.height(w));
        assert!(legend.height(200) > legend.height(w));
    }
}
