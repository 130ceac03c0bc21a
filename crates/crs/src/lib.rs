//! RD New (EPSG:28992) ↔ WGS84/ETRS89 by the approximation polynomials of Schreutelkamp and
//! Strang van Hees ("Benaderingsformules voor de transformatie tussen RD- en WGS84-
//! kaartcoördinaten", 2001).
//!
//! Accuracy: tested against the 10,000 NSGI RDNAPTRANS™2018 self-validation points; inside the RD
//! validity box the error is below 1 m (about 0.3 m typical), ample for assigning addresses and
//! for areas at 100 m resolution. It is not the certified RDNAPTRANS™2018 procedure.
//!
//! Also ETRS89-LAEA Europe (EPSG:3035), the equal-area grid of INSPIRE and RTR coverage maps, by
//! the ellipsoidal formulas of IOGP Guidance Note 7-2 (§3.4.3 Lambert Azimuthal Equal Area).
//!
//! Every function is `#[inline]`: they are called once a point, in other crates' loops.
#![warn(missing_docs)]

/// RD x of the reference point (Amersfoort), metres.
const X0: f64 = 155_000.0;
/// RD y of the reference point (Amersfoort), metres.
const Y0: f64 = 463_000.0;
/// Latitude of the reference point, degrees.
const PHI0: f64 = 52.155_174_40;
/// Longitude of the reference point, degrees.
const LAM0: f64 = 5.387_206_21;

/// Converts RD New x/y (metres) to WGS84 (longitude, latitude) in degrees.
///
/// ```
/// use dekking_crs::rd_to_wgs84;
/// let (lon, lat) = rd_to_wgs84(155_000.0, 463_000.0);
/// assert!((lat - 52.15517440).abs() < 1e-9 && (lon - 5.38720621).abs() < 1e-9);
/// ```
#[inline]
#[must_use]
pub fn rd_to_wgs84(x: f64, y: f64) -> (f64, f64) {
    let dx = (x - X0) * 1e-5;
    let dy = (y - Y0) * 1e-5;
    let (dx2, dy2) = (dx * dx, dy * dy);
    let sum_n = 3235.65389 * dy
        - 32.58297 * dx2
        - 0.2475 * dy2
        - 0.84978 * dx2 * dy
        - 0.0655 * dy2 * dy
        - 0.01709 * dx2 * dy2
        - 0.00738 * dx
        + 0.0053 * dx2 * dx2
        - 0.00039 * dx2 * dy2 * dy
        + 0.00033 * dx2 * dx2 * dy
        - 0.00012 * dx * dy;
    let sum_e = 5260.52916 * dx + 105.94684 * dx * dy + 2.45656 * dx * dy2 - 0.81885 * dx2 * dx
        + 0.05594 * dx * dy2 * dy
        - 0.05607 * dx2 * dx * dy
        + 0.01199 * dy
        - 0.00256 * dx2 * dx * dy2
        + 0.00128 * dx * dy2 * dy2
        + 0.00022 * dy2
        - 0.00022 * dx2
        + 0.00026 * dx2 * dx2 * dx;
    (LAM0 + sum_e / 3600.0, PHI0 + sum_n / 3600.0)
}

/// Converts WGS84 longitude/latitude (degrees) to RD New x/y (metres).
///
/// ```
/// use dekking_crs::wgs84_to_rd;
/// // Martinitoren, Groningen
/// let (x, y) = wgs84_to_rd(6.568201, 53.219383);
/// assert!((x - 233_883.1).abs() < 2.0 && (y - 582_065.2).abs() < 2.0);
/// ```
#[inline]
#[must_use]
pub fn wgs84_to_rd(lon: f64, lat: f64) -> (f64, f64) {
    let dp = 0.36 * (lat - PHI0);
    let dl = 0.36 * (lon - LAM0);
    let (dp2, dl2) = (dp * dp, dl * dl);
    let x = 190_094.945 * dl
        - 11_832.228 * dp * dl
        - 114.221 * dp2 * dl
        - 32.391 * dl2 * dl
        - 0.705 * dp
        - 2.340 * dp2 * dp * dl
        - 0.608 * dp * dl2 * dl
        - 0.008 * dl2
        + 0.148 * dp2 * dl2 * dl;
    let y = 309_056.544 * dp + 3_638.893 * dl2 + 73.077 * dp2 - 157.984 * dp * dl2 + 59.788 * dp2 * dp + 0.433 * dl
        - 6.439 * dp2 * dl2
        - 0.032 * dp * dl
        + 0.092 * dl2 * dl2
        - 0.054 * dp * dl2 * dl2;
    (X0 + x, Y0 + y)
}

