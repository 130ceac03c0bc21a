//! Availability records and the address universe: rows → distinct addresses with a location and
//! weight, plus one entry per usable record; bad rows become [`crate::model::rows::Reject`]s.
//!
//! Input: a records table (one row per address × provider × technology, or one per address) and
//! optionally a universe table (every address that counts, served or not). Without a universe,
//! the universe is the distinct addresses of the records, and the report says so. Output: an
//! [`Availability`].
//!
//! A file is read batch by batch (a few Parquet row groups, or runs of CSV lines), each batch
//! parsed while the one before goes through the steps, and freed once it has:
//!
//! 1. **read a batch** — the table reader hands it over ([`dekking_table::Sink`]); `layout.rs`
//!    says which columns are read and gives them out by role;
//! 2. **key its ids** — `ids.rs`: run flags while the ids ascend, else 128-bit keys;
//! 3. **join to the universe** — `universe.rs`: each record's id looked up among the universe's;
//! 4. **check its rows and locate them** — `rules.rs`: id, speeds, membership of the universe,
//!    area code or coordinates, weight; in parallel pieces, area codes interned by `codes.rs`;
//! 5. **merge** the pieces in row order: technologies and codes in order of first appearance,
//!    rejects in row order;
//! 6. after the last batch, **deduplicate**: the first usable row of each id makes its address.
//!
//! The memory bookkeeping (row-sized columns grown batch by batch, cut into pieces, unused rows
//! squeezed out in place) is in `columns.rs`, apart from the rules. Every output is the same as a
//! row-by-row reading, whatever the number of threads and batches.

mod back;
mod codes;
mod columns;
mod files;
mod ids;
mod layout;
mod rules;
mod spill;
#[cfg(test)]
mod tests;
mod universe;

pub use back::{identify, places};
pub use spill::{spill, Original, Spill, Spilled};

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use dekking_rows::keys::KeyIndex;
use dekking_rows::{compact, Index};
use dekking_table::{Batch, Table, Values};
use rayon::prelude::*;
use rustc_hash::FxHashMap;

use codes::{add_name, CodeTable};
use columns::{within_row_limit, Kept, RowColumns, RowCount, CHECK_CHUNK};
use files::Piece;
use ids::{IdColumn, OutOfOrder};
use layout::{Columns, Layout};
use rules::{Found, Ids, Rules};

use crate::error::{Error, Result};
use crate::io::columns::Field;
use crate::io::profile::{AreaScheme, Profile};
use crate::io::vector::{self, points::PointNames};
use crate::model::availability::{Addresses, AreaCodes, Availability, Partition, Parts, Records, RowNumbers, XyCrs};
use crate::model::rows::{Reject, RejectReason, RowCounts};
use crate::model::source::SourceInfo;
use crate::progress::Progress;

/// What to load: the validated form of the command-line input options.
#[derive(Debug, Clone)]
pub struct InputSpec {
    /// The availability records (CSV or Parquet, packed or not): one file, or several read as
    /// one table in this order (the same columns in each).
    pub records: Vec<PathBuf>,
    /// The address universe (CSV or Parquet), if any.
    pub universe: Option<PathBuf>,
    /// The column mapping.
    pub profile: Profile,
    /// Forced delimiter, else sniffed.
    pub delimiter: Option<u8>,
    /// Whether to use a weight column when one is found.
    pub use_weights: bool,
    /// Row filters on the records: a row is read only when it passes every one.
    pub filters: Vec<RowFilter>,
    /// A condition kept per record ([`crate::model::availability::Records::qualifies`]): the
    /// classification's (e.g. `low_latency=1`), which leaves no row out.
    pub condition: Option<RowFilter>,
    /// Read only the addresses of one partition (the rows of the others counted as elsewhere);
    /// `None`: all. A partition without usable rows is then no error.
    pub partition: Option<Partition>,
    /// Tables given in memory, read where `records` or `universe` name them.
    pub frames: Frames,
    /// The files `records` are the spilled rows of (one partition's), when they are.
    pub spilled: Option<Spilled>,
}

