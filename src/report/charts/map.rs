//! Choropleth maps: one class colour per area, drawn from RD New polygons.
//!
//! Rings are simplified (Ramer–Douglas–Peucker) to a fraction of a pixel and drawn largest area
//! first, so an enclave (an area inside another's hole) is drawn over its surroundings.

use std::sync::Arc;

use geo::{Area, Simplify};
use plotters::coord::Shift;
use plotters::prelude::*;

use super::{frame, legend, text, Plot, MUTED, NO_DATA};
use crate::model::areas::Boundary;

/// Width and height of a map chart, pixels.
pub const MAP_SIZE: (u32, u32) = (820, 900);

/// Upper bounds of the share classes of the map, percent.
pub const SHARE_BOUNDS: [f64; 6] = [90.0, 95.0, 98.0, 99.0, 99.5, 100.0];
/// The share classes' ranges, percent (decimal point).
pub const SHARE_RANGES: [&str; 7] = ["< 90", "90 – 95", "95 – 98", "98 – 99", "99 – 99.5", "99.5 – 100", "100"];
/// The share classes' colours, lightest for the lowest.
pub const SHARE_COLOURS: [RGBColor; 7] = [
    RGBColor(255, 255, 204),
    RGBColor(199, 233, 180),
    RGBColor(127, 205, 187),
    RGBColor(65, 182, 196),
    RGBColor(29, 145, 192),
    RGBColor(34, 94, 168),
    RGBColor(12, 44, 132),
];

/// One area's outline for drawing: exterior rings in RD New metres.
#[derive(Debug, Clone, PartialEq)]
pub struct MapShape {
    /// Area code.
    pub code: String,
    /// Exterior rings, RD New metres.
    pub rings: Vec<Vec<(f64, f64)>>,
    /// Area, m² (drawing order: largest first).
    pub area_m2: f64,
}

/// Drawing outlines of `areas`, rings simplified to `tolerance_m` metres, largest first.
#[must_use]
pub fn shapes(areas: &[Boundary], tolerance_m: f64) -> Vec<MapShape> {
    let mut out: Vec<MapShape> = areas
        .iter()
        .map(|a| MapShape {
            code: a.code.clone(),
            rings: a
                .shape
                .0
                .iter()
                .map(|p| p.exterior().simplify(tolerance_m).0.iter().map(|c| (c.x, c.y)).collect::<Vec<_>>())
                .filter(|r| r.len() >= 4)
                .collect(),
            area_m2: a.shape.unsigned_area(),
        })
        .collect();
    out.sort_by(|a, b| b.area_m2.total_cmp(&a.area_m2).then_with(|| a.code.cmp(&b.code)));
    out
}

/// A map with one colour per area and a class legend.
#[derive(Debug, Clone, PartialEq)]
pub struct Choropleth {
    /// Chart title.
    pub title: String,
    /// Source line.
    pub source: String,
    /// The outlines (shared between maps).
    pub shapes: Arc<Vec<MapShape>>,
    /// Fill per shape, aligned with `shapes`; `None` = no data.
    pub fill: Vec<Option<RGBColor>>,
    /// Legend heading (what the colours mean, with the unit).
    pub heading: String,
    /// Legend classes.
    pub classes: Vec<(String, RGBColor)>,
    /// Lines of text under the legend (e.g. counts per class).
    pub notes: Vec<String>,
    /// Whether each shape is outlined in white (areas; not small cells, which it would hide).
    pub outlined: bool,
}

impl Plot for Choropleth {
    fn size(&self) -> (u32, u32) {
        MAP_SIZE
    }

    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
    ) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
        let area = frame(root, &self.title, &self.source)?;
        let (w, h) = area.dim_in_pixel();
        let (map, side) = area.split_horizontally(w - 230);
        let points = self.shapes.iter().flat_map(|s| s.rings.iter().flatten());
        let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
        for &(x, y) in points {
            (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x), y1.max(y));
        }
        if x0 <= x1 {
            let (mw, mh) = (f64::from(w - 240), f64::from(h - 10));
            let scale = (mw / (x1 - x0).max(1.0)).min(mh / (y1 - y0).max(1.0));
            let (ox, oy) = (5.0 + (mw - (x1 - x0) * scale) / 2.0, 5.0 + (mh - (y1 - y0) * scale) / 2.0);
            let px =
                |&(x, y): &(f64, f64)| ((ox + (x - x0) * scale).round() as i32, (oy + (y1 - y) * scale).round() as i32);
            for (shape, fill) in self.shapes.iter().zip(&self.fill) {
                for ring in &shape.rings {
                    let pts: Vec<(i32, i32)> = ring.iter().map(px).collect();
                    map.draw(&Polygon::new(pts.clone(), fill.unwrap_or(NO_DATA).filled()))?;
                    if self.outlined {
                        map.draw(&PathElement::new(pts, WHITE.stroke_width(1)))?;
                    }
                }
            }
        }
        let used = legend(&side, &self.heading, &self.classes, (0, 20))?;
        let mut y = 20 + used + 16;
        for line in &self.notes {
            side.draw_text(line, &text(12).color(&MUTED), (0, y))?;
            y += 17;
        }
        Ok(())
    }
}

/// The class of `value` among ascending upper `bounds` (the last class is open-ended).
///
/// ```
/// use dekking::report::charts::map::class_of;
/// assert_eq!(class_of(0.5, &[1.0, 2.0]), 0);
/// assert_eq!(class_of(1.0, &[1.0, 2.0]), 1);
/// assert_eq!(class_of(9.0, &[1.0, 2.0]), 2);
/// ```
#[must_use]
pub fn class_of(value: f64, bounds: &[f64]) -> usize {
    bounds.iter().position(|b| value < *b).unwrap_or(bounds.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::embedded::gemeenten_2023;
    use crate::report::charts::{has_text, render};

    #[test]
    fn the_netherlands_is_drawn_with_every_gemeente() {
        let b = gemeenten_2023().unwrap();
        let s = Arc::new(shapes(&b.areas, 150.0));
        assert_eq!(s.len(), 342);
        assert!(s.windows(2).all(|w| w[0].area_m2 >= w[1].area_m2));
        let vertices: usize = s.iter().flat_map(|m| &m.rings).map(Vec::len).sum();
        assert!(vertices > 5_000, "{vertices}");
        let fill = (0..s.len()).map(|i| (i % 2 == 0).then_some(RGBColor(0, 100, 0))).collect();
        let map = Choropleth {
            outlined: true,
            title: "NL".into(),
            source: "s".into(),
            shapes: s,
            fill,
            heading: "class".into(),
            classes: vec![("green".into(), RGBColor(0, 100, 0))],
            notes: vec!["171 gemeenten".into()],
        };
        let c = render("map", "NL", &map).unwrap();
        assert!(c.svg.matches("<polygon").count() >= 342);
        assert!(has_text(&c.svg, "171 gemeenten"));
    }
}
