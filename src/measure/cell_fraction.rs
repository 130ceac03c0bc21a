//! Exact area of every raster cell ∩ polygon, as exactextract computes it, without clipping.
//!
//! By Green's theorem the area of a region Q is ∮∂Q x dy, and for the part of a polygon P right of
//! a vertical line x = c, area(P ∩ {x ≥ c}) = ∮∂P max(x − c, 0) dy (the cut along x = c adds
//! nothing because x − c = 0 there). Within one row band of the grid, the band's horizontal
//! borders add nothing either (dy = 0), so only the pieces of P's edges inside the band count.
//! The area of the cell between column lines cᵢ and cᵢ₊₁ is F(cᵢ) − F(cᵢ₊₁), with
//! F(c) = Σ over edge pieces of ∫ max(x − c, 0) dy. Lines left of a piece get a term linear in c
//! (accumulated with difference arrays), lines that cut a piece get an exact quadratic term, so a
//! row costs O(edge pieces + cells) and cells fully inside come out as whole cells with no
//! polygon clipping. The polygon must be oriented (exterior counter-clockwise, holes clockwise)
//! and its parts must not overlap; [`prepare`] ensures both.

use crate::model::grid::GridSpec;
use geo::orient::{Direction, Orient};
use geo::{BooleanOps, MultiPolygon};

/// Makes a shape fit for [`for_each_cell`]: every part run through the polygon union, so
/// self-intersecting rings are split into simple ones and overlapping parts merged; rings oriented.
#[must_use]
pub fn prepare(shape: &MultiPolygon<f64>) -> MultiPolygon<f64> {
    shape
        .iter()
        .fold(MultiPolygon::new(Vec::new()), |acc, p| acc.union(&MultiPolygon::new(vec![p.clone()])))
        .orient(Direction::Default)
}

/// Calls `visit(row, col, area_m2)` for every cell of `grid` whose intersection with `shape`
/// has a positive area, in row then column order. Cells beyond the grid are not visited; the
/// part of `shape` outside the grid is simply not counted.
///
/// ```
/// use dekking::measure::cell_fraction::{for_each_cell, prepare};
/// use dekking::model::grid::GridSpec;
/// use geo::{polygon, MultiPolygon};
/// // A 15 m × 10 m rectangle from (5, 0) on a 10 m grid: half of cell 0, all of cell 1.
/// let shape = prepare(&MultiPolygon(vec![polygon![(x: 5., y: 0.), (x: 20., y: 0.), (x: 20., y: 10.), (x: 5., y: 10.)]]));
/// let grid = GridSpec { x0: 0.0, y0: 0.0, cell: 10.0, cols: 3, rows: 1 };
/// let mut cells = Vec::new();
/// for_each_cell(&shape, &grid, |r, c, a| cells.push((r, c, a)));
/// assert_eq!(cells, vec![(0, 0, 50.0), (0, 1, 100.0)]);
/// ```
pub fn for_each_cell(shape: &MultiPolygon<f64>, grid: &GridSpec, mut visit: impl FnMut(usize, usize, f64)) {
    for_each_run(shape, grid, |row, col, len, area| (col..col + len).for_each(|c| visit(row, c, area)));
}