/// Tables given in memory instead of files (DataFrames from Python), each under the name that
/// stands for it in the input's files, messages and provenance.
#[derive(Debug, Clone, Default)]
pub struct Frames(pub Vec<(PathBuf, polars::prelude::DataFrame)>);

impl Frames {
    /// The table named `path`, if one was given.
    #[must_use]
    pub fn get(&self, path: &Path) -> Option<&polars::prelude::DataFrame> {
        self.0.iter().find(|(name, _)| name == path).map(|(_, frame)| frame)
    }
}

/// A row filter, `--where COLUMN=V1,V2`: a records row is kept only when its `column` holds
/// one of `values` (compared as text, exactly, spaces around trimmed); the others are left out and
/// counted as such, not rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowFilter {
    /// The column, by its name in the file (any case).
    pub column: String,
    /// The values kept.
    pub values: Vec<String>,
}

impl RowFilter {
    /// Parses `COLUMN=V1,V2`.
    ///
    /// ```
    /// use dekking::io::records::RowFilter;
    /// let f = RowFilter::parse("business_residential_code=R,X").unwrap();
    /// assert_eq!((f.column.as_str(), f.values.len()), ("business_residential_code", 2));
    /// assert!(f.keeps(" X") && !f.keeps("B") && RowFilter::parse("no_values").is_none());
    /// ```
    #[must_use]
    pub fn parse(text: &str) -> Option<RowFilter> {
        let (column, values) = text.split_once('=')?;
        let column = column.trim();
        (!column.is_empty()).then(|| RowFilter {
            column: column.to_string(),
            values: values.split(',').map(|v| v.trim().to_string()).collect(),
        })
    }

    /// Whether a row holding `value` is kept.
    #[must_use]
    pub fn keeps(&self, value: &str) -> bool {
        let v = value.trim();
        self.values.iter().any(|k| k == v)
    }
}

impl std::fmt::Display for RowFilter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}={}", self.column, self.values.join(","))
    }
}

impl InputSpec {
    /// The first records file (the one errors about the whole input name).
    #[must_use]
    pub fn first(&self) -> &Path {
        self.records.first().map_or(Path::new(""), PathBuf::as_path)
    }
}

/// What a job uses of the records beyond ids, download speeds and locations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Needs {
    /// Keep the technology of each record (read the column at all: it never rejects a row).
    pub technology: bool,
    /// Keep the upload speed of each record (it is checked, and can reject a row, either way).
    pub upload: bool,
}

impl Needs {
    /// Everything kept.
    pub const ALL: Needs = Needs { technology: true, upload: true };
}

/// Loads records (and the universe, when given) as described by `spec`, keeping what `needs`
/// asks for.
///
/// # Errors
/// [`Error::Io`] or [`Error::Table`] for unreadable files, [`Error::MissingColumn`] when the id,
/// the download speed or every location column is missing, and [`Error::NoData`] when no row is
/// usable.
pub fn load(spec: &InputSpec, needs: Needs, progress: &mut dyn Progress) -> Result<Availability> {
    // Ascending ids are numbered by their run flags; ids out of order after the first batch
    // send the file round again with keys.
    match load_as(spec, needs, progress, true)? {
        Some(av) => Ok(av),
        None => load_as(spec, needs, progress, false)?
            .ok_or_else(|| Error::table(spec.first(), "the ids could not be deduplicated")),
    }
}

