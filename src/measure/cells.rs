//! Fixed coverage per cell (`--by h3:R`, `grid:…`): the counts of [`crate::measure::fixed`] with
//! each cell as an area.

use crate::measure::fixed::measure;
use crate::model::areas::{AreaInfo, AreaSet, Assigned, Assignment};
use crate::model::cells::{CellScheme, CellsOf};
use crate::model::fixed::{CoverageRow, Covered, Unit};
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
    let level = scheme.level();
    let areas = cells.codes.iter().map(|c| AreaInfo { code: c.clone(), name: c.clone(), parent: None }).collect();
    let set = AreaSet { levels: [level; 3], areas, parents: Vec::new(), total: (String::new(), String::new()) };
    let none = Assignment::none(crate::model::areas::Unassigned::UnknownCode);
    let area = cells.of_address.iter().map(|c| c.map_or(none, Assignment::area)).collect();
    let assigned = Assigned { area, ..Assigned::default() };
    let mut rows = measure(&set, &assigned, weights, bits, thresholds, unit).rows;
    // The last rows are the set's total, which the areas and the run's own total already give.
    rows.truncate(rows.len() - thresholds.len());
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
