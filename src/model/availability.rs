//! What the records and universe files give: the distinct addresses with their locations and
//! weights, the usable records, their row numbers, and the area codes they name.

use dekking_rows::{compact, Index};
use rayon::prelude::*;

use crate::model::rows::{Reject, RowCounts};
use crate::model::source::SourceInfo;

/// Where an address is, as given in its file.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Location {
    /// An area code, interned in [`AreaCodes`].
    Area(u32),
    /// Coordinates in the CRS of [`Addresses::point_crs`].
    Point {
        /// Easting (m) or longitude (°).
        x: f64,
        /// Northing (m) or latitude (°).
        y: f64,
    },
}

/// How an address is located, in the area column of [`Locations`]: by the area code at an index
/// of [`AreaCodes`], or by its coordinates. Four bytes, like the bare index.
///
/// ```
/// use dekking::model::availability::LocatedBy;
/// assert_eq!(LocatedBy::code(3).code_index(), Some(3));
/// assert_eq!(LocatedBy::POINT.code_index(), None);
/// ```
#[repr(transparent)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LocatedBy(Index);

impl LocatedBy {
    /// By its coordinates.
    pub const POINT: LocatedBy = LocatedBy(Index::NONE);

    /// By the area code at `index` of [`AreaCodes`] (at most [`Index::MAX`]).
    #[inline]
    #[must_use]
    pub const fn code(index: u32) -> LocatedBy {
        LocatedBy(Index::new(index))
    }

    /// The index of the area code; `None` for an address located by its coordinates.
    #[inline]
    #[must_use]
    pub const fn code_index(self) -> Option<u32> {
        self.0.get()
    }

    /// Whether the address is located by its coordinates.
    #[inline]
    #[must_use]
    pub const fn is_point(self) -> bool {
        self.0.is_none()
    }
}

/// Where each address is, columnar: an area-code column (4 bytes an address), and a coordinate
/// column (16 more) only once some address has coordinates.
#[derive(Debug, Clone, Default)]
pub struct Locations {
    /// Per address: by which area code, or by its coordinates.
    pub area: Vec<LocatedBy>,
    /// Per address, its coordinates `[x, y]` (meaningful where `area` is [`LocatedBy::POINT`]);
    /// empty when no address is located by coordinates.
    pub xy: Vec<[f64; 2]>,
}

impl Locations {
    /// The location of address `i` (< len).
    #[inline]
    #[must_use]
    pub fn get(&self, i: usize) -> Location {
        match self.area[i].code_index() {
            None => {
                let [x, y] = self.xy[i];
                Location::Point { x, y }
            }
            Some(c) => Location::Area(c),
        }
    }

    /// The locations in order.
    pub fn iter(&self) -> impl Iterator<Item = Location> + '_ {
        (0..self.len()).map(|i| self.get(i))
    }

    /// The number of addresses.
    #[must_use]
    pub fn len(&self) -> usize {
        self.area.len()
    }

    /// Whether there are none.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.area.is_empty()
    }

    /// The number of addresses located by coordinates.
    #[must_use]
    pub fn points(&self) -> usize {
        self.area.par_iter().filter(|c| c.is_point()).count()
    }

    /// Removes the addresses at `dropped` (ascending positions).
    pub fn remove(&mut self, dropped: &[usize]) {
        compact::remove_sorted(&mut self.area, dropped);
        compact::remove_sorted(&mut self.xy, dropped);
    }
}

impl PartialEq for Locations {
    fn eq(&self, other: &Locations) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl FromIterator<Location> for Locations {
    fn from_iter<I: IntoIterator<Item = Location>>(iter: I) -> Locations {
        let all: Vec<Location> = iter.into_iter().collect();
        let has_points = all.iter().any(|l| matches!(l, Location::Point { .. }));
        let area = all
            .iter()
            .map(|l| if let Location::Area(c) = l { LocatedBy::code(*c) } else { LocatedBy::POINT })
            .collect();
        let xy = if has_points {
            all.iter().map(|l| if let Location::Point { x, y } = l { [*x, *y] } else { [f64::NAN; 2] }).collect()
        } else {
            Vec::new()
        };
        Locations { area, xy }
    }
}

/// The area codes an input names, normalised, each once: [`Location::Area`] and the area column
/// of [`Locations`] refer to them by index.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AreaCodes {
    /// The normalised codes, by index.
    pub codes: Vec<String>,
}