/// [`load`], deduplicating ascending ids by their run flags when `by_runs` (and no universe is
/// given); `None` when a batch after the first is out of order.
fn load_as(spec: &InputSpec, needs: Needs, progress: &mut dyn Progress, by_runs: bool) -> Result<Option<Availability>> {
    let mut codes = CodeTable::default();
    let mut rejects = Vec::new();
    let universe = match &spec.universe {
        Some(path) => Some(universe::load(path, spec, progress, &mut codes, &mut rejects)?),
        None => None,
    };
    let extra = &fields_read(needs);
    let located = universe.is_none();
    let mut state = Read {
        file: String::new(),
        count: RowCount::default(),
        before: 0,
        read: 0,
        slots: RowNumbers::default(),
        parts: Parts::default(),
        qualifies: Vec::new(),
        ids: IdColumn::new(by_runs, universe.is_some()),
        out: RowColumns::default(),
        address: Vec::new(),
        codes,
        technologies: Vec::new(),
        tech_index: FxHashMap::default(),
        rejects,
        counts: RowCounts::default(),
        out_of_order: false,
    };
    let (mut sources, mut first): (Vec<SourceInfo>, Option<(Layout, Kept)>) = (Vec::new(), None);
    let mut current: Option<(Arc<Table>, Layout, Kept)> = None;
    let index = universe.as_ref().map(|u| &u.index);
    let read = files::read_files(spec, extra, located, |piece| match piece {
        Piece::File(table, layout) => {
            sources.extend(current.take().map(|(t, l, _)| state.end(&t, &l, spec.spilled.as_ref())));
            let kept = kept_of(&layout, needs, located);
            match &first {
                Some((l, k)) => same_columns(&table.path, &layout, kept, l, *k, spec.first())?,
                None => first = Some((layout.clone(), kept)),
            }
            let known = table.rows_known().map(|n| n as u64).filter(|_| spec.records.len() == 1);
            progress.stage("read and check records", known);
            state.start(&table, spec.spilled.as_ref());
            current = Some((table, layout, kept));
            Ok(())
        }
        Piece::Batch(batch) => {
            let (table, layout, kept) = current.as_ref().expect("a file is announced before its batches");
            let checking = Checking::new(table, layout, spec, *kept, state.slots.len());
            take(&checking, index, &mut state, &mut *progress, batch)
        }
    });
    match read {
        Err(_) if state.out_of_order => return Ok(None),
        r => r?,
    }
    sources.extend(current.take().map(|(t, l, _)| state.end(&t, &l, spec.spilled.as_ref())));
    let Some((layout, kept)) = first else { return Err(Error::table(spec.first(), "no records file given")) };
    let (has_up, has_technology) = (layout.has(Field::UpMbps), layout.has(Field::Technology));
    let mut av = state.finish(spec, universe, kept, layout.xy_crs)?;
    av.sources.extend(sources);
    (av.records.has_up, av.records.has_technology) = (has_up, has_technology);
    Ok(Some(av))
}

/// The fields read from records beyond the id and the location (`true`: required).
fn fields_read(needs: Needs) -> Vec<(Field, bool)> {
    let extra = [(Field::DownMbps, true), (Field::UpMbps, false), (Field::Technology, false)];
    extra[..if needs.technology { 3 } else { 2 }].to_vec()
}

/// The columns a records file read with `layout` fills: upload speeds when `needs` asks for them
/// and the file has them, technologies when read, and locations and weights when the records are
/// `located` (no universe).
fn kept_of(layout: &Layout, needs: Needs, located: bool) -> Kept {
    Kept {
        down: true,
        up: needs.upload && layout.has(Field::UpMbps),
        technology: layout.has(Field::Technology),
        location: located,
        weight: located && layout.has(Field::Weight),
    }
}

/// Checks that a later records file `path` has the columns the first (`first_path`) has: the
/// same kept columns and the same coordinates.
///
/// # Errors
/// [`Error::Table`] naming the file, what differs and the first file.
fn same_columns(
    path: &Path,
    layout: &Layout,
    kept: Kept,
    first: &Layout,
    first_kept: Kept,
    first_path: &Path,
) -> Result<()> {
    let differs = [
        (kept.up != first_kept.up, "an upload column"),
        (kept.technology != first_kept.technology, "a technology column"),
        (kept.weight != first_kept.weight, "a weight column"),
        (layout.xy_crs != first.xy_crs, "the same coordinates"),
    ];
    match differs.iter().find(|(d, _)| *d) {
        Some((_, what)) => Err(Error::table(
            path,
            format!(
                "differs from {} in {what}: every records file of one input needs the same columns",
                first_path.display()
            ),
        )),
        None => Ok(()),
    }
}