/// Converts RD New x/y (metres) to WGS84 (longitude, latitude) in degrees as the exact inverse of
/// [`wgs84_to_rd`] (Newton's method, to 10⁻⁶ m), so a position that came from WGS84 gets its
/// longitude and latitude back. [`rd_to_wgs84`] is the published inverse polynomial: it agrees to
/// centimetres inside the Netherlands but by tens of metres far outside (about 25 m at Graz),
/// where foreign areas read from WGS84 must not move.
///
/// ```
/// use dekking_crs::{rd_to_wgs84_inverse, wgs84_to_rd};
/// // Graz Hauptplatz, 900 km outside the RD validity box.
/// let (x, y) = wgs84_to_rd(15.4382, 47.0709);
/// let (lon, lat) = rd_to_wgs84_inverse(x, y);
/// assert!((lon - 15.4382).abs() < 1e-10 && (lat - 47.0709).abs() < 1e-10);
/// ```
#[inline]
#[must_use]
pub fn rd_to_wgs84_inverse(x: f64, y: f64) -> (f64, f64) {
    const H: f64 = 1e-6;
    let (mut lon, mut lat) = rd_to_wgs84(x, y);
    for _ in 0..8 {
        let (fx, fy) = wgs84_to_rd(lon, lat);
        let (rx, ry) = (fx - x, fy - y);
        if rx.abs() < 1e-6 && ry.abs() < 1e-6 {
            break;
        }
        // Jacobian by central differences (metres per degree).
        let (ax, ay) = wgs84_to_rd(lon + H, lat);
        let (bx, by) = wgs84_to_rd(lon - H, lat);
        let (cx, cy) = wgs84_to_rd(lon, lat + H);
        let (dx, dy) = wgs84_to_rd(lon, lat - H);
        let (j11, j21) = ((ax - bx) / (2.0 * H), (ay - by) / (2.0 * H));
        let (j12, j22) = ((cx - dx) / (2.0 * H), (cy - dy) / (2.0 * H));
        let det = j11 * j22 - j12 * j21;
        lon -= (j22 * rx - j12 * ry) / det;
        lat -= (j11 * ry - j21 * rx) / det;
    }
    (lon, lat)
}

/// Whether RD coordinates lie in the RD validity box (x −7 km … 300 km, y 289 km … 629 km).
#[inline]
#[must_use]
pub fn in_rd_box(x: f64, y: f64) -> bool {
    (-7_000.0..=300_000.0).contains(&x) && (289_000.0..=629_000.0).contains(&y)
}

/// GRS80 semi-major axis, metres.
const GRS80_A: f64 = 6_378_137.0;
/// GRS80 flattening.
const GRS80_F: f64 = 1.0 / 298.257_222_101;
/// EPSG:3035 natural origin latitude and longitude, degrees; false easting and northing, metres.
const LAEA_PHI0: f64 = 52.0;
const LAEA_LAM0: f64 = 10.0;
const LAEA_FE: f64 = 4_321_000.0;
const LAEA_FN: f64 = 3_210_000.0;

struct Laea {
    e: f64,
    e2: f64,
    qp: f64,
    rq: f64,
    d: f64,
    sin_b0: f64,
    cos_b0: f64,
}

