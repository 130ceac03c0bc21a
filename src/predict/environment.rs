//! The environment of each grid cell, from address density as CBS measures urbanity: the
//! omgevingsadressendichtheid — the addresses within 1 km of a place, per km² of that circle.
//! Urban from 1,500 addresses/km² (CBS's "sterk" and "zeer sterk stedelijk"), suburban from 500
//! ("matig" and "weinig stedelijk"), rural below ("niet stedelijk"). The addresses are counted
//! per cell of the grid, and a cell's density sums the cells whose centres lie within the
//! radius of its own, so it is exact to the grid's resolution; addresses beyond the grid's
//! extent are not counted.

use rayon::prelude::*;

use crate::model::grid::GridSpec;
use crate::predict::pathloss::Model;

/// Urban from this many addresses per km².
pub const URBAN_FROM: f64 = 1_500.0;
/// Suburban from this many addresses per km².
pub const SUBURBAN_FROM: f64 = 500.0;
/// The radius of the density, m.
pub const RADIUS_M: f64 = 1_000.0;

/// A cell's environment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Environment {
    /// At least [`URBAN_FROM`] addresses per km².
    Urban,
    /// At least [`SUBURBAN_FROM`].
    Suburban,
    /// Fewer.
    Rural,
}

impl Environment {
    /// The environment of a raster class: 1 urban, 2 suburban, 3 rural; `None` for any other
    /// value or no data.
    #[must_use]
    pub fn of_class(value: f32) -> Option<Environment> {
        [(1.0, Environment::Urban), (2.0, Environment::Suburban), (3.0, Environment::Rural)]
            .into_iter()
            .find(|(class, _)| *class == value)
            .map(|(_, e)| e)
    }

    /// The environment of a density, addresses per km².
    #[must_use]
    pub fn of_density(per_km2: f64) -> Environment {
        if per_km2 >= URBAN_FROM {
            Environment::Urban
        } else if per_km2 >= SUBURBAN_FROM {
            Environment::Suburban
        } else {
            Environment::Rural
        }
    }
}

/// The model of each environment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Models {
    /// For urban cells.
    pub urban: Model,
    /// For suburban cells.
    pub suburban: Model,
    /// For rural cells.
    pub rural: Model,
}

impl Models {
    /// The model of `environment`.
    #[must_use]
    pub fn of(&self, environment: Environment) -> Model {
        match environment {
            Environment::Urban => self.urban,
            Environment::Suburban => self.suburban,
            Environment::Rural => self.rural,
        }
    }
}

/// Addresses per km² within [`RADIUS_M`] of each cell centre of `spec` (row-major from the
/// south), from the addresses at `points` (same CRS).
#[must_use]
pub fn density(points: &[(f64, f64)], spec: &GridSpec) -> Vec<f64> {
    let (cols, rows) = (spec.cols as i64, spec.rows as i64);
    let mut counts = vec![0u32; spec.cols * spec.rows];
    for &(x, y) in points {
        let (c, r) = (((x - spec.x0) / spec.cell).floor() as i64, ((y - spec.y0) / spec.cell).floor() as i64);
        if (0..cols).contains(&c) && (0..rows).contains(&r) {
            counts[(r * cols + c) as usize] += 1;
        }
    }
    let reach = (RADIUS_M / spec.cell).floor() as i64;
    let offsets: Vec<(i64, i64)> = (-reach..=reach)
        .flat_map(|dr| (-reach..=reach).map(move |dc| (dr, dc)))
        .filter(|&(dr, dc)| ((dr * dr + dc * dc) as f64) * spec.cell * spec.cell <= RADIUS_M * RADIUS_M)
        .collect();
    let circle_km2 = std::f64::consts::PI * RADIUS_M * RADIUS_M / 1e6;
    (0..rows)
        .into_par_iter()
        .flat_map_iter(|r| (0..cols).map(move |c| (r, c)))
        .map(|(r, c)| {
            let n: u64 = offsets
                .iter()
                .filter_map(|&(dr, dc)| {
                    let (rr, cc) = (r + dr, c + dc);
                    ((0..rows).contains(&rr) && (0..cols).contains(&cc))
                        .then(|| u64::from(counts[(rr * cols + cc) as usize]))
                })
                .sum();
            n as f64 / circle_km2
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// By hand on a 500 m grid: the circle of 1 km around a cell centre takes the centres of the
    /// 3 × 3 block around it (the diagonals 707 m away) and the four 1,000 m away straight, 13
    /// cells. 4,800 addresses in one cell: it and those 12 have 4,800 / π = 1,527.9 per km²,
    /// urban; 1,600 addresses give 509.3, suburban; a cell 1,118 or 1,500 m away has none, rural.
    #[test]
    fn density_by_hand() {
        let spec = GridSpec { x0: 0.0, y0: 0.0, cell: 500.0, cols: 7, rows: 7 };
        let many: Vec<(f64, f64)> = (0..4800).map(|_| (1750.0, 1750.0)).collect();
        let d = density(&many, &spec);
        let at = |c: usize, r: usize| d[r * 7 + c];
        assert!((at(3, 3) - 4800.0 / std::f64::consts::PI).abs() < 1e-9);
        assert_eq!(Environment::of_density(at(3, 3)), Environment::Urban);
        assert_eq!(at(4, 4), at(3, 3), "the diagonal neighbour, 707 m away");
        assert_eq!(at(5, 3), at(3, 3), "1,000 m straight east");
        assert_eq!(at(5, 4), 0.0, "1,118 m away");
        assert_eq!(at(6, 3), 0.0, "1,500 m away");
        assert_eq!(Environment::of_density(at(6, 3)), Environment::Rural);
        let some: Vec<(f64, f64)> = (0..1600).map(|_| (1750.0, 1750.0)).collect();
        assert_eq!(Environment::of_density(density(&some, &spec)[3 * 7 + 3]), Environment::Suburban);
        // Raster classes: 1, 2, 3; anything else (no data, 0, 1.5) is no class.
        assert_eq!(Environment::of_class(1.0), Some(Environment::Urban));
        assert_eq!(Environment::of_class(3.0), Some(Environment::Rural));
        assert!([0.0, 1.5, f32::NAN].iter().all(|&v| Environment::of_class(v).is_none()));
        // Addresses beyond the extent are not counted.
        assert!(density(&[(-10.0, 10.0), (3600.0, 10.0)], &spec).iter().all(|&v| v == 0.0));
    }
}
