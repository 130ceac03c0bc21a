//! Point-in-polygon for many points against a few hundred polygons: a uniform cell grid answers
//! for points in cells that no edge touches (see [`super::cellgrid`]); for the others an R*-tree
//! of polygon bounding boxes picks candidates, and each polygon is *prepared* with its edges
//! bucketed into horizontal bands so a test only looks at the edges crossing the point's band.
//!
//! # Border rule
//! Containment is the half-open crossing-number rule on edges stored lower endpoint first, so
//! two polygons that share an edge compute the same crossing and a point *on* the shared edge
//! belongs to exactly one of them: the one to its right (+x) on a slanted or vertical edge, the
//! one above (+y) on a horizontal edge. Where polygons overlap (e.g. simplified boundaries), the
//! candidate with the lowest area index — areas are sorted by code — wins. Within one shape, each
//! part is tested by the even-odd rule over its exterior and holes, and the shape contains a point
//! when any part does (so overlapping parts, common in simplified files, count once).

use geo::{BoundingRect, MultiPolygon};
use rstar::{primitives::GeomWithData, primitives::Rectangle, RTree};

use super::cellgrid::CellGrid;

/// A polygon with its edges bucketed by y for fast repeated containment tests.
#[derive(Debug, Clone)]
pub struct PreparedPolygon {
    /// Edges as (x_low, y_low, x_high, y_high), lower-y endpoint first; horizontal edges dropped.
    edges: Vec<[f64; 4]>,
    /// The polygon (part) each edge belongs to; edges are stored part by part.
    part: Vec<u32>,
    /// Edge indices per band, as ranges into `band_edges`.
    bands: Vec<(u32, u32)>,
    band_edges: Vec<u32>,
    y_min: f64,
    band_height: f64,
    /// Bounding box: min x, min y, max x, max y.
    pub bbox: [f64; 4],
}

impl PreparedPolygon {
    /// Prepares a (multi)polygon; returns `None` when it has no area-bearing ring.
    #[must_use]
    pub fn new(shape: &MultiPolygon<f64>) -> Option<PreparedPolygon> {
        let rect = shape.bounding_rect()?;
        let mut edges = Vec::new();
        let mut part = Vec::new();
        for (k, poly) in shape.iter().enumerate() {
            for ring in std::iter::once(poly.exterior()).chain(poly.interiors()) {
                for line in ring.lines() {
                    let (a, b) = (line.start, line.end);
                    if a.y == b.y {
                        continue;
                    }
                    let (lo, hi) = if a.y < b.y { (a, b) } else { (b, a) };
                    edges.push([lo.x, lo.y, hi.x, hi.y]);
                    part.push(k as u32);
                }
            }
        }
        if edges.is_empty() {
            return None;
        }
        let y_min = rect.min().y;
        let height = (rect.max().y - y_min).max(f64::MIN_POSITIVE);
        let n_bands = (edges.len() / 4).clamp(1, 4096);
        let band_height = height / n_bands as f64;
        let band_of = |y: f64| (((y - y_min) / band_height) as usize).min(n_bands - 1);
        let mut lists: Vec<Vec<u32>> = vec![Vec::new(); n_bands];
        for (k, e) in edges.iter().enumerate() {
            for list in &mut lists[band_of(e[1])..=band_of(e[3])] {
                list.push(k as u32);
            }
        }
        let mut bands = Vec::with_capacity(n_bands);
        let mut band_edges = Vec::new();
        for list in lists {
            let start = band_edges.len() as u32;
            band_edges.extend(list);
            bands.push((start, band_edges.len() as u32));
        }
        Some(PreparedPolygon {
            edges,
            part,
            bands,
            band_edges,
            y_min,
            band_height,
            bbox: [rect.min().x, rect.min().y, rect.max().x, rect.max().y],
        })
    }

