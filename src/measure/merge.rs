//! Merging the partial results of a run's partitions: every address is in exactly one
//! partition (by a hash of its id over the same files, or by the files each partition read,
//! which share no address), so the counts of the partitions add up to those of the whole run,
//! exactly (integers, micro-units). Areas and cells are the union of the partitions',
//! rejected rows are put back in the order one pass gives them, and each file's rows in = used + rejected
//! (+ left out) again once every partition is in.

use std::collections::btree_map::Entry;
use std::collections::BTreeMap;

use crate::model::availability::files_name;
use crate::model::cells::CellsOf;
use crate::model::classes::{ClassRow, Classes};
use crate::model::fixed::{CoverageRow, FixedPart, Remap};

/// The partial result of `a` and `b` together (two partitions of one run, or a partition and
/// the merge of others).
#[must_use]
pub fn merge(a: FixedPart, b: FixedPart) -> FixedPart {
    let levels: Vec<&'static str> = a.levels.iter().copied().chain(a.cells.iter().map(|(s, _)| s.level())).collect();
    let rank = |level: &str| levels.iter().position(|l| *l == level).unwrap_or(levels.len());
    let mut coverage = a.coverage;
    coverage.rows = rows(coverage.rows, b.coverage.rows, rank);
    let classes = match (a.classes, b.classes) {
        (Some(x), Some(y)) => Some(classes(x, y, rank)),
        (x, y) => x.or(y),
    };
    let cells = a.cells.into_iter().zip(b.cells).map(|((s, x), (_, y))| (s, cells(x, y))).collect();
    // The files of both: the same files (partitions by id hash), or others appended
    // (partitions by files), each file's rows added up.
    let mut counts = a.rows;
    let mut appended = false;
    for (file, d) in b.rows {
        match counts.iter_mut().find(|(f, _)| *f == file) {
            Some((_, c)) => c.add_partition(&d),
            None => {
                counts.push((file, d));
                appended = true;
            }
        }
    }
    for (_, c) in &mut counts {
        c.elsewhere = c.rows_in - c.used - c.rejected_total() - c.left_out;
    }
    let mut rejects = a.rejects;
    rejects.extend(b.rejects);
    let at = |file: &str| counts.iter().position(|(f, _)| f == file).unwrap_or(counts.len());
    // As one pass has them: in reading order, or by file name once any address was rejected
    // for its area.
    let by_name = a.rejects_by_name || b.rejects_by_name;
    if by_name {
        rejects.sort_by(|x, y| (&x.file, x.row).cmp(&(&y.file, y.row)));
    } else {
        rejects.sort_by_key(|x| (at(&x.file), x.row));
    }
    let (records_name, addresses_name) = if appended {
        let records = files_name(counts.iter().skip(usize::from(a.universe_given)).map(|(f, _)| f.as_str()));
        let addresses = if a.universe_given { a.addresses_name } else { records.clone() };
        (records, addresses)
    } else {
        (a.records_name, a.addresses_name)
    };
    // A partition without points reads no boundaries: the files of both, each once, in order,
    // the inputs first as one run lists them (those of partitions by files in their order).
    let mut sources = a.sources;
    for s in b.sources {
        if !sources.iter().any(|t| t.role == s.role && t.path == s.path) {
            sources.push(s);
        }
    }
    sources.sort_by_key(|s| s.role != "universe" && s.role != "records");
    let mut warnings = a.warnings;
    warnings.extend(b.warnings.into_iter().filter(|w| !warnings.contains(w)).collect::<Vec<_>>());
    let mut orphans = a.orphans.0;
    orphans.extend(b.orphans.0);
    orphans.sort();
    orphans.dedup();
    FixedPart {
        levels: a.levels,
        coverage,
        classes,
        cells,
        rejects,
        rejects_by_name: by_name,
        rows: counts,
        sources,
        warnings,
        orphans: (orphans, a.orphans.1 || b.orphans.1),
        suspicious: a.suspicious + b.suspicious,
        located: (a.located.0 + b.located.0, a.located.1 + b.located.1),
        location_conflicts: a.location_conflicts + b.location_conflicts,
        loaded: a.loaded + b.loaded,
        remapped: remapped(a.remapped, b.remapped),
        universe_given: a.universe_given,
        records_name,
        addresses_name,
        shapes: if a.shapes.is_empty() { b.shapes } else { a.shapes },
        addresses: None,
    }
}

/// The coverage rows of both, one per level, area and threshold (counts added), ordered by
/// level (by `rank`), area code and threshold.
fn rows(a: Vec<CoverageRow>, b: Vec<CoverageRow>, rank: impl Fn(&str) -> usize) -> Vec<CoverageRow> {
    let mut all: BTreeMap<(usize, String, usize), CoverageRow> = BTreeMap::new();
    for r in a.into_iter().chain(b) {
        match all.entry((rank(r.level), r.area_code.clone(), r.threshold)) {
            Entry::Occupied(mut s) => {
                let s = s.get_mut();
                s.addresses += r.addresses;
                s.universe_micro += r.universe_micro;
                s.covered_micro += r.covered_micro;
            }
            Entry::Vacant(v) => _ = v.insert(r),
        }
    }
    all.into_values().collect()
}

