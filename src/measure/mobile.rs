//! Mobile area coverage: per gemeente, its area, the part excluded (the union of all exclusion
//! layers inside it, counted once), the eligible rest, and per operator grid the eligible area
//! covered at the required speed, with exact cell fractions on boundaries.
//!
//! All areas are computed in the grid's metric CRS (RD New or EPSG:3035), in m².

use geo::orient::{Direction, Orient};
use geo::{Area, BooleanOps, BoundingRect, MultiPolygon, Polygon};
use rstar::{primitives::GeomWithData, primitives::Rectangle, RTree, AABB};
use serde::Serialize;

use crate::io::grids::Grid;
use crate::measure::cell_fraction::{prepare, CellAreas};

/// The eligible part of one gemeente.
#[derive(Debug, Clone)]
pub struct Eligible {
    /// Area of the gemeente, m².
    pub area_m2: f64,
    /// Area excluded, m².
    pub excluded_m2: f64,
    /// The eligible shape (gemeente minus exclusions), oriented, parts not overlapping.
    pub shape: MultiPolygon<f64>,
}

impl Eligible {
    /// Eligible area, m².
    pub fn eligible_m2(&self) -> f64 {
        self.area_m2 - self.excluded_m2
    }
}

/// Exclusion polygons with an R*-tree over their bounding boxes.
pub struct Exclusions {
    tree: RTree<GeomWithData<Rectangle<[f64; 2]>, usize>>,
    polygons: Vec<Polygon<f64>>,
}

impl Exclusions {
    /// Indexes the polygons of all layers (in the same CRS as the gemeenten).
    #[must_use]
    pub fn new(layers: impl IntoIterator<Item = MultiPolygon<f64>>) -> Exclusions {
        let polygons: Vec<Polygon<f64>> = layers.into_iter().flat_map(|m| m.0).collect();
        let boxes = polygons
            .iter()
            .enumerate()
            .filter_map(|(k, p)| {
                let r = p.bounding_rect()?;
                Some(GeomWithData::new(Rectangle::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]), k))
            })
            .collect();
        Exclusions { tree: RTree::bulk_load(boxes), polygons }
    }

    /// The indices of the polygons whose bounding box meets `shape`'s, ascending.
    fn touching(&self, shape: &MultiPolygon<f64>) -> Vec<usize> {
        let Some(r) = shape.bounding_rect() else { return Vec::new() };
        let env = AABB::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]);
        let mut hits: Vec<usize> = self.tree.locate_in_envelope_intersecting(&env).map(|g| g.data).collect();
        hits.sort_unstable();
        hits
    }

    /// The gemeente `shape` minus every exclusion polygon that touches it.
    #[must_use]
    pub fn eligible(&self, shape: &MultiPolygon<f64>) -> Eligible {
        let gemeente = prepare(shape);
        let area_m2 = gemeente.unsigned_area();
        let hits = self.touching(&gemeente);
        let mut rest = gemeente;
        for k in hits {
            let cut = MultiPolygon::new(vec![self.polygons[k].clone()]);
            rest = rest.difference(&cut);
        }
        let shape = rest.orient(Direction::Default);
        let eligible = shape.unsigned_area();
        Eligible { area_m2, excluded_m2: (area_m2 - eligible).max(0.0), shape }
    }

    /// Whether the point (`x`, `y`) lies in an exclusion polygon (its boundary included).
    #[must_use]
    pub fn covers(&self, x: f64, y: f64) -> bool {
        let at = geo::Point::new(x, y);
        self.tree.locate_all_at_point(&[x, y]).any(|g| geo::Intersects::intersects(&self.polygons[g.data], &at))
    }

    /// The number of exclusion polygons.
    pub fn len(&self) -> usize {
        self.polygons.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.polygons.is_empty()
    }
}

/// Mask polygons (e.g. settlement area) with an R*-tree: a `mask_area` obligation counts only
/// the part of an area inside them.
pub struct Mask(Exclusions);

impl Mask {
    /// Indexes the polygons of a mask layer (in the same CRS as the areas).
    #[must_use]
    pub fn new(layer: impl IntoIterator<Item = MultiPolygon<f64>>) -> Mask {
        Mask(Exclusions::new(layer))
    }

