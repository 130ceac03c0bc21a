//! Predicted downlink speed per grid cell from an operator's transmitters: each transmitter's
//! received power at the cell centre (EIRP + antenna pattern − path loss, the receiver outdoors
//! at its height), the strongest as the server, the others on the same frequency as
//! interference, thermal noise (−174 dBm/Hz + 10·log10(bandwidth) + noise figure), and the
//! spectral efficiency of the SINR times the server's bandwidth. A transmitter counts at a cell
//! only where the link lies in the model's range of validity; a cell no transmitter reaches has
//! no data.

use rayon::prelude::*;
use rstar::{primitives::GeomWithData, RTree};

use crate::model::grid::GridSpec;
use crate::model::site::Site;
use crate::predict::antenna::Pattern;
use crate::predict::pathloss::{Link, Model};
use crate::predict::spectral::Shannon;

/// How signals become speeds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Radio {
    /// The propagation model.
    pub model: Model,
    /// Receiver height above ground, m.
    pub rx_height_m: f64,
    /// Receiver noise figure, dB.
    pub noise_figure_db: f64,
    /// The antenna pattern of every sector.
    pub pattern: Pattern,
    /// Spectral efficiency from SINR.
    pub shannon: Shannon,
}

/// Thermal noise density at 290 K, dBm/Hz.
const NOISE_DBM_PER_HZ: f64 = -174.0;

/// The received power from `site` at (`x`, `y`) (same CRS as the site), dBm; `None` where the
/// link is outside the model's range.
#[must_use]
pub fn received_dbm(site: &Site, x: f64, y: f64, radio: &Radio) -> Option<f64> {
    let (dx, dy) = (x - site.x, y - site.y);
    let distance_m = dx.hypot(dy);
    let link = Link { freq_mhz: site.freq_mhz, tx_height_m: site.height_m, rx_height_m: radio.rx_height_m, distance_m };
    let loss = radio.model.loss_db(&link).ok()?;
    let bearing = dx.atan2(dy).to_degrees();
    let depression = (site.height_m - radio.rx_height_m).atan2(distance_m).to_degrees();
    let gain = radio.pattern.gain_db(site.azimuth_deg.map(|a| bearing - a), depression - site.tilt_deg);
    Some(site.eirp_dbm + gain - loss)
}

/// The predicted downlink speed at (`x`, `y`) from `sites` (one operator's), Mbps; `None` where
/// no site reaches.
#[must_use]
pub fn mbps_at(sites: &[&Site], x: f64, y: f64, radio: &Radio) -> Option<f64> {
    let powers: Vec<(usize, f64)> =
        sites.iter().enumerate().filter_map(|(k, s)| Some((k, received_dbm(s, x, y, radio)?))).collect();
    let &(best, signal_dbm) = powers.iter().max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))?;
    let server = &sites[best];
    let mw = |dbm: f64| 10f64.powf(dbm / 10.0);
    let interference: f64 =
        powers.iter().filter(|(k, _)| *k != best && sites[*k].freq_mhz == server.freq_mhz).map(|p| mw(p.1)).sum();
    let noise_dbm = NOISE_DBM_PER_HZ + 10.0 * (server.bandwidth_mhz * 1e6).log10() + radio.noise_figure_db;
    let sinr_db = signal_dbm - 10.0 * (interference + mw(noise_dbm)).log10();
    Some(radio.shannon.bps_per_hz(sinr_db) * server.bandwidth_mhz)
}

