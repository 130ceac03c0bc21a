//! Synthetic antenna sites for the three 700 MHz licence holders over the real NL map: the input
//! of the demo's predicted coverage and of the `predict grid` benchmark.
//!
//! Each operator's sites lie on its own triangular lattice, spaced so that about `per_operator`
//! sites fall on the gemeenten's land, each moved by a seeded offset of up to a fifth of the
//! spacing; a site outside every gemeente is dropped. Every site has three sectors (120° apart,
//! turned by a seeded angle), a seeded height of 25–45 m, 4° downtilt, 61 dBm EIRP at 773 MHz in
//! 10 MHz. They say nothing about real networks.

use std::fmt::Write as _;
use std::path::Path;

use super::unit;

use crate::assign::pip::AreaIndex;
use crate::error::Result;
use crate::model::areas::Boundary;
use crate::model::site::Site;

/// Sectors per site.
pub const SECTORS: usize = 3;

/// The sectors of about `per_operator` sites for each of `operators` on the land of `areas` (RD
/// New), operators in the order given, each operator's sites from south-west to north-east.
#[must_use]
pub fn sites(areas: &[Boundary], operators: &[String], per_operator: usize, seed: u64) -> Vec<Site> {
    use geo::{Area, BoundingRect};
    let index = AreaIndex::new(areas.iter().enumerate().map(|(k, a)| (k as u32, &a.shape)));
    let land: f64 = areas.iter().map(|a| a.shape.unsigned_area()).sum();
    let Some(bbox) = areas.iter().filter_map(|a| a.shape.bounding_rect()).reduce(|a, b| {
        geo::Rect::new(
            (a.min().x.min(b.min().x), a.min().y.min(b.min().y)),
            (a.max().x.max(b.max().x), a.max().y.max(b.max().y)),
        )
    }) else {
        return Vec::new();
    };
    // A triangular lattice of spacing s has one point per s²·√3/2.
    let spacing = (land / (per_operator.max(1) as f64 * 3f64.sqrt() / 2.0)).sqrt();
    let row_step = spacing * 3f64.sqrt() / 2.0;
    let mut out = Vec::new();
    for (k, operator) in operators.iter().enumerate() {
        let op = k as u64 + 1;
        let (ox, oy) = (unit(seed, op, 0) * spacing, unit(seed, op, 1) * row_step);
        let rows = ((bbox.height() / row_step).ceil() as u64) + 1;
        let cols = ((bbox.width() / spacing).ceil() as u64) + 1;
        for r in 0..rows {
            let shift = if r % 2 == 1 { spacing / 2.0 } else { 0.0 };
            for c in 0..cols {
                let i = r * cols + c;
                let jitter = |j: u64| (unit(seed ^ 0x517E, op, i * 8 + j) - 0.5) * 0.4 * spacing;
                let x = bbox.min().x + ox + shift + c as f64 * spacing + jitter(0);
                let y = bbox.min().y + oy + r as f64 * row_step + jitter(1);
                if index.locate(x, y).is_none() {
                    continue;
                }
                let turn = unit(seed ^ 0x517E, op, i * 8 + 2) * 120.0;
                let height_m = (25.0 + 20.0 * unit(seed ^ 0x517E, op, i * 8 + 3)).round();
                for s in 0..SECTORS {
                    out.push(Site {
                        row: out.len() as u64 + 1,
                        operator: operator.clone(),
                        x: x.round(),
                        y: y.round(),
                        height_m,
                        azimuth_deg: Some(((turn + 120.0 * s as f64) % 360.0).round()),
                        tilt_deg: 4.0,
                        freq_mhz: 773.0,
                        eirp_dbm: 61.0,
                        bandwidth_mhz: 10.0,
                    });
                }
            }
        }
    }
    out
}

/// Writes `sites` as a sites CSV of the generic layout (`dekking predict grid --sites`).
///
/// # Errors
/// An unwritable file.
pub fn write_sites(path: &Path, sites: &[Site]) -> Result<()> {
    let mut s = String::from("operator,x,y,height_m,azimuth_deg,tilt_deg,freq_mhz,eirp_dbm,bandwidth_mhz\n");
    for t in sites {
        let azimuth = t.azimuth_deg.map(|a| a.to_string()).unwrap_or_default();
        let _ = writeln!(
            s,
            "{},{},{},{},{azimuth},{},{},{},{}",
            t.operator, t.x, t.y, t.height_m, t.tilt_deg, t.freq_mhz, t.eirp_dbm, t.bandwidth_mhz
        );
    }
    Ok(dekking_files::atomic::write(path, s.as_bytes())?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::embedded::gemeenten_2023;

    #[test]
    fn about_the_number_asked_on_land_and_seeded() {
        let areas = gemeenten_2023().unwrap().areas;
        let ops = vec!["A".to_string(), "B".to_string()];
        let s = sites(&areas, &ops, 500, 7);
        let per = |op: &str| s.iter().filter(|t| t.operator == op).count() / SECTORS;
        for op in ["A", "B"] {
            assert!((450..=550).contains(&per(op)), "{op}: {}", per(op));
        }
        let index = AreaIndex::new(areas.iter().enumerate().map(|(k, a)| (k as u32, &a.shape)));
        assert!(s.iter().all(|t| index.locate(t.x, t.y).is_some()));
        assert_eq!(s, sites(&areas, &ops, 500, 7));
        assert_ne!(s, sites(&areas, &ops, 500, 8));
        // The sectors of a site are 120° apart.
        assert_eq!((s[1].azimuth_deg.unwrap() - s[0].azimuth_deg.unwrap()).rem_euclid(360.0), 120.0);
    }
}