    /// Whether (x, y) is inside under the half-open border rule of this module.
    ///
    /// ```
    /// use dekking::assign::pip::PreparedPolygon;
    /// use geo::{polygon, MultiPolygon};
    /// let square = MultiPolygon(vec![polygon![(x: 0., y: 0.), (x: 10., y: 0.), (x: 10., y: 10.), (x: 0., y: 10.)]]);
    /// let p = PreparedPolygon::new(&square).unwrap();
    /// assert!(p.contains(5.0, 5.0));
    /// assert!(p.contains(0.0, 5.0));   // left edge: the square is to the right
    /// assert!(!p.contains(10.0, 5.0)); // right edge: belongs to a neighbour on the right
    /// ```
    #[must_use]
    pub fn contains(&self, x: f64, y: f64) -> bool {
        if x < self.bbox[0] || x > self.bbox[2] || y < self.bbox[1] || y > self.bbox[3] {
            return false;
        }
        let band = (((y - self.y_min) / self.band_height) as usize).min(self.bands.len() - 1);
        let (start, end) = self.bands[band];
        // Even-odd per part (exterior and its holes); inside the shape = inside any part, so
        // parts that overlap (as simplified files have) still count once. Band lists keep the
        // edges in part order, so a change of part closes the previous part's count.
        // The part being counted; none yet (no part has this number).
        let mut current = u32::MAX;
        let mut inside = false;
        for &k in &self.band_edges[start as usize..end as usize] {
            let [x0, y0, x1, y1] = self.edges[k as usize];
            // Half-open in y: the lower endpoint is in, the upper one out.
            if y < y0 || y >= y1 {
                continue;
            }
            let part = self.part[k as usize];
            if part != current {
                if inside {
                    return true;
                }
                current = part;
            }
            let x_cross = x0 + (y - y0) * (x1 - x0) / (y1 - y0);
            if x < x_cross {
                inside = !inside;
            }
        }
        inside
    }
}

/// Most cells per side of the [`CellGrid`] in front of the exact test for the detail of the
/// boundaries alone (about 300 m for the Netherlands).
pub const GRID_SIDE: usize = 1024;

/// Most cells per side of the [`CellGrid`] when many points are to be located (about 80 m for
/// the Netherlands; 64 MiB of cells at most).
pub const GRID_SIDE_MAX: usize = 4096;

/// A set of prepared polygons with an R*-tree over their bounding boxes, and a [`CellGrid`]
/// that answers for points in cells no edge touches (most of them) without either.
#[derive(Debug)]
pub struct AreaIndex {
    polygons: Vec<PreparedPolygon>,
    /// For each prepared polygon, the caller's area index.
    owner: Vec<u32>,
    tree: RTree<GeomWithData<Rectangle<[f64; 2]>, u32>>,
    grid: Option<CellGrid>,
}

