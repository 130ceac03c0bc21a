//! The seeded generator of synthetic Dutch address data.
//!
//! - Households per gemeente from CBS 2023 (the built-in boundaries), times `scale`.
//! - Points inside the real gemeente polygons (RD New): most around settlement centres drawn
//!   inside the gemeente, the rest scattered; the scattered share grows with the CBS urbanity
//!   class (1 very urban … 5 rural).
//! - Every address gets a latent *remoteness* score; scattered addresses score higher. An address
//!   has ≥ 100 Mbps in a vintage when its score is below that vintage's quantile, chosen so the
//!   national share follows `data/demo_trajectory.csv`. So rural addresses lag, coverage only
//!   grows from one vintage to the next, and the national share hits the trajectory to within
//!   one address.
//!
//! The same seed, scale and vintage give the same bytes.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::assign::pip::PreparedPolygon;
use crate::error::{Error, Result};
use crate::io::embedded::DEMO_TRAJECTORY;
use crate::io::mergers::Mergers;
use crate::model::areas::Boundary;
use dekking_table::parse_number;

/// Coverage shares (0–1) of one vintage.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Vintage {
    /// The year (situation at the end of it).
    pub year: u16,
    /// Share with ≥ 30 Mbps.
    pub share_30: f64,
    /// Share with ≥ 100 Mbps.
    pub share_100: f64,
    /// Share with ≥ 1 Gbps.
    pub share_1000: f64,
}

/// The calibrated vintages from `data/demo_trajectory.csv`.
#[must_use]
pub fn trajectory() -> Vec<Vintage> {
    let mut rd = csv::Reader::from_reader(DEMO_TRAJECTORY.as_bytes());
    rd.records()
        .filter_map(|r| r.ok())
        .filter_map(|r| {
            Some(Vintage {
                year: r.get(0)?.parse().ok()?,
                share_30: parse_number(r.get(1)?)?,
                share_100: parse_number(r.get(2)?)?,
                share_1000: parse_number(r.get(3)?)?,
            })
        })
        .collect()
}

/// The vintage for `year`.
///
/// # Errors
/// [`Error::Argument`] for a year outside the trajectory.
pub fn vintage(year: u16) -> Result<Vintage> {
    let all = trajectory();
    all.iter().copied().find(|v| v.year == year).ok_or_else(|| {
        let years: Vec<String> = all.iter().map(|v| v.year.to_string()).collect();
        Error::argument("vintage", &year.to_string(), format!("expected one of {}", years.join(", ")))
    })
}

/// One synthetic address (RD New metres).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SynthAddress {
    /// Index of the gemeente in the boundaries it was drawn from.
    pub gemeente: u32,
    /// RD x, metres.
    pub x: f64,
    /// RD y, metres.
    pub y: f64,
    /// Latent remoteness in 0–1; lower is better served.
    pub remoteness: f64,
}

/// One availability record of a synthetic address.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SynthRecord {
    /// Index into the address list.
    pub address: u32,
    /// Download, Mbps.
    pub down_mbps: f64,
    /// Upload, Mbps.
    pub up_mbps: f64,
    /// Technology name.
    pub technology: &'static str,
}

/// Share of scattered (non-settlement) addresses per CBS urbanity class 1..=5.
const SCATTERED: [f64; 5] = [0.01, 0.03, 0.08, 0.16, 0.28];

fn uniform_in(rng: &mut ChaCha8Rng, p: &PreparedPolygon) -> (f64, f64) {
    let [x0, y0, x1, y1] = p.bbox;
    loop {
        let (x, y) = (rng.random_range(x0..x1), rng.random_range(y0..y1));
        if p.contains(x, y) {
            return (x, y);
        }
    }
}

