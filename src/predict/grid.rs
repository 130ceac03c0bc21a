//! Predicted downlink speed per grid cell from an operator's transmitters: each transmitter's
//! received power at the cell centre (EIRP + antenna pattern − path loss, the receiver outdoors
//! at its height), the strongest as the server, the others on the same frequency as
//! interference (scaled by the cell load), thermal noise (−174 dBm/Hz + 10·log10(bandwidth) + noise figure), and the
//! spectral efficiency of the SINR times the server's bandwidth. A transmitter counts at a cell
//! only where the link lies in the model's range of validity; a cell no transmitter reaches has
//! no data.

use rayon::prelude::*;

use crate::model::grid::GridSpec;
use crate::model::site::Site;
use crate::predict::antenna::Pattern;
use crate::predict::pathloss::{Model, Prepared};
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
    /// Cell load, 0–1: the share of time the other transmitters on the frequency send, by which
    /// their interference is scaled (1: all of them all the time, the worst case).
    pub load: f64,
}

impl Default for Radio {
    /// TR 38.901 RMa NLOS, the receiver outdoors at 1.5 m with a 7 dB noise figure, the 3GPP
    /// sector pattern and TR 36.942's attenuated Shannon bound.
    fn default() -> Radio {
        Radio {
            model: Model::Tr38901(crate::predict::pathloss::Scenario::RMa, false),
            rx_height_m: 1.5,
            noise_figure_db: 7.0,
            pattern: Pattern::default(),
            shannon: Shannon::default(),
            load: 1.0,
        }
    }
}

/// Thermal noise density at 290 K, dBm/Hz.
const NOISE_DBM_PER_HZ: f64 = -174.0;

/// The received power from `site` at (`x`, `y`) (same CRS as the site), dBm; `None` where the
/// link is outside the model's range.
#[must_use]
pub fn received_dbm(site: &Site, x: f64, y: f64, radio: &Radio) -> Option<f64> {
    received(site, &radio.model.prepare(site.freq_mhz, site.height_m, radio.rx_height_m), x, y, radio)
}

/// [`received_dbm`] with the model prepared for the site.
fn received(site: &Site, model: &Prepared, x: f64, y: f64, radio: &Radio) -> Option<f64> {
    let (dx, dy) = (x - site.x, y - site.y);
    let distance_m = (dx * dx + dy * dy).sqrt();
    let loss = model.loss_db(distance_m)?;
    let bearing = dx.atan2(dy).to_degrees();
    let depression = (site.height_m - radio.rx_height_m).atan2(distance_m).to_degrees();
    let gain = radio.pattern.gain_db(site.azimuth_deg.map(|a| bearing - a), depression - site.tilt_deg);
    Some(site.eirp_dbm + gain - loss)
}

/// The predicted downlink speed at (`x`, `y`) from `sites` (one operator's), Mbps; `None` where
/// no site reaches.
#[must_use]
pub fn mbps_at(sites: &[&Site], x: f64, y: f64, radio: &Radio) -> Option<f64> {
    serve(sites.iter().map(|s| (*s, received_dbm(s, x, y, radio))), radio, &mut Vec::new())
}

/// The speed from the transmitters and their received powers (dBm; `None` where out of
/// range), in the order given, with `powers` as scratch space: the strongest transmitter
/// serves (the first of equals), the others on its frequency interfere.
fn serve<'a>(
    received: impl Iterator<Item = (&'a Site, Option<f64>)>,
    radio: &Radio,
    powers: &mut Vec<(f64, f64)>,
) -> Option<f64> {
    powers.clear();
    let mut best: Option<(usize, f64, &Site)> = None;
    for (s, dbm) in received {
        let Some(dbm) = dbm else { continue };
        if best.is_none_or(|(_, b, _)| dbm > b) {
            best = Some((powers.len(), dbm, s));
        }
        powers.push((dbm, s.freq_mhz));
    }
    let (k, signal_dbm, server) = best?;
    let mw = |dbm: f64| (dbm * (std::f64::consts::LN_10 / 10.0)).exp();
    let interference: f64 = powers
        .iter()
        .enumerate()
        .filter(|&(i, &(_, freq))| i != k && freq == server.freq_mhz)
        .map(|(_, &(dbm, _))| mw(dbm))
        .sum::<f64>()
        * radio.load;
    let noise_dbm = NOISE_DBM_PER_HZ + 10.0 * (server.bandwidth_mhz * 1e6).log10() + radio.noise_figure_db;
    let sinr_db = signal_dbm - 10.0 * (interference + mw(noise_dbm)).log10();
    Some(radio.shannon.bps_per_hz(sinr_db) * server.bandwidth_mhz)
}

