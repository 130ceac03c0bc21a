//! Synthetic coverage grids (100 m for the demo, any cell size for benchmarks) for the three
//! 700 MHz licence holders over the real NL map.
//!
//! Every cell gets a speed from a seeded hash: most cells 20–60 Mbps, a thin speckle of slow
//! cells everywhere (well under 2 % of the area), and, per operator, a few gemeenten that are
//! deliberately short (about 5 % of their cells slow). The grids say nothing about real networks.

use rayon::prelude::*;

use super::unit;

use crate::assign::pip::PreparedPolygon;
use crate::model::areas::Boundary;
use crate::model::grid::GridSpec;

/// The demo grid: 100 m cells over RD x 0–280 km, y 300–625 km.
pub const DEMO_GRID: GridSpec = GridSpec { x0: 0.0, y0: 300_000.0, cell: 100.0, cols: 2_800, rows: 3_250 };

/// The demo grid's extent with cells of `cell` metres (which must divide 5 km).
#[must_use]
pub fn national_grid(cell: f64) -> GridSpec {
    let side = |km: f64| (km * 1000.0 / cell).round() as usize;
    GridSpec { x0: 0.0, y0: 300_000.0, cell, cols: side(280.0), rows: side(325.0) }
}

/// Share of slow cells everywhere, and in the deliberately short gemeenten.
const SPECKLE: f64 = 0.004;
const SHORT: f64 = 0.05;

/// The gemeenten made deliberately short for operator `k` (indices into `areas`).
#[must_use]
pub fn short_gemeenten(areas: &[Boundary], k: usize, seed: u64) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..areas.len()).collect();
    idx.sort_by(|a, b| unit(seed, k as u64 + 101, *a as u64).total_cmp(&unit(seed, k as u64 + 101, *b as u64)));
    idx.truncate(3);
    idx.sort_unstable();
    idx
}

/// The speed grid (Mbps, row-major from the south) of operator number `k` on `g`.
#[must_use]
pub fn operator_grid(areas: &[Boundary], k: usize, seed: u64, g: &GridSpec) -> Vec<f32> {
    let op = k as u64 + 1;
    let mut v = vec![0f32; g.rows * g.cols];
    v.par_chunks_mut(g.cols).enumerate().for_each(|(r, row)| {
        for (c, x) in row.iter_mut().enumerate() {
            let i = (r * g.cols + c) as u64;
            *x = if unit(seed, op, i) < SPECKLE { 3.0 } else { (20.0 + 40.0 * unit(seed ^ 0xABCD, op, i)) as f32 };
        }
    });
    for a in short_gemeenten(areas, k, seed) {
        let Some(p) = PreparedPolygon::new(&areas[a].shape) else { continue };
        let [x0, y0, x1, y1] = p.bbox;
        let c0 = ((x0 - g.x0) / g.cell).floor().max(0.0) as usize;
        let c1 = (((x1 - g.x0) / g.cell).ceil() as usize).min(g.cols);
        let r0 = ((y0 - g.y0) / g.cell).floor().max(0.0) as usize;
        let r1 = (((y1 - g.y0) / g.cell).ceil() as usize).min(g.rows);
        for r in r0..r1 {
            for c in c0..c1 {
                let (x, y) = (g.x0 + (c as f64 + 0.5) * g.cell, g.y0 + (r as f64 + 0.5) * g.cell);
                if p.contains(x, y) && unit(seed ^ 0x5157, op, (r * g.cols + c) as u64) < SHORT {
                    v[r * g.cols + c] = 4.0;
                }
            }
        }
    }
    v
}

/// Writes one synthetic GeoTIFF per operator of `licence` (`grid_<operator>.tif`, RD New) on `g`
/// over the gemeenten `areas` into `dir`; returns (operator, path) in licence order.
///
/// # Errors
/// Unwritable files.
pub fn write_grids(
    dir: &std::path::Path,
    areas: &[Boundary],
    licence: &crate::io::licence::Licence,
    g: &GridSpec,
    seed: u64,
) -> crate::error::Result<Vec<(String, std::path::PathBuf)>> {
    use crate::io::grids::write_geotiff;
    use crate::model::grid::GridCrs;
    std::fs::create_dir_all(dir).map_err(|e| crate::error::Error::io(dir, e))?;
    let mut out = Vec::new();
    for (k, op) in licence.operators.iter().enumerate() {
        let path = dir.join(format!("grid_{}.tif", op.id));
        write_geotiff(&path, g, GridCrs::RdNew, &operator_grid(areas, k, seed, g), -1.0)?;
        out.push((op.id.clone(), path));
    }
    Ok(out)
}
