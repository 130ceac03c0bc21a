//! The locations of each area by service class: one covered flag per class (its speeds, the
//! scheme's technologies, the records that meet its condition), summed per area as coverage is,
//! then told apart — a location is in the best class one of its records reaches.

use crate::error::Result;
use crate::measure::fixed::{covered_bits, measure};
use crate::model::areas::{AreaSet, Assigned};
use crate::model::availability::Records;
use crate::model::classes::{ClassRow, ClassScheme, Classes};
use crate::model::fixed::{Unit, MICRO};

/// The classes of the `n_addresses` locations of `records`, per area of `set`.
///
/// The classes are ordered best first with speeds that do not rise, so a location that reaches
/// a class reaches every class after it: the locations in class `j` are those reaching `j` less
/// those reaching the class before.
///
/// # Errors
/// As [`covered_bits`].
pub fn classes(
    set: &AreaSet,
    assigned: &Assigned,
    records: &Records,
    n_addresses: usize,
    scheme: &ClassScheme,
) -> Result<Classes> {
    let thresholds = scheme.thresholds();
    let bits = covered_bits(n_addresses, records, &thresholds)?;
    let coverage = measure(set, assigned, &[], &bits, &thresholds, Unit::Addresses);
    let rows = coverage
        .rows
        .chunks(thresholds.len())
        .map(|area| {
            let reached: Vec<u64> = area.iter().map(|r| r.covered_micro / MICRO as u64).collect();
            let locations = area[0].addresses;
            let mut counts = vec![locations - reached[reached.len() - 1]];
            counts.extend((0..reached.len()).rev().map(|j| reached[j] - if j == 0 { 0 } else { reached[j - 1] }));
            ClassRow {
                level: area[0].level,
                area_code: area[0].area_code.clone(),
                area_name: area[0].area_name.clone(),
                locations,
                counts,
            }
        })
        .collect();
    // Each location's column: 0 (`otherwise`) when it reaches no class, else counted from the
    // worst class up.
    let k = thresholds.len();
    let of_location =
        (0..n_addresses).map(|a| (0..k).find(|&j| bits.get(a) >> j & 1 == 1).map_or(0, |j| (k - j) as u8)).collect();
    Ok(Classes { scheme: scheme.clone(), rows, of_location, locations: Vec::new() })
}