/// How a file's batches are checked: the file, its layout and what it keeps.
struct Checking<'a> {
    table: &'a Table,
    layout: &'a Layout,
    scheme: AreaScheme,
    kept: Kept,
    /// The slots of the row-sized columns this file's rows take at most, with those of the
    /// files before (room reserved in each column).
    bound: usize,
    /// The partition read, if one.
    partition: Option<Partition>,
}

impl<'a> Checking<'a> {
    /// How the batches of `table`, read with `layout` after `before` slots taken by other files,
    /// are checked, keeping the columns `kept`. One partition of N takes about 1/N of the rows.
    fn new(table: &'a Table, layout: &'a Layout, spec: &InputSpec, kept: Kept, before: usize) -> Checking<'a> {
        // A file of another partition's rows too holds about 1/N of its rows for this one (a
        // spilled file holds this partition's only).
        let rows = table.rows_at_most();
        let rows = match spec.partition.filter(|_| spec.spilled.is_none()) {
            Some(p) => (rows / p.count as usize).saturating_add(rows / 64 + 1024).min(rows),
            None => rows,
        };
        let bound = before + rows;
        Checking { table, layout, scheme: spec.profile.area, kept, bound, partition: spec.partition }
    }

    /// Checks the batch of rows `at` by the rules, in parallel pieces within the input's chunks
    /// (each column read straight from its arrays), into `out` grown to `rows`. A batch read
    /// without its lazy coordinates that has rows needing them (rows without an area code) is
    /// checked again with them.
    ///
    /// # Errors
    /// An unreadable file when the coordinates are read.
    fn check(
        &self,
        out: &mut RowColumns,
        cols: &mut Columns,
        ids: Ids<'_>,
        in_universe: &[Index],
        (rows, left): (&Held<'_>, &[usize]),
        pieces: &[Range<usize>],
    ) -> Result<Vec<Found>> {
        let at = rows.at.clone();
        loop {
            out.grow(self.kept, at.end, self.bound, cols.xy.is_some());
            let complete = !self.layout.xy_unread(cols);
            let rules = Rules { cols, scheme: self.scheme, in_universe, complete, left };
            let jobs: Vec<_> = out.pieces(at.clone(), pieces).into_iter().zip(pieces).collect();
            let found: Vec<Found> =
                jobs.into_par_iter().map(|(out, r)| rules.check(r.start, out, ids.get(r.clone()))).collect();
            let unlocated = found.iter().flat_map(|f| &f.rejected).any(|r| r.reason == RejectReason::NoLocation);
            if complete || !unlocated {
                return Ok(found);
            }
            self.layout.read_coordinates(self.table, rows.file.clone(), rows.held, cols)?;
        }
    }
}

/// What the records' batches build up. Rows are numbered across the files (0-based).
struct Read {
    /// The file being read, and its rows so far.
    file: String,
    count: RowCount,
    /// The rows of the files read before it.
    before: usize,
    /// The rows read so far, of every file.
    read: usize,
    /// The row (1-based, across the files) of each slot of the row-sized columns: every row, or
    /// those of the partition read.
    slots: RowNumbers,
    /// Every file begun, with the rows before it.
    parts: Parts,
    /// Whether each row meets the record condition (empty without one).
    qualifies: Vec<bool>,
    ids: IdColumn,
    out: RowColumns,
    /// Each record's address: the join's answer with a universe; without one, a buffer the run
    /// flags' numbering writes into (empty when keys are kept).
    address: Vec<Index>,
    codes: CodeTable,
    technologies: Vec<String>,
    tech_index: FxHashMap<String, u32>,
    rejects: Vec<Reject>,
    counts: RowCounts,
    out_of_order: bool,
}

