//! Availability records and the address universe: rows → distinct addresses with a location and
//! weight, plus one entry per usable record; bad rows become [`Reject`]s.
//!
//! Input: a records table (one row per address × provider × technology, or one per address) and
//! optionally a universe table (every address that counts, served or not). Without a universe,
//! the universe is the distinct addresses of the records, and the report says so.
//!
//! Addresses are keyed by a 128-bit xxh3 hash of the trimmed id (no per-row allocation; a
//! collision among 10⁷ ids has a probability near 10⁻²⁵). The first usable row of an address
//! gives its location and weight; later rows with another location are counted as conflicts.
//!
//! The records file is read in batches (a few Parquet row groups; a CSV file is one batch), each
//! parsed while the one before is checked and freed once checked. Rows are checked in parallel
//! pieces (within the input's chunks) into row-sized columns; technologies and area codes are
//! interned per piece and merged in piece order, rejects kept in row order, and unusable rows
//! squeezed out afterwards, so every output is the same as a row-by-row reading, whatever the
//! number of threads and batches.

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::error::{Error, Result};
use crate::io::columns::Field;
use crate::io::profile::{AreaScheme, Profile};
use crate::model::availability::XyCrs;
use crate::model::availability::{
    Addresses, AreaCodes, Availability, LocatedBy, Location, Locations, Records, RowNumbers,
};
use crate::model::rows::{Reject, RejectReason, RowCounts, MAX_PLAUSIBLE_MBPS};
use crate::model::source::SourceInfo;
use crate::progress::Progress;
use dekking_rows::keys::{self, NO_KEY};
use dekking_rows::{compact, Index, Run};
use dekking_table::{shown, sinks, Batch, Format, NumberError, Rows, Table, Values, Want};

/// The location columns of one batch's rows, for the checks to write into: empty when the
/// batch's locations are not kept (records joined to a universe), `xy` empty when the batch has
/// no coordinates.
struct LocationSlices<'a> {
    area: &'a mut [LocatedBy],
    xy: &'a mut [[f64; 2]],
}

/// Grows the columns to `rows` (coordinates too when `with_xy`, or when some are kept
/// already), and returns the parts of `range` cut at `pieces` (relative to `range.start`).
fn location_pieces<'a>(
    locations: &'a mut Locations,
    rows: usize,
    with_xy: bool,
    bound: usize,
    range: std::ops::Range<usize>,
    pieces: &[std::ops::Range<usize>],
) -> Vec<LocationSlices<'a>> {
    fill_to(&mut locations.area, rows, LocatedBy::POINT, bound);
    if with_xy || !locations.xy.is_empty() {
        fill_to(&mut locations.xy, rows, [f64::NAN; 2], bound);
    }
    let xy = if locations.xy.is_empty() { &mut [][..] } else { &mut locations.xy[range.clone()] };
    split(&mut locations.area[range], pieces)
        .into_iter()
        .zip(split(xy, pieces))
        .map(|(area, xy)| LocationSlices { area, xy })
        .collect()
}

/// The index of `name` in `names`, appending it when new (`index` maps names to positions).
fn add_name(names: &mut Vec<String>, index: &mut FxHashMap<String, u32>, name: String) -> u32 {
    let next = names.len() as u32;
    *index.entry(name.clone()).or_insert_with(|| {
        names.push(name);
        next
    })
}

/// Normalised area codes seen in the input, interned to small integers while the rows are read
/// (they become the run's [`AreaCodes`]).
#[derive(Debug, Clone, Default)]
struct CodeTable {
    /// The normalised codes, by index.
    pub codes: Vec<String>,
    raw: FxHashMap<String, Option<u32>>,
    normal: FxHashMap<String, u32>,
    /// The answer for the last raw code: codes come in runs.
    last: LastRun<Option<u32>>,
}

/// The answer given for the last raw text of a column, keyed by the text's fingerprint: values
/// come in runs, and a row with the same raw text as the last takes its answer unread.
#[derive(Debug, Clone, Copy)]
struct LastRun<T>(Option<(u128, T)>);

impl<T> Default for LastRun<T> {
    fn default() -> LastRun<T> {
        LastRun(None)
    }
}

impl<T: Copy> LastRun<T> {
    /// The answer for row `i`: the last one when its raw text is the same, else `answer` of its
    /// (trimmed) text; `None` when the cell is empty.
    fn answer(&mut self, rows: &Rows<'_>, i: usize, answer: impl FnOnce(&str) -> T) -> Option<T> {
        let view = rows.fingerprint(i);
        if let Some((_, a)) = self.0.filter(|(last, _)| view == Some(*last)) {
            return Some(a);
        }
        let a = answer(&rows.text(i)?);
        self.0 = view.map(|v| (v, a));
        Some(a)
    }
}

impl CodeTable {
    /// Interns a raw code: `None` when it is malformed for the scheme.
    fn intern(&mut self, scheme: AreaScheme, raw: &str) -> Option<u32> {
        match self.raw.get(raw) {
            Some(hit) => *hit,
            None => {
                let idx = scheme.normalise(raw).map(|code| add_name(&mut self.codes, &mut self.normal, code));
                self.raw.insert(raw.to_string(), idx);
                idx
            }
        }
    }

    /// Interns row `i`'s code: `None` when the cell is empty, else the answer of
    /// [`CodeTable::intern`]; a row with the same raw text as the last takes its answer.
    fn intern_row(&mut self, scheme: AreaScheme, area: &Rows<'_>, i: usize) -> Option<Option<u32>> {
        let mut last = self.last;
        let answer = last.answer(area, i, |raw| self.intern(scheme, raw));
        self.last = last;
        answer
    }

    /// Keeps only the codes an area column uses, numbered in order of first use (the column
    /// renumbered).
    fn keep_used(&mut self, area: &mut [LocatedBy]) {
        let mut new = vec![Index::NONE; self.codes.len()];
        let mut kept = Vec::new();
        for by in area.iter_mut() {
            if let Some(k) = by.code_index() {
                let k = k as usize;
                if new[k].is_none() {
                    new[k] = Index::new(kept.len() as u32);
                    kept.push(std::mem::take(&mut self.codes[k]));
                }
                *by = LocatedBy::code(new[k].get().expect("numbered just above"));
            }
        }
        *self = CodeTable::default();
        for code in kept {
            add_name(&mut self.codes, &mut self.normal, code);
        }
    }

    /// Adds the codes of `other` (interned separately) after this table's; returns the index
    /// here of each of `other`'s codes.
    fn absorb(&mut self, other: CodeTable) -> Vec<u32> {
        other.codes.into_iter().map(|code| add_name(&mut self.codes, &mut self.normal, code)).collect()
    }
}

/// What to load: the validated form of the command-line input options.
#[derive(Debug, Clone)]
pub struct InputSpec {
    /// The availability records (CSV or Parquet).
    pub records: PathBuf,
    /// The address universe (CSV or Parquet), if any.
    pub universe: Option<PathBuf>,
    /// The column mapping.
    pub profile: Profile,
    /// Forced delimiter, else sniffed.
    pub delimiter: Option<u8>,
    /// Whether to use a weight column when one is found.
    pub use_weights: bool,
}

struct Columns {
    id: Values,
    area: Option<Values>,
    xy: Option<(Values, Values, XyCrs)>,
    weight: Option<Values>,
}

/// Row access to the location and weight columns for a range of rows.
struct Place<'a> {
    area: Option<Rows<'a>>,
    xy: Option<(Rows<'a>, Rows<'a>)>,
    weight: Option<Rows<'a>>,
}

impl Columns {
    fn place(&self, range: std::ops::Range<usize>) -> Place<'_> {
        Place {
            area: self.area.as_ref().map(|v| v.rows(range.clone())),
            xy: self.xy.as_ref().map(|(x, y, _)| (x.rows(range.clone()), y.rows(range.clone()))),
            weight: self.weight.as_ref().map(|v| v.rows(range.clone())),
        }
    }
}

/// Whether a batch checked without its lazy coordinates has rows that need them (rows without
/// an area code): then it is checked again with them.
fn needs_coordinates(layout: &Layout, cols: &Columns, checked: &[ChunkChecks]) -> bool {
    layout.xy_unread(cols) && checked.iter().flat_map(|c| &c.rejected).any(|r| r.1 == RejectReason::NoLocation)
}

/// Whether `field` is a coordinate.
fn is_xy(field: Field) -> bool {
    matches!(field, Field::X | Field::Y | Field::Lon | Field::Lat)
}

fn file_label(path: &Path) -> String {
    path.display().to_string()
}

/// Which columns of a table are read, and as what: the profile resolved against its header.
struct Layout {
    wanted: Vec<(Field, usize, Want)>,
    xy_crs: Option<XyCrs>,
    extra: Vec<Field>,
    /// Whether the coordinates are read only for the batches that need them: a Parquet file
    /// with area codes, whose coordinates serve the rows without one.
    lazy_xy: bool,
}

