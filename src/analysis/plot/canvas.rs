//! The PNG backend: an RGB buffer that plotters draws on. It sets and
//! blends pixels itself, with the same integer arithmetic as plotters'
//! `BitMapBackend` (so the pixels are the same), but blends a span through
//! a table per colour and opacity rather than per byte: the translucent
//! bands of the epoch charts are most of the drawing. Text keeps each
//! glyph's left side bearing, which plotters' ab_glyph path drops (digits
//! came out unevenly spaced, "0.2 43").

use ab_glyph::{point, Font, FontRef, ScaleFont};
use plotters::prelude::*;
use plotters_backend::text_anchor::{HPos, VPos};
use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

use plotters_backend::{
    rasterizer, BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingErrorKind,
};

pub struct Canvas<'a> {
    rgb: &'a mut [u8],
    w: u32,
    h: u32,
    font: FontRef<'static>,
    blend: BlendTables,
}

type Res<'a> = Result<(), DrawingErrorKind<<BitMapBackend<'a> as DrawingBackend>::ErrorType>>;

impl<'a> Canvas<'a> {
    /// A canvas on `rgb` (3 bytes a pixel, rows of `w` pixels).
    pub fn new(rgb: &'a mut [u8], (w, h): (u32, u32), font: &'static [u8]) -> Canvas<'a> {
        assert_eq!(
            rgb.len(),
            w as usize * h as usize * 3,
            "an RGB buffer of w × h"
        );
        Canvas {
            rgb,
            w,
            h,
            font: FontRef::try_from_slice(font).expect("the bundled font is valid"),
            blend: BlendTables::default(),
        }
    }

    /// The pixels `[x0, x1) × [y0, y1)` of the rectangle between two
    /// corners, clipped to the canvas (plotters' clipping).
    fn clip(&self, a: BackendCoord, b: BackendCoord) -> Option<(usize, usize, usize, usize)> {
        let (w, h) = (self.w as i32, self.h as i32);
        let (x0, y0) = (a.0.min(b.0).max(0), a.1.min(b.1).max(0));
        let (x1, y1) = (a.0.max(b.0).min(w), a.1.max(b.1).min(h));
        (x0 < x1 && y0 < y1).then_some((x0 as usize, y0 as usize, x1 as usize, y1 as usize))
    }

    fn fill_rect(&mut self, a: BackendCoord, b: BackendCoord, (r, g, bl): (u8, u8, u8)) {
        let Some((x0, y0, x1, y1)) = self.clip(a, b) else {
            return;
        };
        let stride = self.w as usize * 3;
        for y in y0..y1 {
            let row = &mut self.rgb[y * stride + x0 * 3..y * stride + x1 * 3];
            if r == g && g == bl {
                row.fill(r);
            } else {
                for px in row.chunks_exact_mut(3) {
                    px.copy_from_slice(&[r, g, bl]);
                }
            }
        }
    }

    /// plotters' `blend_rect_fast`: in each row, the first 8·⌊(n−1)/8⌋
    /// pixels take its 8-pixel rounding, the rest its per-byte one.
    fn blend_rect(&mut self, a: BackendCoord, b: BackendCoord, rgb: (u8, u8, u8), alpha: f64) {
        let alpha = alpha.clamp(0.0, 1.0);
        if alpha == 0.0 {
            return;
        }
        let Some((x0, y0, x1, y1)) = self.clip(a, b) else {
            return;
        };
        // in (0, 256]: truncation is the floor (without a libm call)
        let t = self.blend.get(rgb, (256.0 * alpha) as u32);
        let stride = self.w as usize * 3;
        let n = x1 - x0;
        if n == 1 {
            // A column (the bands are swept one column at a time).
            let column = &mut self.rgb[y0 * stride + x0 * 3..(y1 - 1) * stride + x0 * 3 + 3];
            for px in column.chunks_mut(stride) {
                let px: &mut [u8; 3] = (&mut px[..3]).try_into().expect("3 bytes");
                for (v, table) in px.iter_mut().zip(&t.narrow) {
                    *v = table[usize::from(*v)];
                }
            }
            return;
        }
        let wide = (n - 1) / 8 * 8 * 3;
        for y in y0..y1 {
            let row = &mut self.rgb[y * stride + x0 * 3..y * stride + x1 * 3];
            let (head, tail) = row.split_at_mut(wide);
            for px in head.chunks_exact_mut(3) {
                for (v, table) in px.iter_mut().zip(&t.wide) {
                    *v = table[usize::from(*v)];
                }
            }
            for px in tail.chunks_exact_mut(3) {
                for (v, table) in px.iter_mut().zip(&t.narrow) {
                    *v = table[usize::from(*v)];
                }
            }
        }
    }
}