/// One batch through the steps: read, key, join (to the universe's keys `index`), check and
/// locate, merge. When one partition is read, the batch is first cut to its rows: the others
/// take no room (their rows are counted as elsewhere).
///
/// # Errors
/// A file past the row limits, ids out of order after the first batch (the load is then done
/// again with keys), or an unreadable file when lazy coordinates are read.
fn take(
    checking: &Checking<'_>,
    index: Option<&KeyIndex>,
    state: &mut Read,
    progress: &mut dyn Progress,
    batch: Batch,
) -> Result<()> {
    let cols = checking.layout.columns(batch.columns);
    let read = cols.len();
    let local = state.count.batch(&checking.table.path, batch.first_row, read)?;
    within_row_limit(&checking.table.path, state.before + local.end)?;
    let (mut cols, held, at) = checking.cut(cols, &mut state.slots, (state.before, local.start));
    state.read += read;
    let away = (read - at.len()) as u64;
    let left = checking.layout.left_out(&cols);
    checking.layout.qualifies(&cols, &mut state.qualifies);
    let ids = match state.ids.key(&cols.id, at.clone(), at.end, checking.bound) {
        Ok(ids) => ids,
        Err(OutOfOrder) => {
            state.out_of_order = true;
            return Err(Error::table(&state.file, "ids out of order after the first batch"));
        }
    };
    let in_universe = match (index, ids) {
        (Some(index), Ids::Keys(keys)) => index.lookup(keys),
        (_, Ids::Runs(_)) => {
            // A slot a row for the addresses the run flags are numbered into.
            columns::fill_to(&mut state.address, at.end, Index::NONE, checking.bound);
            cols.id = Values::empty();
            Vec::new()
        }
        (None, Ids::Keys(_)) => {
            // The ids are only needed for their keys now: freed, their memory takes the checks' output.
            cols.id = Values::empty();
            Vec::new()
        }
    };
    let pieces = cols.down.as_ref().expect("records have a download speed").pieces(CHECK_CHUNK);
    let batch_rows = Held { file: local, held: held.as_deref(), at: at.clone() };
    let found = checking.check(&mut state.out, &mut cols, ids, &in_universe, (&batch_rows, &left), &pieces)?;
    state.address.extend(in_universe);
    state.merge(found, &pieces, at, checking.kept.location, (&left, away));
    progress.advance(read as u64);
    Ok(())
}

/// Where a batch's rows are: its rows in its file (0-based), those of them the batch holds
/// (all when `None`: no partition), and the slots of the row-sized columns they take.
struct Held<'a> {
    file: Range<usize>,
    held: Option<&'a [usize]>,
    at: Range<usize>,
}

impl Checking<'_> {
    /// The rows of a batch (0-based, ascending) whose address is in the partition read; `None`
    /// when all are (no partition, one of one, or a batch of this partition's rows only).
    fn held(&self, cols: &Columns) -> Option<Vec<usize>> {
        let p = self.partition.filter(|p| p.count > 1)?;
        let held = compact::positions(cols.len(), |i| cols.id.with_text(i, |id| p.holds(id.unwrap_or_default())));
        (held.len() < cols.len()).then_some(held)
    }

    /// A batch's columns cut to the rows of the partition read, and the slots of the row-sized
    /// columns they take, numbered in `slots`: the batch's rows from its file's row `local`
    /// (0-based) after `before` rows of other files, or a spilled file's rows by their own
    /// numbers. Returns the columns, the rows held (when not all) and the slots.
    fn cut(
        &self,
        cols: Columns,
        slots: &mut RowNumbers,
        (before, local): (usize, usize),
    ) -> (Columns, Option<Vec<usize>>, Range<usize>) {
        let (start, read, first) = (slots.len(), cols.len(), before + local);
        if let Some(own) = &cols.row {
            let own_row = |i| own.number(i).expect("a spilled row has its own row number") as u32;
            (0..read).for_each(|i| slots.push(before as u32 + own_row(i)));
            return (cols, None, start..slots.len());
        }
        let held = self.held(&cols);
        let cols = match &held {
            Some(rows) => {
                rows.iter().for_each(|&i| slots.push((first + i + 1) as u32));
                cols.select(rows)
            }
            None => {
                slots.push_run((first + 1) as u32, read);
                cols
            }
        };
        (cols, held, start..slots.len())
    }
}