fn normal(rng: &mut ChaCha8Rng) -> f64 {
    // Box–Muller.
    let u1: f64 = rng.random::<f64>().max(f64::MIN_POSITIVE);
    let u2: f64 = rng.random();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// Draws `round(households × scale)` addresses per gemeente inside its polygon.
///
/// `urbanity` gives the CBS urbanity class (1–5) per boundary; missing → 3.
#[must_use]
pub fn addresses(areas: &[Boundary], urbanity: &[Option<u8>], scale: f64, seed: u64) -> Vec<SynthAddress> {
    let mut out = Vec::new();
    for (g, area) in areas.iter().enumerate() {
        let Some(poly) = PreparedPolygon::new(&area.shape) else { continue };
        let mut rng = ChaCha8Rng::seed_from_u64(seed ^ (g as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let n = (area.households.unwrap_or(0.0) * scale).round() as usize;
        if n == 0 {
            continue;
        }
        let class = urbanity.get(g).copied().flatten().unwrap_or(3).clamp(1, 5) as usize;
        let scattered = SCATTERED[class - 1];
        // Settlements: sizes follow a heavy tail, so one main town and villages.
        let k = (n / 1500).clamp(1, 40);
        let centres: Vec<(f64, f64)> = (0..k).map(|_| uniform_in(&mut rng, &poly)).collect();
        let weights: Vec<f64> = (0..k).map(|i| 1.0 / (i as f64 + 1.0).powf(1.1)).collect();
        let total_w: f64 = weights.iter().sum();
        for _ in 0..n {
            let (x, y, base) = if rng.random::<f64>() < scattered {
                let (x, y) = uniform_in(&mut rng, &poly);
                (x, y, 0.55)
            } else {
                let mut pick = rng.random::<f64>() * total_w;
                let mut c = 0;
                while c + 1 < k && pick > weights[c] {
                    pick -= weights[c];
                    c += 1;
                }
                let sigma = 250.0 + 2_500.0 * (weights[c] / total_w) * (n as f64 / 50_000.0).sqrt().min(1.5);
                let mut tries = 0;
                loop {
                    let (x, y) = (centres[c].0 + sigma * normal(&mut rng), centres[c].1 + sigma * normal(&mut rng));
                    if poly.contains(x, y) {
                        // Further from the centre = more remote.
                        let d = (x - centres[c].0).hypot(y - centres[c].1) / (3.0 * sigma);
                        break (x, y, 0.25 * d.min(1.0) + 0.05 * (class as f64 - 1.0));
                    }
                    tries += 1;
                    if tries == 20 {
                        let (x, y) = uniform_in(&mut rng, &poly);
                        break (x, y, 0.55);
                    }
                }
            };
            let remoteness = (base + 0.45 * rng.random::<f64>()).min(1.0);
            out.push(SynthAddress {
                gemeente: g as u32,
                x: (x * 100.0).round() / 100.0,
                y: (y * 100.0).round() / 100.0,
                remoteness,
            });
        }
    }
    out
}

/// The remoteness below which a share `share` of `addresses` lies (the `share` quantile).
fn cut(sorted: &[f64], share: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let k = ((share * sorted.len() as f64).round() as usize).min(sorted.len());
    if k == sorted.len() {
        f64::INFINITY
    } else {
        sorted[k]
    }
}

/// Draws the availability records of every address for vintage `v`.
///
/// An address below the ≥ 1 Gbps cut gets fibre or cable with 1 Gbps; below the 100 Mbps cut,
/// 100–500 Mbps; below the 30 Mbps cut, 30–80 Mbps; the rest slower DSL, a 0/0 record, or — for
/// one in ten of them — no record at all (they are in the universe only). About half of the
/// addresses also get a slower DSL record.
#[must_use]
pub fn records(addresses: &[SynthAddress], v: &Vintage, seed: u64) -> Vec<SynthRecord> {
    let mut sorted: Vec<f64> = addresses.iter().map(|a| a.remoteness).collect();
    sorted.sort_by(f64::total_cmp);
    let (c30, c100, c1000) = (cut(&sorted, v.share_30), cut(&sorted, v.share_100), cut(&sorted, v.share_1000));
    let mut rng = ChaCha8Rng::seed_from_u64(seed.wrapping_add(u64::from(v.year)));
    let mut out = Vec::with_capacity(addresses.len() * 3 / 2);
    for (i, a) in addresses.iter().enumerate() {
        let address = i as u32;
        let r = a.remoteness;
        let pick = rng.random::<f64>();
        let best = if r < c1000 {
            if pick < 0.6 {
                (1000.0, 1000.0, "glasvezel")
            } else {
                (1000.0, 50.0, "kabel")
            }
        } else if r < c100 {
            [(100.0, 10.0, "dsl"), (200.0, 20.0, "kabel"), (250.0, 25.0, "kabel"), (500.0, 500.0, "glasvezel")]
                [(pick * 4.0) as usize % 4]
        } else if r < c30 {
            [(30.0, 3.0, "dsl"), (50.0, 5.0, "dsl"), (80.0, 8.0, "dsl"), (40.0, 10.0, "vast-draadloos")]
                [(pick * 4.0) as usize % 4]
        } else if pick < 0.1 {
            continue; // no record at all: in the universe only
        } else if pick < 0.3 {
            (0.0, 0.0, "dsl")
        } else {
            [(4.0, 1.0, "dsl"), (8.0, 1.0, "dsl"), (20.0, 2.0, "dsl")][(pick * 30.0) as usize % 3]
        };
        out.push(SynthRecord { address, down_mbps: best.0, up_mbps: best.1, technology: best.2 });
        if best.0 > 20.0 && rng.random::<f64>() < 0.5 {
            out.push(SynthRecord { address, down_mbps: 20.0, up_mbps: 2.0, technology: "dsl" });
        }
    }
    out
}

/// The gemeentecode each address would have had at the end of `year`, for gemeenten formed by a
/// merger after that: one of the merged gemeenten, drawn at random (synthetic — the drawn
/// predecessor is not where the address really was). A code of the new series (`GM19xx`) did
/// not exist before its merger; an older code that absorbed others (Amsterdam, Purmerend) did.
#[must_use]
pub fn codes_in_year(
    addresses: &[SynthAddress],
    codes: &[String],
    mergers: &Mergers,
    year: i32,
    seed: u64,
) -> Vec<String> {
    let end = crate::model::date::Date { year, month: 12, day: 31 };
    let mut before: std::collections::BTreeMap<&str, Vec<String>> = std::collections::BTreeMap::new();
    for m in mergers.iter().filter(|m| m.date > end) {
        let now = codes.iter().find(|c| **c == mergers.current(&m.new_code, None));
        if let Some(now) = now {
            before.entry(now.as_str()).or_default().push(mergers.current(&m.old_code, Some(end)));
        }
    }
    for (code, olds) in &mut before {
        if code.as_bytes().get(2) != Some(&b'1') || code.as_bytes().get(3) != Some(&b'9') {
            olds.push((*code).to_string());
        }
        olds.sort();
        olds.dedup();
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x6d65_7267_6572);
    addresses
        .iter()
        .map(|a| {
            let code = &codes[a.gemeente as usize];
            match before.get(code.as_str()) {
                Some(olds) => olds[rng.random_range(0..olds.len())].clone(),
                None => code.clone(),
            }
        })
        .collect()
}

/// A synthetic Dutch-looking postcode (`1234 AB`) for an address: the digits from its 4 km
/// cell, the letters from its 200 m cell. Not a real postcode.
#[must_use]
pub fn postcode(a: &SynthAddress) -> String {
    let (cx, cy) = ((a.x / 4_000.0) as i64, (a.y / 4_000.0) as i64);
    let digits = 1_000 + (cx * 131 + cy * 7_919).rem_euclid(9_000);
    let (fx, fy) = (((a.x / 200.0) as i64).rem_euclid(20), ((a.y / 200.0) as i64).rem_euclid(20));
    let letter = |k: i64| char::from(b'A' + (k % 26) as u8);
    format!("{digits} {}{}", letter(fx), letter(fy))
}

/// The address id of synthetic address `i` in gemeente `code` (16 characters, BAG-like).
#[must_use]
pub fn address_id(code: &str, i: usize) -> String {
    format!("{}{:012}", &code[2..], i)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::embedded::gemeenten_2023;

    #[test]
    fn trajectory_is_monotone_and_complete() {
        let t = trajectory();
        assert_eq!(t.first().map(|v| v.year), Some(2017));
        assert_eq!(t.last().map(|v| v.year), Some(2023));
        for w in t.windows(2) {
            assert!(w[0].share_100 <= w[1].share_100 && w[0].share_1000 <= w[1].share_1000);
        }
        assert!(vintage(2016).is_err());
    }

    #[test]
    fn points_fall_in_their_gemeente_and_shares_follow_the_vintage() {
        let b = gemeenten_2023().unwrap();
        let some: Vec<_> = b.areas.iter().take(12).cloned().collect();
        let a = addresses(&some, &[], 0.01, 7);
        let expected: f64 = some.iter().map(|g| (g.households.unwrap() * 0.01).round()).sum();
        assert_eq!(a.len() as f64, expected);
        for p in &a {
            assert!(PreparedPolygon::new(&some[p.gemeente as usize].shape).unwrap().contains(p.x, p.y));
        }
        let v = vintage(2019).unwrap();
        let recs = records(&a, &v, 7);
        let mut covered = vec![false; a.len()];
        for r in &recs {
            covered[r.address as usize] |= r.down_mbps >= 100.0;
        }
        let share = covered.iter().filter(|c| **c).count() as f64 / a.len() as f64;
        assert!((share - v.share_100).abs() < 1.0 / a.len() as f64 + 1e-9, "{share}");
        assert_eq!(addresses(&some, &[], 0.01, 7), a, "same seed, same addresses");
    }
}