/// What blending with one colour at one opacity does to each channel's
/// byte, in plotters' two roundings: `narrow` is its per-byte `blend`
/// (the difference scaled and truncated toward the old value), `wide` its
/// 8-pixel path (the weighted sum truncated).
struct Blend {
    key: ((u8, u8, u8), u32),
    narrow: [[u8; 256]; 3],
    wide: [[u8; 256]; 3],
}

/// The last few blends used: a chart draws each band in one colour, span
/// by span.
#[derive(Default)]
struct BlendTables {
    recent: Vec<Blend>,
}

impl BlendTables {
    const KEEP: usize = 4;

    fn get(&mut self, rgb: (u8, u8, u8), a: u32) -> &Blend {
        let key = (rgb, a);
        if let Some(i) = self.recent.iter().position(|b| b.key == key) {
            return &self.recent[i];
        }
        let (a, na) = (u64::from(a), 256 - u64::from(a));
        let mut blend = Blend {
            key,
            narrow: [[0; 256]; 3],
            wide: [[0; 256]; 3],
        };
        for (c, new) in [rgb.0, rgb.1, rgb.2].into_iter().enumerate() {
            for old in 0..=255u8 {
                blend.narrow[c][usize::from(old)] = if new > old {
                    old + (u64::from(new - old) * a / 256) as u8
                } else {
                    old - (u64::from(old - new) * a / 256) as u8
                };
                blend.wide[c][usize::from(old)] =
                    ((u64::from(old) * na + u64::from(new) * a) >> 8) as u8;
            }
        }
        if self.recent.len() == Self::KEEP {
            self.recent.remove(0);
        }
        self.recent.push(blend);
        self.recent.last().expect("just pushed")
    }
}

/// A text's layout box and coverage pixels (relative to the layout's
/// top left, before the anchor and the rotation), as `draw_text` draws
/// them: a pure function of the text, size and font, so each is outlined
/// and rasterised once per process and reused by every chart (tick
/// labels, legends and axis titles repeat across charts).
struct TextShape {
    min: (i32, i32),
    max: (i32, i32),
    pixels: Vec<(i32, i32, f32)>,
}

#[derive(PartialEq, Eq, Hash)]
struct TextKey {
    text: String,
    size: u64,
    family: String,
    style: String,
}

static TEXT_CACHE: LazyLock<Mutex<HashMap<TextKey, Arc<TextShape>>>> =
    LazyLock::new(Mutex::default);

impl<'a> Canvas<'a> {
    /// Lay out and rasterise `text` as plotters' default `draw_text` does,
    /// but keeping each glyph's left side bearing.
    fn shape<T: BackendTextStyle>(
        &self,
        text: &str,
        style: &T,
    ) -> Result<TextShape, DrawingErrorKind<<BitMapBackend<'a> as DrawingBackend>::ErrorType>> {
        let (min, max) = style
            .layout_box(text)
            .map_err(|e| DrawingErrorKind::FontError(Box::new(e)))?;
        let size = style.size() as f32;
        let font = self.font.as_scaled(size);
        let mut pen = 0f32;
        let mut prev = None;
        let mut pixels = Vec::new();
        for c in text.chars() {
            let id = font.glyph_id(c);
            if let Some(p) = prev {
                pen += font.kern(p, id);
            }
            prev = Some(id);
            let glyph = id.with_scale_and_position(size, point(pen, 0.0));
            if let Some(q) = font.outline_glyph(glyph) {
                let b = q.px_bounds();
                // plotters puts the baseline at size/2 below the layout top
                let (ox, oy) = (b.min.x as i32, (size / 2.0 + b.min.y) as i32);
                // A pixel the glyph does not cover draws nothing.
                q.draw(|x, y, a| {
                    if a > 0.0 {
                        pixels.push((ox + x as i32, oy + y as i32, a));
                    }
                });
            }
            pen += font.h_advance(id);
        }
        Ok(TextShape { min, max, pixels })
    }
}