/// 1-based data row numbers, one per address or record, ascending, in the smaller of two forms:
/// 1, 2, 3, … with the rows that were left out listed (none for clean national files: a row is
/// found by a binary search among the few left out), or the rows themselves (the records of one
/// partition of a run, most rows of a file being another's).
#[derive(Debug, Clone)]
pub struct RowNumbers {
    /// The rows left out, ascending, each before the last row held; or the rows held.
    rows: Vec<u32>,
    /// Whether `rows` lists the rows held.
    listed: bool,
    len: usize,
}

impl Default for RowNumbers {
    fn default() -> RowNumbers {
        RowNumbers::all(0)
    }
}

impl RowNumbers {
    /// The rows 1 to `len`.
    #[must_use]
    pub fn all(len: usize) -> RowNumbers {
        RowNumbers { rows: Vec::new(), listed: false, len }
    }

    /// The rows given (1-based, ascending).
    #[must_use]
    pub fn listed(rows: Vec<u32>) -> RowNumbers {
        debug_assert!(rows.windows(2).all(|w| w[0] < w[1]) && rows.first() != Some(&0), "rows are 1-based, ascending");
        let mut numbers = RowNumbers { len: rows.len(), rows, listed: true };
        numbers.settle();
        numbers
    }

    /// The row of entry `i` (< len): listed, or i + 1 plus the rows left out before it.
    #[inline]
    #[must_use]
    pub fn get(&self, i: usize) -> u32 {
        if self.listed {
            return self.rows[i];
        }
        // The k-th row left out (0-based) comes before entry i when it is at most i + 1 + k.
        let before = partition(&self.rows, |k, s| s as usize <= i + 1 + k);
        (i + 1 + before) as u32
    }

    /// The number of entries.
    #[must_use]
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether there are none.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Appends row `row`, which comes after every row held.
    pub fn push(&mut self, row: u32) {
        if self.listed {
            debug_assert!(self.rows.last().is_none_or(|&r| row > r), "rows are pushed in ascending order");
            self.rows.push(row);
        } else {
            let next = (self.len + self.rows.len() + 1) as u32;
            debug_assert!(row >= next, "rows are pushed in ascending order");
            self.rows.extend(next..row);
        }
        self.len += 1;
        self.settle();
    }

    /// Appends the `n` rows from `first` on, which comes after every row held.
    pub fn push_run(&mut self, first: u32, n: usize) {
        if n == 0 {
            return;
        }
        self.push(first);
        if self.listed {
            self.rows.extend(first + 1..first + n as u32);
        }
        self.len += n - 1;
        self.settle();
    }

    /// Removes the entries at `dropped` (ascending positions).
    pub fn remove(&mut self, dropped: &[usize]) {
        if dropped.is_empty() {
            return;
        }
        if self.listed {
            compact::remove_sorted(&mut self.rows, dropped);
            self.len = self.rows.len();
            return;
        }
        // Merged into the rows left out, in order.
        let mut rows = dropped.iter().map(|&i| self.get(i)).peekable();
        let mut skipped = Vec::with_capacity(self.rows.len() + dropped.len());
        for &s in &self.rows {
            skipped.extend(std::iter::from_fn(|| rows.next_if(|&r| r < s)));
            skipped.push(s);
        }
        skipped.extend(rows);
        self.rows = skipped;
        self.len -= dropped.len();
        self.settle();
    }

    /// The 1-based rows whose flag is set (`set` of them), in order.
    #[must_use]
    pub fn where_set(flags: &[bool], set: usize) -> RowNumbers {
        let skipped = compact::clear_positions(flags, set).into_iter().map(|i| i as u32 + 1).collect();
        let mut rows = RowNumbers { rows: skipped, listed: false, len: set };
        rows.settle();
        rows
    }

    /// The rows of the entries whose flag is set (`set` of them; one flag per entry), in order.
    #[must_use]
    pub fn picked(&self, flags: &[bool], set: usize) -> RowNumbers {
        debug_assert_eq!(flags.len(), self.len);
        if !self.listed && self.rows.is_empty() {
            return RowNumbers::where_set(flags, set);
        }
        RowNumbers::listed(compact::positions(flags.len(), |i| flags[i]).into_par_iter().map(|i| self.get(i)).collect())
    }

