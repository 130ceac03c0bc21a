//! The memory bookkeeping of a file read in batches: the row-sized output columns, grown batch by
//! batch with room for every row reserved at once (so a column never moves, and its fresh pages
//! are first touched while the parser works on the next batch), cut into parallel pieces for the
//! checks, and the rows counted against the 32-bit row numbers.

use std::ops::Range;
use std::path::Path;

use dekking_rows::Index;
use dekking_table::{Format, Table};
use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::model::availability::{LocatedBy, Locations};

/// Rows per piece of the parallel checks (a handful in unit tests, so they cross pieces).
pub(super) const CHECK_CHUNK: usize = if cfg!(test) { 4 } else { 1 << 16 };

/// Rows per batch of a Parquet file read in parts (whole row groups; a few in unit tests).
pub(super) const BATCH_ROWS: usize = if cfg!(test) { 6 } else { 1 << 20 };

/// Rows per batch of a CSV file: fewer, because its parsed columns are new memory each batch and
/// two batches are in memory at once; a smaller pair is reused while still mapped (10 M rows:
/// page faults 138 k → 113 k, peak memory 629 → 562 MB, a few hundredths of a second).
/// Parquet batches of this size cost more than they save (0.57 → 0.62 s).
const CSV_BATCH_ROWS: usize = if cfg!(test) { 6 } else { 1 << 18 };

/// Rows per batch for `table`.
pub(super) fn rows_per_batch(table: &Table) -> usize {
    match table.format {
        Format::Csv => CSV_BATCH_ROWS,
        Format::Parquet | Format::Frame => BATCH_ROWS,
    }
}

/// Which output columns a file fills (each one row-sized, or empty when not kept).
#[derive(Debug, Clone, Copy)]
pub(super) struct Kept {
    /// Download speeds (records).
    pub(super) down: bool,
    /// Upload speeds (records, when a threshold needs them and the file has them).
    pub(super) up: bool,
    /// Technologies (records, when the file's column is read).
    pub(super) technology: bool,
    /// Locations (the file the addresses come from).
    pub(super) location: bool,
    /// Weights (the file the addresses come from, when weighted).
    pub(super) weight: bool,
}

/// The row-sized output columns of a file, one entry per data row read so far.
#[derive(Debug, Default)]
pub(super) struct RowColumns {
    /// Download speeds, Mbps.
    pub(super) down: Vec<f64>,
    /// Upload speeds, Mbps.
    pub(super) up: Vec<f64>,
    /// Technologies, as indices into the file's technologies.
    pub(super) technology: Vec<Index>,
    /// Locations.
    pub(super) locations: Locations,
    /// Weights.
    pub(super) weight: Vec<f64>,
    /// Whether each row passed its checks.
    pub(super) usable: Vec<bool>,
}

/// One piece's part of the row-sized output columns (empty where a column is not kept).
pub(super) struct Slices<'a> {
    pub(super) down: &'a mut [f64],
    pub(super) up: &'a mut [f64],
    pub(super) tech: &'a mut [Index],
    pub(super) loc: LocationSlices<'a>,
    pub(super) weight: &'a mut [f64],
}

/// One piece's part of the location columns: `xy` empty while no row has coordinates.
pub(super) struct LocationSlices<'a> {
    pub(super) area: &'a mut [LocatedBy],
    pub(super) xy: &'a mut [[f64; 2]],
}

impl RowColumns {
    /// Lengthens the kept columns to `rows` (of at most `bound`), coordinates too when the batch
    /// has them (`with_xy`) or some are kept already.
    pub(super) fn grow(&mut self, kept: Kept, rows: usize, bound: usize, with_xy: bool) {
        let to = |keep: bool| if keep { rows } else { 0 };
        fill_to(&mut self.down, to(kept.down), 0.0, bound);
        fill_to(&mut self.up, to(kept.up), 0.0, bound);
        fill_to(&mut self.technology, to(kept.technology), Index::NONE, bound);
        fill_to(&mut self.weight, to(kept.weight), 1.0, bound);
        fill_to(&mut self.usable, rows, true, bound);
        fill_to(&mut self.locations.area, to(kept.location), LocatedBy::POINT, bound);
        if kept.location && (with_xy || !self.locations.xy.is_empty()) {
            fill_to(&mut self.locations.xy, rows, [f64::NAN; 2], bound);
        }
    }