/// [`for_each_cell`] with consecutive cells of a row of the same area (the whole cells inside)
/// given at once: `visit(row, first_col, cells, area_m2)`.
pub fn for_each_run(shape: &MultiPolygon<f64>, grid: &GridSpec, mut visit: impl FnMut(usize, usize, usize, f64)) {
    // Edges in grid-local coordinates (origin at the grid's south-west corner) for precision.
    let mut edges: Vec<[f64; 4]> = Vec::new();
    let (mut xmin, mut ymin, mut xmax, mut ymax) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for poly in shape {
        for ring in std::iter::once(poly.exterior()).chain(poly.interiors()) {
            for l in ring.lines() {
                let (a, b) = (l.start, l.end);
                if a.y == b.y {
                    continue;
                }
                let e = [a.x - grid.x0, a.y - grid.y0, b.x - grid.x0, b.y - grid.y0];
                xmin = xmin.min(e[0].min(e[2]));
                xmax = xmax.max(e[0].max(e[2]));
                ymin = ymin.min(e[1].min(e[3]));
                ymax = ymax.max(e[1].max(e[3]));
                edges.push(e);
            }
        }
    }
    if edges.is_empty() {
        return;
    }
    let s = grid.cell;
    let clamp_row = |v: f64| (v / s).floor().clamp(0.0, grid.rows as f64 - 1.0) as usize;
    let clamp_col = |v: f64| (v / s).floor().clamp(0.0, grid.cols as f64 - 1.0) as usize;
    if ymax <= 0.0 || xmax <= 0.0 || ymin >= grid.rows as f64 * s || xmin >= grid.cols as f64 * s {
        return;
    }
    let (r0, r1) = (clamp_row(ymin), clamp_row(ymax));
    let (c0, c1) = (clamp_col(xmin), clamp_col(xmax));
    // Edges per row band.
    let mut by_row: Vec<Vec<u32>> = vec![Vec::new(); r1 - r0 + 1];
    for (k, e) in edges.iter().enumerate() {
        let (lo, hi) = (e[1].min(e[3]), e[1].max(e[3]));
        if hi <= r0 as f64 * s || lo >= (r1 + 1) as f64 * s {
            continue;
        }
        for list in &mut by_row[clamp_row(lo) - r0..=clamp_row(hi) - r0] {
            list.push(k as u32);
        }
    }
    let width = c1 - c0 + 1;
    // F at column lines c0..=c1+1: F = lin_a + lin_b * c (difference arrays) + exact part.
    let mut lin_a = vec![0.0f64; width + 2];
    let mut lin_b = vec![0.0f64; width + 2];
    let mut exact = vec![0.0f64; width + 1];
    let full = grid.cell_area();
    for (j, list) in by_row.iter().enumerate() {
        let row = r0 + j;
        let (yb, yt) = (row as f64 * s, (row + 1) as f64 * s);
        lin_a.iter_mut().for_each(|v| *v = 0.0);
        lin_b.iter_mut().for_each(|v| *v = 0.0);
        exact.iter_mut().for_each(|v| *v = 0.0);
        let mut any = false;
        for &k in list {
            let [xa, ya, xb, yb2] = edges[k as usize];
            // The piece of the edge inside the band, keeping its direction.
            let t = |y: f64| (y - ya) / (yb2 - ya);
            let (ta, tb) = {
                let (t1, t2) = (t(yb), t(yt));
                (t1.min(t2).max(0.0), t1.max(t2).min(1.0))
            };
            if tb <= ta {
                continue;
            }
            let (px, py) = (xa + ta * (xb - xa), ya + ta * (yb2 - ya));
            let (qx, qy) = (xa + tb * (xb - xa), ya + tb * (yb2 - ya));
            let dy = qy - py;
            if dy == 0.0 {
                continue;
            }
            any = true;
            let (lo, hi) = (px.min(qx), px.max(qx));
            let xm = 0.5 * (px + qx);
            // Column lines at index i (0-based from c0) sit at x = (c0 + i) * s.
            let line = |i: usize| (c0 + i) as f64 * s;
            // Lines with x <= lo: linear term; they are the prefix 0..=k_lo.
            let k_lo = ((lo / s).floor() as i64 - c0 as i64).min(width as i64);
            if k_lo >= 0 {
                let k = k_lo as usize;
                lin_a[0] += dy * xm;
                lin_b[0] -= dy;
                lin_a[k + 1] -= dy * xm;
                lin_b[k + 1] += dy;
            }
            // Lines strictly between lo and hi: exact quadratic term.
            let first = (k_lo + 1).max(0) as usize;
            let mut i = first;
            while i <= width && line(i) < hi {
                let c = line(i);
                if c > lo {
                    exact[i] += dy * (hi - c) * (hi - c) / (2.0 * (hi - lo));
                }
                i += 1;
            }
        }
        if !any {
            continue;
        }
        let (mut a, mut b) = (0.0, 0.0);
        let mut f_prev = 0.0;
        // The run being gathered: its first column and length, and its cells' area.
        let (mut first, mut len, mut run_area) = (0, 0, 0.0f64);
        for i in 0..=width {
            a += lin_a[i];
            b += lin_b[i];
            let f = a + b * ((c0 + i) as f64 * s) + exact[i];
            if i > 0 {
                let area = (f_prev - f).clamp(0.0, full);
                let col = c0 + i - 1;
                if area > full * 1e-12 {
                    if len > 0 && first + len == col && area.to_bits() == run_area.to_bits() {
                        len += 1;
                    } else {
                        if len > 0 {
                            visit(row, first, len, run_area);
                        }
                        (first, len, run_area) = (col, 1, area);
                    }
                }
            }
            f_prev = f;
        }
        if len > 0 {
            visit(row, first, len, run_area);
        }
    }
}

