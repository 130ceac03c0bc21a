//! The path-loss models of 3GPP TR 38.901 Table 7.4.1-1 for rural macro (RMa), urban macro (UMa)
//! and urban micro street canyon (UMi), line of sight (LOS) and not (NLOS), without shadow
//! fading; and the LOS probability of Table 7.4.2-1. fc in GHz, distances and heights in m,
//! d3D = √(d2D² + (hBS − hUT)²), c = 3·10⁸ m/s as the report takes it.
//!
//! - RMa LOS: PL1 = 20·log10(40π·d3D·fc/3) + min(0.03·h^1.72, 10)·log10(d3D) − min(0.044·h^1.72,
//!   14.77) + 0.002·log10(h)·d3D up to the breakpoint dBP = 2π·hBS·hUT·fc/c, then PL1(dBP) +
//!   40·log10(d3D/dBP); the average building height h = 5 m and street width W = 20 m are the
//!   table's defaults.
//! - RMa NLOS: max(LOS, 161.04 − 7.1·log10 W + 7.5·log10 h − (24.37 − 3.7·(h/hBS)²)·log10 hBS +
//!   (43.42 − 3.1·log10 hBS)·(log10 d3D − 3) + 20·log10 fc − (3.2·(log10(11.75·hUT))² − 4.97)).
//! - UMa LOS: 28 + 22·log10 d3D + 20·log10 fc up to d'BP = 4·(hBS − 1)·(hUT − 1)·fc/c (effective
//!   environment height 1 m), then 28 + 40·log10 d3D + 20·log10 fc − 9·log10(d'BP² + (hBS − hUT)²).
//!   NLOS: max(LOS, 13.54 + 39.08·log10 d3D + 20·log10 fc − 0.6·(hUT − 1.5)).
//! - UMi LOS: 32.4 + 21·log10 d3D + 20·log10 fc, then 32.4 + 40·log10 d3D + 20·log10 fc −
//!   9.5·log10(d'BP² + (hBS − hUT)²). NLOS: max(LOS, 35.3·log10 d3D + 22.4 + 21.3·log10 fc −
//!   0.3·(hUT − 1.5)).
//!
//! Valid for d2D from 10 m to 10 km (RMa LOS) or 5 km (the others); hUT 1–10 m (RMa) or 1.5–22.5
//! m; fc 0.5–30 GHz (RMa) or 0.5–100 GHz. The table gives hBS 10–150 m for RMa (35 m by default)
//! and 25 m (UMa) and 10 m (UMi); base heights from 10 to 150 m are taken for all three, as the
//! formulas allow.

use super::prepared::{Curve, Segment};
use super::{within, Link, OutOfRange};

/// The speed of light as TR 38.901 takes it, m/s.
const C: f64 = 3.0e8;
/// Average building height, m (Table 7.4.1-1, RMa default).
const H_BUILDING: f64 = 5.0;
/// Street width, m (Table 7.4.1-1, RMa default).
const W_STREET: f64 = 20.0;
/// Effective environment height, m (UMa and UMi, hUT below 13 m).
const H_E: f64 = 1.0;

/// A TR 38.901 scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scenario {
    /// Rural macro.
    RMa,
    /// Urban macro.
    UMa,
    /// Urban micro, street canyon.
    UMi,
}

impl Scenario {
    fn name(self, los: bool) -> &'static str {
        match (self, los) {
            (Scenario::RMa, true) => "38901-rma-los",
            (Scenario::RMa, false) => "38901-rma-nlos",
            (Scenario::UMa, true) => "38901-uma-los",
            (Scenario::UMa, false) => "38901-uma-nlos",
            (Scenario::UMi, true) => "38901-umi-los",
            (Scenario::UMi, false) => "38901-umi-nlos",
        }
    }
}