impl<'a> DrawingBackend for Canvas<'a> {
    type ErrorType = <BitMapBackend<'a> as DrawingBackend>::ErrorType;

    fn get_size(&self) -> (u32, u32) {
        (self.w, self.h)
    }
    fn ensure_prepared(&mut self) -> Res<'a> {
        Ok(())
    }
    fn present(&mut self) -> Res<'a> {
        Ok(())
    }

    /// As plotters' RGB `draw_pixel`: nearly opaque is opaque, and the
    /// blend truncates toward the old value.
    fn draw_pixel(&mut self, (x, y): BackendCoord, c: BackendColor) -> Res<'a> {
        if x < 0 || y < 0 || x as u32 >= self.w || y as u32 >= self.h {
            return Ok(());
        }
        let at = (y as usize * self.w as usize + x as usize) * 3;
        let px = &mut self.rgb[at..at + 3];
        let (r, g, b) = c.rgb;
        if c.alpha >= 1.0 - 1.0 / 256.0 {
            px.copy_from_slice(&[r, g, b]);
        } else if c.alpha > 0.0 {
            // in (0, 256): truncation is the floor (without a libm call)
            let a = (c.alpha * 256.0) as u64;
            for (old, new) in px.iter_mut().zip([r, g, b]) {
                *old = if new > *old {
                    *old + (u64::from(new - *old) * a / 256) as u8
                } else {
                    *old - (u64::from(*old - new) * a / 256) as u8
                };
            }
        }
        Ok(())
    }

    /// As plotters' `BitMapBackend::draw_line`: one-pixel horizontal and
    /// vertical lines as rectangles, others by its rasterizer.
    fn draw_line<S: BackendStyle>(&mut self, a: BackendCoord, b: BackendCoord, s: &S) -> Res<'a> {
        let color = s.color();
        if (a.0 == b.0 || a.1 == b.1) && s.stroke_width() == 1 {
            if color.alpha < 1.0 || color.alpha.is_nan() {
                self.blend_rect(a, (b.0 + 1, b.1 + 1), color.rgb, color.alpha);
            } else if a.1 == b.1 {
                self.fill_rect(a, (b.0 + 1, b.1 + 1), color.rgb);
            } else if a.0 >= 0 && a.0 < self.w as i32 {
                // plotters' vertical line: both ends included.
                let (y0, y1) = (a.1.min(b.1).max(0), a.1.max(b.1).min(self.h as i32 - 1));
                if y0 <= y1 {
                    self.fill_rect((a.0, y0), (a.0 + 1, y1 + 1), color.rgb);
                }
            }
            return Ok(());
        }
        rasterizer::draw_line(self, a, b, s)
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        a: BackendCoord,
        b: BackendCoord,
        s: &S,
        fill: bool,
    ) -> Res<'a> {
        let color = s.color();
        if !fill {
            return rasterizer::draw_rect(self, a, b, s, fill);
        }
        if color.alpha >= 1.0 {
            self.fill_rect(a, b, color.rgb);
        } else {
            self.blend_rect(a, b, color.rgb, color.alpha);
        }
        Ok(())
    }

    fn blit_bitmap(&mut self, pos: BackendCoord, size: (u32, u32), src: &[u8]) -> Res<'a> {
        BitMapBackend::with_buffer(&mut *self.rgb, (self.w, self.h)).blit_bitmap(pos, size, src)
    }

    /// As plotters' default `draw_text`, but glyphs keep their bearings.
    fn draw_text<T: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &T,
        pos: BackendCoord,
    ) -> Res<'a> {
        let color = style.color();
        if color.alpha == 0.0 {
            return Ok(());
        }
        let key = TextKey {
            text: text.to_string(),
            size: style.size().to_bits(),
            family: style.family().as_str().to_string(),
            style: style.style().as_str().to_string(),
        };
        let cached = TEXT_CACHE
            .lock()
            .expect("the text cache is never poisoned")
            .get(&key)
            .cloned();
        let shape = match cached {
            Some(shape) => shape,
            None => {
                let shape = Arc::new(self.shape(text, style)?);
                TEXT_CACHE
                    .lock()
                    .expect("the text cache is never poisoned")
                    .insert(key, Arc::clone(&shape));
                shape
            }
        };
        let TextShape {
            min: (min_x, min_y),
            max: (max_x, max_y),
            ref pixels,
        } = *shape;
        let (width, height) = (max_x - min_x, max_y - min_y);
        let dx = match style.anchor().h_pos {
            HPos::Left => 0,
            HPos::Right => -width,
            HPos::Center => -width / 2,
        };
        let dy = match style.anchor().v_pos {
            VPos::Top => 0,
            VPos::Center => -height / 2,
            VPos::Bottom => -height,
        };
        let trans = style.transform();
        for &(x, y, a) in pixels {
            let (x, y) = trans.transform(x + dx - min_x, y + dy - min_y);
            let c = BackendColor {
                alpha: color.alpha * f64::from(a),
                rgb: color.rgb,
            };
            self.draw_pixel((pos.0 + x, pos.1 + y), c)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::Canvas;
    use plotters::coord::Shift;
    use plotters::prelude::*;

    /// Everything but text, in and across the edges, opaque and not.
    fn scene<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>) {
        let blue = RGBColor(31, 119, 180);
        let grey = RGBColor(127, 127, 127);
        root.fill(&WHITE).unwrap();
        // bands wider than tall (swept by columns) and taller than wide (by rows)
        let wide = vec![(-5, 10), (90, 30), (80, 60), (10, 50)];
        root.draw(&Polygon::new(wide, blue.mix(0.15).filled()))
            .unwrap();
        let tall = vec![(40, -3), (60, 5), (55, 85), (45, 70)];
        root.draw(&Polygon::new(
            tall,
            RGBColor(255, 127, 14).mix(0.1).filled(),
        ))
        .unwrap();
        let rects = [
            ([(3, 3), (70, 20)], BLACK.mix(0.3).filled()),
            ([(20, 40), (33, 77)], RGBColor(44, 160, 44).filled()),
            ([(60, 40), (95, 77)], RGBColor(200, 200, 200).filled()),
            ([(-10, -10), (200, 3)], blue.mix(0.6).filled()),
            ([(10, 10), (50, 50)], BLACK.stroke_width(1)),
            ([(12, 12), (48, 48)], grey.mix(0.5).stroke_width(1)),
        ];
        for (corners, style) in rects {
            root.draw(&Rectangle::new(corners, style)).unwrap();
        }
        let paths = [
            (
                vec![(0, 79), (30, 20), (99, 40)],
                RGBColor(214, 39, 40).stroke_width(3),
            ),
            (vec![(0, 5), (99, 5)], grey.mix(0.5).stroke_width(1)),
            (vec![(7, 0), (7, 79)], grey.stroke_width(1)),
            (vec![(9, 90), (9, -4)], grey.stroke_width(1)),
            (vec![(11, 79), (11, 0)], blue.mix(0.4).stroke_width(1)),
            (vec![(0, 0), (99, 79)], BLACK.mix(0.7).stroke_width(1)),
        ];
        for (points, style) in paths {
            root.draw(&PathElement::new(points, style)).unwrap();
        }
        root.draw(&Circle::new((50, 50), 12, blue.mix(0.6).filled()))
            .unwrap();
        root.draw(&Circle::new((20, 60), 8, BLACK.stroke_width(2)))
            .unwrap();
        for (i, x) in (0..100).step_by(7).enumerate() {
            let color = RGBAColor(200, 30, 90, i as f64 / 14.0);
            root.draw_pixel((x, 70 + i as i32 % 5), &color).unwrap();
        }
    }

    #[test]
    fn same_pixels_as_plotters_bitmap() {
        let (w, h) = (100u32, 80u32);
        let mut theirs = vec![0u8; (w * h * 3) as usize];
        let mut ours = theirs.clone();
        {
            let root = BitMapBackend::with_buffer(&mut theirs, (w, h)).into_drawing_area();
            scene(&root);
            root.present().unwrap();
        }
        {
            let font = include_bytes!("../../../assets/fonts/DejaVuSans-subset.ttf");
            let root = Canvas::new(&mut ours, (w, h), font).into_drawing_area();
            scene(&root);
        }
        let differ = theirs
            .chunks_exact(3)
            .zip(ours.chunks_exact(3))
            .filter(|(a, b)| a != b)
            .count();
        assert_eq!(differ, 0, "pixels that differ");
        assert!(ours.chunks_exact(3).any(|p| p != [255, 255, 255]));
    }
}