impl AreaIndex {
    /// Builds the index from (area index, shape) pairs; shapes without area are skipped.
    #[must_use]
    pub fn new<'a>(shapes: impl IntoIterator<Item = (u32, &'a MultiPolygon<f64>)>) -> AreaIndex {
        AreaIndex::for_points(shapes, 0)
    }

    /// As [`AreaIndex::new`], with a grid fine enough for about `points` lookups: a finer grid
    /// costs more to build and sends fewer points to the exact test.
    #[must_use]
    pub fn for_points<'a>(shapes: impl IntoIterator<Item = (u32, &'a MultiPolygon<f64>)>, points: usize) -> AreaIndex {
        let mut polygons = Vec::new();
        let mut owner = Vec::new();
        let mut segments = Vec::new();
        for (area, shape) in shapes {
            if let Some(p) = PreparedPolygon::new(shape) {
                polygons.push(p);
                owner.push(area);
                let rings = shape.iter().flat_map(|poly| std::iter::once(poly.exterior()).chain(poly.interiors()));
                segments.extend(rings.flat_map(|r| r.lines()).map(|l| [l.start.x, l.start.y, l.end.x, l.end.y]));
            }
        }
        let boxes = polygons
            .iter()
            .enumerate()
            .map(|(k, p)| {
                GeomWithData::new(Rectangle::from_corners([p.bbox[0], p.bbox[1]], [p.bbox[2], p.bbox[3]]), k as u32)
            })
            .collect();
        let mut index = AreaIndex { polygons, owner, tree: RTree::bulk_load(boxes), grid: None };
        let bbox = index
            .polygons
            .iter()
            .map(|p| p.bbox)
            .reduce(|a, b| [a[0].min(b[0]), a[1].min(b[1]), a[2].max(b[2]), a[3].max(b[3])]);
        // Finer grids for more detailed boundaries (about 8 √edges cells a side, at most
        // GRID_SIDE) and for more points (0.65 √points a side: 2,048 for 10 M points, where the
        // time saved in lookups was measured to outweigh the building; 4,096 cost more than it saved).
        let by_edges = ((segments.len() as f64).sqrt() * 8.0).min(GRID_SIDE as f64);
        let by_points = (points as f64).sqrt() * 0.65;
        let side = by_edges.max(by_points).clamp(16.0, GRID_SIDE_MAX as f64) as usize;
        let grid = bbox.map(|b| CellGrid::new(b, segments, side, |x, y| index.locate_exact(x, y)));
        index.grid = grid;
        index
    }

    /// The area containing (x, y): the lowest area index among the polygons that contain it.
    #[must_use]
    pub fn locate(&self, x: f64, y: f64) -> Option<u32> {
        match self.grid.as_ref().and_then(|g| g.lookup(x, y)) {
            Some(answer) => answer,
            None => self.locate_exact(x, y),
        }
    }

    /// [`AreaIndex::locate`] without the grid: the R*-tree and the prepared polygons.
    #[must_use]
    pub fn locate_exact(&self, x: f64, y: f64) -> Option<u32> {
        let mut best: Option<u32> = None;
        for hit in self.tree.locate_all_at_point(&[x, y]) {
            let area = self.owner[hit.data as usize];
            if best.is_some_and(|b| b <= area) {
                continue;
            }
            if self.polygons[hit.data as usize].contains(x, y) {
                best = Some(area);
            }
        }
        best
    }

    /// The number of prepared polygons.
    pub fn len(&self) -> usize {
        self.polygons.len()
    }

    /// Whether the index is empty.
    pub fn is_empty(&self) -> bool {
        self.polygons.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{polygon, MultiPolygon, Polygon};

    fn square(x0: f64, y0: f64, size: f64) -> Polygon<f64> {
        polygon![(x: x0, y: y0), (x: x0 + size, y: y0), (x: x0 + size, y: y0 + size), (x: x0, y: y0 + size)]
    }

    #[test]
    fn empty_and_degenerate_shapes_are_skipped() {
        assert!(PreparedPolygon::new(&MultiPolygon::<f64>(vec![])).is_none());
        let flat = polygon![(x: 0., y: 0.), (x: 10., y: 0.), (x: 5., y: 0.)];
        assert!(PreparedPolygon::new(&MultiPolygon(vec![flat])).is_none());
    }

    #[test]
    fn shared_border_points_go_to_exactly_one_area() {
        // Two RD-sized squares side by side and one above, far from the origin.
        let (x0, y0) = (150_000.0, 450_000.0);
        let a = MultiPolygon(vec![square(x0, y0, 1000.0)]);
        let b = MultiPolygon(vec![square(x0 + 1000.0, y0, 1000.0)]);
        let c = MultiPolygon(vec![square(x0, y0 + 1000.0, 2000.0)]);
        let idx = AreaIndex::new([(0, &a), (1, &b), (2, &c)]);
        // On the vertical border between a and b: the area to the right (b).
        assert_eq!(idx.locate(x0 + 1000.0, y0 + 500.0), Some(1));
        // On the horizontal border between a and c: the area above (c).
        assert_eq!(idx.locate(x0 + 500.0, y0 + 1000.0), Some(2));
        // The corner shared by all three.
        assert_eq!(idx.locate(x0 + 1000.0, y0 + 1000.0), Some(2));
        // Every point of a fine lattice over the union lands in exactly one area.
        for i in 0..=40 {
            for j in 0..=60 {
                let (x, y) = (x0 + i as f64 * 50.0, y0 + j as f64 * 50.0);
                let n = [&a, &b, &c].iter().filter(|s| PreparedPolygon::new(s).unwrap().contains(x, y)).count();
                let inside_union = x < x0 + 2000.0 && y < y0 + 3000.0;
                assert_eq!(n, usize::from(inside_union), "({x}, {y})");
            }
        }
    }

    #[test]
    fn holes_and_multiple_parts() {
        let outer = square(0.0, 0.0, 100.0);
        let hole = square(40.0, 40.0, 20.0);
        let donut = Polygon::new(outer.exterior().clone(), vec![hole.exterior().clone()]);
        let island = square(45.0, 45.0, 10.0); // a second part inside the hole
        let far = square(1000.0, 0.0, 10.0);
        let shape = MultiPolygon(vec![donut, island, far]);
        let p = PreparedPolygon::new(&shape).unwrap();
        assert!(p.contains(10.0, 10.0));
        assert!(!p.contains(42.0, 42.0), "in the hole");
        assert!(p.contains(50.0, 50.0), "on the island in the hole");
        assert!(p.contains(1005.0, 5.0), "in the far part");
        assert!(!p.contains(500.0, 5.0), "between the parts");
    }

    #[test]
    fn overlapping_parts_of_one_shape_are_a_union() {
        // As in the simplified CBS file for Goeree-Overflakkee: a small part inside a big one.
        let shape = MultiPolygon(vec![square(0.0, 0.0, 100.0), square(40.0, 40.0, 10.0)]);
        let p = PreparedPolygon::new(&shape).unwrap();
        assert!(p.contains(45.0, 45.0));
        assert!(p.contains(10.0, 10.0));
        assert!(!p.contains(150.0, 45.0));
    }

    #[test]
    fn overlaps_go_to_the_lowest_index() {
        let a = MultiPolygon(vec![square(0.0, 0.0, 10.0)]);
        let b = MultiPolygon(vec![square(5.0, 5.0, 10.0)]);
        let idx = AreaIndex::new([(7, &b), (3, &a)]);
        assert_eq!(idx.locate(7.0, 7.0), Some(3));
        assert_eq!(idx.locate(12.0, 12.0), Some(7));
        assert_eq!(idx.locate(50.0, 50.0), None);
    }

    #[test]
    fn the_grid_answers_exactly_like_the_exact_test_on_the_netherlands() {
        use rand::{Rng, SeedableRng};
        let b = crate::io::embedded::gemeenten_2023().unwrap();
        let shapes = || b.areas.iter().enumerate().map(|(k, a)| (k as u32, &a.shape));
        let vertices: Vec<(f64, f64)> = b
            .areas
            .iter()
            .flat_map(|a| a.shape.0.iter())
            .flat_map(|p| p.exterior().0.iter())
            .map(|c| (c.x, c.y))
            .collect();
        // The grid for the boundaries alone, and the finer one for 10 M points.
        let mut mixed = Vec::new();
        for idx in [AreaIndex::new(shapes()), AreaIndex::for_points(shapes(), 10_000_000)] {
            let grid = idx.grid.as_ref().unwrap();
            mixed.push(grid.mixed_share());
            let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
            let mut by_grid = 0;
            for k in 0..200_000 {
                // Random points over the country, and points within a metre of a boundary vertex.
                let (x, y) = if k % 2 == 0 {
                    (rng.random_range(0.0..290_000.0), rng.random_range(290_000.0..630_000.0))
                } else {
                    let v = vertices[rng.random_range(0..vertices.len())];
                    (v.0 + rng.random_range(-1.0..1.0), v.1 + rng.random_range(-1.0..1.0))
                };
                assert_eq!(idx.locate(x, y), idx.locate_exact(x, y), "({x}, {y})");
                by_grid += usize::from(grid.lookup(x, y).is_some());
            }
            assert!(by_grid > 70_000, "{by_grid} of 200,000 answered by the grid");
        }
        assert!(mixed[0] < 0.25 && mixed[1] < mixed[0] * 0.6, "share of cells an edge touches: {mixed:?}");
    }
}