    /// Forgets the rows left out after the last row held (one form per list of rows), and
    /// changes form when the other is much smaller (by half at least: building row by row
    /// changes form seldom).
    fn settle(&mut self) {
        if self.listed {
            let left_out = self.rows.last().map_or(0, |&r| r as usize - self.len);
            if 2 * left_out < self.len {
                let mut skipped = Vec::with_capacity(left_out);
                let mut next = 1;
                for &r in &self.rows {
                    skipped.extend(next..r);
                    next = r + 1;
                }
                (self.rows, self.listed) = (skipped, false);
            }
            return;
        }
        while self.rows.last().is_some_and(|&s| s as usize == self.len + self.rows.len()) {
            self.rows.pop();
        }
        if self.rows.len() > 2 * self.len + 16 {
            let rows = (0..self.len).into_par_iter().map(|i| self.get(i)).collect();
            (self.rows, self.listed) = (rows, true);
        }
    }
}

/// The number of leading entries of `v` for which `pred(k, v[k])` holds (it holds for a prefix).
fn partition(v: &[u32], pred: impl Fn(usize, u32) -> bool) -> usize {
    let (mut lo, mut hi) = (0, v.len());
    while lo < hi {
        let mid = (lo + hi) / 2;
        if pred(mid, v[mid]) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    lo
}

impl PartialEq for RowNumbers {
    fn eq(&self, other: &RowNumbers) -> bool {
        self.len == other.len && (0..self.len).all(|i| self.get(i) == other.get(i))
    }
}

impl Eq for RowNumbers {}

impl PartialEq<[u32]> for RowNumbers {
    fn eq(&self, other: &[u32]) -> bool {
        self.len == other.len() && other.iter().enumerate().all(|(i, &r)| self.get(i) == r)
    }
}

impl PartialEq<Vec<u32>> for RowNumbers {
    fn eq(&self, other: &Vec<u32>) -> bool {
        *self == other[..]
    }
}

impl<const N: usize> PartialEq<[u32; N]> for RowNumbers {
    fn eq(&self, other: &[u32; N]) -> bool {
        *self == other[..]
    }
}

/// The distinct addresses of a run, in order of first appearance.
#[derive(Debug, Clone, Default)]
pub struct Addresses {
    /// The data row (1-based) where each address was first seen.
    pub first_row: RowNumbers,
    /// The location of each address.
    pub location: Locations,
    /// The weight of each address in the run's unit; empty when the run is unweighted (every
    /// address weighs 1).
    pub weight: Vec<f64>,
    /// The CRS of [`Location::Point`] coordinates.
    pub point_crs: Option<XyCrs>,
    /// The files the addresses come from (the universe, or the records), for their rows.
    pub parts: Parts,
}

/// One of `count` partitions of a run's addresses (`index` from 0): an address belongs to the
/// partition of the hash of its trimmed id, so every address, with all its rows, is in exactly
/// one, whatever file its rows are in.
///
/// ```
/// use dekking::model::availability::Partition;
/// let parts: Vec<Partition> = (0..4).map(|index| Partition { index, count: 4 }).collect();
/// assert_eq!(parts.iter().filter(|p| p.holds(" 0363200000123456 ")).count(), 1);
/// assert_eq!(parts.iter().position(|p| p.holds("a")), parts.iter().position(|p| p.holds(" a")));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Partition {
    /// This partition, from 0.
    pub index: u32,
    /// The number of partitions (1 or more).
    pub count: u32,
}

impl Partition {
    /// Parses `K/N`, K counted from 1 (`3/8` is the third of eight).
    ///
    /// ```
    /// use dekking::model::availability::Partition;
    /// assert_eq!(Partition::parse("3/8"), Ok(Partition { index: 2, count: 8 }));
    /// assert!(Partition::parse("9/8").is_err() && Partition::parse("0/8").is_err());
    /// ```
    ///
    /// # Errors
    /// A text that is not two whole numbers with 1 ≤ K ≤ N.
    pub fn parse(text: &str) -> Result<Partition, String> {
        let bad = || format!("`{text}`: expected K/N with 1 <= K <= N, as in 3/8");
        let (k, n) = text.trim().split_once('/').ok_or_else(bad)?;
        let (k, n): (u32, u32) = (k.trim().parse().map_err(|_| bad())?, n.trim().parse().map_err(|_| bad())?);
        if k == 0 || k > n {
            return Err(bad());
        }
        Ok(Partition { index: k - 1, count: n })
    }

