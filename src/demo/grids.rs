//! Synthetic 100 m coverage grids for the three 700 MHz licence holders over the real NL map.
//!
//! Every cell gets a speed from a seeded hash: most cells 20–60 Mbps, a thin speckle of slow
//! cells everywhere (well under 2 % of the area), and, per operator, a few gemeenten that are
//! deliberately short (about 5 % of their cells slow). The grids say nothing about real networks.

use crate::assign::pip::PreparedPolygon;
use crate::io::boundaries::Boundary;
use crate::measure::cell_fraction::GridSpec;

/// The demo grid: 100 m cells over RD x 0–280 km, y 300–625 km.
pub const DEMO_GRID: GridSpec = GridSpec { x0: 0.0, y0: 300_000.0, cell: 100.0, cols: 2_800, rows: 3_250 };

/// Share of slow cells everywhere, and in the deliberately short gemeenten.
const SPECKLE: f64 = 0.004;
const SHORT: f64 = 0.05;

fn unit(seed: u64, a: u64, b: u64) -> f64 {
    // SplitMix64 finaliser over the combined key: a fixed, platform-independent hash.
    let mut z = seed ^ a.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ b.wrapping_mul(0xC2B2_AE3D_27D4_EB4F);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z >> 11) as f64 / (1u64 << 53) as f64
}

/// The gemeenten made deliberately short for operator `k` (indices into `areas`).
#[must_use]
pub fn short_gemeenten(areas: &[Boundary], k: usize, seed: u64) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..areas.len()).collect();
    idx.sort_by(|a, b| unit(seed, k as u64 + 101, *a as u64).total_cmp(&unit(seed, k as u64 + 101, *b as u64)));
    idx.truncate(3);
    idx.sort_unstable();
    idx
}

/// The speed grid (Mbps, row-major from the south) of operator number `k`.
#[must_use]
pub fn operator_grid(areas: &[Boundary], k: usize, seed: u64) -> Vec<f32> {
    let g = DEMO_GRID;
    let op = k as u64 + 1;
    let mut v: Vec<f32> = (0..g.rows * g.cols)
        .map(|i| {
            let u = unit(seed, op, i as u64);
            if u < SPECKLE {
                3.0
            } else {
                (20.0 + 40.0 * unit(seed ^ 0xABCD, op, i as u64)) as f32
            }
        })
        .collect();
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