/// The TR 38.901 path loss of `link` in `scenario`, LOS or NLOS, dB.
///
/// # Errors
/// [`OutOfRange`] outside the ranges of Table 7.4.1-1 (see the module documentation).
pub fn tr38901_db(link: &Link, scenario: Scenario, los: bool) -> Result<f64, OutOfRange> {
    let name = scenario.name(los);
    let (freq, max_d, hut) = match scenario {
        Scenario::RMa => ((500.0, 30_000.0), if los { 10_000.0 } else { 5_000.0 }, (1.0, 10.0)),
        Scenario::UMa | Scenario::UMi => ((500.0, 100_000.0), 5_000.0, (1.5, 22.5)),
    };
    within(name, "freq_mhz", link.freq_mhz, freq)?;
    within(name, "distance_m", link.distance_m, (10.0, max_d))?;
    within(name, "tx_height_m", link.tx_height_m, (10.0, 150.0))?;
    within(name, "rx_height_m", link.rx_height_m, hut)?;
    Ok(unchecked(link, scenario, los))
}

/// The formulas without the range checks.
fn unchecked(link: &Link, scenario: Scenario, los: bool) -> f64 {
    let (d2, hbs, hut, fc) = (link.distance_m, link.tx_height_m, link.rx_height_m, link.freq_mhz / 1000.0);
    let d3 = d2.hypot(hbs - hut);
    let los_db = match scenario {
        Scenario::RMa => {
            let h = H_BUILDING;
            let pl1 = |d: f64| {
                20.0 * (40.0 * std::f64::consts::PI * d * fc / 3.0).log10()
                    + (0.03 * h.powf(1.72)).min(10.0) * d.log10()
                    - (0.044 * h.powf(1.72)).min(14.77)
                    + 0.002 * h.log10() * d
            };
            let bp = 2.0 * std::f64::consts::PI * hbs * hut * fc * 1e9 / C;
            if d2 <= bp {
                pl1(d3)
            } else {
                pl1(bp) + 40.0 * (d3 / bp).log10()
            }
        }
        Scenario::UMa | Scenario::UMi => {
            let (a, b, k) = if scenario == Scenario::UMa { (28.0, 22.0, 9.0) } else { (32.4, 21.0, 9.5) };
            let bp = 4.0 * (hbs - H_E) * (hut - H_E) * fc * 1e9 / C;
            if d2 <= bp {
                a + b * d3.log10() + 20.0 * fc.log10()
            } else {
                a + 40.0 * d3.log10() + 20.0 * fc.log10() - k * (bp * bp + (hbs - hut).powi(2)).log10()
            }
        }
    };
    if los {
        return los_db;
    }
    let nlos = match scenario {
        Scenario::RMa => {
            let (h, w) = (H_BUILDING, W_STREET);
            161.04 - 7.1 * w.log10() + 7.5 * h.log10() - (24.37 - 3.7 * (h / hbs).powi(2)) * hbs.log10()
                + (43.42 - 3.1 * hbs.log10()) * (d3.log10() - 3.0)
                + 20.0 * fc.log10()
                - (3.2 * (11.75 * hut).log10().powi(2) - 4.97)
        }
        Scenario::UMa => 13.54 + 39.08 * d3.log10() + 20.0 * fc.log10() - 0.6 * (hut - 1.5),
        Scenario::UMi => 35.3 * d3.log10() + 22.4 + 21.3 * fc.log10() - 0.3 * (hut - 1.5),
    };
    los_db.max(nlos)
}