impl Read {
    /// Ends the file begun last, `table` read with `layout`: its provenance, and its rows added to
    /// those before the next. A spilled file stands for its records file: that file's rows and
    /// provenance, its rows not spilled here counted as elsewhere.
    fn end(&mut self, table: &Table, layout: &Layout, spilled: Option<&Spilled>) -> SourceInfo {
        let Some(original) = spilled.and_then(|s| s.original(self.parts.files.len() - 1)) else {
            self.before += self.count.rows;
            return layout.source(table, "records", self.count.rows);
        };
        let away = original.rows - self.count.rows as u64;
        self.counts.elsewhere += away;
        if let Some(e) = self.parts.elsewhere.last_mut() {
            *e += away;
        }
        self.before += original.rows as usize;
        self.read += away as usize;
        original.source.clone()
    }

    /// Begins the next file, `table` (standing for a records file when `spilled`).
    fn start(&mut self, table: &Table, spilled: Option<&Spilled>) {
        let original = spilled.and_then(|s| s.original(self.parts.files.len()));
        self.file = original.map_or_else(|| table.path.display().to_string(), |o| o.source.path.clone());
        self.count = RowCount::of(table);
        self.parts.files.push((self.file.clone(), self.before as u64));
        self.parts.left_out.push(0);
        self.parts.elsewhere.push(0);
    }

    /// Merges a batch's checked pieces in row order: the rows `left` out by a filter (sorted,
    /// in the batch) unused and counted, whatever the checks found, and the rows `away` in
    /// another partition counted; technologies and area codes
    /// (when the records are `located` here) in order of first appearance, each piece's own
    /// numbers renumbered; rejected rows in row order.
    fn merge(
        &mut self,
        found: Vec<Found>,
        pieces: &[Range<usize>],
        at: Range<usize>,
        located: bool,
        (left, away): (&[usize], u64),
    ) {
        for &i in left {
            self.out.usable[at.start + i] = false;
        }
        let filtered = left.len() as u64;
        self.counts.left_out += filtered;
        self.counts.elsewhere += away;
        if let (Some(n), Some(e)) = (self.parts.left_out.last_mut(), self.parts.elsewhere.last_mut()) {
            (*n, *e) = (*n + filtered, *e + away);
        }
        for (piece, r) in found.into_iter().zip(pieces) {
            let r = at.start + r.start..at.start + r.end;
            let remap: Vec<u32> = piece
                .technologies
                .into_iter()
                .map(|name| add_name(&mut self.technologies, &mut self.tech_index, name))
                .collect();
            for t in self.out.technology.get_mut(r.clone()).unwrap_or_default() {
                if let Some(k) = t.get() {
                    *t = Index::new(remap[k as usize]);
                }
            }
            for rejected in piece.rejected.into_iter().filter(|x| left.binary_search(&x.row).is_err()) {
                let row = at.start + rejected.row;
                self.out.usable[row] = false;
                let own = u64::from(self.slots.get(row)) - self.before as u64;
                self.counts.reject(&mut self.rejects, &self.file, own, rejected.reason, rejected.detail);
            }
            if located {
                self.codes.absorb(piece.codes, &mut self.out.locations.area[r.clone()], &self.out.usable[r]);
            }
        }
    }