    /// Whether the address with id `id` belongs to this partition (xxh3 of the trimmed id).
    #[inline]
    #[must_use]
    pub fn holds(self, id: &str) -> bool {
        Partition::of(id, self.count) == self.index
    }

    /// The partition (from 0) of `count` that the address with id `id` belongs to.
    #[inline]
    #[must_use]
    pub fn of(id: &str, count: u32) -> u32 {
        (xxhash_rust::xxh3::xxh3_64(id.trim().as_bytes()) % u64::from(count.max(1))) as u32
    }
}

/// The files one input was read from as one table: each file with the number of rows before it,
/// so that a row of the combined numbering can be told as a file's own row.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Parts {
    /// Each file's path and the rows of the files before it, in reading order.
    pub files: Vec<(String, u64)>,
    /// Each file's rows left out by a row filter (empty: none).
    pub left_out: Vec<u64>,
    /// Each file's rows of other partitions, while one partition is read (empty: none).
    pub elsewhere: Vec<u64>,
}

impl Parts {
    /// One file.
    #[must_use]
    pub fn one(file: impl Into<String>) -> Parts {
        Parts { files: vec![(file.into(), 0)], left_out: Vec::new(), elsewhere: Vec::new() }
    }

    /// The file and its own data row (1-based) of the combined data row `row` (1-based).
    ///
    /// ```
    /// use dekking::model::availability::Parts;
    /// let files = vec![("a.csv".into(), 0), ("empty.csv".into(), 3), ("b.csv".into(), 3)];
    /// let p = Parts { files, left_out: Vec::new(), elsewhere: Vec::new() };
    /// assert_eq!(p.locate(3), ("a.csv", 3));
    /// assert_eq!(p.locate(4), ("b.csv", 1));
    /// ```
    #[must_use]
    pub fn locate(&self, row: u64) -> (&str, u64) {
        let k = self.files.partition_point(|(_, before)| *before < row).max(1) - 1;
        self.files.get(k).map_or(("", row), |(file, before)| (file.as_str(), row - before))
    }

    /// Each file's row accounting, from the rows of them all (`total`) and their rejected rows
    /// (each naming its file): rows in from where the next file begins, used = in − rejected −
    /// left out.
    #[must_use]
    pub fn counts(&self, total: &RowCounts, rejects: &[Reject]) -> Vec<(String, RowCounts)> {
        if let [(file, _)] = &self.files[..] {
            return vec![(file.clone(), total.clone())];
        }
        let mut out: Vec<(String, RowCounts)> = self
            .files
            .iter()
            .enumerate()
            .map(|(k, (file, before))| {
                let end = self.files.get(k + 1).map_or(total.rows_in, |next| next.1);
                let left_out = self.left_out.get(k).copied().unwrap_or(0);
                let elsewhere = self.elsewhere.get(k).copied().unwrap_or(0);
                (file.clone(), RowCounts { rows_in: end - before, left_out, elsewhere, ..RowCounts::default() })
            })
            .collect();
        for r in rejects {
            if let Some((_, c)) = out.iter_mut().find(|(f, _)| *f == r.file) {
                *c.rejected.entry(r.reason).or_default() += 1;
            }
        }
        for (_, c) in &mut out {
            c.used = c.rows_in - c.rejected_total() - c.left_out - c.elsewhere;
        }
        out
    }

    /// How the input is named in a message: its file, or the first and how many more.
    #[must_use]
    pub fn name(&self) -> String {
        files_name(self.files.iter().map(|(f, _)| f.as_str()))
    }
}

/// How files read as one input are named in a message: the file, or the first and how many more.
#[must_use]
pub fn files_name<'a>(files: impl IntoIterator<Item = &'a str>) -> String {
    let mut files = files.into_iter();
    let Some(first) = files.next() else { return String::new() };
    match files.count() {
        0 => first.to_string(),
        more => format!("{first} (and {more} more files)"),
    }
}

impl Addresses {
    /// The number of distinct addresses.
    pub fn len(&self) -> usize {
        self.location.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.location.is_empty()
    }
}

