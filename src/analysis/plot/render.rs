//! One drawing, two files: every chart draws itself on a plotters backend,
//! once as SVG and once into an RGB buffer that we encode as PNG. Text uses
//! a bundled DejaVu Sans subset (assets/fonts), so output does not depend
//! on the fonts of the machine.

use std::ops::Range;
use std::path::Path;
use std::sync::Once;

use anyhow::{anyhow, Context, Result};
use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::{register_font, FontStyle};

use super::canvas::Canvas;
use crate::output::atomic::write_file;

pub(super) static FONT: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans-subset.ttf");
pub const FONT_FAMILY: &str = "sans-serif";

fn ensure_font() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        if register_font(FONT_FAMILY, FontStyle::Normal, FONT).is_err() {
            panic!("the bundled font is a valid TrueType file");
        }
    });
}

/// The width in pixels of `text` at font size `size` (the bundled font's
/// advances and kerning, as the PNG backend draws it; the SVG viewer's
/// DejaVu Sans matches).
pub fn text_width(text: &str, size: f64) -> f64 {
    use ab_glyph::{Font, FontRef, ScaleFont};
    static PARSED: std::sync::OnceLock<FontRef<'static>> = std::sync::OnceLock::new();
    let font = PARSED
        .get_or_init(|| FontRef::try_from_slice(FONT).expect("the bundled font is valid"))
        .as_scaled(size as f32);
    let mut pen = 0f32;
    let mut prev = None;
    for c in text.chars() {
        let id = font.glyph_id(c);
        if let Some(p) = prev {
            pen += font.kern(p, id);
        }
        prev = Some(id);
        pen += font.h_advance(id);
    }
    f64::from(pen)
}

/// plotters errors carry the backend's error type, which is not `'static`
/// in generic code; keep their message.
pub trait OrDraw<T> {
    fn or_draw(self) -> Result<T>;
}

impl<T, E: std::fmt::Debug> OrDraw<T> for std::result::Result<T, E> {
    fn or_draw(self) -> Result<T> {
        self.map_err(|e| anyhow!("drawing failed: {e:?}"))
    }
}

/// Something that can draw itself at a fixed size.
pub trait Chart {
    fn size(&self) -> (u32, u32);
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()>;
}

/// Which files each chart is written as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PlotFormat {
    /// No plots.
    None,
    Png,
    Svg,
    /// SVG and PNG.
    Both,
}

impl PlotFormat {
    pub fn png(self) -> bool {
        matches!(self, PlotFormat::Png | PlotFormat::Both)
    }
    pub fn svg(self) -> bool {
        matches!(self, PlotFormat::Svg | PlotFormat::Both)
    }
}

/// The axes of the epoch-lines and trade-off charts: a titled cartesian
/// plot on `area` with labelled axes and light grey major grid lines only;
/// `x_label` formats the x ticks (plotters' own format when `None`).
pub fn xy_chart<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    title: &str,
    (x, y): (Range<f64>, Range<f64>),
    (x_desc, y_desc): (&str, &str),
    x_label: Option<fn(&f64) -> String>,
) -> Result<ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>> {
    let mut chart = ChartBuilder::on(area)
        .caption(title, (FONT_FAMILY, 24))
        .margin(15)
        .x_label_area_size(55)
        .y_label_area_size(85)
        .build_cartesian_2d(x, y)
        .or_draw()?;
    let mut mesh = chart.configure_mesh();
    mesh.x_desc(x_desc)
        .y_desc(y_desc)
        .label_style((FONT_FAMILY, 16))
        .axis_desc_style((FONT_FAMILY, 19))
        .light_line_style(TRANSPARENT)
        .bold_line_style(RGBColor(215, 215, 215));
    if let Some(format) = &x_label {
        mesh.x_label_formatter(format);
    }
    mesh.draw().or_draw()?;
    Ok(chart)
}

/// Write `<stem>.svg` and/or `<stem>.png`, the two side by side on the
/// current rayon pool (the PNG takes most of the time: drawing into the
/// buffer, filtering and compressing).
pub fn write_chart(chart: &(impl Chart + Sync), stem: &Path, formats: PlotFormat) -> Result<()> {
    ensure_font();
    let (svg, png) = rayon::join(
        || formats.svg().then(|| write_svg(chart, stem)),
        || formats.png().then(|| write_png(chart, stem)),
    );
    svg.transpose()?;
    png.transpose()?;
    Ok(())
}