impl Layout {
    /// Resolves the id, the location and weight (when `with_location`) and the `extra` fields
    /// (`true` = required) against `table`'s header.
    fn resolve(
        table: &Table,
        profile: &Profile,
        extra: &[(Field, bool)],
        with_location: bool,
        use_weights: bool,
    ) -> Result<Layout> {
        let found = profile.resolve(&table.header);
        let missing = |field: Field| {
            match (&table.header[..], table.delimiter) {
            ([only], Some(d)) if [b',', b';', b'\t', b'|'].iter().any(|c| *c != d && only.as_bytes().contains(c)) => Error::table(
                &table.path,
                format!("the header is one column `{only}` when split on {:?}; the file uses another delimiter: give the right --delimiter or none", d as char),
            ),
            _ => Error::MissingColumn {
                file: table.path.clone(),
                field: field.name().into(),
                profile: profile.name.clone(),
                looked_for: profile.looked_for(field),
            },
        }
        };
        let mut wanted: Vec<(Field, usize, Want)> = Vec::new();
        let id = *found.get(&Field::AddressId).ok_or_else(|| missing(Field::AddressId))?;
        wanted.push((Field::AddressId, id, Want::Text));
        if let Some(&(field, _)) = extra.iter().find(|(f, required)| *required && !found.contains_key(f)) {
            return Err(missing(field));
        }
        let mut xy_crs = None;
        if with_location {
            if let Some(&a) = found.get(&Field::AreaCode) {
                wanted.push((Field::AreaCode, a, Want::Text));
            }
            let pair = |fx, fy| Some((*found.get(&fx)?, *found.get(&fy)?));
            if let Some((x, y)) = pair(Field::X, Field::Y) {
                wanted.extend([(Field::X, x, Want::Number), (Field::Y, y, Want::Number)]);
                xy_crs = Some(profile.xy_crs);
            } else if let Some((x, y)) = pair(Field::Lon, Field::Lat) {
                wanted.extend([(Field::Lon, x, Want::Number), (Field::Lat, y, Want::Number)]);
                xy_crs = Some(XyCrs::Wgs84);
            }
            if !found.contains_key(&Field::AreaCode) && xy_crs.is_none() {
                return Err(Error::table(
                    &table.path,
                    format!(
                        "no location column (profile `{}`; looked for {} and for x/y or lon/lat); map one with --column area_code=NAME, or --column x=NAME --column y=NAME",
                        profile.name,
                        profile.looked_for(Field::AreaCode)
                    ),
                ));
            }
            if use_weights {
                if let Some(&w) = found.get(&Field::Weight) {
                    wanted.push((Field::Weight, w, Want::Number));
                }
            }
        }
        for &(field, _) in extra {
            if let Some(&i) = found.get(&field) {
                wanted.push((field, i, if field == Field::Technology { Want::Text } else { Want::Number }));
            }
        }
        let lazy_xy = table.format == Format::Parquet && found.contains_key(&Field::AreaCode) && xy_crs.is_some();
        Ok(Layout { wanted, xy_crs, extra: extra.iter().map(|(f, _)| *f).collect(), lazy_xy })
    }

    /// Whether `field` is read with every batch (all but lazy coordinates).
    fn every_batch(&self, field: Field) -> bool {
        !(self.lazy_xy && is_xy(field))
    }

    /// Whether `cols` (a batch) still lacks the lazy coordinates of its rows.
    fn xy_unread(&self, cols: &Columns) -> bool {
        self.lazy_xy && cols.xy.is_none()
    }

    /// The header positions to read with every batch, and as what.
    fn asked(&self) -> Vec<(usize, Want)> {
        self.wanted.iter().filter(|(f, _, _)| self.every_batch(*f)).map(|(_, i, w)| (*i, *w)).collect()
    }

    /// Reads the lazy coordinates of `rows` (0-based), for a batch with rows that need them.
    ///
    /// # Errors
    /// As [`Table::read_rows`].
    fn coordinates(&self, table: &Table, rows: std::ops::Range<usize>) -> Result<(Values, Values, XyCrs)> {
        let asked: Vec<(usize, Want)> =
            self.wanted.iter().filter(|(f, _, _)| is_xy(*f)).map(|(_, i, w)| (*i, *w)).collect();
        let mut xy = table.read_rows(&asked, rows)?.into_iter();
        match (xy.next(), xy.next(), self.xy_crs) {
            (Some(x), Some(y), Some(crs)) => Ok((x, y, crs)),
            _ => unreachable!("lazy coordinates are two columns with a CRS"),
        }
    }

    /// Whether `field` is read.
    fn has(&self, field: Field) -> bool {
        self.wanted.iter().any(|(f, _, _)| *f == field)
    }

    /// The columns read (in the order of [`Layout::asked`]) by role; the extra fields in the
    /// order given to [`Layout::resolve`], `None` when absent.
    fn columns(&self, values: Vec<Values>) -> (Columns, Vec<Option<Values>>) {
        let mut values: Vec<Option<Values>> = values.into_iter().map(Some).collect();
        let read: Vec<Field> = self.wanted.iter().map(|(f, _, _)| *f).filter(|f| self.every_batch(*f)).collect();
        let mut take = |field: Field| read.iter().position(|f| *f == field).and_then(|k| values[k].take());
        let id = take(Field::AddressId).expect("the id column is always read");
        let area = take(Field::AreaCode);
        let xy = match self.xy_crs {
            Some(_) if self.lazy_xy => None,
            Some(crs) => {
                let x = take(Field::X).or_else(|| take(Field::Lon)).expect("x or lon was read");
                let y = take(Field::Y).or_else(|| take(Field::Lat)).expect("y or lat was read");
                Some((x, y, crs))
            }
            None => None,
        };
        let weight = take(Field::Weight);
        let extras = self.extra.iter().map(|f| take(*f)).collect();
        (Columns { id, area, xy, weight }, extras)
    }

    /// Provenance of `table` read with this layout, with its number of data rows.
    fn source(&self, table: &Table, role: &str, rows: usize) -> SourceInfo {
        SourceInfo {
            role: role.into(),
            path: file_label(&table.path),
            sha256: table.sha256().to_string(),
            rows: rows as u64,
            format: match table.delimiter {
                Some(d) => format!("csv, {}, delimiter {:?}", table.encoding, d as char),
                None => "parquet".into(),
            },
            columns: self.wanted.iter().map(|(f, i, _)| (f.name().to_string(), table.header[*i].clone())).collect(),
        }
    }
}

fn speed(values: &Rows<'_>, row: usize, field: Field) -> std::result::Result<f64, (RejectReason, String)> {
    match values.number(row) {
        Ok(v) if v < 0.0 => Err((RejectReason::NegativeSpeed, format!("{field} = {v}"))),
        Ok(v) if v > MAX_PLAUSIBLE_MBPS => {
            Err((RejectReason::ImplausibleSpeed, format!("{field} = {v} Mbps > {MAX_PLAUSIBLE_MBPS}")))
        }
        Ok(v) => Ok(v),
        Err(NumberError::Missing) => Err((RejectReason::MissingSpeed, format!("{field} is empty"))),
        Err(NumberError::Invalid(s)) => Err((RejectReason::InvalidSpeed, format!("{field} = {s:?}"))),
    }
}

/// `speeds` when every one would pass [`speed`] (finite, 0 up to the plausible maximum).
fn plausible(speeds: Option<&[f64]>) -> Option<&[f64]> {
    speeds.filter(|v| v.iter().all(|s| (0.0..=MAX_PLAUSIBLE_MBPS).contains(s)))
}

/// `coordinates` when every one is finite (as [`locate`] requires).
fn finite(coordinates: Option<&[f64]>) -> Option<&[f64]> {
    coordinates.filter(|v| v.iter().all(|c| c.is_finite()))
}

/// Reads the location and weight of row `i`.
fn locate(
    cols: &Place<'_>,
    i: usize,
    scheme: AreaScheme,
    codes: &mut CodeTable,
) -> std::result::Result<(Location, f64), (RejectReason, String)> {
    let weight = match &cols.weight {
        None => 1.0,
        Some(w) => match w.number(i) {
            Ok(v) if v >= 0.0 => v,
            Ok(v) => return Err((RejectReason::InvalidWeight, format!("weight = {v}"))),
            Err(NumberError::Missing) => return Err((RejectReason::InvalidWeight, "weight is empty".into())),
            Err(NumberError::Invalid(s)) => return Err((RejectReason::InvalidWeight, format!("weight = {s:?}"))),
        },
    };
    if let Some(area) = &cols.area {
        match codes.intern_row(scheme, area, i) {
            Some(Some(c)) => return Ok((Location::Area(c), weight)),
            Some(None) => {
                return Err((RejectReason::BadAreaCode, format!("area_code = {:?}", area.text(i).unwrap_or_default())))
            }
            None => {}
        }
    }
    let Some((xs, ys)) = &cols.xy else {
        return Err((RejectReason::NoLocation, "area_code is empty and there are no coordinates".into()));
    };
    match (xs.number(i), ys.number(i)) {
        (Ok(x), Ok(y)) => Ok((Location::Point { x, y }, weight)),
        (Err(NumberError::Missing), Err(NumberError::Missing)) => {
            Err((RejectReason::NoLocation, "no area code and no coordinates".into()))
        }
        (x, y) => Err((RejectReason::InvalidCoordinate, format!("x = {}, y = {}", shown(&x), shown(&y)))),
    }
}

/// Adds a piece's area codes (interned on their own) to `codes`, and renumbers the codes of the
/// piece's usable rows (rejected rows hold a placeholder).
fn absorb_codes(codes: &mut CodeTable, piece: CodeTable, area: &mut [LocatedBy], usable: &[bool]) {
    let remap = codes.absorb(piece);
    for (by, _) in area.iter_mut().zip(usable).filter(|(_, &ok)| ok) {
        if let Some(k) = by.code_index() {
            *by = LocatedBy::code(remap[k as usize]);
        }
    }
}

/// The rows (0-based) of the batch of `len` rows from `row0`; `n` becomes the rows read so far,
/// or the rows the file declares (a Parquet footer), which the batches must not pass.
///
/// # Errors
/// [`Error::Table`] for a file past the 32-bit row numbers, or a batch past the declared rows.
fn batch_rows(
    path: &Path,
    declared: Option<usize>,
    row0: usize,
    len: usize,
    n: &mut usize,
) -> Result<std::ops::Range<usize>> {
    *n = declared.unwrap_or(row0 + len);
    within_row_limit(path, *n)?;
    if row0 + len > *n {
        return Err(Error::table(
            path,
            format!("more rows than the {n} the file declares; was it changed during the run?"),
        ));
    }
    Ok(row0..row0 + len)
}

/// Rows and addresses are numbered in 32 bits: a file of more rows is refused, not wrapped.
fn within_row_limit(path: &Path, rows: usize) -> Result<()> {
    if rows > Index::MAX as usize {
        return Err(Error::table(
            path,
            format!("{rows} rows: more than the {} a file can have; split it into smaller files", Index::MAX),
        ));
    }
    Ok(())
}

fn reject(
    rejects: &mut Vec<Reject>,
    counts: &mut RowCounts,
    file: &str,
    row: u64,
    (reason, detail): (RejectReason, String),
) {
    counts.reject(rejects, file, row, reason, detail);
}

/// `v` cut into the given consecutive pieces (all empty when `v` is).
fn split<'a, T>(mut v: &'a mut [T], pieces: &[std::ops::Range<usize>]) -> Vec<&'a mut [T]> {
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
fn fill_to<T: Copy + Send + Sync>(v: &mut Vec<T>, len: usize, value: T, bound: usize) {
    if len > v.len() {
        if len > v.capacity() {
            v.reserve_exact(bound.max(len) - v.len());
        }
        let more = len - v.len();
        v.par_extend(rayon::iter::repeat_n(value, more));
    }
}

