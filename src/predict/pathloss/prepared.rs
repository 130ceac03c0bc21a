//! A model made ready for one transmitter: with the frequency and both heights fixed, every
//! model's loss is a few terms in the distance — c + k·log10(d) + m·d on each side of a
//! breakpoint, and for NLOS the larger of that and a second such curve — so the terms that do
//! not depend on the distance are computed once per transmitter, and each distance costs one
//! logarithm. The loss is the same as [`Model::loss_db`]'s (see the tests).

use super::{free_space, hata, tr38901, Link, Model};

/// c + k·log10(d) + m·d3, dB, for d the 3D (or for Hata the horizontal) distance in m.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Segment {
    /// Constant, dB.
    pub c: f64,
    /// Slope in log10 of the distance, dB per decade.
    pub k: f64,
    /// Slope in the 3D distance, dB/m.
    pub m: f64,
}

impl Segment {
    fn at(&self, log_d: f64, d3: f64) -> f64 {
        self.c + self.k * log_d + self.m * d3
    }
}

/// A model's loss as a function of distance: `near` up to the horizontal breakpoint `bp`,
/// `far` beyond, and the larger of that and `nlos` when there is one.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Curve {
    /// Whether the logarithm is of the horizontal distance (Hata) instead of the 3D one.
    pub horizontal: bool,
    /// Up to the breakpoint.
    pub near: Segment,
    /// The breakpoint, horizontal m (infinite for none).
    pub bp: f64,
    /// Beyond the breakpoint.
    pub far: Segment,
    /// The NLOS curve, taken where it is larger.
    pub nlos: Option<Segment>,
}

impl Curve {
    /// The loss at horizontal distance `d2` and 3D distance `d3`, dB.
    pub fn at(&self, d2: f64, d3: f64) -> f64 {
        let log_d = if self.horizontal { d2 } else { d3 }.log10();
        let los = if d2 <= self.bp { self.near.at(log_d, d3) } else { self.far.at(log_d, d3) };
        self.nlos.map_or(los, |n| los.max(n.at(log_d, d3)))
    }
}

/// A model ready for one transmitter's frequency and heights: the loss by horizontal distance.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Prepared {
    /// The curve; `None` when the frequency or a height is outside the model's range.
    curve: Option<Curve>,
    /// The horizontal distances the model is valid for, m.
    range: (f64, f64),
    /// (transmitter height − receiver height)², m².
    dz2: f64,
}

impl Prepared {
    /// The path loss at horizontal distance `distance_m`, dB; `None` outside the model's range.
    #[must_use]
    pub fn loss_db(&self, distance_m: f64) -> Option<f64> {
        let curve = self.curve.as_ref()?;
        if !(distance_m >= self.range.0 && distance_m <= self.range.1) {
            return None;
        }
        let d3 = (distance_m * distance_m + self.dz2).sqrt();
        (d3 > 0.0).then(|| curve.at(distance_m, d3))
    }
}

impl Model {
    /// The model ready for links at `freq_mhz` between antennas `tx_height_m` and `rx_height_m`
    /// above ground.
    #[must_use]
    pub fn prepare(self, freq_mhz: f64, tx_height_m: f64, rx_height_m: f64) -> Prepared {
        let range = (self.min_distance_m(), self.max_distance_m());
        let link = Link { freq_mhz, tx_height_m, rx_height_m, distance_m: range.0.max(1_000.0).min(range.1) };
        // The frequency and heights are checked once, at a distance the model allows.
        let curve = self.loss_db(&link).ok().map(|_| match self {
            Model::FreeSpace => free_space::curve(&link),
            Model::Tr38901(scenario, los) => tr38901::curve(&link, scenario, los),
            _ => hata::curve(self.loss_db(&Link { distance_m: 1_000.0, ..link }).unwrap_or(f64::NAN), &link),
        });
        Prepared { curve, range, dz2: (tx_height_m - rx_height_m).powi(2) }
    }

    /// The nearest horizontal distance the model is valid for, m.
    #[must_use]
    pub fn min_distance_m(self) -> f64 {
        match self {
            Model::FreeSpace => 0.0,
            Model::Tr38901(..) => 10.0,
            _ => 1_000.0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::MODELS;

    /// The prepared loss equals `loss_db` for every model at distances across its range (and
    /// beyond it, where both have none), at two frequencies and three base heights each.
    #[test]
    fn equals_the_formulas() {
        for (name, model) in MODELS {
            let freqs: &[f64] = if name.starts_with("cost231") { &[1500.0, 1900.0] } else { &[700.0, 900.0] };
            for &freq_mhz in freqs {
                for tx_height_m in [12.0, 35.0, 60.0] {
                    let p = model.prepare(freq_mhz, tx_height_m, 1.5);
                    for d in [
                        0.0, 5.0, 10.0, 50.0, 99.9, 400.0, 999.0, 1_000.0, 2_345.6, 5_000.0, 9_999.0, 20_000.0,
                        25_000.0,
                    ] {
                        let link = super::Link { freq_mhz, tx_height_m, rx_height_m: 1.5, distance_m: d };
                        let want = model.loss_db(&link).ok();
                        let got = p.loss_db(d);
                        match (want, got) {
                            (Some(w), Some(g)) => {
                                assert!((w - g).abs() < 1e-9, "{name} {freq_mhz} {tx_height_m} {d}: {w} {g}")
                            }
                            (w, g) => assert_eq!(w, g, "{name} {freq_mhz} MHz, {tx_height_m} m, {d} m"),
                        }
                    }
                }
            }
        }
    }
}