fn write_svg(chart: &impl Chart, stem: &Path) -> Result<()> {
    let (w, h) = chart.size();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (w, h)).into_drawing_area();
        chart.draw(&root)?;
        root.present().or_draw()?;
    }
    let svg_path = stem.with_extension("svg");
    write_file(&svg_path, svg.as_bytes())
        .with_context(|| format!("cannot write {}", svg_path.display()))
}

fn write_png(chart: &impl Chart, stem: &Path) -> Result<()> {
    let (w, h) = chart.size();
    let mut rgb = vec![0u8; w as usize * h as usize * 3];
    {
        let root = Canvas::new(&mut rgb, (w, h), FONT).into_drawing_area();
        chart.draw(&root)?;
        root.present().or_draw()?;
    }
    let png_bytes = encode_png(&rgb, w, h).context("encoding PNG")?;
    let png_path = stem.with_extension("png");
    write_file(&png_path, &png_bytes)
        .with_context(|| format!("cannot write {}", png_path.display()))
}

/// An RGB image as PNG: every row Paeth-filtered, and the rows compressed
/// as one zlib stream by fdeflate, a deflate encoder made for filtered
/// image data (it codes runs of zero bytes and literals with a fixed
/// Huffman table, docs/performance.md). On these flat-coloured charts,
/// where Paeth leaves mostly zeros, it takes a small fraction of zlib
/// level 1's instructions.
fn encode_png(rgb: &[u8], w: u32, h: u32) -> Result<Vec<u8>> {
    let stride = w as usize * 3;
    // Zeroed, so the filter writes only the bytes that are not zero.
    let mut filtered = vec![0; (stride + 1) * h as usize];
    let zeros = vec![0; stride];
    let mut prev: &[u8] = &zeros;
    for (row, out) in rgb
        .chunks_exact(stride)
        .zip(filtered.chunks_exact_mut(stride + 1))
    {
        out[0] = 4; // Paeth
        paeth(prev, row, &mut out[1..]);
        prev = row;
    }
    let mut zlib = fdeflate::Compressor::new(Vec::with_capacity(filtered.len() / 16))?;
    zlib.write_data(&filtered)?;
    let idat = zlib.finish()?;
    let mut png_bytes = Vec::with_capacity(idat.len() + 128);
    {
        let mut enc = png::Encoder::new(&mut png_bytes, w, h);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        let mut writer = enc.write_header()?;
        writer.write_chunk(png::chunk::IDAT, &idat)?;
        writer.finish()?;
    }
    Ok(png_bytes)
}

/// PNG's Paeth filter of `row` (3 bytes a pixel) given the row above, into
/// `out`, which is zero. Wherever a pixel equals the one above and its left
/// neighbour equals the one above that (a vertical edge, or a flat area),
/// or equals its left neighbour while the pixel above equals the one above
/// left (a horizontal run), the prediction is exact and the output zero:
/// most of a chart. 8 bytes at a time are checked for that first.
fn paeth(prev: &[u8], row: &[u8], out: &mut [u8]) {
    if row == prev {
        // The prediction is the byte above wherever the rows agree.
        return;
    }
    // First pixel: nothing to the left, so the prediction is the byte above.
    for ((o, x), b) in out.iter_mut().zip(row).zip(prev).take(3) {
        *o = x.wrapping_sub(*b);
    }
    let word = |s: &[u8], i: usize| u64::from_le_bytes(s[i..i + 8].try_into().expect("8 bytes"));
    let n = row.len();
    let mut i = 3;
    while i + 8 <= n {
        let (x, a, b, c) = (
            word(row, i),
            word(row, i - 3),
            word(prev, i),
            word(prev, i - 3),
        );
        // x = b and a = c: predicted b; x = a and b = c: predicted a.
        if !((x == b && a == c) || (x == a && b == c)) {
            // Fixed-size windows: no bounds check per byte.
            let r: &[u8; 11] = row[i - 3..i + 8].try_into().expect("11 bytes");
            let p: &[u8; 11] = prev[i - 3..i + 8].try_into().expect("11 bytes");
            let o: &mut [u8; 8] = (&mut out[i..i + 8]).try_into().expect("8 bytes");
            for k in 0..8 {
                o[k] = paeth_byte(r[k + 3], r[k], p[k + 3], p[k]);
            }
        }
        i += 8;
    }
    for j in i..n {
        out[j] = paeth_byte(row[j], row[j - 3], prev[j], prev[j - 3]);
    }
}

