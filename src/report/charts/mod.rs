//! The charts of the yearly report, drawn with plotters into SVG and PNG.
//!
//! Text is set in the bundled DejaVu Sans (`data/fonts/`), registered with plotters' `ab_glyph`
//! backend, so charts render the same headless, on a machine without any system font.
//! Every chart has a title, axis labels with units where it has axes, a legend where it has more
//! than one series or class, and a source line.

pub mod bars;
pub mod line;
pub mod map;

use std::sync::Once;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::FontStyle;

use crate::error::{Error, Result};

/// The font family every chart uses.
pub const FONT: &str = "sans-serif";
static REGULAR: &[u8] = include_bytes!("../../../data/fonts/DejaVuSans.ttf");
static BOLD: &[u8] = include_bytes!("../../../data/fonts/DejaVuSans-Bold.ttf");

/// Text colour.
pub const INK: RGBColor = RGBColor(33, 37, 41);
/// Colour of secondary text and grid lines.
pub const MUTED: RGBColor = RGBColor(108, 117, 125);
/// Colour of the measured series.
pub const SERIES: RGBColor = RGBColor(0, 82, 147);
/// Colour of targets and failures.
pub const ALERT: RGBColor = RGBColor(200, 40, 40);
/// Colour of published reference figures.
pub const REFERENCE: RGBColor = RGBColor(230, 130, 0);
/// Fill of areas without data.
pub const NO_DATA: RGBColor = RGBColor(215, 215, 215);

fn register_fonts() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // The bundled files are valid fonts; a failure would show as missing text in a test.
        let _ = plotters::style::register_font(FONT, FontStyle::Normal, REGULAR);
        let _ = plotters::style::register_font(FONT, FontStyle::Bold, BOLD);
    });
}

/// A text style of the bundled font: `size` in pixels.
#[must_use]
pub fn text(size: u32) -> TextStyle<'static> {
    (FONT, size).into_font().color(&INK)
}

/// A bold text style of the bundled font: `size` in pixels.
#[must_use]
pub fn bold(size: u32) -> TextStyle<'static> {
    (FONT, size).into_font().style(FontStyle::Bold).color(&INK)
}

/// Something drawable to any plotters backend.
pub trait Plot {
    /// Width and height, pixels.
    fn size(&self) -> (u32, u32);
    /// Draws onto `root`.
    ///
    /// # Errors
    /// A backend failure.
    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
    ) -> std::result::Result<(), DrawingAreaErrorKind<DB::ErrorType>>;
}

/// A rendered chart: the same drawing as SVG text and PNG bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    /// File stem, e.g. `national`.
    pub name: String,
    /// Title, for the report's figure caption.
    pub title: String,
    /// The SVG document.
    pub svg: String,
    /// The PNG file.
    pub png: Vec<u8>,
}

fn failed(name: &str, e: impl std::fmt::Display) -> Error {
    Error::io(format!("{name}.svg"), std::io::Error::other(format!("drawing the chart failed: {e}")))
}

/// Renders `plot` to SVG and PNG.
///
/// # Errors
/// [`Error::Io`] naming the chart when plotters or the PNG encoder fails.
pub fn render(name: &str, title: &str, plot: &impl Plot) -> Result<Chart> {
    register_fonts();
    let (w, h) = plot.size();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (w, h)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| failed(name, e))?;
        plot.draw(&root).map_err(|e| failed(name, e))?;
        root.present().map_err(|e| failed(name, e))?;
    }
    let mut rgb = vec![0u8; w as usize * h as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, (w, h)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| failed(name, e))?;
        plot.draw(&root).map_err(|e| failed(name, e))?;
        root.present().map_err(|e| failed(name, e))?;
    }
    let mut png = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut png, w, h);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        let mut writer = enc.write_header().map_err(|e| failed(name, e))?;
        writer.write_image_data(&rgb).map_err(|e| failed(name, e))?;
    }
    Ok(Chart { name: name.to_string(), title: title.to_string(), svg, png })
}

/// Title above and source line below: draws both and returns the area between them.
///
/// # Errors
/// A backend failure.
pub fn frame<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    source: &str,
) -> std::result::Result<DrawingArea<DB, Shift>, DrawingAreaErrorKind<DB::ErrorType>> {
    let h = root.dim_in_pixel().1;
    root.draw_text(title, &bold(20), (16, 12))?;
    root.draw_text(source, &text(12).color(&MUTED), (16, h as i32 - 22))?;
    Ok(root.margin(44, 30, 8, 8))
}

/// A legend of coloured boxes with labels, from (`x`, `y`) downwards; returns the height used.
///
/// # Errors
/// A backend failure.
pub fn legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    heading: &str,
    items: &[(String, RGBColor)],
    (x, y): (i32, i32),
) -> std::result::Result<i32, DrawingAreaErrorKind<DB::ErrorType>> {
    area.draw_text(heading, &bold(13), (x, y))?;
    let mut at = y + 22;
    for (label, colour) in items {
        area.draw(&Rectangle::new([(x, at), (x + 16, at + 14)], colour.filled()))?;
        area.draw(&Rectangle::new([(x, at), (x + 16, at + 14)], MUTED.stroke_width(1)))?;
        area.draw_text(label, &text(13), (x + 24, at))?;
        at += 20;
    }
    Ok(at - y)
}

/// Whether `svg` has a text element reading exactly `s`.
#[cfg(test)]
pub(crate) fn has_text(svg: &str, s: &str) -> bool {
    svg.contains(&format!(">\n{s}\n</text>"))
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Boxed;
    impl Plot for Boxed {
        fn size(&self) -> (u32, u32) {
            (200, 100)
        }
        fn draw<DB: DrawingBackend>(
            &self,
            root: &DrawingArea<DB, Shift>,
        ) -> std::result::Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
            let inner = frame(root, "Title", "Source: test")?;
            inner.draw(&Rectangle::new([(10, 10), (50, 40)], SERIES.filled()))
        }
    }

    #[test]
    fn renders_text_headless_and_deterministically() {
        let a = render("t", "Title", &Boxed).unwrap();
        let b = render("t", "Title", &Boxed).unwrap();
        assert_eq!(a, b);
        assert!(a.svg.starts_with("<svg") && has_text(&a.svg, "Title"), "{}", a.svg);
        assert_eq!(&a.png[1..4], b"PNG");
        // The bundled font really drew the title: dark pixels in the title band of the bitmap.
        let rgb = {
            let mut buf = vec![0u8; 200 * 100 * 3];
            let root = BitMapBackend::with_buffer(&mut buf, (200, 100)).into_drawing_area();
            root.fill(&WHITE).unwrap();
            Boxed.draw(&root).unwrap();
            root.present().unwrap();
            drop(root);
            buf
        };
        let dark = (12..30).flat_map(|y| (16..60).map(move |x| (y * 200 + x) * 3)).filter(|&i| rgb[i] < 128).count();
        assert!(dark > 20, "title band has {dark} dark pixels");
    }
}