/// The same formulas as terms in log10(d3D) and d3D for `link`'s frequency and heights (the
/// distance of `link` unused).
pub(super) fn curve(link: &Link, scenario: Scenario, los: bool) -> Curve {
    let (hbs, hut, fc) = (link.tx_height_m, link.rx_height_m, link.freq_mhz / 1000.0);
    let seg = |c: f64, k: f64| Segment { c, k, m: 0.0 };
    let (near, bp, far) = match scenario {
        Scenario::RMa => {
            let h = H_BUILDING;
            let (m1, m2) = ((0.03 * h.powf(1.72)).min(10.0), (0.044 * h.powf(1.72)).min(14.77));
            let near = Segment {
                c: 20.0 * (40.0 * std::f64::consts::PI * fc / 3.0).log10() - m2,
                k: 20.0 + m1,
                m: 0.002 * h.log10(),
            };
            let bp = 2.0 * std::f64::consts::PI * hbs * hut * fc * 1e9 / C;
            let at_bp = near.c + near.k * bp.log10() + near.m * bp;
            (near, bp, seg(at_bp - 40.0 * bp.log10(), 40.0))
        }
        Scenario::UMa | Scenario::UMi => {
            let (a, b, k) = if scenario == Scenario::UMa { (28.0, 22.0, 9.0) } else { (32.4, 21.0, 9.5) };
            let bp = 4.0 * (hbs - H_E) * (hut - H_E) * fc * 1e9 / C;
            let base = a + 20.0 * fc.log10();
            (seg(base, b), bp, seg(base - k * (bp * bp + (hbs - hut).powi(2)).log10(), 40.0))
        }
    };
    let nlos = (!los).then(|| match scenario {
        Scenario::RMa => {
            let (h, w) = (H_BUILDING, W_STREET);
            let s = 43.42 - 3.1 * hbs.log10();
            let c = 161.04 - 7.1 * w.log10() + 7.5 * h.log10() - (24.37 - 3.7 * (h / hbs).powi(2)) * hbs.log10()
                + 20.0 * fc.log10()
                - (3.2 * (11.75 * hut).log10().powi(2) - 4.97);
            seg(c - 3.0 * s, s)
        }
        Scenario::UMa => seg(13.54 + 20.0 * fc.log10() - 0.6 * (hut - 1.5), 39.08),
        Scenario::UMi => seg(22.4 + 21.3 * fc.log10() - 0.3 * (hut - 1.5), 35.3),
    });
    Curve { horizontal: false, near, bp, far, nlos }
}