fn laea() -> Laea {
    let e2 = GRS80_F * (2.0 - GRS80_F);
    let e = e2.sqrt();
    let q = |phi: f64| {
        let s = phi.sin();
        (1.0 - e2) * (s / (1.0 - e2 * s * s) - (1.0 / (2.0 * e)) * ((1.0 - e * s) / (1.0 + e * s)).ln())
    };
    let qp = q(std::f64::consts::FRAC_PI_2);
    let phi0 = LAEA_PHI0.to_radians();
    let b0 = (q(phi0) / qp).asin();
    let rq = GRS80_A * (qp / 2.0).sqrt();
    let d = GRS80_A * (phi0.cos() / (1.0 - e2 * phi0.sin().powi(2)).sqrt()) / (rq * b0.cos());
    Laea { e, e2, qp, rq, d, sin_b0: b0.sin(), cos_b0: b0.cos() }
}

/// Converts ETRS89 longitude/latitude (degrees) to EPSG:3035 easting/northing (metres).
///
/// ```
/// use dekking_crs::lonlat_to_laea;
/// // IOGP Guidance Note 7-2 example: 50°N 5°E -> E 3 962 799.45, N 2 999 718.85.
/// let (e, n) = lonlat_to_laea(5.0, 50.0);
/// assert!((e - 3_962_799.45).abs() < 0.01 && (n - 2_999_718.85).abs() < 0.01);
/// ```
#[inline]
#[must_use]
pub fn lonlat_to_laea(lon: f64, lat: f64) -> (f64, f64) {
    let p = laea();
    let phi = lat.to_radians();
    let s = phi.sin();
    let q = (1.0 - p.e2) * (s / (1.0 - p.e2 * s * s) - (1.0 / (2.0 * p.e)) * ((1.0 - p.e * s) / (1.0 + p.e * s)).ln());
    let beta = (q / p.qp).clamp(-1.0, 1.0).asin();
    let dl = (lon - LAEA_LAM0).to_radians();
    let b = p.rq * (2.0 / (1.0 + p.sin_b0 * beta.sin() + p.cos_b0 * beta.cos() * dl.cos())).sqrt();
    let e = LAEA_FE + b * p.d * beta.cos() * dl.sin();
    let n = LAEA_FN + (b / p.d) * (p.cos_b0 * beta.sin() - p.sin_b0 * beta.cos() * dl.cos());
    (e, n)
}