/// Rows per chunk of the parallel record checks (a handful in unit tests, so they cross chunks).
const CHECK_CHUNK: usize = if cfg!(test) { 4 } else { 1 << 16 };

/// Rows per batch of a Parquet file read in parts (whole row groups; a few in unit tests).
const BATCH_ROWS: usize = if cfg!(test) { 6 } else { 1 << 20 };

/// Rows per batch of a CSV file: fewer, because its parsed columns are new memory each batch and
/// two batches are in memory at once; a smaller pair is reused while still mapped (10 M rows:
/// page faults 138 k → 113 k, peak memory 629 → 562 MB, a few hundredths of a second).
/// Parquet batches of this size cost more than they save (0.57 → 0.62 s).
const CSV_BATCH_ROWS: usize = if cfg!(test) { 6 } else { 1 << 18 };

/// Rows per batch for `table`.
fn rows_per_batch(table: &Table) -> usize {
    match table.format {
        Format::Csv => CSV_BATCH_ROWS,
        Format::Parquet => BATCH_ROWS,
    }
}

/// What one chunk of records found: rejected rows (0-based, in order), the technologies and the
/// area codes it saw, indexed as in its part of the technology and location columns.
#[derive(Default)]
struct ChunkChecks {
    rejected: Vec<(usize, RejectReason, String)>,
    technologies: Vec<String>,
    codes: CodeTable,
}

/// One chunk's part of the row-sized output columns (location and weight empty with a universe,
/// weight empty when unweighted).
struct Slices<'a> {
    down: &'a mut [f64],
    up: &'a mut [f64],
    tech: &'a mut [Index],
    loc: LocationSlices<'a>,
    weight: &'a mut [f64],
}

/// What tells, per row of a piece, whether it has an id: its key, or its run flag.
#[derive(Clone, Copy)]
enum Ids<'a> {
    Keys(&'a [u128]),
    Runs(&'a [Run]),
}

impl<'a> Ids<'a> {
    fn len(self) -> usize {
        match self {
            Ids::Keys(k) => k.len(),
            Ids::Runs(f) => f.len(),
        }
    }

    fn missing(self, k: usize) -> bool {
        match self {
            Ids::Keys(keys) => keys[k] == NO_KEY,
            Ids::Runs(flags) => flags[k] == Run::NoId,
        }
    }

    fn get(self, r: std::ops::Range<usize>) -> Ids<'a> {
        match self {
            Ids::Keys(keys) => Ids::Keys(&keys[r]),
            Ids::Runs(flags) => Ids::Runs(&flags[r]),
        }
    }
}

/// The columns the record checks read.
struct CheckContext<'a> {
    cols: &'a Columns,
    /// The download speeds; `None` for a universe, whose rows have none.
    down: Option<&'a Values>,
    up: Option<&'a Values>,
    tech: Option<&'a Values>,
    scheme: AreaScheme,
    in_universe: &'a [Index],
    /// Whether every column the row is checked on is read (not so while a Parquet file's lazy
    /// coordinates are left unread): only then is a row without any value called blank.
    complete: bool,
}

impl CheckContext<'_> {
    /// Checks the rows from `base` on (one per key), in the order of the sequential rules: id,
    /// speeds (records only), then membership of the universe or (without one) the location;
    /// records the technology.
    fn check(&self, base: usize, out_cols: Slices<'_>, ids: Ids<'_>) -> ChunkChecks {
        let Slices { down, up, tech, loc, weight } = out_cols;
        let rows = base..base + ids.len();
        let place = self.cols.place(rows.clone());
        let down_rows = self.down.map(|d| d.rows(rows.clone()));
        let up_rows = self.up.map(|u| u.rows(rows.clone()));
        let tech_rows = self.tech.map(|t| t.rows(rows.clone()));
        let mut out = ChunkChecks::default();
        let mut seen: FxHashMap<String, u32> = FxHashMap::default();
        let mut last = LastRun::default();
        // Typed speeds without nulls, all in the plausible range, are copied whole; any other
        // piece is checked row by row.
        let whole = down_rows.as_ref().and_then(|d| plausible(d.floats(rows.clone()))).and_then(|d| match &up_rows {
            None => Some((d, None)),
            Some(u) => plausible(u.floats(rows.clone())).map(|u| (d, Some(u))),
        });
        if let Some((d, u)) = whole {
            down.copy_from_slice(d);
            if let (Some(u), false) = (u, up.is_empty()) {
                up.copy_from_slice(u);
            }
        }
        // So are coordinates without an area code or a weight beside them, typed, without
        // nulls and all finite: every row is then located by its point.
        let whole_xy = match (&place, loc.area.is_empty(), weight.is_empty()) {
            (Place { area: None, xy: Some((xs, ys)), weight: None }, false, true) => {
                finite(xs.floats(rows.clone())).zip(finite(ys.floats(rows.clone())))
            }
            _ => None,
        };
        if let Some((xs, ys)) = whole_xy {
            loc.area.fill(LocatedBy::POINT);
            loc.xy.iter_mut().zip(xs.iter().zip(ys)).for_each(|(slot, (&x, &y))| *slot = [x, y]);
        }
        for k in 0..ids.len() {
            let i = base + k;
            if ids.missing(k) {
                let others = [
                    place.area.as_ref(),
                    place.xy.as_ref().map(|xy| &xy.0),
                    place.xy.as_ref().map(|xy| &xy.1),
                    place.weight.as_ref(),
                    down_rows.as_ref(),
                    up_rows.as_ref(),
                    tech_rows.as_ref(),
                ];
                out.rejected.push(match self.complete && others.into_iter().flatten().all(|c| c.text(i).is_none()) {
                    true => (
                        i,
                        RejectReason::BlankRow,
                        "no address_id and no value in any other column used (a blank line?)".into(),
                    ),
                    false => (i, RejectReason::MissingAddressId, "address_id is empty".into()),
                });
                continue;
            }
            if let (Some(down_rows), None) = (&down_rows, whole) {
                let speeds = speed(down_rows, i, Field::DownMbps).and_then(|d| {
                    match up_rows.as_ref().map(|u| speed(u, i, Field::UpMbps)) {
                        None => Ok((d, 0.0)),
                        Some(u) => u.map(|u| (d, u)),
                    }
                });
                match speeds {
                    Ok((d, u)) => {
                        down[k] = d;
                        if let Some(slot) = up.get_mut(k) {
                            *slot = u;
                        }
                    }
                    Err((reason, detail)) => {
                        out.rejected.push((i, reason, detail));
                        continue;
                    }
                }
            }
            if self.in_universe.get(i).is_some_and(|a| a.is_none()) {
                let id = self.cols.id.text(i).unwrap_or_default();
                out.rejected.push((
                    i,
                    RejectReason::NotInUniverse,
                    format!("address_id {id:?} is not in the universe file"),
                ));
                continue;
            }
            if !loc.area.is_empty() && whole_xy.is_none() {
                match locate(&place, i, self.scheme, &mut out.codes) {
                    Ok((l, w)) => {
                        match l {
                            Location::Area(c) => loc.area[k] = LocatedBy::code(c),
                            Location::Point { x, y } => (loc.area[k], loc.xy[k]) = (LocatedBy::POINT, [x, y]),
                        }
                        if let Some(slot) = weight.get_mut(k) {
                            *slot = w;
                        }
                    }
                    Err((reason, detail)) => {
                        out.rejected.push((i, reason, detail));
                        continue;
                    }
                }
            }
            let technology = tech_rows.as_ref().and_then(|t| {
                last.answer(t, i, |s| {
                    seen.get(s).copied().unwrap_or_else(|| add_name(&mut out.technologies, &mut seen, s.to_string()))
                })
            });
            if let Some(t) = technology {
                tech[k] = Index::new(t);
            }
        }
        out
    }
}

/// Reads back the address id and postcode (empty when the file has none) of the given 1-based
/// data `rows` of an address file, in the order asked.
///
/// # Errors
/// [`Error::Io`] or [`Error::Table`] for an unreadable file, [`Error::MissingColumn`] without an
/// id column, and [`Error::Table`] for a row beyond the end of the file.
pub fn identify(path: &Path, profile: &Profile, delimiter: Option<u8>, rows: &[u64]) -> Result<Vec<(String, String)>> {
    let table = Table::open(path, delimiter)?;
    let found = profile.resolve(&table.header);
    let id = *found.get(&Field::AddressId).ok_or_else(|| Error::MissingColumn {
        file: table.path.clone(),
        field: Field::AddressId.name().into(),
        profile: profile.name.clone(),
        looked_for: profile.looked_for(Field::AddressId),
    })?;
    let mut asked = vec![(id, Want::Text)];
    if let Some(&pc) = found.get(&Field::Postcode) {
        asked.push((pc, Want::Text));
    }
    let values = table.read(&asked)?;
    rows.iter()
        .map(|&r| {
            let i = usize::try_from(r).ok().filter(|&r| r >= 1 && r <= values[0].len()).ok_or_else(|| {
                Error::table(path, format!("row {r} is past the end of the file; was it changed during the run?"))
            })? - 1;
            let text = |v: &Values| v.text(i).map(|t| t.into_owned()).unwrap_or_default();
            Ok((text(&values[0]), values.get(1).map(text).unwrap_or_default()))
        })
        .collect()
}

/// What a universe file gives: its addresses, its keys with the address of each, how its rows
/// were used, and its provenance.
struct Universe {
    addresses: Addresses,
    index: keys::KeyIndex,
    counts: RowCounts,
    source: SourceInfo,
    weighted: bool,
}

