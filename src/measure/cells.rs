//! Fixed coverage per cell (`--by h3:R`, `grid:…`): per cell the addresses, the universe and
//! the covered part per threshold, as [`crate::measure::fixed`] counts them per area, in one pass
//! over the addresses (a level can have a million cells: a row of sums per cell in each parallel
//! chunk, as the areas have, would cost more than the pass).

use crate::model::cells::{CellScheme, CellsOf};
use crate::model::fixed::{CoverageRow, Covered, Unit, MICRO};
use crate::model::threshold::Threshold;

/// The coverage rows of `cells` at `scheme`: per cell and threshold, in code order (none yet
/// suppressed: that is decided on the run's whole counts).
#[must_use]
pub fn cell_rows(
    scheme: CellScheme,
    cells: &CellsOf,
    weights: &[f64],
    bits: &Covered,
    thresholds: &[Threshold],
    unit: Unit,
) -> Vec<CoverageRow> {
    let n = thresholds.len();
    // Per cell: addresses, universe, covered per threshold (micro-units; integer sums).
    let width = 2 + n;
    let mut sums = vec![0u64; cells.codes.len() * width];
    for (a, cell) in cells.of_address.iter().enumerate() {
        let Some(cell) = cell else { continue };
        let w = match unit {
            Unit::Addresses => MICRO as u64,
            Unit::Households => (weights[a] * MICRO).round() as u64,
        };
        let row = &mut sums[*cell as usize * width..][..width];
        row[0] += 1;
        row[1] += w;
        let flags = bits.get(a);
        for (k, cov) in row[2..].iter_mut().enumerate() {
            *cov += w * (flags >> k & 1);
        }
    }
    let level = scheme.level();
    let mut rows = Vec::with_capacity(cells.codes.len() * n);
    for (code, s) in cells.codes.iter().zip(sums.chunks(width)) {
        rows.extend((0..n).map(|k| CoverageRow {
            level,
            area_code: code.clone(),
            area_name: code.clone(),
            threshold: k,
            addresses: s[0],
            universe_micro: s[1],
            covered_micro: s[2 + k],
            suppressed: false,
        }));
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_count_their_addresses() {
        // Four addresses: two in cell 0 (one covered), one in cell 1 (covered), one in none.
        let cells = CellsOf {
            codes: vec!["a".into(), "b".into()],
            ids: vec![1, 2],
            of_address: vec![Some(0), Some(1), None, Some(0)],
            unplaced: 1,
        };
        let bits = Covered::from_flags(&[1, 1, 0, 0], 1);
        let t = vec![Threshold::parse("100").unwrap()];
        let rows = cell_rows(CellScheme::H3(8), &cells, &[1.0; 4], &bits, &t, Unit::Addresses);
        let got: Vec<(&str, &str, u64, u64, bool)> = rows
            .iter()
            .map(|r| (r.level, r.area_code.as_str(), r.addresses, r.covered_micro / 1_000_000, r.suppressed))
            .collect();
        assert_eq!(got, [("h3:8", "a", 2, 1, false), ("h3:8", "b", 1, 1, false)]);
    }
}
