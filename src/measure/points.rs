//! Point coverage for obligations that count addresses, households or people: each point of an
//! area, with its weight, is covered when the grid cell it lies in has at least the required
//! speed. Cells are half-open, `[x0 + c·cell, x0 + (c+1)·cell) × [y0 + r·cell, …)`, so a point on
//! an edge between two cells belongs to the cell east or north of it.

use crate::io::grids::Grid;
use crate::measure::mobile::Covered;

/// The points of one area, in the grid's CRS.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AreaPoints {
    /// The weight of every point in the area, excluded ones too.
    pub total: f64,
    /// The weight of the points inside an exclusion layer.
    pub excluded: f64,
    /// The eligible points: (x, y, weight), x and y in the grid's CRS (metres).
    pub eligible: Vec<(f64, f64, f64)>,
}

impl AreaPoints {
    /// The weight of the eligible points.
    #[must_use]
    pub fn eligible_weight(&self) -> f64 {
        self.eligible.iter().map(|p| p.2).sum()
    }
}

/// The weight of `points`' eligible points in cells of `grid` at or above `required_mbps`
/// (`covered`), and in nodata cells or outside the grid (`nodata`).
#[must_use]
pub fn covered_points(points: &AreaPoints, grid: &Grid, required_mbps: f64) -> Covered {
    let (mut covered, mut nodata) = (0.0, 0.0);
    for &(x, y, w) in &points.eligible {
        let v = f64::from(grid.at(x, y));
        if v.is_nan() {
            nodata += w;
        } else if v >= required_mbps {
            covered += w;
        }
    }
    Covered { covered, nodata }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::grid::{GridCrs, GridSpec};

    fn grid(mbps: Vec<f32>) -> Grid {
        Grid::in_memory(GridSpec { x0: 0.0, y0: 0.0, cell: 100.0, cols: 2, rows: 2 }, GridCrs::RdNew, mbps, "t")
    }

    /// Hand computation on a 2 × 2 grid of 100 m cells, speeds (row 0) 12, 5 and (row 1) NaN, 30:
    /// a household of 3 at (50, 50) in cell (0, 0) at 12 Mbps, 2 at (150, 50) at 5 Mbps, 4 at
    /// (50, 150) without data, 1 at (100, 100) on the corner, so in cell (1, 1) at 30 Mbps, and 5
    /// at (250, 50) beyond the grid. At 10 Mbps: covered 3 + 1 = 4, nodata 4 + 5 = 9, of 15.
    #[test]
    fn weighted_points_by_their_cell() {
        let g = grid(vec![12.0, 5.0, f32::NAN, 30.0]);
        let p = AreaPoints {
            total: 15.0,
            excluded: 0.0,
            eligible: vec![
                (50.0, 50.0, 3.0),
                (150.0, 50.0, 2.0),
                (50.0, 150.0, 4.0),
                (100.0, 100.0, 1.0),
                (250.0, 50.0, 5.0),
            ],
        };
        assert_eq!(covered_points(&p, &g, 10.0), Covered { covered: 4.0, nodata: 9.0 });
        // At 5 Mbps the 5 Mbps household counts too (at or above); at 31 none does.
        assert_eq!(covered_points(&p, &g, 5.0).covered, 6.0);
        assert_eq!(covered_points(&p, &g, 31.0).covered, 0.0);
        assert_eq!(p.eligible_weight(), 15.0);
    }
}