/// Usable availability records, columnar: record `i` belongs to address `address[i]`.
#[derive(Debug, Clone, Default)]
pub struct Records {
    /// Address index of each record.
    pub address: Vec<u32>,
    /// Source data row (1-based) of each record.
    pub row: RowNumbers,
    /// Maximum download speed, Mbps.
    pub down_mbps: Vec<f64>,
    /// Maximum upload speed, Mbps; empty when not kept (no threshold needs it, or the input has
    /// no upload column).
    pub up_mbps: Vec<f64>,
    /// Technology of each record, as an index into [`Records::technologies`] ([`Index::NONE`]
    /// when the record names none); empty when no technology column was read.
    pub technology: Vec<Index>,
    /// The distinct technology values.
    pub technologies: Vec<String>,
    /// Whether the input had an upload column.
    pub has_up: bool,
    /// Whether a technology column was read.
    pub has_technology: bool,
    /// Whether each record meets the classification's record condition (e.g. `low_latency` =
    /// 1); empty when none was asked.
    pub qualifies: Vec<bool>,
}

impl Records {
    /// Removes the records at `dropped` (ascending positions) from every column and the row
    /// numbers; columns not kept stay empty.
    pub fn remove(&mut self, dropped: &[usize]) {
        compact::remove_sorted(&mut self.address, dropped);
        compact::remove_sorted(&mut self.technology, dropped);
        compact::remove_sorted(&mut self.qualifies, dropped);
        for column in [&mut self.down_mbps, &mut self.up_mbps] {
            compact::remove_sorted(column, dropped);
        }
        self.row.remove(dropped);
    }
}

/// Everything read from the records and universe files.
#[derive(Debug, Clone)]
pub struct Availability {
    /// The distinct addresses (the universe).
    pub addresses: Addresses,
    /// The usable records.
    pub records: Records,
    /// Area codes referred to by [`Location::Area`].
    pub codes: AreaCodes,
    /// Rejected rows of both files, in file and row order.
    pub rejects: Vec<Reject>,
    /// Row accounting for the records files together.
    pub record_rows: RowCounts,
    /// The records files, for their rows.
    pub record_parts: Parts,
    /// Row accounting for the universe file, when given.
    pub universe_rows: Option<RowCounts>,
    /// Whether the universe came from a separate file.
    pub universe_given: bool,
    /// Whether a weight column was used (unit = households).
    pub weighted: bool,
    /// Addresses whose later records gave another location than the first.
    pub location_conflicts: u64,
    /// Provenance of the files read.
    pub sources: Vec<SourceInfo>,
}

/// The coordinate reference system of x/y columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum XyCrs {
    /// RD New, EPSG:28992, metres.
    RdNew,
    /// WGS84 longitude/latitude in degrees (x = lon, y = lat).
    Wgs84,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn row_numbers_list_only_the_rows_left_out() {
        let mut rows = RowNumbers::default();
        (1..=4).for_each(|r| rows.push(r));
        assert_eq!(rows, [1, 2, 3, 4]);
        assert!(rows.rows.is_empty());
        rows.push(7);
        assert_eq!(rows, [1, 2, 3, 4, 7]);
        assert_eq!(rows.rows, [5, 6]);
        rows.remove(&[0, 3]);
        assert_eq!(rows, [2, 3, 7]);
        rows.remove(&[2]);
        assert_eq!((rows.rows.as_slice(), rows.len()), (&[1][..], 2), "rows left out after the last are forgotten");
        assert_eq!(RowNumbers::where_set(&[true; 5], 5), RowNumbers::all(5));
        let some = RowNumbers::where_set(&[true, false, true, true, false], 3);
        assert_eq!((some.len(), some.get(2)), (3, 4));
        assert_eq!(some, [1, 3, 4]);
    }

    #[test]
    fn row_numbers_list_the_rows_held_when_fewer() {
        let mut rows = RowNumbers::default();
        [30, 100, 200].into_iter().for_each(|r| rows.push(r));
        assert!(rows.listed && rows.rows == [30, 100, 200], "{rows:?}");
        assert_eq!((rows.get(1), rows.len()), (100, 3));
        rows.remove(&[0]);
        assert_eq!(rows, [100, 200]);
        let flags = [true, false, false, true, false, false, false, true];
        let picked = RowNumbers::all(8).picked(&flags, 3);
        assert_eq!(picked, [1, 4, 8]);
        let of_listed = RowNumbers::listed(vec![2, 9, 11, 30]).picked(&[false, true, true, false], 2);
        assert_eq!(of_listed, [9, 11]);
        let dense = RowNumbers::listed(vec![1, 2, 3, 5]);
        assert!(!dense.listed && dense.rows == [4], "a dense list keeps the rows left out: {dense:?}");
        assert_eq!(dense, [1, 2, 3, 5]);
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
    }
}