    /// After the last batch: the addresses (with a universe, its own; else the first usable row
    /// of each id makes one), and the row-sized columns made the outputs in place — rows that
    /// make no record are squeezed out, which moves nothing when every row is used.
    ///
    /// # Errors
    /// [`Error::Table`] when the file changed while read; [`Error::NoData`] when no row is usable.
    fn finish(
        self,
        spec: &InputSpec,
        universe: Option<universe::Universe>,
        kept: Kept,
        point_crs: Option<XyCrs>,
    ) -> Result<Availability> {
        let Read {
            before: n,
            read,
            slots,
            parts,
            ids,
            mut out,
            address,
            codes,
            technologies,
            rejects,
            mut counts,
            qualifies,
            ..
        } = self;
        if read != n {
            return Err(Error::table(
                spec.first(),
                format!("{read} rows where the file declares {n}; was it changed during the run?"),
            ));
        }
        let used = out.usable.par_iter().filter(|&&u| u).count();
        (counts.rows_in, counts.used) = (n as u64, used as u64);
        let (addresses, address, location_conflicts) = match &universe {
            Some(_) => (Addresses::default(), address, 0),
            None => {
                let locations = &out.locations;
                let differs = |first: usize, row: usize| locations.get(first) != locations.get(row);
                let rows = ids.addresses(&out.usable, address, differs);
                let dropped = compact::clear_positions(&rows.first, rows.count);
                out.locations.remove(&dropped);
                compact::remove_sorted(&mut out.weight, &dropped);
                let first_row = slots.picked(&rows.first, rows.count);
                let location = std::mem::take(&mut out.locations);
                let weight = std::mem::take(&mut out.weight);
                let parts = parts.clone();
                (Addresses { first_row, location, weight, point_crs, parts }, rows.address, rows.conflicts)
            }
        };
        if universe.is_none() && addresses.is_empty() && spec.partition.is_none() {
            return Err(Error::NoData { file: spec.first().to_path_buf(), reason: counts.none_used(rejects.first()) });
        }
        let records = records(out, address, technologies, qualifies, slots, used);
        let (addresses, weighted, sources, universe_rows) = match universe {
            Some(u) => (u.addresses, u.weighted, vec![u.source], Some(u.counts)),
            None => (addresses, kept.weight, Vec::new(), None),
        };
        Ok(Availability {
            addresses,
            records,
            codes: AreaCodes { codes: codes.codes },
            rejects,
            record_rows: counts,
            record_parts: parts,
            universe_rows,
            universe_given: spec.universe.is_some(),
            weighted,
            location_conflicts,
            sources,
        })
    }
}

/// The usable records of the rows held (their numbers `row`; `used` of them usable), in row
/// order: the output columns (and whether each row meets the record condition, when asked) with
/// the unusable rows squeezed out.
fn records(
    out: RowColumns,
    mut address: Vec<Index>,
    technologies: Vec<String>,
    qualifies: Vec<bool>,
    row: RowNumbers,
    used: usize,
) -> Records {
    let dropped = compact::clear_positions(&out.usable, used);
    compact::remove_sorted(&mut address, &dropped);
    let mut records = Records {
        address: Vec::new(),
        row,
        down_mbps: out.down,
        up_mbps: out.up,
        technology: out.technology,
        technologies,
        has_up: false,
        has_technology: false,
        qualifies,
    };
    records.remove(&dropped);
    records.address = address.into_iter().map(|a| a.get().expect("a usable record has its address")).collect();
    records
}

/// The data rows of a records or address file, estimated before it is read (exact for a table
/// in memory and for Parquet; a layer of points taken at 64 bytes a point).
///
/// # Errors
/// An unreadable file.
pub fn estimate_rows(path: &Path, frames: &Frames) -> Result<u64> {
    if let Some(frame) = frames.get(path) {
        return Ok(frame.height() as u64);
    }
    if vector::points::is_layer(path)? {
        let (file, _) = vector::file_and_layer(path);
        return Ok(std::fs::metadata(&file).map_err(|e| Error::io(&file, e))?.len() / 64);
    }
    Ok(dekking_table::estimate_rows(path)?)
}

/// Opens a records or address file: a table given in memory under its name, a table (CSV,
/// Parquet), or a layer of address points (GeoPackage, GeoParquet) read as a table whose
/// coordinates are named as `profile` names x/y (RD New) or lon/lat (WGS84).
///
/// # Errors
/// As [`Table::open`], and [`Error::Geometry`] for a layer that is not of points.
pub(crate) fn open(path: &Path, delimiter: Option<u8>, profile: &Profile, frames: &Frames) -> Result<Table> {
    if let Some(frame) = frames.get(path) {
        return Ok(Table::from_frame(path, frame.clone()));
    }
    if !vector::points::is_layer(path)? {
        return Ok(Table::open(path, delimiter)?.with_partitions(crate::io::inputs::hive_values(path)));
    }
    let first = |a: Field, b: Field| {
        Some((profile.aliases.get(&a)?.first()?.as_str(), profile.aliases.get(&b)?.first()?.as_str()))
    };
    let names = PointNames { rd: first(Field::X, Field::Y), wgs84: first(Field::Lon, Field::Lat) };
    let (parquet, sha256) = vector::points::point_table(path, names)?;
    Ok(Table::converted(path, parquet, sha256)?)
}