/// One byte of the Paeth filter: `x` less its prediction from the byte to
/// the left `a`, above `b` and above-left `c`.
fn paeth_byte(x: u8, a: u8, b: u8, c: u8) -> u8 {
    let p = i16::from(a) + i16::from(b) - i16::from(c);
    let (pa, pb, pc) = (
        (p - i16::from(a)).abs(),
        (p - i16::from(b)).abs(),
        (p - i16::from(c)).abs(),
    );
    let predicted = if pa <= pb && pa <= pc {
        a
    } else if pb <= pc {
        b
    } else {
        c
    };
    x.wrapping_sub(predicted)
}

/// Tableau-10: distinguishable series colours (black is the baseline's).
pub const PALETTE: [RGBColor; 10] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
    RGBColor(188, 189, 34),
    RGBColor(23, 190, 207),
];

pub const BASELINE_COLOR: RGBColor = RGBColor(0, 0, 0);

/// Viridis, by linear interpolation between nine anchors; `t` in [0, 1].
pub fn viridis(t: f64) -> RGBColor {
    const A: [(u8, u8, u8); 9] = [
        (68, 1, 84),
        (71, 44, 122),
        (59, 81, 139),
        (44, 113, 142),
        (33, 144, 141),
        (39, 173, 129),
        (92, 200, 99),
        (170, 220, 50),
        (253, 231, 37),
    ];
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let x = t * (A.len() - 1) as f64;
    let i = (x.floor() as usize).min(A.len() - 2);
    let f = x - i as f64;
    let lerp = |a: u8, b: u8| (f64::from(a) + f * (f64::from(b) - f64::from(a))).round() as u8;
    RGBColor(
        lerp(A[i].0, A[i + 1].0),
        lerp(A[i].1, A[i + 1].1),
        lerp(A[i].2, A[i + 1].2),
    )
}

/// `(lo, hi)` widened by `pad` of the span (or ±pad around a single value).
pub fn padded(lo: f64, hi: f64, pad: f64) -> (f64, f64) {
    if !lo.is_finite() || !hi.is_finite() {
        return (0.0, 1.0);
    }
    let span = hi - lo;
    if span <= f64::EPSILON * hi.abs().max(1.0) {
        let d = (hi.abs() * pad).max(1e-3);
        return (lo - d, hi + d);
    }
    (lo - span * pad, hi + span * pad)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The skips give what the filter computed byte by byte gives, on
    /// rows with flat areas, vertical edges, horizontal runs and noise.
    #[test]
    fn paeth_skips_only_zeros() {
        let (w, h) = (41usize, 30usize);
        let mut x = 11u32;
        let mut noise = || {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            (x >> 24) as u8
        };
        let mut rgb = vec![255u8; w * h * 3];
        for y in 0..h {
            for i in 0..w {
                let px = &mut rgb[(y * w + i) * 3..(y * w + i) * 3 + 3];
                match (y % 5, i % 7) {
                    (_, 3) => px.copy_from_slice(&[10, 20, 30]), // vertical line
                    (2, _) => px.copy_from_slice(&[200, 100, 0]), // horizontal line
                    (4, _) if i > 20 => px.fill(noise()),
                    _ => {}
                }
                if y % 9 == 8 {
                    px[1] = noise();
                }
            }
        }
        let stride = w * 3;
        let zeros = vec![0; stride];
        let mut prev: &[u8] = &zeros;
        for row in rgb.chunks_exact(stride) {
            let mut fast = vec![0; stride];
            paeth(prev, row, &mut fast);
            let mut slow = vec![0; stride];
            for j in 0..stride {
                let (a, c) = if j < 3 {
                    (0, 0)
                } else {
                    (row[j - 3], prev[j - 3])
                };
                slow[j] = paeth_byte(row[j], a, prev[j], c);
            }
            assert_eq!(fast, slow);
            prev = row;
        }
    }

    #[test]
    fn png_round_trips() {
        // flat runs, a gradient and noise, an odd width
        let (w, h) = (37u32, 23u32);
        let mut rgb = Vec::new();
        let mut x = 7u32;
        for y in 0..h {
            for i in 0..w * 3 {
                x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                rgb.push(match y % 3 {
                    0 => 200,
                    1 => (i * 7 + y) as u8,
                    _ => (x >> 24) as u8,
                });
            }
        }
        let bytes = encode_png(&rgb, w, h).unwrap();
        let mut reader = png::Decoder::new(std::io::Cursor::new(bytes))
            .read_info()
            .unwrap();
        let mut out = vec![0; reader.output_buffer_size()];
        let info = reader.next_frame(&mut out).unwrap();
        assert_eq!((info.width, info.height), (w, h));
        assert_eq!(info.color_type, png::ColorType::Rgb);
        assert_eq!(&out[..info.buffer_size()], &rgb[..]);
    }
}