/// The class rows of both, one per level and area (counts added), in the same order.
fn classes(mut a: Classes, b: Classes, rank: impl Fn(&str) -> usize) -> Classes {
    let mut all: BTreeMap<(usize, String), ClassRow> = BTreeMap::new();
    for r in a.rows.into_iter().chain(b.rows) {
        match all.entry((rank(r.level), r.area_code.clone())) {
            Entry::Occupied(mut s) => {
                let s = s.get_mut();
                s.locations += r.locations;
                s.counts.iter_mut().zip(&r.counts).for_each(|(x, y)| *x += y);
            }
            Entry::Vacant(v) => _ = v.insert(r),
        }
    }
    a.rows = all.into_values().collect();
    a.of_location = Vec::new();
    a
}

/// The cells of both, sorted by code, each once.
fn cells(a: CellsOf, b: CellsOf) -> CellsOf {
    let mut pairs: Vec<(String, u64)> = a.codes.into_iter().zip(a.ids).chain(b.codes.into_iter().zip(b.ids)).collect();
    pairs.sort_unstable();
    pairs.dedup();
    let (codes, ids) = pairs.into_iter().unzip();
    CellsOf { codes, ids, of_address: Vec::new(), unplaced: a.unplaced + b.unplaced }
}

/// The remapped codes of both, addresses added, by old code.
fn remapped(a: Vec<Remap>, b: Vec<Remap>) -> Vec<Remap> {
    let mut all: BTreeMap<(String, String), u64> = BTreeMap::new();
    for r in a.into_iter().chain(b) {
        *all.entry((r.old_code, r.new_code)).or_default() += r.addresses;
    }
    all.into_iter().map(|((old_code, new_code), addresses)| Remap { old_code, new_code, addresses }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::fixed::{Coverage, Unit};
    use crate::model::rows::{Reject, RejectReason, RowCounts};
    use crate::model::threshold::Threshold;

    /// A partition's part: `rows` as (level, code, addresses, covered), its rejects as
    /// (file, row), and the file `a.csv` of 10 rows with `used` of them used here.
    fn part(rows: &[(&'static str, &str, u64, u64)], rejects: &[(&str, u64)], used: u64) -> FixedPart {
        let row = |&(level, code, n, c): &(&'static str, &str, u64, u64)| CoverageRow {
            level,
            area_code: code.into(),
            area_name: code.into(),
            threshold: 0,
            addresses: n,
            universe_micro: n * 1_000_000,
            covered_micro: c * 1_000_000,
            suppressed: false,
        };
        let rejected = rejects.iter().filter(|(f, _)| *f == "a.csv").count() as u64;
        let counts = RowCounts {
            rows_in: 10,
            used,
            rejected: [(RejectReason::InvalidSpeed, rejected)].into(),
            elsewhere: 10 - used - rejected,
            ..RowCounts::default()
        };
        FixedPart {
            levels: ["area", "group", "total"],
            coverage: Coverage {
                thresholds: vec![Threshold::parse("100").unwrap()],
                unit: Unit::Addresses,
                rows: rows.iter().map(row).collect(),
            },
            classes: None,
            cells: Vec::new(),
            rejects: rejects
                .iter()
                .map(|&(file, row)| Reject {
                    file: file.into(),
                    row,
                    reason: RejectReason::InvalidSpeed,
                    detail: String::new(),
                })
                .collect(),
            rejects_by_name: false,
            rows: vec![("u.csv".into(), RowCounts::default()), ("a.csv".into(), counts)],
            sources: Vec::new(),
            warnings: vec!["same".into()],
            orphans: (Vec::new(), false),
            suspicious: Default::default(),
            located: (used, 0),
            location_conflicts: 0,
            loaded: used,
            remapped: Vec::new(),
            universe_given: false,
            records_name: "a.csv".into(),
            addresses_name: "a.csv".into(),
            shapes: Vec::new(),
            addresses: None,
        }
    }

    #[test]
    fn partitions_add_up_area_by_area_and_rows_reconcile() {
        // Area B only in the first partition, C only in the second; the total in both.
        let a = part(&[("area", "B", 2, 1), ("total", "T", 2, 1)], &[("a.csv", 7)], 2);
        let b =
            part(&[("area", "A", 1, 1), ("area", "C", 4, 0), ("total", "T", 5, 1)], &[("u.csv", 9), ("a.csv", 3)], 5);
        let m = merge(a, b);
        let got: Vec<(&str, &str, u64, u64)> = m
            .coverage
            .rows
            .iter()
            .map(|r| (r.level, r.area_code.as_str(), r.addresses, r.covered_micro / 1_000_000))
            .collect();
        assert_eq!(got, [("area", "A", 1, 1), ("area", "B", 2, 1), ("area", "C", 4, 0), ("total", "T", 7, 2)]);
        // Rejects in reading order: the universe's first, then by row.
        let order: Vec<(&str, u64)> = m.rejects.iter().map(|r| (r.file.as_str(), r.row)).collect();
        assert_eq!(order, [("u.csv", 9), ("a.csv", 3), ("a.csv", 7)]);
        let c = &m.rows[1].1;
        assert_eq!((c.rows_in, c.used, c.rejected_total(), c.elsewhere), (10, 7, 2, 1));
        assert!(c.reconciles());
        assert_eq!((m.warnings.len(), m.located, m.loaded), (1, (7, 0), 7));
    }
}