/// The predicted speed of every cell of `spec` (cell centres, the sites' CRS), Mbps, row-major
/// from the south; NaN where no site reaches. Only sites within `range_m` of a cell centre
/// count there (and within the farthest distance the models allow). `cell_models` gives each
/// cell its own propagation model (by its environment); `None` uses the radio's everywhere.
///
/// Each row of cells takes the sites within reach of its centre line, sorted by x, and slides
/// a window of ±reach along them; the sites of a cell are taken in file order, as [`mbps_at`]
/// takes them.
#[must_use]
pub fn predict(
    sites: &[Site],
    spec: &GridSpec,
    radio: &Radio,
    range_m: f64,
    cell_models: Option<&[Model]>,
) -> Vec<f32> {
    let farthest = match cell_models {
        Some(m) => m.iter().map(|m| m.max_distance_m()).fold(0.0, f64::max),
        None => radio.model.max_distance_m(),
    };
    let reach = range_m.min(farthest);
    // Each model in use, prepared for each site: `prepared[slot][site]`.
    let mut models = vec![radio.model];
    for m in cell_models.unwrap_or_default() {
        if !models.contains(m) {
            models.push(*m);
        }
    }
    let prepared: Vec<Vec<Prepared>> = models
        .iter()
        .map(|m| sites.iter().map(|s| m.prepare(s.freq_mhz, s.height_m, radio.rx_height_m)).collect())
        .collect();
    let slot = |cell: usize| cell_models.map_or(0, |cm| models.iter().position(|m| *m == cm[cell]).unwrap_or(0));
    let mut by_y: Vec<usize> = (0..sites.len()).collect();
    by_y.sort_by(|&a, &b| sites[a].y.total_cmp(&sites[b].y).then(a.cmp(&b)));
    let mut out = vec![f32::NAN; spec.rows * spec.cols];
    out.par_chunks_mut(spec.cols.max(1)).enumerate().for_each_init(
        || (Vec::new(), Vec::new(), Vec::new()),
        |(band, near, powers), (r, row)| {
            let y = spec.y0 + (r as f64 + 0.5) * spec.cell;
            let from = by_y.partition_point(|&k| sites[k].y < y - reach);
            let to = by_y.partition_point(|&k| sites[k].y <= y + reach);
            band.clear();
            band.extend_from_slice(&by_y[from..to]);
            band.sort_by(|&a: &usize, &b: &usize| sites[a].x.total_cmp(&sites[b].x).then(a.cmp(&b)));
            let mut lo = 0;
            for (c, cell) in row.iter_mut().enumerate() {
                let x = spec.x0 + (c as f64 + 0.5) * spec.cell;
                while lo < band.len() && sites[band[lo]].x < x - reach {
                    lo += 1;
                }
                near.clear();
                for &k in band[lo..].iter().take_while(|&&k| sites[k].x <= x + reach) {
                    let (dx, dy) = (sites[k].x - x, sites[k].y - y);
                    if dx * dx + dy * dy <= reach * reach {
                        near.push(k);
                    }
                }
                near.sort_unstable();
                let model = &prepared[slot(r * spec.cols + c)];
                let received = near.iter().map(|&k| (&sites[k], received(&sites[k], &model[k], x, y, radio)));
                if let Some(v) = serve(received, radio, powers) {
                    *cell = v as f32;
                }
            }
        },
    );
    out
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
            load: 1.0,
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
    /// - (500, 0) at a cell load of 0.5: B interferes half as much, SINR = 18, 0.6·log2(19)·10
    ///   = 25.4876 Mbps.
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
        let half = Radio { load: 0.5, ..r };
        assert!((mbps_at(&sites, 500.0, 0.0, &half).unwrap() - 25.4876).abs() < 1e-3);
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
