//! Fixed-broadband coverage: per area and threshold, the universe (all addresses that count,
//! served or not) and the covered part (addresses with at least one record meeting the
//! threshold), in addresses or households.
//!
//! Weights are summed as integer micro-units (weight × 10⁶, rounded), so totals are exact and
//! the same whatever the order or number of threads.

use std::sync::atomic::{AtomicU8, Ordering};

use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::model::areas::{AreaSet, Assigned};
use crate::model::availability::Records;
use crate::model::fixed::{Coverage, CoverageRow, Covered, Unit, MICRO};
use crate::model::threshold::Threshold;

/// Addresses (or records) per parallel chunk.
const CHUNK: usize = if cfg!(test) { 4 } else { 1 << 16 };

/// The covered flags of each address: bit `t` set when a record of the address meets threshold `t`
/// (only records that meet the record condition count, when one was read).
///
/// # Errors
/// [`Error::Argument`] for more than 64 thresholds.
pub fn covered_bits(n_addresses: usize, records: &Records, thresholds: &[Threshold]) -> Result<Covered> {
    if thresholds.len() > 64 {
        return Err(Error::argument("threshold", &thresholds.len().to_string(), "at most 64 thresholds per run"));
    }
    // Which technology indices each threshold allows.
    let allowed: Vec<Option<Vec<bool>>> = thresholds
        .iter()
        .map(|t| {
            t.technologies
                .as_ref()
                .map(|set| records.technologies.iter().map(|name| set.iter().any(|s| s == name)).collect())
        })
        .collect();
    // Records that do not meet the record condition count for no threshold.
    let counts = |i: usize| records.qualifies.get(i).is_none_or(|&q| q);
    let mask = |i: usize| {
        if !counts(i) {
            return 0;
        }
        let tech = records.technology.get(i).and_then(|t| t.get());
        let (d, u) = (records.down_mbps[i], records.up_mbps.get(i).copied().unwrap_or(0.0));
        let mut mask = 0u64;
        for (k, t) in thresholds.iter().enumerate() {
            let tech_ok = match &allowed[k] {
                None => true,
                Some(ok) => tech.is_some_and(|t| ok[t as usize]),
            };
            if d >= t.down_mbps && u >= t.up_mbps && tech_ok {
                mask |= 1 << k;
            }
        }
        mask
    };
    // Thresholds on download speed alone (the usual case): the mask from the speed only.
    let downs: Vec<f64> = thresholds.iter().map(|t| t.down_mbps).collect();
    let plain = thresholds.iter().all(|t| t.technologies.is_none() && t.up_mbps <= 0.0) && records.qualifies.is_empty();
    let down =
        |i: usize| downs.iter().enumerate().fold(0u64, |m, (k, &t)| m | u64::from(records.down_mbps[i] >= t) << k);
    let mut covered = Covered::zeroed(n_addresses, thresholds.len());
    if plain {
        or_masks(&mut covered, &records.address, down);
    } else {
        or_masks(&mut covered, &records.address, mask);
    }
    Ok(covered)
}

/// ORs each record's `mask` into the flags of its address.
fn or_masks(covered: &mut Covered, address: &[u32], mask: impl Fn(usize) -> u64 + Sync) {
    let width = covered.width;
    if address.par_windows(2).all(|w| w[0] <= w[1]) {
        ascending_bits(covered, address, mask);
        return;
    }
    // Records are visited in parallel; OR-ing into an address's flags commutes, so the result
    // does not depend on the order.
    let bytes: Vec<AtomicU8> = std::mem::take(&mut covered.bytes).into_iter().map(AtomicU8::new).collect();
    (0..address.len()).into_par_iter().with_min_len(1 << 14).for_each(|i| {
        let mask = mask(i).to_le_bytes();
        for (slot, &m) in bytes[address[i] as usize * width..][..width].iter().zip(&mask) {
            if m != 0 {
                slot.fetch_or(m, Ordering::Relaxed);
            }
        }
    });
    covered.bytes = bytes.into_iter().map(AtomicU8::into_inner).collect();
}

/// The flags per address of records whose addresses ascend: the records are cut into pieces
/// where the address changes, and each piece ORs `mask` into its own addresses' flags.
fn ascending_bits(covered: &mut Covered, address: &[u32], mask: impl Fn(usize) -> u64 + Sync) {
    let (n_addresses, width) = (covered.len(), covered.width);
    let mut cuts = vec![0];
    let mut at = CHUNK;
    while at < address.len() {
        if address[at] == address[at - 1] {
            at += 1;
        } else {
            cuts.push(at);
            at += CHUNK;
        }
    }
    cuts.push(address.len());
    let (mut rest, mut lo) = (&mut covered.bytes[..], 0);
    let mut pieces = Vec::new();
    for w in cuts.windows(2) {
        // This piece's addresses run up to the next piece's first one (or the last address).
        let next = address.get(w[1]).map_or(n_addresses, |&a| a as usize);
        let (own, more) = std::mem::take(&mut rest).split_at_mut((next - lo) * width);
        rest = more;
        pieces.push((lo, own, w[0]..w[1]));
        lo = next;
    }
    pieces.into_par_iter().for_each(|(lo, own, records)| {
        for i in records {
            let mask = mask(i).to_le_bytes();
            for (slot, m) in own[(address[i] as usize - lo) * width..][..width].iter_mut().zip(mask) {
                *slot |= m;
            }
        }
    });
}

