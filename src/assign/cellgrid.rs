//! A uniform grid over a set of polygons that answers point-in-polygon for most points with one
//! array lookup: a cell that no polygon edge touches lies wholly inside one answer (an area or
//! none), so every point in it gets that answer; only cells an edge touches need the exact test.
//!
//! The uniform cells are labelled row by row: neighbouring untouched cells share their answer (no
//! edge separates them), so a run of them in a row takes the answer of a labelled cell above it,
//! and only a run with none above needs one exact test.

/// A cell of the grid: the area index every point in it has, or one of three marks in the values
/// above any index. Four bytes, like the bare index.
#[repr(transparent)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Cell(u32);

impl Cell {
    /// Every point in the cell lies outside every area.
    const OUTSIDE: Cell = Cell(u32::MAX);
    /// An edge touches the cell: its points need the exact test.
    const MIXED: Cell = Cell(u32::MAX - 1);
    /// While the grid is built: not yet labelled.
    const UNSET: Cell = Cell(u32::MAX - 2);

    /// Every point in the cell lies in the area at `index`, or outside every area.
    fn answer(index: Option<u32>) -> Cell {
        index.map_or(Cell::OUTSIDE, |i| {
            debug_assert!(i < Cell::UNSET.0, "area indices stay below the marks");
            Cell(i)
        })
    }
}

/// The grid: per cell an area, outside every area, or mixed (an edge touches it).
#[derive(Debug, Clone)]
pub struct CellGrid {
    x0: f64,
    y0: f64,
    /// Cells per unit of length (1 / size): a point's cell by multiplication. A point within a
    /// rounding error of a cell's border may land in the neighbour, whose answer is then still
    /// its own: cells within [`CellGrid::new`]'s margin of an edge are never uniform.
    scale: f64,
    nx: usize,
    ny: usize,
    cells: Vec<Cell>,
}

impl CellGrid {
    /// Builds a grid of at most `max_side` × `max_side` cells over `bbox` (min x, min y, max x,
    /// max y). `segments` are every edge of every polygon (horizontal ones too); `exact` is the
    /// point-in-polygon answer the grid must reproduce.
    #[must_use]
    pub fn new(
        bbox: [f64; 4],
        segments: impl IntoIterator<Item = [f64; 4]>,
        max_side: usize,
        exact: impl Fn(f64, f64) -> Option<u32>,
    ) -> CellGrid {
        let (dx, dy) = (bbox[2] - bbox[0], bbox[3] - bbox[1]);
        let size = (dx.max(dy) / max_side as f64).max(f64::MIN_POSITIVE);
        let (nx, ny) = ((dx / size).ceil() as usize + 1, (dy / size).ceil() as usize + 1);
        let mut grid =
            CellGrid { x0: bbox[0], y0: bbox[1], scale: 1.0 / size, nx, ny, cells: vec![Cell::UNSET; nx * ny] };
        // A margin of a millionth of a cell, so rounding cannot leave an edge's cell unmarked.
        let eps = size * 1e-6;
        for [ax, ay, bx, by] in segments {
            // Pieces of at most half a cell, each marking the cells of its own bounding box: every
            // cell the segment passes through is marked, and a long diagonal edge marks a band
            // along itself rather than its whole bounding box.
            let pieces = ((bx - ax).abs().max((by - ay).abs()) / (size / 2.0)).ceil().max(1.0) as usize;
            for p in 0..pieces {
                let (t0, t1) = (p as f64 / pieces as f64, (p + 1) as f64 / pieces as f64);
                let (x0, y0, x1, y1) =
                    (ax + (bx - ax) * t0, ay + (by - ay) * t0, ax + (bx - ax) * t1, ay + (by - ay) * t1);
                let (i0, i1) = (grid.col(x0.min(x1) - eps), grid.col(x0.max(x1) + eps));
                let (j0, j1) = (grid.row(y0.min(y1) - eps), grid.row(y0.max(y1) + eps));
                for j in j0..=j1 {
                    grid.cells[j * nx + i0..=j * nx + i1].fill(Cell::MIXED);
                }
            }
        }
        // Row by row, each run of unmarked cells is one answer: that of a labelled cell above
        // it (no edge separates them), else the exact answer at the run's first cell.
        for j in 0..ny {
            let row = j * nx;
            let mut i = 0;
            while i < nx {
                if grid.cells[row + i] != Cell::UNSET {
                    i += 1;
                    continue;
                }
                let start = i;
                while i < nx && grid.cells[row + i] == Cell::UNSET {
                    i += 1;
                }
                let above = if j > 0 {
                    grid.cells[row - nx + start..row - nx + i].iter().copied().find(|&c| c != Cell::MIXED)
                } else {
                    None
                };
                let answer = above.unwrap_or_else(|| {
                    Cell::answer(exact(grid.x0 + (start as f64 + 0.5) * size, grid.y0 + (j as f64 + 0.5) * size))
                });
                grid.cells[row + start..row + i].fill(answer);
            }
        }
        grid
    }

    // The column and row of a coordinate, clamped to the grid. A cast to `usize` truncates and
    // sends negatives and NaN to 0, which is `floor().max(0.0)` without a call to `floor`
    // (x86_64 without SSE4.1 has no instruction for it).
    fn col(&self, x: f64) -> usize {
        (((x - self.x0) * self.scale) as usize).min(self.nx - 1)
    }

    fn row(&self, y: f64) -> usize {
        (((y - self.y0) * self.scale) as usize).min(self.ny - 1)
    }

    /// The answer for (x, y) when its cell is uniform: `Some(Some(area))` or `Some(None)`;
    /// `None` when an edge touches the cell or the point is off the grid (use the exact test).
    #[must_use]
    pub fn lookup(&self, x: f64, y: f64) -> Option<Option<u32>> {
        let (fx, fy) = ((x - self.x0) * self.scale, (y - self.y0) * self.scale);
        if !(fx >= 0.0 && fy >= 0.0 && fx < self.nx as f64 && fy < self.ny as f64) {
            return None;
        }
        match self.cells[fy as usize * self.nx + fx as usize] {
            Cell::MIXED => None,
            Cell::OUTSIDE => Some(None),
            Cell(area) => Some(Some(area)),
        }
    }

    /// The share of cells that need the exact test, 0–1.
    #[must_use]
    pub fn mixed_share(&self) -> f64 {
        self.cells.iter().filter(|&&c| c == Cell::MIXED).count() as f64 / self.cells.len().max(1) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uniform_cells_answer_like_the_exact_test() {
        // A diamond: |x| + |y| < 10, area 5; outside none.
        let exact = |x: f64, y: f64| (x.abs() + y.abs() < 10.0).then_some(5);
        let pts = [(10.0, 0.0), (0.0, 10.0), (-10.0, 0.0), (0.0, -10.0), (10.0, 0.0)];
        let segs: Vec<[f64; 4]> = pts.windows(2).map(|w| [w[0].0, w[0].1, w[1].0, w[1].1]).collect();
        let g = CellGrid::new([-10.0, -10.0, 10.0, 10.0], segs, 64, exact);
        let mut uniform = 0;
        for i in 0..400 {
            for j in 0..400 {
                let (x, y) = (-10.0 + i as f64 * 0.05, -10.0 + j as f64 * 0.05);
                if let Some(a) = g.lookup(x, y) {
                    assert_eq!(a, exact(x, y), "({x}, {y})");
                    uniform += 1;
                }
            }
        }
        assert!(uniform > 100_000, "{uniform} of 160000 answered by the grid");
        assert!(g.mixed_share() < 0.2);
        assert_eq!(g.lookup(50.0, 0.0), None, "off the grid");
    }
}