    /// The part of an area inside the mask: `area_m2` = area ∩ mask, `shape` = its eligible
    /// part (`eligible`, the area less its exclusions, ∩ mask), `excluded_m2` the difference.
    /// Overlapping mask polygons count once.
    #[must_use]
    pub fn within(&self, area: &MultiPolygon<f64>, eligible: &Eligible) -> Eligible {
        let hits = self.0.touching(area);
        let mask = prepare(&MultiPolygon(hits.into_iter().map(|k| self.0.polygons[k].clone()).collect()));
        let area_m2 = prepare(area).intersection(&mask).unsigned_area();
        let shape = eligible.shape.intersection(&mask).orient(Direction::Default);
        let inside = shape.unsigned_area();
        Eligible { area_m2, excluded_m2: (area_m2 - inside).max(0.0), shape }
    }
}

/// What one operator covers in one area: m² for area measures, points (or their weight) for
/// point measures.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Covered {
    /// Eligible and in cells with speed ≥ the requirement.
    pub covered: f64,
    /// Eligible and in nodata cells or outside the grid.
    pub nodata: f64,
}

/// The covered and nodata area of `eligible` on `grid` at `required_mbps`, given the cells of
/// its shape on the grid's cells (`CellAreas::new(&eligible.shape, &grid.spec)`, the same for
/// every grid of those cells).
#[must_use]
pub fn covered(eligible: &Eligible, cells: &CellAreas, grid: &Grid, required_mbps: f64) -> Covered {
    let (mut visited, mut covered_m2, mut nodata_m2) = (0.0, 0.0, 0.0);
    for (row, col, len, a) in cells.iter_runs() {
        let at = row * grid.spec.cols + col;
        for &v in &grid.mbps[at..at + len] {
            visited += a;
            // Without branches (speeds around the requirement are not predictable): times 1 or
            // 0, and adding 0 leaves a sum as it is, so the sums are those of a cell-by-cell
            // reading.
            let v = f64::from(v);
            nodata_m2 += a * f64::from(u8::from(v.is_nan()));
            covered_m2 += a * f64::from(u8::from(v >= required_mbps));
        }
    }
    // Eligible area beyond the grid's extent has no data either.
    nodata_m2 += (eligible.eligible_m2() - visited).max(0.0);
    Covered { covered: covered_m2, nodata: nodata_m2 }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::grid::GridCrs;
    use crate::model::grid::GridSpec;
    use geo::{polygon, LineString, MapCoords};

    fn square(x: f64, y: f64, w: f64) -> Polygon<f64> {
        Polygon::new(LineString::from(vec![(x, y), (x + w, y), (x + w, y + w), (x, y + w), (x, y)]), vec![])
    }

    fn grid(spec: GridSpec, mbps: Vec<f32>) -> Grid {
        Grid::in_memory(spec, GridCrs::RdNew, mbps, "t")
    }

    fn cover(e: &Eligible, gr: &Grid, required_mbps: f64) -> Covered {
        covered(e, &CellAreas::new(&e.shape, &gr.spec), gr, required_mbps)
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-6 * b.abs().max(1.0)
    }

    /// Hand computation: gemeente = 400 m × 300 m rectangle at (0, 0) = 120,000 m².
    /// Exclusion A = [300, 500] × [0, 100] (inside part 100 × 100 = 10,000 m²);
    /// exclusion B = [250, 350] × [0, 200], overlapping A on [300, 350] × [0, 100].
    /// Union inside the gemeente = A∩G (10,000) + B∩G (20,000) − overlap (5,000) = 25,000 m².
    #[test]
    fn overlapping_exclusions_are_subtracted_once() {
        let g = MultiPolygon(vec![polygon![(x: 0., y: 0.), (x: 400., y: 0.), (x: 400., y: 300.), (x: 0., y: 300.)]]);
        let a =
            MultiPolygon(vec![polygon![(x: 300., y: 0.), (x: 500., y: 0.), (x: 500., y: 100.), (x: 300., y: 100.)]]);
        let b =
            MultiPolygon(vec![polygon![(x: 250., y: 0.), (x: 350., y: 0.), (x: 350., y: 200.), (x: 250., y: 200.)]]);
        let x = Exclusions::new([a, b]);
        let e = x.eligible(&g);
        assert!(close(e.area_m2, 120_000.0));
        assert!(close(e.excluded_m2, 25_000.0), "{}", e.excluded_m2);
        assert!(close(e.eligible_m2(), 95_000.0));
    }

    /// Hand computation: area = [0, 400] × [0, 300] less exclusion [300, 400] × [0, 300].
    /// Mask = two overlapping settlements [0, 200] × [0, 100] and [100, 350] × [0, 100]: their
    /// union inside the area is [0, 350] × [0, 100] = 35,000 m² (the overlap counted once), of
    /// which [300, 350] × [0, 100] = 5,000 m² is excluded, leaving 30,000 m² eligible.
    #[test]
    fn mask_counts_the_eligible_area_inside_it_once() {
        let g = MultiPolygon(vec![square(0.0, 0.0, 400.0)]).map_coords(|c| geo::Coord { x: c.x, y: c.y * 0.75 });
        let x = Exclusions::new([MultiPolygon(vec![
            polygon![(x: 300., y: 0.), (x: 400., y: 0.), (x: 400., y: 300.), (x: 300., y: 300.)],
        ])]);
        let e = x.eligible(&g);
        let mask = Mask::new([
            MultiPolygon(vec![polygon![(x: 0., y: 0.), (x: 200., y: 0.), (x: 200., y: 100.), (x: 0., y: 100.)]]),
            MultiPolygon(vec![polygon![(x: 100., y: 0.), (x: 350., y: 0.), (x: 350., y: 100.), (x: 100., y: 100.)]]),
        ]);
        let m = mask.within(&g, &e);
        assert!(close(m.area_m2, 35_000.0), "{}", m.area_m2);
        assert!(close(m.excluded_m2, 5_000.0), "{}", m.excluded_m2);
        assert!(close(m.eligible_m2(), 30_000.0));
        // Covered on a 100 m grid at [9, 7, 12, 20] Mbps in row 0: at 8 Mbps cells 0, 2 (30,000
        // − 10,000 of cell 1 = 20,000 m²).
        let gr = grid(GridSpec { x0: 0.0, y0: 0.0, cell: 100.0, cols: 4, rows: 3 }, {
            let mut v = vec![0.0f32; 12];
            v[..4].copy_from_slice(&[9.0, 7.0, 12.0, 20.0]);
            v
        });
        assert!(close(cover(&m, &gr, 8.0).covered, 20_000.0));
        // An area the mask does not touch has nothing to count.
        let far = MultiPolygon(vec![square(5000.0, 5000.0, 10.0)]);
        assert_eq!(mask.within(&far, &Exclusions::new([]).eligible(&far)).area_m2, 0.0);
    }

    /// Points on the boundary of an exclusion polygon are excluded; others are not.
    #[test]
    fn exclusions_cover_points() {
        let x = Exclusions::new([MultiPolygon(vec![square(0.0, 0.0, 100.0)])]);
        assert!(x.covers(50.0, 50.0) && x.covers(100.0, 50.0));
        assert!(!x.covers(150.0, 50.0));
    }

    /// Hand computation of covered area with partial cells: gemeente = [50, 250] × [0, 100] on a
    /// 100 m grid starting at (0, 0) with speeds [9, 7, 12] Mbps in row 0. At 8 Mbps: cell 0 gives
    /// its right half (5,000 m²), cell 1 is too slow, cell 2 gives its left half (5,000 m²).
    /// At 10 Mbps only cell 2's half counts.
    #[test]
    fn partial_cells_on_the_boundary() {
        let g = MultiPolygon(vec![polygon![(x: 50., y: 0.), (x: 250., y: 0.), (x: 250., y: 100.), (x: 50., y: 100.)]]);
        let e = Exclusions::new([]).eligible(&g);
        let gr = grid(GridSpec { x0: 0.0, y0: 0.0, cell: 100.0, cols: 3, rows: 1 }, vec![9.0, 7.0, 12.0]);
        assert!(close(cover(&e, &gr, 8.0).covered, 10_000.0));
        assert!(close(cover(&e, &gr, 10.0).covered, 5_000.0));
        assert!(close(cover(&e, &gr, 8.0).nodata, 0.0));
    }

    /// A gemeente with a hole and two parts; the grid lacks data in one cell and ends before the
    /// second part.
    #[test]
    fn holes_parts_nodata_and_outside_the_grid() {
        let donut = Polygon::new(
            square(0.0, 0.0, 300.0).exterior().clone(),
            vec![square(100.0, 100.0, 100.0).exterior().clone()],
        );
        let far = square(1000.0, 0.0, 100.0);
        let g = MultiPolygon(vec![donut, far]);
        let e = Exclusions::new([]).eligible(&g);
        assert!(close(e.area_m2, 90_000.0 - 10_000.0 + 10_000.0));
        let mut v = vec![20.0f32; 9];
        v[0] = f32::NAN;
        let gr = grid(GridSpec { x0: 0.0, y0: 0.0, cell: 100.0, cols: 3, rows: 3 }, v);
        let c = cover(&e, &gr, 8.0);
        assert!(close(c.covered, 70_000.0), "{c:?}");
        assert!(close(c.nodata, 20_000.0), "one nodata cell and the far part: {c:?}");
    }
}