/// Counts for one area: universe and covered per threshold, in micro-units of the unit.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    /// Number of addresses (whatever the unit).
    pub addresses: u64,
    /// Universe, micro-units.
    pub universe: u64,
    /// Covered per threshold, micro-units.
    pub covered: Vec<u64>,
}

impl Counts {
    fn new(n: usize) -> Counts {
        Counts { addresses: 0, universe: 0, covered: vec![0; n] }
    }

    fn add(&mut self, other: &Counts) {
        self.addresses += other.addresses;
        self.universe += other.universe;
        for (a, b) in self.covered.iter_mut().zip(&other.covered) {
            *a += b;
        }
    }
}

/// Measures coverage per area at every level.
///
/// Every area of `set` gets rows, also those without addresses (universe 0, share `None`).
#[must_use]
pub fn measure(
    set: &AreaSet,
    assigned: &Assigned,
    weights: &[f64],
    bits: &Covered,
    thresholds: &[Threshold],
    unit: Unit,
) -> Coverage {
    let n = thresholds.len();
    // Per area a row of sums: addresses, universe, covered per threshold. Each fixed chunk of
    // addresses sums into its own rows, then the chunks' rows are added: integer sums, so the
    // result does not depend on the order.
    let width = 2 + n;
    let sums = assigned
        .area
        .par_chunks(CHUNK)
        .enumerate()
        .map(|(c, areas)| {
            let mut acc = vec![0u64; set.areas.len() * width];
            for (a, area) in (c * CHUNK..).zip(areas) {
                let Some(area) = area.index() else { continue };
                let w = match unit {
                    Unit::Addresses => MICRO as u64,
                    Unit::Households => (weights[a] * MICRO).round() as u64,
                };
                let row = &mut acc[area * width..][..width];
                row[0] += 1;
                row[1] += w;
                let flags = bits.get(a);
                for (k, cov) in row[2..].iter_mut().enumerate() {
                    *cov += w * (flags >> k & 1);
                }
            }
            acc
        })
        .reduce(
            || vec![0u64; set.areas.len() * width],
            |mut x, y| {
                x.iter_mut().zip(&y).for_each(|(a, b)| *a += b);
                x
            },
        );
    let per_area: Vec<Counts> =
        sums.chunks(width).map(|r| Counts { addresses: r[0], universe: r[1], covered: r[2..].to_vec() }).collect();
    let mut parents = vec![Counts::new(n); set.parents.len()];
    let mut total = Counts::new(n);
    // With a parent level, the total is the sum of the parents: an area no table places stays out.
    for (info, c) in set.areas.iter().zip(&per_area) {
        if let Some(p) = info.parent {
            parents[p as usize].add(c);
        }
        if info.parent.is_some() || set.parents.is_empty() {
            total.add(c);
        }
    }
    let mut rows = Vec::new();
    let mut push = |level: &'static str, code: &str, name: &str, c: &Counts| {
        for k in 0..n {
            rows.push(CoverageRow {
                level,
                area_code: code.to_string(),
                area_name: name.to_string(),
                threshold: k,
                addresses: c.addresses,
                universe_micro: c.universe,
                covered_micro: c.covered[k],
                suppressed: false,
            });
        }
    };
    for (info, c) in set.areas.iter().zip(&per_area) {
        push(set.levels[0], &info.code, &info.name, c);
    }
    for ((code, name), c) in set.parents.iter().zip(&parents) {
        push(set.levels[1], code, name, c);
    }
    push(set.levels[2], &set.total.0, &set.total.1, &total);
    Coverage { thresholds: thresholds.to_vec(), unit, rows }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::areas::{AreaInfo, Assignment, Unassigned};
    use dekking_rows::Index;

    fn records(rows: &[(u32, f64, f64)]) -> Records {
        Records {
            address: rows.iter().map(|r| r.0).collect(),
            row: crate::model::availability::RowNumbers::all(rows.len()),
            down_mbps: rows.iter().map(|r| r.1).collect(),
            up_mbps: rows.iter().map(|r| r.2).collect(),
            technology: vec![Index::NONE; rows.len()],
            technologies: vec![],
            has_up: true,
            has_technology: true,
            qualifies: Vec::new(),
        }
    }

    #[test]
    fn any_single_record_must_meet_both_speeds() {
        // Address 0: 200/10 and 50/50 -> meets 100/0 but not 100/20 (no single record has both).
        // Address 1: 0/0 only. Address 2: no record at all. Address 3: exactly 100/20.
        let r = records(&[(0, 200.0, 10.0), (0, 50.0, 50.0), (1, 0.0, 0.0), (3, 100.0, 20.0)]);
        let t = [Threshold::down(100.0), Threshold::parse("100/20").unwrap(), Threshold::parse("0.2/0.2").unwrap()];
        let bits = covered_bits(4, &r, &t).unwrap();
        assert_eq!(bits.to_flags(), vec![0b101, 0b000, 0b000, 0b111]);
    }

    #[test]
    fn records_in_any_order_give_the_flags_of_a_plain_loop() {
        use rand::{seq::SliceRandom, Rng, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        // Download speeds alone, three thresholds (one byte of flags an address) and eleven (two bytes).
        let down = vec![Threshold::down(30.0), Threshold::down(100.0)];
        let few = vec![Threshold::down(30.0), Threshold::down(100.0), Threshold::parse("100/50").unwrap()];
        let many: Vec<Threshold> =
            (0..11).map(|k| Threshold::parse(&format!("{}/{}", k * 50, k % 2 * 50)).unwrap()).collect();
        for (t, n) in [&down, &few, &many].into_iter().flat_map(|t| [0usize, 1, 5, 40, 333].map(|n| (t, n))) {
            // Ascending addresses with runs of records, and addresses without any (gaps).
            let mut rows = Vec::new();
            for a in 0..n as u32 {
                for _ in 0..rng.random_range(0..4) {
                    rows.push((
                        a,
                        [0.0, 50.0, 100.0, 500.0][rng.random_range(0..4)],
                        [0.0, 50.0][rng.random_range(0..2)],
                    ));
                }
            }
            let mut plain = vec![0u64; n];
            for &(a, d, u) in &rows {
                for (k, t) in t.iter().enumerate() {
                    if d >= t.down_mbps && u >= t.up_mbps {
                        plain[a as usize] |= 1 << k;
                    }
                }
            }
            assert_eq!(covered_bits(n, &records(&rows), t).unwrap().to_flags(), plain, "{n} addresses, ascending");
            rows.shuffle(&mut rng);
            assert_eq!(covered_bits(n, &records(&rows), t).unwrap().to_flags(), plain, "{n} addresses, shuffled");
        }
    }

    #[test]
    fn technology_filter() {
        let mut r = records(&[(0, 1000.0, 1000.0), (1, 1000.0, 50.0)]);
        r.technologies = vec!["50".into(), "40".into()];
        r.technology = vec![Index::new(0), Index::new(1)];
        let t = [Threshold::parse("1000@50").unwrap(), Threshold::parse("1000@40,50").unwrap()];
        assert_eq!(covered_bits(2, &r, &t).unwrap().to_flags(), vec![0b11, 0b10]);
    }

    #[test]
    fn roll_up_and_empty_area() {
        let set = AreaSet {
            levels: ["gemeente", "provincie", "nl"],
            areas: vec![
                AreaInfo { code: "GM0001".into(), name: "A".into(), parent: Some(0) },
                AreaInfo { code: "GM0002".into(), name: "B".into(), parent: Some(0) },
                AreaInfo { code: "GM0003".into(), name: "Empty".into(), parent: Some(0) },
            ],
            parents: vec![("PV20".into(), "G".into())],
            total: ("NL".into(), "Nederland".into()),
        };
        let area =
            vec![Assignment::area(0), Assignment::area(0), Assignment::area(1), Assignment::none(Unassigned::Outside)];
        let assigned = Assigned { area, ..Assigned::default() };
        let bits = Covered::from_flags(&[1, 0, 1, 1], 1);
        let t = [Threshold::down(100.0)];
        let c = measure(&set, &assigned, &[2.5, 1.0, 3.0, 9.0], &bits, &t, Unit::Households);
        let by_code = |code: &str| c.rows.iter().find(|r| r.area_code == code).unwrap().clone();
        assert_eq!(by_code("GM0001").universe_micro, 3_500_000);
        assert_eq!(by_code("GM0001").covered_micro, 2_500_000);
        assert_eq!(by_code("GM0003").share(), None);
        assert_eq!(by_code("PV20").universe_micro, 6_500_000);
        assert_eq!(by_code("NL").covered_micro, 5_500_000);
        assert_eq!(by_code("NL").addresses, 3);
        let c = measure(&set, &assigned, &[2.5, 1.0, 3.0, 9.0], &bits, &t, Unit::Addresses);
        assert_eq!(c.rows.iter().find(|r| r.area_code == "NL").unwrap().short_micro(), 1_000_000);
    }
}
