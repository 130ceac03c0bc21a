//! Where an operator's coverage grid and a prediction disagree: of an area's eligible cells (with
//! their exact areas), the part the operator claims covered at the speed but the prediction does
//! not reach, and the reverse. The prediction is read at the centre of each of the operator's
//! cells (its own lattice may differ; both in the same CRS); a cell without predicted data counts
//! as not predicted.

use serde::Serialize;

use crate::io::grids::Grid;
use crate::measure::cell_fraction::CellAreas;

/// The agreement of a claimed and a predicted grid over one area, m².
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Agreement {
    /// Claimed covered at the speed.
    pub claimed_m2: f64,
    /// Predicted covered at the speed.
    pub predicted_m2: f64,
    /// Claimed covered but predicted below the speed (or without prediction).
    pub claimed_only_m2: f64,
    /// Predicted covered but claimed below the speed (or without data).
    pub predicted_only_m2: f64,
}

/// How `claimed` and `predicted` agree over `cells` (an area's cells on `claimed`'s lattice) at
/// `required_mbps`.
#[must_use]
pub fn agreement(cells: &CellAreas, claimed: &Grid, predicted: &Grid, required_mbps: f64) -> Agreement {
    let mut out = Agreement::default();
    let s = &claimed.spec;
    for (row, col, len, a) in cells.iter_runs() {
        let y = s.y0 + (row as f64 + 0.5) * s.cell;
        for c in col..col + len {
            let x = s.x0 + (c as f64 + 0.5) * s.cell;
            let claims = f64::from(claimed.get(row, c)) >= required_mbps;
            let predicts = f64::from(predicted.at(x, y)) >= required_mbps;
            out.claimed_m2 += if claims { a } else { 0.0 };
            out.predicted_m2 += if predicts { a } else { 0.0 };
            out.claimed_only_m2 += if claims && !predicts { a } else { 0.0 };
            out.predicted_only_m2 += if predicts && !claims { a } else { 0.0 };
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::grid::{GridCrs, GridSpec};
    use geo::{polygon, MultiPolygon};

    fn grid(spec: GridSpec, mbps: Vec<f32>) -> Grid {
        Grid::in_memory(spec, GridCrs::RdNew, mbps, "t")
    }

    /// By hand: an area [50, 400] × [0, 100] on a claimed 100 m grid of four cells at 12, 12, 5,
    /// NaN Mbps (the first cell half inside: 5,000 m²), and a predicted 200 m grid of two cells at
    /// 3 and 20 Mbps. At 10 Mbps: claimed 5,000 + 10,000 = 15,000 m²; predicted (cells whose
    /// centre at x 250 and 350 fall in the second predicted cell) 20,000 m²; claimed only the
    /// first two cells' share in the first predicted cell, 15,000 m²; predicted only the last
    /// two cells, 20,000 m².
    #[test]
    fn agreement_by_hand() {
        let claimed =
            grid(GridSpec { x0: 0.0, y0: 0.0, cell: 100.0, cols: 4, rows: 1 }, vec![12.0, 12.0, 5.0, f32::NAN]);
        let predicted = grid(GridSpec { x0: 0.0, y0: 0.0, cell: 200.0, cols: 2, rows: 1 }, vec![3.0, 20.0]);
        let area =
            MultiPolygon(vec![polygon![(x: 50., y: 0.), (x: 400., y: 0.), (x: 400., y: 100.), (x: 50., y: 100.)]]);
        let cells = CellAreas::new(&area, &claimed.spec);
        let a = agreement(&cells, &claimed, &predicted, 10.0);
        let close = |x: f64, y: f64| (x - y).abs() < 1e-6;
        assert!(close(a.claimed_m2, 15_000.0) && close(a.predicted_m2, 20_000.0), "{a:?}");
        assert!(close(a.claimed_only_m2, 15_000.0) && close(a.predicted_only_m2, 20_000.0), "{a:?}");
        // Beyond the prediction's extent nothing is predicted.
        assert!(predicted.at(450.0, 50.0).is_nan() && predicted.at(-1.0, 50.0).is_nan());
    }
}