/// The cells of a shape on a grid with their areas, as [`for_each_cell`] visits them, for
/// several grids of the same cells (one per operator): computed once, visited again at the cost
/// of a lookup a cell. Consecutive cells of a row with the same area (the whole cells inside)
/// are stored once, as a run.
///
/// ```
/// use dekking::measure::cell_fraction::{prepare, CellAreas};
/// use dekking::model::grid::GridSpec;
/// use geo::{polygon, MultiPolygon};
/// let shape = prepare(&MultiPolygon(vec![polygon![(x: 5., y: 0.), (x: 40., y: 0.), (x: 40., y: 10.), (x: 5., y: 10.)]]));
/// let grid = GridSpec { x0: 0.0, y0: 0.0, cell: 10.0, cols: 5, rows: 1 };
/// let cells = CellAreas::new(&shape, &grid);
/// let mut visited = Vec::new();
/// cells.for_each(|r, c, a| visited.push((r, c, a)));
/// assert_eq!(visited, vec![(0, 0, 50.0), (0, 1, 100.0), (0, 2, 100.0), (0, 3, 100.0)]);
/// assert_eq!(cells.runs(), 2);
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CellAreas {
    runs: Vec<Run>,
}

/// `len` consecutive cells of a row from column `col`, each with `area` m².
#[derive(Debug, Clone, Copy, PartialEq)]
struct Run {
    row: u32,
    col: u32,
    len: u32,
    area: f64,
}

impl CellAreas {
    /// The cells of `shape` (as [`for_each_cell`] takes it) on `grid`.
    #[must_use]
    pub fn new(shape: &MultiPolygon<f64>, grid: &GridSpec) -> CellAreas {
        let mut runs = Vec::new();
        for_each_run(shape, grid, |row, col, len, area| {
            runs.push(Run { row: row as u32, col: col as u32, len: len as u32, area })
        });
        CellAreas { runs }
    }

    /// Calls `visit(row, col, area_m2)` for every cell, in the order and with the areas of
    /// [`for_each_cell`].
    pub fn for_each(&self, mut visit: impl FnMut(usize, usize, f64)) {
        for (row, col, len, area) in self.iter_runs() {
            (col..col + len).for_each(|c| visit(row, c, area));
        }
    }

    /// The runs `(row, first_col, cells, area_m2)` in order, as [`for_each_run`] gives them.
    pub fn iter_runs(&self) -> impl Iterator<Item = (usize, usize, usize, f64)> + '_ {
        self.runs.iter().map(|r| (r.row as usize, r.col as usize, r.len as usize, r.area))
    }

    /// The number of runs stored (24 bytes each).
    #[must_use]
    pub fn runs(&self) -> usize {
        self.runs.len()
    }
}