    /// The parts of the kept columns for the rows `at`, cut at `pieces` (relative to `at.start`).
    pub(super) fn pieces(&mut self, at: Range<usize>, pieces: &[Range<usize>]) -> Vec<Slices<'_>> {
        let part = |len: usize| if len == 0 { 0..0 } else { at.clone() };
        let (down, up) = (part(self.down.len()), part(self.up.len()));
        let (tech, weight) = (part(self.technology.len()), part(self.weight.len()));
        let (area, xy) = (part(self.locations.area.len()), part(self.locations.xy.len()));
        let locations = split(&mut self.locations.area[area], pieces)
            .into_iter()
            .zip(split(&mut self.locations.xy[xy], pieces))
            .map(|(area, xy)| LocationSlices { area, xy });
        split(&mut self.down[down], pieces)
            .into_iter()
            .zip(split(&mut self.up[up], pieces))
            .zip(split(&mut self.technology[tech], pieces))
            .zip(locations)
            .zip(split(&mut self.weight[weight], pieces))
            .map(|((((down, up), tech), loc), weight)| Slices { down, up, tech, loc, weight })
            .collect()
    }
}

/// `v` cut into the given consecutive pieces (all empty when `v` is).
fn split<'a, T>(mut v: &'a mut [T], pieces: &[Range<usize>]) -> Vec<&'a mut [T]> {
    pieces
        .iter()
        .map(|r| {
            let len = if v.is_empty() { 0 } else { r.len() };
            let (piece, rest) = std::mem::take(&mut v).split_at_mut(len);
            v = rest;
            piece
        })
        .collect()
}

/// Lengthens `v` to `len` with copies of `value`, written in parallel (the first touch of fresh
/// pages is the cost). Room for `bound` entries is reserved at once (untouched room costs no
/// memory), so that growing batch by batch does not move the column.
pub(super) fn fill_to<T: Copy + Send + Sync>(v: &mut Vec<T>, len: usize, value: T, bound: usize) {
    if len > v.len() {
        if len > v.capacity() {
            // To the bound at once; past it (the next file of an input), by half again at least.
            v.reserve_exact(bound.max(len).max(v.capacity() + v.capacity() / 2) - v.len());
        }
        let more = len - v.len();
        v.par_extend(rayon::iter::repeat_n(value, more));
    }
}

/// The data rows of a file read so far, checked against what the file declares and against the
/// 32-bit row numbers.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct RowCount {
    /// Rows the file declares (a Parquet footer), when known.
    declared: Option<usize>,
    /// Rows read so far, or the declared rows.
    pub(super) rows: usize,
}

impl RowCount {
    /// A count for `table`, none read yet.
    pub(super) fn of(table: &Table) -> RowCount {
        RowCount { declared: table.rows_known(), rows: 0 }
    }

    /// The rows (0-based) of the batch of `len` rows from `first`, counted.
    ///
    /// # Errors
    /// [`Error::Table`] for a file past the 32-bit row numbers, or a batch past the declared rows.
    pub(super) fn batch(&mut self, path: &Path, first: usize, len: usize) -> Result<Range<usize>> {
        self.rows = self.declared.unwrap_or(first + len);
        within_row_limit(path, self.rows)?;
        if first + len > self.rows {
            let n = self.rows;
            return Err(Error::table(
                path,
                format!("more rows than the {n} the file declares; was it changed during the run?"),
            ));
        }
        Ok(first..first + len)
    }
}

/// Rows and addresses are numbered in 32 bits: a file of more rows is refused, not wrapped.
///
/// # Errors
/// [`Error::Table`] naming the file and the limit.
pub(super) fn within_row_limit(path: &Path, rows: usize) -> Result<()> {
    if rows > Index::MAX as usize {
        return Err(Error::table(
            path,
            format!("{rows} rows: more than the {} a file can have; split it into smaller files", Index::MAX),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_past_the_32_bit_row_numbers_are_refused() {
        let path = Path::new("big.parquet");
        assert!(within_row_limit(path, Index::MAX as usize).is_ok());
        let err = within_row_limit(path, Index::MAX as usize + 1).unwrap_err().to_string();
        assert!(err.contains("big.parquet") && err.contains("4294967295 rows") && err.contains("split it"), "{err}");
    }

    #[test]
    fn coordinates_are_kept_only_once_some_are_given() {
        let kept = Kept { down: false, up: false, technology: false, location: true, weight: false };
        let mut cols = RowColumns::default();
        cols.grow(kept, 5, 5, false);
        assert!(cols.pieces(0..5, &[0..2, 2..5]).iter().all(|p| p.loc.xy.is_empty() && p.down.is_empty()));
        cols.grow(kept, 8, 8, true);
        let pieces = cols.pieces(5..8, &[0..1, 1..3]);
        assert_eq!((pieces[1].loc.area.len(), pieces[1].loc.xy.len()), (2, 2));
        assert_eq!((cols.locations.area.len(), cols.locations.xy.len()), (8, 8));
    }
}