/// The probability of line of sight at horizontal distance `d2d_m` with the receiver at
/// `rx_height_m` (Table 7.4.2-1), 0–1.
#[must_use]
pub fn los_probability(scenario: Scenario, d2d_m: f64, rx_height_m: f64) -> f64 {
    let d = d2d_m;
    match scenario {
        Scenario::RMa if d <= 10.0 => 1.0,
        Scenario::RMa => (-(d - 10.0) / 1000.0).exp(),
        Scenario::UMa | Scenario::UMi if d <= 18.0 => 1.0,
        Scenario::UMi => 18.0 / d + (-d / 36.0).exp() * (1.0 - 18.0 / d),
        Scenario::UMa => {
            let c = if rx_height_m <= 13.0 { 0.0 } else { ((rx_height_m - 13.0) / 10.0).powf(1.5) };
            (18.0 / d + (-d / 63.0).exp() * (1.0 - 18.0 / d))
                * (1.0 + c * 1.25 * (d / 100.0).powi(3) * (-d / 150.0).exp())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A scenario, LOS or not, the base height (m), and four (distance m, loss dB) pairs.
    type Case = (Scenario, bool, f64, [(f64, f64); 4]);

    /// The reference values of ns-3's test suite for its TR 38.901 models
    /// (src/propagation/test/three-gpp-propagation-loss-model-test-suite.cc: shadowing off,
    /// 5 GHz, hUT 1.5 m, hBS 35 m RMa, 25 m UMa, 10 m UMi), to 0.01 dB. (They agree with the
    /// formulas here to 0.0001 dB.)
    #[test]
    fn ns3_reference_values() {
        #[rustfmt::skip]
        let cases: [Case; 6] = [
            (Scenario::RMa, true, 35.0, [(10.0, 77.3784), (100.0, 87.2965), (1000.0, 108.5577), (10000.0, 140.3896)]),
            (Scenario::RMa, false, 35.0, [(10.0, 77.3784), (100.0, 95.7718), (1000.0, 133.5223), (5000.0, 160.5169)]),
            (Scenario::UMa, true, 25.0, [(10.0, 72.9380), (100.0, 86.2362), (1000.0, 109.7252), (5000.0, 137.6794)]),
            (Scenario::UMa, false, 25.0, [(10.0, 82.5131), (100.0, 106.1356), (1000.0, 144.7641), (5000.0, 172.0753)]),
            (Scenario::UMi, true, 10.0, [(10.0, 69.8591), (100.0, 88.4122), (1000.0, 119.3114), (5000.0, 147.2696)]),
            (Scenario::UMi, false, 10.0, [(10.0, 76.7563), (100.0, 107.9432), (1000.0, 143.1886), (5000.0, 167.8617)]),
        ];
        for (scenario, los, hbs, points) in cases {
            for (d, want) in points {
                let link = Link { freq_mhz: 5000.0, tx_height_m: hbs, rx_height_m: 1.5, distance_m: d };
                let got = tr38901_db(&link, scenario, los).unwrap();
                assert!((got - want).abs() < 0.01, "{} at {d} m: {got} != {want}", scenario.name(los));
            }
        }
    }

    /// At the limits: RMa LOS reaches 10 km, RMa NLOS and the others 5 km; 10 m is the
    /// shortest; the receiver heights and frequencies of the table.
    #[test]
    fn ranges_of_validity() {
        let link = |d: f64| Link { freq_mhz: 700.0, tx_height_m: 35.0, rx_height_m: 1.5, distance_m: d };
        assert!(tr38901_db(&link(10_000.0), Scenario::RMa, true).is_ok());
        let e = tr38901_db(&link(10_000.0), Scenario::RMa, false).unwrap_err();
        assert_eq!((e.model, e.quantity, e.range), ("38901-rma-nlos", "distance_m", (10.0, 5000.0)));
        assert!(tr38901_db(&link(9.9), Scenario::UMa, true).is_err());
        let low = Link { rx_height_m: 1.0, ..link(100.0) };
        assert!(tr38901_db(&low, Scenario::RMa, true).is_ok());
        assert_eq!(tr38901_db(&low, Scenario::UMi, false).unwrap_err().quantity, "rx_height_m");
        let e = tr38901_db(&Link { freq_mhz: 450.0, ..link(100.0) }, Scenario::UMa, true).unwrap_err();
        assert_eq!((e.quantity, e.range), ("freq_mhz", (500.0, 100_000.0)));
        assert!(tr38901_db(&Link { freq_mhz: 40_000.0, ..link(100.0) }, Scenario::RMa, true).is_err());
    }

    /// Table 7.4.2-1 by hand: RMa at 1,010 m, exp(−1) = 0.367879; UMi at 36 m,
    /// 18/36 + e^−1 · (1 − 18/36) = 0.683940; UMa at 63 m with hUT 1.5 m, 18/63 + e^−1 · 45/63
    /// = 0.548485; with hUT 23 m, times 1 + 1 · 1.25 · 0.63³ · e^−0.42 = 1.205366.
    #[test]
    fn los_probability_by_hand() {
        assert_eq!(los_probability(Scenario::RMa, 10.0, 1.5), 1.0);
        assert!((los_probability(Scenario::RMa, 1010.0, 1.5) - 0.367879).abs() < 1e-6);
        assert_eq!(los_probability(Scenario::UMi, 18.0, 1.5), 1.0);
        assert!((los_probability(Scenario::UMi, 36.0, 1.5) - 0.683940).abs() < 1e-6);
        let uma = los_probability(Scenario::UMa, 63.0, 1.5);
        assert!((uma - 0.548485).abs() < 1e-6, "{uma}");
        let tall = los_probability(Scenario::UMa, 63.0, 23.0);
        assert!((tall - uma * (1.0 + 1.25 * 0.63f64.powi(3) * (-0.42f64).exp())).abs() < 1e-12);
    }
}