/// The total area of `shape` inside the grid, m² (the sum of [`for_each_cell`]).
#[must_use]
pub fn area_in_grid(shape: &MultiPolygon<f64>, grid: &GridSpec) -> f64 {
    let mut total = 0.0;
    for_each_cell(shape, grid, |_, _, a| total += a);
    total
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{polygon, Area, LineString, Polygon};

    fn cells(shape: &MultiPolygon<f64>, grid: &GridSpec) -> Vec<(usize, usize, f64)> {
        let mut v = Vec::new();
        for_each_cell(&prepare(shape), grid, |r, c, a| v.push((r, c, a)));
        v
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-6 * b.abs().max(1.0)
    }

    #[test]
    fn stored_cells_replay_the_visit() {
        // A rotated square with a hole, on a grid that cuts it off on the east: partial cells
        // on every side, runs of whole cells between them.
        let shape = prepare(&MultiPolygon(vec![polygon![
            exterior: [(x: 50., y: 3.), (x: 97., y: 50.), (x: 50., y: 97.), (x: 3., y: 50.)],
            interiors: [[(x: 40., y: 40.), (x: 40., y: 60.), (x: 60., y: 60.), (x: 60., y: 40.)]],
        ]]));
        let g = GridSpec { x0: 0.0, y0: 0.0, cell: 4.0, cols: 22, rows: 25 };
        let stored = CellAreas::new(&shape, &g);
        let mut replayed = Vec::new();
        stored.for_each(|r, c, a| replayed.push((r, c, a)));
        assert_eq!(replayed, cells(&shape, &g));
        assert!(stored.runs() < replayed.len() / 2, "{} runs for {} cells", stored.runs(), replayed.len());
        // Each cell's area against the cell clipped by the shape (geo's boolean operations).
        let visited: std::collections::HashMap<(usize, usize), f64> =
            replayed.iter().map(|&(r, c, a)| ((r, c), a)).collect();
        for (r, c) in (0..g.rows).flat_map(|r| (0..g.cols).map(move |c| (r, c))) {
            let (x, y) = (c as f64 * g.cell, r as f64 * g.cell);
            let cell = MultiPolygon(vec![
                polygon![(x: x, y: y), (x: x + g.cell, y: y), (x: x + g.cell, y: y + g.cell), (x: x, y: y + g.cell)],
            ]);
            let clipped = shape.intersection(&cell).unsigned_area();
            let got = visited.get(&(r, c)).copied().unwrap_or(0.0);
            assert!((got - clipped).abs() < 1e-9, "cell ({r}, {c}): {got} vs {clipped}");
        }
    }

    #[test]
    fn empty_shape_visits_nothing() {
        let g = GridSpec { x0: 0.0, y0: 0.0, cell: 10.0, cols: 4, rows: 4 };
        assert!(cells(&MultiPolygon(vec![]), &g).is_empty());
    }

    #[test]
    fn triangle_by_hand() {
        // Right triangle (0,0) (20,0) (0,20) on a 10 m grid: cells (0,0) full 100, (0,1) and (1,0) 50 each.
        let g = GridSpec { x0: 0.0, y0: 0.0, cell: 10.0, cols: 2, rows: 2 };
        let tri = MultiPolygon(vec![polygon![(x: 0., y: 0.), (x: 20., y: 0.), (x: 0., y: 20.)]]);
        let got = cells(&tri, &g);
        assert_eq!(got.len(), 3);
        let want = [(0, 0, 100.0), (0, 1, 50.0), (1, 0, 50.0)];
        for ((r, c, a), (wr, wc, wa)) in got.iter().zip(want) {
            assert!((*r, *c) == (wr, wc) && close(*a, wa), "{got:?}");
        }
    }

    #[test]
    fn hole_and_two_parts_far_from_origin() {
        // RD-sized coordinates: a 300 m square with a 100 m hole in the middle, plus a second part.
        let (x0, y0) = (155_000.0, 463_000.0);
        let sq =
            |x: f64, y: f64, w: f64| LineString::from(vec![(x, y), (x + w, y), (x + w, y + w), (x, y + w), (x, y)]);
        let donut = Polygon::new(sq(x0, y0, 300.0), vec![sq(x0 + 100.0, y0 + 100.0, 100.0)]);
        let other = Polygon::new(sq(x0 + 425.0, y0 + 25.0, 50.0), vec![]);
        let shape = MultiPolygon(vec![donut, other]);
        let g = GridSpec { x0, y0, cell: 100.0, cols: 5, rows: 3 };
        let got = cells(&shape, &g);
        // 8 full cells around the hole, and the 50 m square split over cell (0, 4) only.
        assert_eq!(got.iter().filter(|c| close(c.2, 10_000.0)).count(), 8);
        assert!(!got.iter().any(|c| (c.0, c.1) == (1, 1)), "the hole");
        let part = got.iter().find(|c| (c.0, c.1) == (0, 4)).unwrap();
        assert!(close(part.2, 2_500.0));
        let total: f64 = got.iter().map(|c| c.2).sum();
        assert!(close(total, shape.unsigned_area()));
    }

    #[test]
    fn sum_equals_polygon_area_for_an_irregular_shape() {
        // A jagged, concave polygon with edges at all angles, on a 7 m grid with an odd origin.
        let pts: Vec<(f64, f64)> = (0..40)
            .map(|i| {
                let a = i as f64 / 40.0 * std::f64::consts::TAU;
                let r = 100.0 + 40.0 * (3.0 * a).sin() + 15.0 * (7.0 * a).cos();
                (1_000.0 + r * a.cos(), 2_000.0 + r * a.sin())
            })
            .collect();
        let shape = MultiPolygon(vec![Polygon::new(LineString::from(pts), vec![])]);
        let g = GridSpec { x0: 850.3, y0: 1_849.9, cell: 7.0, cols: 50, rows: 50 };
        let got = cells(&shape, &g);
        let total: f64 = got.iter().map(|c| c.2).sum();
        assert!(close(total, shape.unsigned_area()), "{total} vs {}", shape.unsigned_area());
        assert!(got.iter().all(|c| c.2 <= 49.0 + 1e-9));
    }

    #[test]
    fn clockwise_input_and_overlapping_parts_are_fixed_by_prepare() {
        let cw = polygon![(x: 0., y: 0.), (x: 0., y: 10.), (x: 10., y: 10.), (x: 10., y: 0.)];
        let inner = polygon![(x: 2., y: 2.), (x: 4., y: 2.), (x: 4., y: 4.), (x: 2., y: 4.)];
        let g = GridSpec { x0: 0.0, y0: 0.0, cell: 10.0, cols: 1, rows: 1 };
        let got = cells(&MultiPolygon(vec![cw, inner]), &g);
        assert_eq!(got.len(), 1);
        assert!(close(got[0].2, 100.0));
    }

    #[test]
    fn self_intersecting_ring_counts_both_lobes() {
        // A bow-tie: two triangles of 25 m² each that a signed area would cancel out.
        let bowtie = MultiPolygon(vec![polygon![(x: 0., y: 0.), (x: 10., y: 10.), (x: 10., y: 0.), (x: 0., y: 10.)]]);
        let g = GridSpec { x0: 0.0, y0: 0.0, cell: 10.0, cols: 1, rows: 1 };
        let got = cells(&bowtie, &g);
        assert!(close(got.iter().map(|c| c.2).sum::<f64>(), 50.0), "{got:?}");
    }

    #[test]
    fn shape_partly_outside_the_grid_counts_only_the_inside() {
        let g = GridSpec { x0: 0.0, y0: 0.0, cell: 10.0, cols: 2, rows: 2 };
        let big = MultiPolygon(vec![polygon![(x: -5., y: -5.), (x: 15., y: -5.), (x: 15., y: 15.), (x: -5., y: 15.)]]);
        let total: f64 = cells(&big, &g).iter().map(|c| c.2).sum();
        assert!(close(total, 225.0), "{total}");
    }
}
