//! Free-space path loss (Friis): 20·log10(4π·d·f / c) over the 3D distance d between the
//! antennas, for any frequency and any distance above zero.

use super::prepared::{Curve, Segment};
use super::{within, Link, OutOfRange};

/// The speed of light, m/s.
const C: f64 = 299_792_458.0;

/// The free-space loss of `link`, dB, over the 3D distance (horizontal distance and the height
/// difference).
///
/// # Errors
/// [`OutOfRange`] for a frequency or a 3D distance that is not above zero, or a negative
/// horizontal distance.
pub fn free_space_db(link: &Link) -> Result<f64, OutOfRange> {
    let d = link.distance_m.hypot(link.tx_height_m - link.rx_height_m);
    within("free-space", "freq_mhz", link.freq_mhz, (f64::MIN_POSITIVE, f64::MAX))?;
    within("free-space", "distance_m", link.distance_m, (0.0, f64::MAX))?;
    within("free-space", "distance_m (3D)", d, (f64::MIN_POSITIVE, f64::MAX))?;
    Ok(20.0 * (4.0 * std::f64::consts::PI * d * link.freq_mhz * 1e6 / C).log10())
}

/// The loss of links at `link`'s frequency: 20·log10(4π·f/c) + 20·log10(d3).
pub(super) fn curve(link: &Link) -> Curve {
    let near = Segment { c: 20.0 * (4.0 * std::f64::consts::PI * link.freq_mhz * 1e6 / C).log10(), k: 20.0, m: 0.0 };
    Curve { horizontal: false, near, bp: f64::INFINITY, far: near, nlos: None }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Hand computation: 2,400 MHz over 1 km (antennas at the same height): 20·log10(4π ×
    /// 1000 × 2.4e9 / 299,792,458) = 20·log10(100,600.56) = 100.0520 dB; the textbook form
    /// 20·log10(d_km) + 20·log10(f_MHz) + 32.45 gives 100.05. Ten times the distance adds 20 dB.
    #[test]
    fn friis_by_hand() {
        let link = Link { freq_mhz: 2400.0, tx_height_m: 10.0, rx_height_m: 10.0, distance_m: 1000.0 };
        let l = free_space_db(&link).unwrap();
        assert!((l - 100.0520).abs() < 1e-4, "{l}");
        let far = free_space_db(&Link { distance_m: 10_000.0, ..link }).unwrap();
        assert!((far - l - 20.0).abs() < 1e-9);
        // Over the 3D distance: 30 m up and 40 m across is 50 m.
        let slant = free_space_db(&Link { tx_height_m: 31.5, rx_height_m: 1.5, distance_m: 40.0, ..link }).unwrap();
        let straight = free_space_db(&Link { tx_height_m: 0.0, rx_height_m: 0.0, distance_m: 50.0, ..link }).unwrap();
        assert!((slant - straight).abs() < 1e-9);
        assert!(free_space_db(&Link { distance_m: 0.0, tx_height_m: 1.5, rx_height_m: 1.5, ..link }).is_err());
        assert_eq!(free_space_db(&Link { distance_m: -5.0, ..link }).unwrap_err().quantity, "distance_m");
    }
}