/// Converts EPSG:3035 easting/northing (metres) to ETRS89 longitude/latitude (degrees).
#[inline]
#[must_use]
pub fn laea_to_lonlat(e: f64, n: f64) -> (f64, f64) {
    let p = laea();
    let (x, y) = ((e - LAEA_FE) / p.d, p.d * (n - LAEA_FN));
    let rho = x.hypot(y);
    if rho == 0.0 {
        return (LAEA_LAM0, LAEA_PHI0);
    }
    let c = 2.0 * (rho / (2.0 * p.rq)).asin();
    let beta = (c.cos() * p.sin_b0 + (p.d * (n - LAEA_FN) * c.sin() * p.cos_b0) / rho).asin();
    let lam = LAEA_LAM0.to_radians()
        + ((e - LAEA_FE) * c.sin())
            .atan2(p.d * rho * p.cos_b0 * c.cos() - p.d * p.d * (n - LAEA_FN) * p.sin_b0 * c.sin());
    let (e2, e4, e6) = (p.e2, p.e2 * p.e2, p.e2 * p.e2 * p.e2);
    let phi = beta
        + (e2 / 3.0 + 31.0 * e4 / 180.0 + 517.0 * e6 / 5040.0) * (2.0 * beta).sin()
        + (23.0 * e4 / 360.0 + 251.0 * e6 / 3780.0) * (4.0 * beta).sin()
        + (761.0 * e6 / 45_360.0) * (6.0 * beta).sin();
    (lam.to_degrees(), phi.to_degrees())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_point_round_trips() {
        let (x, y) = wgs84_to_rd(LAM0, PHI0);
        assert!((x - X0).abs() < 1e-6 && (y - Y0).abs() < 1e-6);
    }

    #[test]
    fn round_trip_far_from_origin_is_stable() {
        for &(x, y) in &[(13_000.0, 372_000.0), (278_000.0, 600_000.0), (100_000.5, 500_000.25)] {
            let (lon, lat) = rd_to_wgs84(x, y);
            let (x2, y2) = wgs84_to_rd(lon, lat);
            assert!((x - x2).abs() < 0.5 && (y - y2).abs() < 0.5, "{x},{y} -> {x2},{y2}");
        }
    }

    #[test]
    fn inverse_gives_back_what_came_from_wgs84_far_outside_the_netherlands() {
        for &(lon, lat) in &[(15.4382, 47.0709), (14.2, 46.95), (5.0, 52.0), (-3.7, 40.4), (24.9, 60.2)] {
            let (x, y) = wgs84_to_rd(lon, lat);
            let (lon2, lat2) = rd_to_wgs84_inverse(x, y);
            assert!((lon - lon2).abs() < 1e-9 && (lat - lat2).abs() < 1e-9, "{lon},{lat} -> {lon2},{lat2}");
        }
        // Inside the Netherlands the two inverses agree to a few centimetres.
        let (a, b) = (rd_to_wgs84(155_000.0, 463_000.0), rd_to_wgs84_inverse(155_000.0, 463_000.0));
        assert!((a.0 - b.0).abs() < 1e-6 && (a.1 - b.1).abs() < 1e-6);
    }

    #[test]
    fn laea_round_trip_and_rtr_anchors() {
        for &(lon, lat) in &[(5.0, 50.0), (15.4382, 47.0709), (4.9, 52.37), (-8.0, 40.0), (25.0, 65.0)] {
            let (e, n) = lonlat_to_laea(lon, lat);
            let (lo, la) = laea_to_lonlat(e, n);
            assert!((lo - lon).abs() < 1e-8 && (la - lat).abs() < 1e-8, "{lon},{lat}: {lo} {la}");
        }
        // Graz Hauptplatz projects into cell 100mN26770E47339 (checked with PROJ, see the RTR provenance).
        let (e, n) = lonlat_to_laea(15.4382, 47.0709);
        assert_eq!(((e / 100.0).floor(), (n / 100.0).floor()), (47_339.0, 26_770.0));
        // The south-west corner of cell 100mN26593E47365 is 46.9096 N, 15.4547 E.
        let (lon, lat) = laea_to_lonlat(4_736_500.0, 2_659_300.0);
        assert!((lat - 46.9096).abs() < 1e-4 && (lon - 15.4547).abs() < 1e-4, "{lat} {lon}");
    }

    #[test]
    fn official_self_validation_points_within_one_metre() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../../shared/data/rdnaptrans2018_selfvalidation/Z001_ETRS89andRDNAP.txt");
        let Ok(text) = std::fs::read_to_string(&path) else {
            // Written past the test harness's capture so the reason is seen; under CI=true
            // (where ../shared is present) a skip is a failure.
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "skipped under CI=true: {} not found",
                path.display()
            );
            use std::io::Write;
            let _ = writeln!(
                std::io::stderr(),
                "skipped: {} not found (the NSGI self-validation file lives in ../shared/data)",
                path.display()
            );
            return;
        };
        let (mut n, mut worst_fwd, mut worst_inv) = (0, 0.0f64, 0.0f64);
        for line in text.lines().skip(1) {
            let f: Vec<f64> = line.split('\t').take(6).filter_map(|s| s.trim().parse().ok()).collect();
            let [_, lat, lon, _, x, y] = f[..] else { continue };
            if !in_rd_box(x, y) {
                continue;
            }
            n += 1;
            let (xr, yr) = wgs84_to_rd(lon, lat);
            worst_fwd = worst_fwd.max((xr - x).hypot(yr - y));
            let (lo, la) = rd_to_wgs84(x, y);
            // Metres per degree at this latitude.
            let dn = (la - lat) * 111_320.0;
            let de = (lo - lon) * 111_320.0 * lat.to_radians().cos();
            worst_inv = worst_inv.max(dn.hypot(de));
        }
        assert_eq!(n, 4_994, "the provenance file counts 4,994 in-box points");
        assert!(worst_fwd < 1.0, "ETRS89 -> RD worst error {worst_fwd:.3} m");
        assert!(worst_inv < 1.0, "RD -> ETRS89 worst error {worst_inv:.3} m");
        eprintln!("RD polynomial on {n} official points: worst {worst_fwd:.3} m forward, {worst_inv:.3} m inverse");
    }
}