/// The predicted speed of every cell of `spec` (cell centres, the sites' CRS), Mbps, row-major
/// from the south; NaN where no site reaches. Only sites within `range_m` of a cell centre
/// count there. `cell_models` gives each cell its own propagation model (by its environment);
/// `None` uses the radio's everywhere.
#[must_use]
pub fn predict(
    sites: &[Site],
    spec: &GridSpec,
    radio: &Radio,
    range_m: f64,
    cell_models: Option<&[Model]>,
) -> Vec<f32> {
    let tree = RTree::bulk_load(sites.iter().enumerate().map(|(k, s)| GeomWithData::new([s.x, s.y], k)).collect());
    (0..spec.rows)
        .into_par_iter()
        .flat_map_iter(|r| {
            let y = spec.y0 + (r as f64 + 0.5) * spec.cell;
            let tree = &tree;
            (0..spec.cols).map(move |c| {
                let x = spec.x0 + (c as f64 + 0.5) * spec.cell;
                let mut near: Vec<usize> =
                    tree.locate_within_distance([x, y], range_m * range_m).map(|p| p.data).collect();
                near.sort_unstable();
                let near: Vec<&Site> = near.into_iter().map(|k| &sites[k]).collect();
                let radio = match cell_models {
                    Some(m) => &Radio { model: m[r * spec.cols + c], ..*radio },
                    None => radio,
                };
                mbps_at(&near, x, y, radio).map_or(f32::NAN, |v| v as f32)
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(x: f64, azimuth: f64) -> Site {
        Site {
            row: 1,
            operator: "A".into(),
            x,
            y: 0.0,
            height_m: 1.5,
            azimuth_deg: Some(azimuth),
            tilt_deg: 0.0,
            freq_mhz: 800.0,
            eirp_dbm: 60.0,
            bandwidth_mhz: 10.0,
        }
    }

    fn radio() -> Radio {
        Radio {
            model: Model::FreeSpace,
            rx_height_m: 1.5,
            noise_figure_db: 7.0,
            pattern: Pattern::default(),
            shannon: Shannon::default(),
        }
    }

    /// A hand-built scene: site A at (0, 0) facing east, site B at (2000, 0) facing west, both
    /// 1.5 m high (as the receiver, so no vertical term), 60 dBm EIRP, 800 MHz, 10 MHz, free
    /// space; noise −174 + 70 + 7 = −97 dBm, 10⁻⁶ of the interference or less below.
    ///
    /// - (500, 0): A in its beam at 500 m, B in its beam at 1,500 m: the loss ratio is 3² = 9,
    ///   so SINR = 9 (9.54 dB) and 0.6·log2(10)·10 MHz = 19.9316 Mbps.
    /// - (1000, 1000): both 45° off their beams at the same distance: SINR = 1, 0.6·log2(2)·10
    ///   = 6 Mbps.
    /// - (−500, 0): behind A (−30 dB at 500 m) and in B's beam at 2,500 m: B serves, with
    ///   SINR = 10^3 / 5² = 40, 0.6·log2(41)·10 = 32.1452 Mbps.
    #[test]
    fn two_sites_by_hand() {
        let (a, b) = (site(0.0, 90.0), site(2000.0, 270.0));
        let sites = [&a, &b];
        let r = radio();
        for (x, y, want) in [(500.0, 0.0, 19.9316), (1000.0, 1000.0, 6.0), (-500.0, 0.0, 32.1452)] {
            let got = mbps_at(&sites, x, y, &r).unwrap();
            assert!((got - want).abs() < 1e-3, "({x}, {y}): {got} != {want}");
        }
        // The received power of A at (500, 0): 60 − 20·log10(4π·500·8·10⁸/c) = 60 − 84.4890.
        assert!((received_dbm(sites[0], 500.0, 0.0, &r).unwrap() + 24.4890).abs() < 1e-3);
        // On a site no model reaches (free space needs a distance above zero): no data there.
        let one = [&a];
        assert_eq!(mbps_at(&one, 0.0, 0.0, &r), None);
        // Alone, A gives the capped 4.4 b/s/Hz (44 Mbps) up close: noise only.
        assert!((mbps_at(&one, 500.0, 0.0, &r).unwrap() - 44.0).abs() < 1e-9);
    }

    /// The grid is the same cell by cell as `mbps_at` at the centres, with NaN where no site reaches.
    #[test]
    fn grid_cells_are_the_centres() {
        let sites = [site(0.0, 90.0), site(2000.0, 270.0)];
        let spec = GridSpec { x0: -1000.0, y0: -500.0, cell: 500.0, cols: 8, rows: 2 };
        let g = predict(&sites, &spec, &radio(), 10_000.0, None);
        assert_eq!(g.len(), 16);
        let at = |c: usize, r: usize| g[r * spec.cols + c];
        let both = [&sites[0], &sites[1]];
        assert_eq!(at(3, 1), mbps_at(&both, 750.0, 250.0, &radio()).unwrap() as f32);
        // Within 800 m only A counts at (750, 250) (791 m; B is 1,275 m away), so there is no
        // interference: the capped 44 Mbps. Within 300 m no cell centre has a site (the nearest
        // are 354 m away): no data anywhere.
        let near = predict(&sites, &spec, &radio(), 800.0, None);
        assert_eq!(near[spec.cols + 3], 44.0);
        assert!(predict(&sites, &spec, &radio(), 300.0, None).iter().all(|v| v.is_nan()));
        let hata = Radio { model: Model::HataOpen, ..radio() };
        // Hata needs a 30 m base and 1 km: nothing here qualifies.
        assert!(predict(&sites, &spec, &hata, 10_000.0, None).iter().all(|v| v.is_nan()));
        // A model per cell: Hata in every cell but one, which gets free space back.
        let mut models = vec![Model::HataOpen; 16];
        models[spec.cols + 3] = Model::FreeSpace;
        let mixed = predict(&sites, &spec, &hata, 10_000.0, Some(&models));
        assert_eq!(mixed.iter().filter(|v| !v.is_nan()).count(), 1);
        assert_eq!(mixed[spec.cols + 3], g[spec.cols + 3]);
    }
}