/// Reads a universe file: each usable row with a new id makes an address; a later row with the
/// id of an accepted one is a [`RejectReason::DuplicateInUniverse`].
///
/// The rows are read in batches and checked in parallel pieces (id, location, weight); which
/// rows are duplicates is decided afterwards in row order, so the result does not depend on the
/// number of threads or batches.
fn load_universe(
    upath: &Path,
    spec: &InputSpec,
    progress: &mut dyn Progress,
    codes: &mut CodeTable,
    rejects: &mut Vec<Reject>,
) -> Result<Universe> {
    let table = Table::open(upath, spec.delimiter)?;
    let layout = Layout::resolve(&table, &spec.profile, &[], true, spec.use_weights)?;
    progress.stage("read universe", table.rows_known().map(|n| n as u64));
    let weighted = layout.has(Field::Weight);
    let scheme = spec.profile.area;
    let mut n = 0;
    let mut ukeys: Vec<u128> = Vec::new();
    let mut order = keys::IdOrder::default();
    let (mut locations, mut weight_v, mut usable) = (Locations::default(), Vec::new(), Vec::new());
    // The rows the checks rejected (0-based, ascending), with why.
    let mut failed: Vec<(usize, RejectReason, String)> = Vec::new();
    let bound = table.rows_at_most();
    table.read_into(
        &layout.asked(),
        rows_per_batch(&table),
        &mut sinks::each(|b: Batch| -> Result<()> {
            let (row0, values) = (b.first_row, b.columns);
            let (mut cols, _) = layout.columns(values);
            let len = cols.id.len();
            let at = batch_rows(upath, table.rows_known(), row0, len, &mut n)?;
            // Row-sized columns: of the declared rows at once, else grown batch by batch.
            fill_to(&mut ukeys, n, NO_KEY, bound);
            fill_to(&mut weight_v, if weighted { n } else { 0 }, 1.0f64, bound);
            fill_to(&mut usable, n, true, bound);
            order = std::mem::take(&mut order).then(keys::hash_into(&cols.id, &mut ukeys[at.clone()]));
            let keys_here = &ukeys[at.clone()];
            let pieces = cols.id.pieces(CHECK_CHUNK);
            let weighed = if weighted { at.clone() } else { 0..0 };
            let locals = loop {
                let ctx = CheckContext {
                    cols: &cols,
                    down: None,
                    up: None,
                    tech: None,
                    scheme,
                    in_universe: &[],
                    complete: !layout.xy_unread(&cols),
                };
                let places = location_pieces(&mut locations, n, cols.xy.is_some(), bound, at.clone(), &pieces);
                let jobs: Vec<_> =
                    places.into_iter().zip(split(&mut weight_v[weighed.clone()], &pieces)).zip(&pieces).collect();
                let locals: Vec<ChunkChecks> = jobs
                    .into_par_iter()
                    .map(|((l, w), r)| {
                        ctx.check(
                            r.start,
                            Slices { down: &mut [], up: &mut [], tech: &mut [], loc: l, weight: w },
                            Ids::Keys(&keys_here[r.clone()]),
                        )
                    })
                    .collect();
                if !needs_coordinates(&layout, &cols, &locals) {
                    break locals;
                }
                cols.xy = Some(layout.coordinates(&table, at.clone())?);
            };
            for (local, r) in locals.into_iter().zip(&pieces) {
                let r = row0 + r.start..row0 + r.end;
                for (row, reason, detail) in local.rejected {
                    usable[row0 + row] = false;
                    failed.push((row0 + row, reason, detail));
                }
                absorb_codes(codes, local.codes, &mut locations.area[r.clone()], &usable[r]);
            }
            progress.advance(len as u64);
            Ok(())
        }),
    )?;
    let source = layout.source(&table, "universe", n);
    drop(table);

    // In row order: a row with the id of an accepted row is a duplicate (whatever else is wrong
    // with it), else it is rejected for what its checks found, else it makes an address.
    let file = file_label(upath);
    let mut counts = RowCounts { rows_in: n as u64, ..RowCounts::default() };
    let leader = keys::first_rows(&ukeys, order.sorted);
    let mut at_leader = vec![Index::NONE; n];
    let mut uaddress = vec![Index::NONE; n];
    let mut first_row = RowNumbers::default();
    let mut duplicates = Vec::new();
    let mut failed = failed.into_iter().peekable();
    // The rows not made addresses, for the row-sized columns to drop.
    let mut dropped = Vec::new();
    for i in 0..n {
        let fault = failed.next_if(|f| f.0 == i);
        let row = i as u64 + 1;
        let first = leader[i].get().map_or(Index::NONE, |l| at_leader[l as usize]);
        if let Some(first) = first.get() {
            duplicates.push((rejects.len(), row, first_row.get(first as usize)));
            reject(rejects, &mut counts, &file, row, (RejectReason::DuplicateInUniverse, String::new()));
            dropped.push(i);
        } else if let Some((_, reason, detail)) = fault {
            reject(rejects, &mut counts, &file, row, (reason, detail));
            dropped.push(i);
        } else {
            let a = first_row.len() as u32;
            at_leader[leader[i].get().expect("a row with an id has a first row") as usize] = Index::new(a);
            uaddress[i] = Index::new(a);
            first_row.push(row as u32);
            counts.used += 1;
        }
    }
    drop((leader, at_leader));
    if first_row.is_empty() {
        return Err(Error::NoData { file: upath.to_path_buf(), reason: counts.none_used(rejects.first()) });
    }
    // The ids of duplicates, read back for their messages (they are rare: most files have none).
    if !duplicates.is_empty() {
        let rows: Vec<u64> = duplicates.iter().map(|d| d.1).collect();
        for ((at, _, first), (id, _)) in duplicates.iter().zip(identify(upath, &spec.profile, spec.delimiter, &rows)?) {
            rejects[*at].detail = format!("address_id {id:?} first at row {first}");
        }
    }
    locations.remove(&dropped);
    compact::remove_sorted(&mut weight_v, &dropped);
    codes.keep_used(&mut locations.area);
    let addresses = Addresses { first_row, location: locations, weight: weight_v, point_crs: layout.xy_crs, file };
    let index = keys::KeyIndex::new(ukeys, &uaddress);
    Ok(Universe { addresses, index, counts, source, weighted })
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
    match load_as(spec, needs, progress, true)? {
        Some(av) => Ok(av),
        None => load_as(spec, needs, progress, false)?
            .ok_or_else(|| Error::table(&spec.records, "the ids could not be deduplicated")),
    }
}

/// [`load`], deduplicating ascending ids by their run flags when `by_runs` (and no universe is
/// given): a first batch out of order switches to keys at once; `None` when a later one is,
/// to be read again with keys.
fn load_as(spec: &InputSpec, needs: Needs, progress: &mut dyn Progress, by_runs: bool) -> Result<Option<Availability>> {
    let scheme = spec.profile.area;
    let mut codes = CodeTable::default();
    let mut rejects = Vec::new();
    let mut sources = Vec::new();
    let mut addresses = Addresses::default();
    let mut universe_rows = None;
    let mut weighted = false;
    // The universe's keys, each with the address its accepted row became.
    let mut universe: Option<keys::KeyIndex> = None;

    if let Some(upath) = &spec.universe {
        let u = load_universe(upath, spec, progress, &mut codes, &mut rejects)?;
        (addresses, weighted) = (u.addresses, u.weighted);
        sources.push(u.source);
        universe = Some(u.index);
        universe_rows = Some(u.counts);
    }

    let universe_given = spec.universe.is_some();
    let table = Table::open(&spec.records, spec.delimiter)?;
    let extra = [(Field::DownMbps, true), (Field::UpMbps, false), (Field::Technology, false)];
    let extra = &extra[..if needs.technology { 3 } else { 2 }];
    let layout = Layout::resolve(&table, &spec.profile, extra, !universe_given, spec.use_weights)?;
    let file = file_label(&spec.records);
    if !universe_given {
        addresses.point_crs = layout.xy_crs;
        addresses.file = file.clone();
        weighted = layout.has(Field::Weight);
    }
    progress.stage("read and check records", table.rows_known().map(|n| n as u64));

    // Every row is checked in parallel pieces into row-sized columns; rejected rows are then
    // dropped in row order, so the result does not depend on the number of threads. The file is
    // read in batches (a few Parquet row groups, or runs of CSV lines), each batch's columns
    // freed before the next is read (and parsed while the one before is checked).
    // Ascending ids need no keys to be deduplicated: a one-byte run flag per row (no id, same id
    // as the row before, new id) stands in for a 16-byte key.
    let mut by_runs = by_runs && !universe_given;
    let mut out_of_order = false;
    let mut flags: Vec<Run> = Vec::new();
    let mut n = 0;
    let mut rkeys: Vec<u128> = Vec::new();
    let mut order = keys::IdOrder::default();
    let (mut down_v, mut up_v, mut tech_v, mut weight_v) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut locations = Locations::default();
    let mut addr_v: Vec<Index> = Vec::new();
    let mut usable: Vec<bool> = Vec::new();
    let mut records = Records::default();
    let mut tech_index: FxHashMap<String, u32> = FxHashMap::default();
    let mut counts = RowCounts::default();
    let mut batch_keys: Vec<u128> = Vec::new();
    let bound = table.rows_at_most();
    let read = table.read_into(
        &layout.asked(),
        rows_per_batch(&table),
        &mut sinks::each(|b: Batch| -> Result<()> {
            let (row0, values) = (b.first_row, b.columns);
            let (mut cols, mut ex) = layout.columns(values);
            let (down, up, tech) =
                (ex[0].take().expect("required column"), ex[1].take(), ex.get_mut(2).and_then(Option::take));
            let len = cols.id.len();
            let at = batch_rows(&spec.records, table.rows_known(), row0, len, &mut n)?;
            (records.has_up, records.has_technology) = (up.is_some(), tech.is_some());
            // Row-sized columns, grown batch by batch (room for all rows reserved at once), so that
            // their pages are first touched while the parser works on the next batch. With a
            // universe the keys are only needed per batch, for the join.
            if by_runs {
                fill_to(&mut flags, at.end, Run::NoId, bound);
                let runs = keys::runs_into(&cols.id, &mut flags[at.clone()], order.last());
                match (runs.sorted, row0) {
                    (true, _) => order = std::mem::take(&mut order).then(runs),
                    (false, 0) => (by_runs, flags) = (false, Vec::new()),
                    (false, _) => {
                        out_of_order = true;
                        return Err(Error::table(&spec.records, "ids out of order after the first batch"));
                    }
                }
            }
            fill_to(&mut rkeys, if universe_given || by_runs { 0 } else { at.end }, NO_KEY, bound);
            fill_to(&mut addr_v, if by_runs { at.end } else { 0 }, Index::NONE, bound);
            fill_to(&mut down_v, at.end, 0.0f64, bound);
            let kept_up = if needs.upload && up.is_some() { at.clone() } else { 0..0 };
            fill_to(&mut up_v, kept_up.end, 0.0f64, bound);
            let kept_tech = if tech.is_some() { at.clone() } else { 0..0 };
            fill_to(&mut tech_v, kept_tech.end, Index::NONE, bound);
            fill_to(&mut weight_v, if universe_given || !weighted { 0 } else { at.end }, 1.0f64, bound);
            fill_to(&mut usable, at.end, true, bound);
            let ids_here = if by_runs {
                Ids::Runs(&flags[at.clone()])
            } else {
                let keys_here = match &universe {
                    Some(_) => {
                        batch_keys.clear();
                        batch_keys.resize(len, NO_KEY);
                        &mut batch_keys[..]
                    }
                    None => &mut rkeys[at.clone()],
                };
                order = std::mem::take(&mut order).then(keys::hash_into(&cols.id, keys_here));
                Ids::Keys(keys_here)
            };
            let in_universe = match (&universe, ids_here) {
                (Some(index), Ids::Keys(keys_here)) => index.lookup(keys_here),
                _ => {
                    // The ids are only needed for their keys now: freed, their memory takes the checks' output.
                    cols.id = Values::empty();
                    Vec::new()
                }
            };
            // Pieces within the input's chunks, so that each column is read straight from its arrays.
            let pieces = down.pieces(CHECK_CHUNK);
            let located = if universe_given { 0..0 } else { at.clone() };
            let weighed = if weighted { located.clone() } else { 0..0 };
            let mut locals = loop {
                let ctx = CheckContext {
                    cols: &cols,
                    down: Some(&down),
                    up: up.as_ref(),
                    tech: tech.as_ref(),
                    scheme,
                    in_universe: &in_universe,
                    complete: !layout.xy_unread(&cols),
                };
                let jobs: Vec<_> = split(&mut down_v[at.clone()], &pieces)
                    .into_iter()
                    .zip(split(&mut up_v[kept_up.clone()], &pieces))
                    .zip(split(&mut tech_v[kept_tech.clone()], &pieces))
                    .zip(
                        location_pieces(
                            &mut locations,
                            located.end,
                            cols.xy.is_some(),
                            bound,
                            located.clone(),
                            &pieces,
                        )
                        .into_iter()
                        .zip(split(&mut weight_v[weighed.clone()], &pieces)),
                    )
                    .zip(&pieces)
                    .collect();
                let locals: Vec<ChunkChecks> = jobs
                    .into_par_iter()
                    .map(|((((d, u), t), (l, w)), r)| {
                        ctx.check(
                            r.start,
                            Slices { down: d, up: u, tech: t, loc: l, weight: w },
                            ids_here.get(r.clone()),
                        )
                    })
                    .collect();
                if !needs_coordinates(&layout, &cols, &locals) {
                    break locals;
                }
                cols.xy = Some(layout.coordinates(&table, at.clone())?);
            };
            // With a universe, each record's address is the join's answer (rejected rows drop out below).
            if addr_v.is_empty() {
                addr_v = in_universe;
            } else {
                addr_v.extend(in_universe);
            }

            // Merge the pieces in row order: dictionaries (technologies, area codes) in order of
            // first appearance, rejects in row order.
            for (local, r) in locals.drain(..).zip(&pieces) {
                let r = row0 + r.start..row0 + r.end;
                let remap: Vec<u32> = local
                    .technologies
                    .into_iter()
                    .map(|name| add_name(&mut records.technologies, &mut tech_index, name))
                    .collect();
                for t in tech_v.get_mut(r.clone()).unwrap_or_default() {
                    if let Some(k) = t.get() {
                        *t = Index::new(remap[k as usize]);
                    }
                }
                for (row, reason, detail) in local.rejected {
                    usable[row0 + row] = false;
                    reject(&mut rejects, &mut counts, &file, (row0 + row) as u64 + 1, (reason, detail));
                }
                if !universe_given {
                    absorb_codes(&mut codes, local.codes, &mut locations.area[r.clone()], &usable[r.clone()]);
                }
            }
            progress.advance(len as u64);
            Ok(())
        }),
    );
    match read {
        Err(_) if out_of_order => return Ok(None),
        r => r?,
    }
    if usable.len() != n {
        return Err(Error::table(
            &spec.records,
            format!("{} rows where the file declares {n}; was it changed during the run?", usable.len()),
        ));
    }
    counts.rows_in = n as u64;
    let sorted = order.sorted;
    let info = layout.source(&table, "records", n);
    drop(table);

    // Addresses without a universe: the first usable row of each key makes the address. The
    // row-sized columns become the outputs in place: rows that make no address (or no record)
    // are squeezed out, which moves nothing when every row is used.
    let mut location_conflicts = 0u64;
    let used = usable.par_iter().filter(|&&u| u).count();
    if !universe_given {
        let differs = |first: usize, row: usize| locations.get(first) != locations.get(row);
        let rows = if by_runs {
            keys::number_runs(&flags, &usable, std::mem::take(&mut addr_v), differs)
        } else {
            for (k, ok) in rkeys.iter_mut().zip(&usable) {
                if !ok {
                    *k = NO_KEY;
                }
            }
            keys::number_first_rows(keys::first_rows(&rkeys, sorted), differs)
        };
        drop((rkeys, flags));
        location_conflicts = rows.conflicts;
        addr_v = rows.address;
        let dropped = compact::clear_positions(&rows.first, rows.count);
        locations.remove(&dropped);
        compact::remove_sorted(&mut weight_v, &dropped);
        addresses.location = locations;
        addresses.weight = weight_v;
        addresses.first_row = RowNumbers::where_set(&rows.first, rows.count);
    }
    counts.used = used as u64;
    // Every usable record has its address: the placeholders of rejected rows are gone.
    records.address = addr_v.into_iter().map(|a| a.get().unwrap_or(u32::MAX)).collect();
    records.down_mbps = down_v;
    records.up_mbps = up_v;
    records.technology = tech_v;
    records.row = RowNumbers::all(n);
    records.remove(&compact::clear_positions(&usable, used));
    sources.push(info);
    if !universe_given && addresses.is_empty() {
        return Err(Error::NoData { file: spec.records.clone(), reason: counts.none_used(rejects.first()) });
    }
    Ok(Some(Availability {
        addresses,
        records,
        codes: AreaCodes { codes: codes.codes },
        rejects,
        record_rows: counts,
        universe_rows,
        universe_given,
        weighted,
        location_conflicts,
        sources,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::progress::Silent;

    #[test]
    fn ascending_ids_and_ids_out_of_order_later_make_the_same_addresses() {
        // (id, download): rows 3 (no id) and 4 (negative speed) are rejected. Batches of 6 rows.
        let sorted = ["a;100", "a;50", ";10", "b;-5", "b;20", "c;30", "c;40", "d;5", "d;7", "e;1", "e;2", "f;3", "f;4"];
        let mut late = sorted;
        late[10] = "a;2"; // out of order in the second batch: read again with keys
        let mut early = sorted;
        early[1] = "z;50"; // out of order in the first batch: keys at once
        for rows in [sorted, late, early] {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("r.csv");
            let text: String = rows.iter().map(|r| format!("{r};GM0363\n")).collect();
            std::fs::write(&path, format!("adres_id;download_mbps;gemeentecode\n{text}")).unwrap();
            let spec = InputSpec {
                records: path,
                universe: None,
                profile: Profile::built_in("nl").unwrap(),
                delimiter: None,
                use_weights: false,
            };
            let av = load(&spec, Needs::ALL, &mut Silent).unwrap();
            // Expected: each usable row's address is the first usable row with its id.
            let usable: Vec<usize> = (0..rows.len()).filter(|&i| i != 2 && i != 3).collect();
            let mut first: Vec<(&str, u32)> = Vec::new();
            let mut address = Vec::new();
            for &i in &usable {
                let id = rows[i].split(';').next().unwrap();
                let a = first.iter().position(|(f, _)| *f == id).unwrap_or_else(|| {
                    first.push((id, i as u32 + 1));
                    first.len() - 1
                });
                address.push(a as u32);
            }
            assert_eq!(av.addresses.first_row, first.iter().map(|f| f.1).collect::<Vec<_>>(), "{rows:?}");
            assert_eq!(av.records.address, address, "{rows:?}");
            assert_eq!(av.records.row, usable.iter().map(|&i| i as u32 + 1).collect::<Vec<_>>());
            assert_eq!((av.record_rows.rows_in, av.record_rows.used, av.rejects.len()), (13, 11, 2));
        }
    }

    /// Fifteen rows in chunks of four: dictionaries, first usable rows, conflicts and rejects
    /// that cross chunk boundaries come out as a row-by-row reading gives them.
    #[test]
    fn chunked_checks_equal_a_row_by_row_reading() {
        let rows = [
            "a;GM0363;100;glas",  // 1: address 0
            ";GM0363;100;glas",   // 2: no id
            "c;GM0014;50;dsl",    // 3: address 1
            "d;GM0363;-5;dsl",    // 4: negative speed, d not made here
            "e;GM9999X;10;dsl",   // 5: bad code
            "a;GM0363;30;dsl",    // 6: record of a
            "f;14;20;coax",       // 7: address 2, code 14 = GM0014
            "c;GM0363;1000;glas", // 8: c elsewhere: a conflict
            "d;0363;200;coax",    // 9: address 3 (first usable row of d)
            "g;GM0518;abc;glas",  // 10: bad speed
            "h;GM0518;5;vdsl",    // 11: address 4, new code and technology in chunk 3
            "d;GM0363;5;vdsl",    // 12: record of d, same place
            "i;;5;vdsl",          // 13: no location
            "c;GM0014;1;glas",    // 14: c again, its first place
            "j;GM0014;0;glas",    // 15: address 5
        ];
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.csv");
        std::fs::write(&path, format!("adres_id;gemeentecode;download_mbps;technologie\n{}\n", rows.join("\n")))
            .unwrap();
        let spec = InputSpec {
            records: path,
            universe: None,
            profile: Profile::built_in("nl").unwrap(),
            delimiter: None,
            use_weights: false,
        };
        let av = load(&spec, Needs::ALL, &mut Silent).unwrap();
        assert_eq!(av.addresses.first_row, vec![1, 3, 7, 9, 11, 15]);
        assert_eq!(av.codes.codes, vec!["GM0363", "GM0014", "GM0518"]);
        let code = |a: usize| match av.addresses.location.get(a) {
            Location::Area(k) => av.codes.codes[k as usize].as_str(),
            Location::Point { .. } => "point",
        };
        assert_eq!((0..6).map(code).collect::<Vec<_>>(), ["GM0363", "GM0014", "GM0014", "GM0363", "GM0518", "GM0014"]);
        assert_eq!(av.records.technologies, vec!["glas", "dsl", "coax", "vdsl"]);
        assert_eq!(av.records.row, vec![1, 3, 6, 7, 8, 9, 11, 12, 14, 15]);
        assert_eq!(av.records.address, vec![0, 1, 0, 2, 1, 3, 4, 3, 1, 5]);
        assert_eq!(av.records.technology, [0, 1, 1, 2, 0, 2, 3, 3, 0, 0].map(Index::new));
        assert_eq!(av.records.down_mbps, vec![100.0, 50.0, 30.0, 20.0, 1000.0, 200.0, 5.0, 5.0, 1.0, 0.0]);
        assert_eq!(av.location_conflicts, 1);
        let rejected: Vec<(u64, RejectReason)> = av.rejects.iter().map(|r| (r.row, r.reason)).collect();
        assert_eq!(
            rejected,
            [
                (2, RejectReason::MissingAddressId),
                (4, RejectReason::NegativeSpeed),
                (5, RejectReason::BadAreaCode),
                (10, RejectReason::InvalidSpeed),
                (13, RejectReason::NoLocation)
            ]
        );
        assert_eq!((av.record_rows.rows_in, av.record_rows.used), (15, 10));
        assert!(av.record_rows.reconciles());
    }

    /// The rows of the test above as Parquet in row groups of three, read in batches of two
    /// groups: everything equals the CSV read as one batch (rows, dictionaries, rejects).
    #[test]
    fn parquet_batches_equal_one_csv_batch() {
        use polars::prelude::*;
        let rows = [
            ("a", "GM0363", "100", "glas"),
            ("", "GM0363", "100", "glas"),
            ("c", "GM0014", "50", "dsl"),
            ("d", "GM0363", "-5", "dsl"),
            ("e", "GM9999X", "10", "dsl"),
            ("a", "GM0363", "30", "dsl"),
            ("f", "14", "20", "coax"),
            ("c", "GM0363", "1000", "glas"),
            ("d", "0363", "200", "coax"),
            ("g", "GM0518", "abc", "glas"),
            ("h", "GM0518", "5", "vdsl"),
            ("d", "GM0363", "5", "vdsl"),
            ("i", "", "5", "vdsl"),
            ("c", "GM0014", "1", "glas"),
            ("j", "GM0014", "0", "glas"),
        ];
        let dir = tempfile::tempdir().unwrap();
        let csv = dir.path().join("r.csv");
        let lines: Vec<String> = rows.iter().map(|(a, b, c, d)| format!("{a};{b};{c};{d}")).collect();
        std::fs::write(&csv, format!("adres_id;gemeentecode;download_mbps;technologie\n{}\n", lines.join("\n")))
            .unwrap();
        let column = |name: &str, k: usize| {
            let cells: Vec<Option<&str>> =
                rows.iter().map(|r| [r.0, r.1, r.2, r.3][k]).map(|c| (!c.is_empty()).then_some(c)).collect();
            Column::new(name.into(), cells)
        };
        let mut df = DataFrame::new_infer_height(vec![
            column("adres_id", 0),
            column("gemeentecode", 1),
            column("download_mbps", 2),
            column("technologie", 3),
        ])
        .unwrap();
        let parquet = dir.path().join("r.parquet");
        ParquetWriter::new(std::fs::File::create(&parquet).unwrap())
            .with_row_group_size(Some(3))
            .finish(&mut df)
            .unwrap();
        let table = Table::open(&parquet, None).unwrap();
        assert_eq!(table.batches(BATCH_ROWS), Some(vec![0..6, 6..12, 12..15]));
        let load_from = |records: &Path, universe: Option<PathBuf>| {
            let spec = InputSpec {
                records: records.into(),
                universe,
                profile: Profile::built_in("nl").unwrap(),
                delimiter: None,
                use_weights: false,
            };
            load(&spec, Needs::ALL, &mut Silent).unwrap()
        };
        let records = |av: &Availability| {
            let r = &av.records;
            (r.address.clone(), r.row.clone(), r.down_mbps.clone(), r.technology.clone(), r.technologies.clone())
        };
        let rejects =
            |av: &Availability| av.rejects.iter().map(|r| (r.row, r.reason, r.detail.clone())).collect::<Vec<_>>();
        let (one, batched) = (load_from(&csv, None), load_from(&parquet, None));
        assert_eq!(batched.addresses.first_row, vec![1, 3, 7, 9, 11, 15]);
        assert_eq!(
            (&batched.addresses.first_row, &batched.addresses.location),
            (&one.addresses.first_row, &one.addresses.location)
        );
        assert_eq!(batched.codes.codes, one.codes.codes);
        assert_eq!(records(&batched), records(&one));
        assert_eq!(rejects(&batched), rejects(&one));
        assert_eq!((batched.record_rows.rows_in, batched.record_rows.used, batched.location_conflicts), (15, 10, 1));

        // With a universe that lacks c and h: each batch is joined to it on its own.
        let universe = dir.path().join("u.csv");
        std::fs::write(
            &universe,
            "adres_id;gemeentecode\nj;GM0014\na;GM0363\nd;GM0363\nf;GM0014\ni;GM0518\ng;GM0518\ne;GM0014\n",
        )
        .unwrap();
        let (one, batched) = (load_from(&csv, Some(universe.clone())), load_from(&parquet, Some(universe)));
        assert_eq!(records(&batched), records(&one));
        assert_eq!(batched.records.address, vec![1, 6, 1, 3, 2, 2, 4, 0]);
        assert_eq!(rejects(&batched), rejects(&one));
        let not_in: Vec<u64> =
            batched.rejects.iter().filter(|r| r.reason == RejectReason::NotInUniverse).map(|r| r.row).collect();
        assert_eq!(not_in, [3, 8, 11, 14], "c and h, in three batches");
        assert!(batched.record_rows.reconciles());
    }

    #[test]
    fn locations_keep_coordinates_only_when_some_are_given() {
        let codes: Locations = [Location::Area(3), Location::Area(0)].into_iter().collect();
        assert!(codes.xy.is_empty());
        assert_eq!((codes.get(0), codes.points()), (Location::Area(3), 0));
        let mixed: Locations = [Location::Area(3), Location::Point { x: 1.5, y: -2.0 }].into_iter().collect();
        assert_eq!((mixed.area.as_slice(), mixed.points()), ([LocatedBy::code(3), LocatedBy::POINT].as_slice(), 1));
        assert_eq!(mixed.iter().collect::<Vec<_>>(), [Location::Area(3), Location::Point { x: 1.5, y: -2.0 }]);
        // Equal by their locations: the unused coordinates (NaN) of area rows do not count.
        assert_eq!(mixed, mixed.clone());
        assert_ne!(mixed, codes);
        let mut grown = Locations::default();
        let pieces = location_pieces(&mut grown, 5, false, 5, 0..5, &[0..2, 2..5]);
        assert!(pieces.iter().all(|p| p.xy.is_empty()));
        let pieces = location_pieces(&mut grown, 8, true, 8, 5..8, &[0..1, 1..3]);
        assert_eq!((pieces[1].area.len(), pieces[1].xy.len()), (2, 2));
        assert_eq!((grown.area.len(), grown.xy.len()), (8, 8));
    }

    /// The records loaded from `csv` (text, checked row by row) and from `df` written as Parquet
    /// in row groups of four (typed, one check piece each): (text, typed).
    fn loaded_as_text_and_typed(csv: &str, mut df: polars::prelude::DataFrame) -> (Availability, Availability) {
        let dir = tempfile::tempdir().unwrap();
        let (text, parquet) = (dir.path().join("r.csv"), dir.path().join("r.parquet"));
        std::fs::write(&text, csv).unwrap();
        polars::prelude::ParquetWriter::new(std::fs::File::create(&parquet).unwrap())
            .with_row_group_size(Some(4))
            .finish(&mut df)
            .unwrap();
        let load_from = |records: &Path| {
            let spec = InputSpec {
                records: records.into(),
                universe: None,
                profile: Profile::built_in("nl").unwrap(),
                delimiter: None,
                use_weights: false,
            };
            load(&spec, Needs::ALL, &mut Silent).unwrap()
        };
        (load_from(&text), load_from(&parquet))
    }

    /// Each rejected row's number, reason and detail.
    fn rejects_of(av: &Availability) -> Vec<(u64, RejectReason, String)> {
        av.rejects.iter().map(|r| (r.row, r.reason, r.detail.clone())).collect()
    }

    #[test]
    fn typed_speeds_copied_whole_equal_their_text() {
        use polars::prelude::*;
        // Pieces of four rows (CHECK_CHUNK in tests): the first and third all plausible (copied
        // whole), the others each with a value the row-by-row check rejects.
        let down = [Some(100.0), Some(0.0), Some(-0.0), Some(1e5), Some(50.0), None, Some(f64::NAN), Some(8.0)];
        let down: Vec<Option<f64>> = down
            .into_iter()
            .chain([Some(30.0), Some(1.5), Some(2.0), Some(3.0)])
            .chain([Some(-1.0), Some(1e6), Some(f64::INFINITY), Some(4.0)])
            .collect();
        let up: Vec<Option<f64>> = (0..down.len()).map(|i| Some(if i == 9 { 0.25 } else { 10.0 })).collect();
        let ids: Vec<String> = (0..down.len()).map(|i| format!("a{i:02}")).collect();
        let cell = |v: &Option<f64>| v.map_or(String::new(), |v| v.to_string());
        let lines: Vec<String> =
            (0..down.len()).map(|i| format!("{};GM0363;{};{}", ids[i], cell(&down[i]), cell(&up[i]))).collect();
        let df = DataFrame::new_infer_height(vec![
            Column::new("adres_id".into(), ids),
            Column::new("gemeentecode".into(), vec!["GM0363"; down.len()]),
            Column::new("download_mbps".into(), down),
            Column::new("upload_mbps".into(), up),
        ])
        .unwrap();
        let (text, typed) = loaded_as_text_and_typed(
            &format!("adres_id;gemeentecode;download_mbps;upload_mbps\n{}\n", lines.join("\n")),
            df,
        );
        let seen = |av: &Availability| {
            (av.records.row.clone(), av.records.down_mbps.clone(), av.records.up_mbps.clone(), rejects_of(av))
        };
        assert_eq!(seen(&typed), seen(&text));
        assert_eq!(typed.records.row, [1, 2, 3, 4, 5, 8, 9, 10, 11, 12, 16]);
        assert_eq!(typed.records.up_mbps[7], 0.25);
    }

    #[test]
    fn typed_coordinates_copied_whole_equal_their_text() {
        use polars::prelude::*;
        // Pieces of four rows: the first and last all finite (copied whole), the others each
        // with a coordinate the row-by-row check rejects (empty, NaN, infinite).
        let x = [
            Some(155000.0),
            Some(-1.5),
            Some(0.0),
            Some(3e5),
            Some(1.0),
            None,
            Some(2.0),
            Some(3.0),
            Some(4.0),
            Some(5.0),
            Some(f64::INFINITY),
            Some(6.0),
            Some(7.0),
            Some(8.0),
            Some(9.0),
            Some(10.0),
        ];
        let y: Vec<Option<f64>> =
            (0..x.len()).map(|i| Some(if i == 9 { f64::NAN } else { 463000.0 + i as f64 })).collect();
        let ids: Vec<String> = (0..x.len()).map(|i| format!("a{i:02}")).collect();
        let cell = |v: &Option<f64>| v.map_or(String::new(), |v| v.to_string());
        let lines: Vec<String> =
            (0..x.len()).map(|i| format!("{};{};{};100", ids[i], cell(&x[i]), cell(&y[i]))).collect();
        let df = DataFrame::new_infer_height(vec![
            Column::new("adres_id".into(), ids),
            Column::new("x".into(), x.to_vec()),
            Column::new("y".into(), y),
            Column::new("download_mbps".into(), vec![100.0; x.len()]),
        ])
        .unwrap();
        let (text, typed) =
            loaded_as_text_and_typed(&format!("adres_id;x;y;download_mbps\n{}\n", lines.join("\n")), df);
        let seen = |av: &Availability| (av.records.row.clone(), av.addresses.location.clone(), rejects_of(av));
        assert_eq!(seen(&typed), seen(&text));
        assert_eq!(typed.records.row, [1, 2, 3, 4, 5, 7, 8, 9, 12, 13, 14, 15, 16]);
        assert_eq!(typed.addresses.location.get(1), Location::Point { x: -1.5, y: 463001.0 });
    }

    /// Coordinates only, with rejected rows in a piece that interns no area code: the rejected
    /// rows' placeholders are not looked up in the (empty) code table.
    #[test]
    fn rejected_rows_beside_coordinates_are_rejects() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.csv");
        std::fs::write(
            &path,
            "adres_id;x;y;download_mbps\n1;121000;487000;100\n2;122000;487500;abc\n;1;2;3\n3;4,9;52,3;50\n",
        )
        .unwrap();
        let spec = InputSpec {
            records: path,
            universe: None,
            profile: Profile::built_in("nl").unwrap(),
            delimiter: None,
            use_weights: false,
        };
        let av = load(&spec, Needs::ALL, &mut Silent).unwrap();
        assert_eq!(av.addresses.first_row, vec![1, 4]);
        assert_eq!(av.addresses.location.get(1), Location::Point { x: 4.9, y: 52.3 });
        let rejected: Vec<(u64, RejectReason)> = av.rejects.iter().map(|r| (r.row, r.reason)).collect();
        assert_eq!(rejected, [(2, RejectReason::InvalidSpeed), (3, RejectReason::MissingAddressId)]);
        assert!(av.record_rows.reconciles());
    }

    /// Rows without a value in any column used are blank rows, in the records and in a universe
    /// (blank lines in the middle and at the end, a line of delimiters); a row with a value but no
    /// id is still a missing id. Blank rows keep their place in the row numbers.
    #[test]
    fn rows_without_any_value_are_blank_rows() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.csv");
        std::fs::write(&path, "adres_id;x;y;download_mbps\n1;121000;487000;100\n\n;;;\n;;;50\n2;122000;487500;30\n\n")
            .unwrap();
        let spec = InputSpec {
            records: path,
            universe: None,
            profile: Profile::built_in("nl").unwrap(),
            delimiter: None,
            use_weights: false,
        };
        let av = load(&spec, Needs::ALL, &mut Silent).unwrap();
        let rejected: Vec<(u64, RejectReason)> = av.rejects.iter().map(|r| (r.row, r.reason)).collect();
        assert_eq!(
            rejected,
            [
                (2, RejectReason::BlankRow),
                (3, RejectReason::BlankRow),
                (4, RejectReason::MissingAddressId),
                (6, RejectReason::BlankRow)
            ]
        );
        assert_eq!(av.addresses.first_row, vec![1, 5]);
        assert!(av.record_rows.reconciles());

        let (universe, records) = (dir.path().join("u.csv"), dir.path().join("r.csv"));
        std::fs::write(&universe, "adres_id;gemeentecode\na;GM0363\n\nb;GM0014\n").unwrap();
        std::fs::write(&records, "adres_id;download_mbps\na;100\n;\nb;50\n").unwrap();
        let spec = InputSpec {
            records,
            universe: Some(universe),
            profile: Profile::built_in("nl").unwrap(),
            delimiter: None,
            use_weights: false,
        };
        let av = load(&spec, Needs::ALL, &mut Silent).unwrap();
        let rejected: Vec<(bool, u64, RejectReason)> =
            av.rejects.iter().map(|r| (r.file.ends_with("u.csv"), r.row, r.reason)).collect();
        assert_eq!(rejected, [(true, 2, RejectReason::BlankRow), (false, 2, RejectReason::BlankRow)]);
    }

    /// A universe with missing ids, a first row that cannot be located (the id's next row makes
    /// the address), duplicates, and a code seen only in duplicate rows (it does not enter the
    /// code table: only rows that make an address add codes).
    #[test]
    fn universe_rows_make_addresses_in_row_order() {
        let rows = ["a;GM0200", ";GM0014", "b;GM9999X", "b;GM0014", "a;GM0363", "c;", "d;0518", "b;GM0363", "e;14"];
        let dir = tempfile::tempdir().unwrap();
        let universe = dir.path().join("u.csv");
        std::fs::write(&universe, format!("adres_id;gemeentecode\n{}\n", rows.join("\n"))).unwrap();
        let records = dir.path().join("r.csv");
        std::fs::write(&records, "adres_id;download_mbps\na;100\nd;50\nx;5\n").unwrap();
        let spec = InputSpec {
            records,
            universe: Some(universe),
            profile: Profile::built_in("nl").unwrap(),
            delimiter: None,
            use_weights: false,
        };
        let av = load(&spec, Needs::ALL, &mut Silent).unwrap();
        assert_eq!(av.addresses.first_row, vec![1, 4, 7, 9]);
        assert_eq!(av.codes.codes, vec!["GM0200", "GM0014", "GM0518"], "GM0363 is only in duplicate rows");
        let code = |a: usize| match av.addresses.location.get(a) {
            Location::Area(k) => av.codes.codes[k as usize].as_str(),
            Location::Point { .. } => "point",
        };
        assert_eq!((0..4).map(code).collect::<Vec<_>>(), ["GM0200", "GM0014", "GM0518", "GM0014"]);
        let rejected: Vec<(u64, RejectReason, &str)> =
            av.rejects.iter().map(|r| (r.row, r.reason, r.detail.as_str())).collect();
        assert_eq!(
            rejected[..5],
            [
                (2, RejectReason::MissingAddressId, "address_id is empty"),
                (3, RejectReason::BadAreaCode, "area_code = \"GM9999X\""),
                (5, RejectReason::DuplicateInUniverse, "address_id \"a\" first at row 1"),
                (6, RejectReason::NoLocation, "area_code is empty and there are no coordinates"),
                (8, RejectReason::DuplicateInUniverse, "address_id \"b\" first at row 4"),
            ]
        );
        let u = av.universe_rows.unwrap();
        assert_eq!((u.rows_in, u.used), (9, 4));
        assert_eq!(av.records.address, vec![0, 2]);
        assert_eq!((av.record_rows.rows_in, av.record_rows.used), (3, 2));
    }

    /// A universe read in batches (Parquet, row groups of three) and in one (CSV) gives the
    /// same addresses, codes and rejects, worked out by hand: a duplicate is judged against the
    /// accepted rows before anything else, and a code seen only in duplicates is not kept.
    #[test]
    fn universe_in_batches_equals_one_batch() {
        use polars::prelude::*;
        let rows = [
            ("a", "GM0363"),  // 1: address 0
            ("b", "GM9999X"), // 2: bad code
            ("", "GM0014"),   // 3: no id
            ("b", "GM0014"),  // 4: address 1 (the first b was rejected)
            ("a", "GM0014"),  // 5: duplicate of row 1
            ("a", "GM9999X"), // 6: duplicate of row 1, whatever its code
            ("d", "GM0518"),  // 7: address 2 (second batch)
            ("e", ""),        // 8: no location
            ("b", "GM0363"),  // 9: duplicate of row 4
            ("f", "0014"),    // 10: address 3, GM0014
            ("d", "GM0200"),  // 11: duplicate of row 7; GM0200 appears nowhere else
        ];
        let dir = tempfile::tempdir().unwrap();
        let csv = dir.path().join("u.csv");
        let lines: Vec<String> = rows.iter().map(|(a, b)| format!("{a};{b}")).collect();
        std::fs::write(&csv, format!("adres_id;gemeentecode\n{}\n", lines.join("\n"))).unwrap();
        let cells = |k: usize| -> Vec<Option<&str>> {
            rows.iter().map(|r| [r.0, r.1][k]).map(|c| (!c.is_empty()).then_some(c)).collect()
        };
        let mut df = DataFrame::new_infer_height(vec![
            Column::new("adres_id".into(), cells(0)),
            Column::new("gemeentecode".into(), cells(1)),
        ])
        .unwrap();
        let parquet = dir.path().join("u.parquet");
        ParquetWriter::new(std::fs::File::create(&parquet).unwrap())
            .with_row_group_size(Some(3))
            .finish(&mut df)
            .unwrap();
        assert_eq!(Table::open(&parquet, None).unwrap().batches(BATCH_ROWS), Some(vec![0..6, 6..11]));
        let records = dir.path().join("r.csv");
        std::fs::write(&records, "adres_id;download_mbps\nf;5\nb;50\nz;5\na;100\n").unwrap();
        let load_with = |universe: &Path| {
            let spec = InputSpec {
                records: records.clone(),
                universe: Some(universe.into()),
                profile: Profile::built_in("nl").unwrap(),
                delimiter: None,
                use_weights: false,
            };
            load(&spec, Needs::ALL, &mut Silent).unwrap()
        };
        for av in [load_with(&csv), load_with(&parquet)] {
            assert_eq!(av.addresses.first_row, vec![1, 4, 7, 10]);
            assert_eq!(av.codes.codes, vec!["GM0363", "GM0014", "GM0518"]);
            assert_eq!(
                av.addresses.location.iter().collect::<Vec<_>>(),
                vec![Location::Area(0), Location::Area(1), Location::Area(2), Location::Area(1)]
            );
            let rejected: Vec<(u64, RejectReason, &str)> = av
                .rejects
                .iter()
                .filter(|r| !r.file.ends_with("r.csv"))
                .map(|r| (r.row, r.reason, r.detail.as_str()))
                .collect();
            assert_eq!(
                rejected,
                [
                    (2, RejectReason::BadAreaCode, "area_code = \"GM9999X\""),
                    (3, RejectReason::MissingAddressId, "address_id is empty"),
                    (5, RejectReason::DuplicateInUniverse, "address_id \"a\" first at row 1"),
                    (6, RejectReason::DuplicateInUniverse, "address_id \"a\" first at row 1"),
                    (8, RejectReason::NoLocation, "area_code is empty and there are no coordinates"),
                    (9, RejectReason::DuplicateInUniverse, "address_id \"b\" first at row 4"),
                    (11, RejectReason::DuplicateInUniverse, "address_id \"d\" first at row 7"),
                ]
            );
            let u = av.universe_rows.as_ref().unwrap();
            assert_eq!((u.rows_in, u.used), (11, 4));
            assert!(u.reconciles());
            assert_eq!(av.records.address, vec![3, 1, 0], "z is not in the universe");
        }
    }

    /// With area codes in a Parquet file, coordinates are read only for the batches with a row
    /// without a code; the result equals the CSV reading, which reads them with every row.
    #[test]
    fn lazy_coordinates_serve_the_rows_without_a_code() {
        use polars::prelude::*;
        type Xy = (Option<f64>, Option<f64>);
        let p = |x: f64, y: f64| (Some(x), Some(y));
        let rows: [(&'static str, &'static str, Xy); 12] = [
            ("a", "GM0363", p(121000.0, 487000.0)),
            ("b", "GM0014", p(1.0, 2.0)),
            ("c", "GM0014", (None, None)),
            ("d", "GM0518", p(3.0, 4.0)),
            ("e", "GM0363", (None, None)),
            ("f", "GM0014", p(5.0, 6.0)), // first batch: every row has a code
            ("g", "GM0518", p(7.0, 8.0)),
            ("h", "", p(150000.5, 450000.25)), // 8: a point
            ("i", "GM0363", (None, None)),
            ("j", "", (None, None)),      // 10: no location
            ("k", "", (Some(9.0), None)), // 11: half a coordinate
            ("a", "", p(10.0, 11.0)),     // 12: a's second record (its location differs)
        ];
        let dir = tempfile::tempdir().unwrap();
        let csv = dir.path().join("r.csv");
        let num = |v: Option<f64>| v.map_or(String::new(), |v| v.to_string());
        let lines: Vec<String> =
            rows.iter().map(|(id, code, (x, y))| format!("{id};{code};{};{};100", num(*x), num(*y))).collect();
        std::fs::write(&csv, format!("adres_id;gemeentecode;x;y;download_mbps\n{}\n", lines.join("\n"))).unwrap();
        let text = |cells: Vec<&'static str>| -> Vec<Option<&str>> {
            cells.into_iter().map(|c| (!c.is_empty()).then_some(c)).collect()
        };
        let mut df = DataFrame::new_infer_height(vec![
            Column::new("adres_id".into(), text(rows.iter().map(|r| r.0).collect())),
            Column::new("gemeentecode".into(), text(rows.iter().map(|r| r.1).collect())),
            Column::new("x".into(), rows.iter().map(|r| r.2 .0).collect::<Vec<_>>()),
            Column::new("y".into(), rows.iter().map(|r| r.2 .1).collect::<Vec<_>>()),
            Column::new("download_mbps".into(), vec![100.0; rows.len()]),
        ])
        .unwrap();
        let parquet = dir.path().join("r.parquet");
        ParquetWriter::new(std::fs::File::create(&parquet).unwrap())
            .with_row_group_size(Some(3))
            .finish(&mut df)
            .unwrap();
        let profile = Profile::built_in("nl").unwrap();
        let layout =
            |path: &Path| Layout::resolve(&Table::open(path, None).unwrap(), &profile, &[], true, false).unwrap();
        assert!(layout(&parquet).lazy_xy && layout(&parquet).asked().len() == 2, "id and code with every batch");
        assert!(!layout(&csv).lazy_xy && layout(&csv).asked().len() == 4);
        let load_from = |records: &Path| {
            load(
                &InputSpec {
                    records: records.into(),
                    universe: None,
                    profile: profile.clone(),
                    delimiter: None,
                    use_weights: false,
                },
                Needs::ALL,
                &mut Silent,
            )
            .unwrap()
        };
        for av in [load_from(&csv), load_from(&parquet)] {
            let point = Location::Point { x: 150000.5, y: 450000.25 };
            let (gm0363, gm0014, gm0518) = (Location::Area(0), Location::Area(1), Location::Area(2));
            assert_eq!(
                av.addresses.location.iter().collect::<Vec<_>>(),
                vec![gm0363, gm0014, gm0014, gm0518, gm0363, gm0014, gm0518, point, gm0363]
            );
            let rejected: Vec<(u64, RejectReason)> = av.rejects.iter().map(|r| (r.row, r.reason)).collect();
            assert_eq!(rejected, [(10, RejectReason::NoLocation), (11, RejectReason::InvalidCoordinate)]);
            assert_eq!(av.location_conflicts, 1, "a at a code and at a point");
        }
    }

    #[test]
    fn files_past_the_32_bit_row_numbers_are_refused() {
        let path = Path::new("big.parquet");
        assert!(within_row_limit(path, Index::MAX as usize).is_ok());
        let err = within_row_limit(path, Index::MAX as usize + 1).unwrap_err().to_string();
        assert!(err.contains("big.parquet") && err.contains("4294967295 rows") && err.contains("split it"), "{err}");
    }

    #[test]
    fn technologies_and_upload_speeds_are_kept_only_when_needed() {
        let dir = tempfile::tempdir().unwrap();
        let records = dir.path().join("r.csv");
        std::fs::write(&records, "adres_id;gemeentecode;download_mbps;upload_mbps;technologie\na;GM0363;100;10;glas\nb;GM0014;-1;1;coax\nc;GM0014;50;-2;\nd;GM0014;50;5;\n").unwrap();
        let spec = InputSpec {
            records,
            universe: None,
            profile: Profile::built_in("nl").unwrap(),
            delimiter: None,
            use_weights: false,
        };
        let all = load(&spec, Needs::ALL, &mut Silent).unwrap();
        let least = load(&spec, Needs { technology: false, upload: false }, &mut Silent).unwrap();
        assert_eq!(
            (all.records.technology.as_slice(), all.records.has_technology),
            ([Index::new(0), Index::NONE].as_slice(), true)
        );
        assert_eq!(all.records.up_mbps, [10.0, 5.0]);
        assert_eq!(
            (least.records.technology.len(), least.records.has_technology, least.records.up_mbps.len()),
            (0, false, 0)
        );
        // The same rows used and rejected (a negative upload speed rejects its row either way).
        let seen = |av: &Availability| {
            let rejects: Vec<_> = av.rejects.iter().map(|r| (r.row, r.reason)).collect();
            (
                av.records.row.clone(),
                av.records.down_mbps.clone(),
                av.addresses.first_row.clone(),
                rejects,
                av.record_rows.used,
            )
        };
        assert_eq!(seen(&all), seen(&least));
        assert_eq!(
            all.rejects.iter().map(|r| r.reason).collect::<Vec<_>>(),
            [RejectReason::NegativeSpeed, RejectReason::NegativeSpeed]
        );
        let columns = |av: &Availability| av.sources[0].columns.iter().map(|c| c.0.clone()).collect::<Vec<_>>();
        assert!(columns(&all).contains(&"technology".to_string()));
        assert!(!columns(&least).contains(&"technology".to_string()));
    }

    #[test]
    fn weights_are_kept_only_when_weighted() {
        let dir = tempfile::tempdir().unwrap();
        let records = dir.path().join("r.csv");
        std::fs::write(&records, "adres_id;gemeentecode;huishoudens;download_mbps\na;GM0363;2;100\nb;GM0014;0.5;50\n")
            .unwrap();
        let spec = |use_weights| InputSpec {
            records: records.clone(),
            universe: None,
            profile: Profile::built_in("nl").unwrap(),
            delimiter: None,
            use_weights,
        };
        let weighted = load(&spec(true), Needs::ALL, &mut Silent).unwrap();
        assert!(weighted.weighted);
        assert_eq!(weighted.addresses.weight, vec![2.0, 0.5]);
        let counted = load(&spec(false), Needs::ALL, &mut Silent).unwrap();
        assert!(!counted.weighted);
        assert!(counted.addresses.weight.is_empty());
        assert_eq!(counted.addresses.len(), 2);
    }
}
