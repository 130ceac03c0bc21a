//! Reading a delimited text or Parquet table into columns, the one place where files are opened.
//!
//! CSV handling: UTF-8 with or without BOM, falling back to Windows-1252 when the bytes are not
//! UTF-8; the delimiter is sniffed from the header line (`,` `;` tab `|`) unless given; banner
//! lines starting with `#` before the header are skipped; quoted fields may hold delimiters and
//! newlines. Parquet is recognised by extension or by its `PAR1` magic. A table can be read in
//! batches: whole Parquet row groups, or runs of CSV lines when no field is quoted. Lines without
//! quotes are parsed by [`super::unquoted`]; a file with a quote anywhere (a quoted field may
//! hold a line end) is parsed at once by polars' general CSV reader, as is Parquet. Values are
//! returned as text or `f64` columns and validated by the caller, row by row. A row with more
//! fields than the header is named by its line.

use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use polars::prelude::*;
use rayon::prelude::*;

use super::unquoted::{self, Cells, Kind};
use crate::error::{Error, Result};
use dekking_files::checksums::Opened;
use dekking_files::sha256_hex;

// The arrow arrays of a text and a float column (polars does not re-export the arrow types).
type TextArray = <StringType as PolarsDataType>::Array;
type FloatArray = <Float64Type as PolarsDataType>::Array;

/// The file format of a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Delimited text.
    Csv,
    /// Apache Parquet.
    Parquet,
}

/// A file's bytes: mapped from the page cache (no copy) or held in memory.
#[derive(Debug)]
enum Bytes {
    Mapped(memmap2::Mmap),
    Owned(Vec<u8>),
}

impl Bytes {
    /// Lets the kernel drop the mapped pages wholly within `range` (see [`Bytes::release`]).
    fn release_range(&self, range: std::ops::Range<usize>) {
        #[cfg(unix)]
        if let Bytes::Mapped(map) = self {
            const PAGE: usize = 4096;
            let (start, end) = (range.start.div_ceil(PAGE) * PAGE, range.end / PAGE * PAGE);
            if start < end {
                // SAFETY: as for `release`.
                let _ = unsafe { map.unchecked_advise_range(memmap2::UncheckedAdvice::DontNeed, start, end - start) };
            }
        }
    }

    /// Lets the kernel drop the mapped pages from this process (they are read back from the
    /// file if touched again); nothing for bytes held in memory.
    fn release(&self) {
        #[cfg(unix)]
        if let Bytes::Mapped(map) = self {
            // SAFETY: the map is a read-only view of a file: dropped pages are read back from
            // the file unchanged when touched again, so no reader sees different bytes.
            let _ = unsafe { map.unchecked_advise(memmap2::UncheckedAdvice::DontNeed) };
        }
    }
}

impl std::ops::Deref for Bytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Bytes::Mapped(m) => m,
            Bytes::Owned(v) => v,
        }
    }
}

/// An opened input table: its bytes, header and how it was decoded.
#[derive(Debug)]
pub struct Table {
    /// Where it was read from.
    pub path: PathBuf,
    /// CSV or Parquet.
    pub format: Format,
    /// SHA-256 of the stored bytes, once computed or recalled (see [`Table::sha256`]).
    sha256: OnceLock<String>,
    /// The file's identity when it was opened, to recall and remember its checksum.
    opened: Option<Opened>,
    /// Column names in file order.
    pub header: Vec<String>,
    /// The text encoding found (`utf-8`, `utf-8 with BOM`, `windows-1252`), or `binary`.
    pub encoding: &'static str,
    /// The delimiter used (CSV only).
    pub delimiter: Option<u8>,
    /// Banner lines skipped before the header (CSV only).
    pub skipped_lines: usize,
    /// The file as stored.
    raw: Bytes,
    /// The text as UTF-8 when it had to be transcoded.
    transcoded: Option<Vec<u8>>,
    /// What one pass over the text found (CSV only).
    scan: Scan,
    /// Where the data starts in `raw` (after a byte-order mark).
    start: usize,
    /// Where the data rows start in the text (after banner lines and the header; CSV only).
    body: usize,
    /// The Parquet footer, read once.
    parquet: Option<FileMetadataRef>,
}

/// What a column is wanted as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Want {
    /// Text (identifiers, codes).
    Text,
    /// A number, parsed per row so that bad values can be rejected with their row.
    Number,
}

/// One part of a table that is parsed at once.
#[derive(Debug, Clone)]
enum Part {
    /// The whole file.
    Whole,
    /// Rows of a Parquet file (0-based).
    Rows(std::ops::Range<usize>),
    /// Whole data lines of a CSV file: a byte range of its text.
    Text(std::ops::Range<usize>),
}

/// The values of one column, one entry per data row, in the chunks (row groups) they were read
/// in: no copy into one array.
#[derive(Debug, Clone)]
pub struct Values {
    chunks: Vec<Array>,
    /// First row of each chunk, and the number of rows at the end.
    starts: Vec<usize>,
    /// For each block of 2^BLOCK_BITS rows, the chunk holding its first row.
    blocks: Vec<u32>,
}

/// The longest text (bytes) an arrow view holds itself: such views are equal in any chunk.
const INLINE: u32 = 12;

/// Rows per block of the row → chunk table.
const BLOCK_BITS: u32 = 12;

/// One chunk of a column.
#[derive(Debug, Clone)]
enum Array {
    /// Text values.
    Text(TextArray),
    /// Numbers.
    Float(FloatArray),
}

/// The chunk starts and the block table for chunks of the given lengths.
fn index_of(lens: impl Iterator<Item = usize>) -> (Vec<usize>, Vec<u32>) {
    let mut starts = vec![0];
    for n in lens {
        starts.push(starts[starts.len() - 1] + n);
    }
    let total = starts[starts.len() - 1];
    let mut blocks = Vec::with_capacity((total >> BLOCK_BITS) + 1);
    let mut k = 0;
    for b in 0..=(total >> BLOCK_BITS) {
        while k + 2 < starts.len() && starts[k + 1] <= b << BLOCK_BITS {
            k += 1;
        }
        blocks.push(k as u32);
    }
    (starts, blocks)
}

impl Values {
    fn new(chunks: Vec<Array>) -> Values {
        let (starts, blocks) = index_of(chunks.iter().map(|a| match a {
            Array::Text(t) => t.len(),
            Array::Float(f) => f.len(),
        }));
        Values { chunks, starts, blocks }
    }

    fn text_column(c: &StringChunked) -> Values {
        Values::new(c.downcast_iter().cloned().map(Array::Text).collect())
    }

    fn float_column(c: &Float64Chunked) -> Values {
        Values::new(c.downcast_iter().cloned().map(Array::Float).collect())
    }

    /// A column of blocks parsed by [`unquoted::parse`].
    fn from_cells(cells: Vec<Cells>) -> Values {
        Values::new(
            cells
                .iter()
                .flat_map(|c| match c {
                    Cells::Text(t) => t.downcast_iter().cloned().map(Array::Text).collect::<Vec<_>>(),
                    Cells::Float(f) => f.downcast_iter().cloned().map(Array::Float).collect(),
                })
                .collect(),
        )
    }

    /// A column without rows.
    #[must_use]
    pub fn empty() -> Values {
        Values::new(Vec::new())
    }

    /// (chunk, row within it) of row `i` (< len): the block table gives the chunk of the
    /// block's first row, and a chunk boundary inside the block is stepped over.
    #[inline]
    fn at(&self, i: usize) -> (usize, usize) {
        let mut k = self.blocks.get(i >> BLOCK_BITS).map_or(0, |&k| k as usize);
        while k + 2 < self.starts.len() && self.starts[k + 1] <= i {
            k += 1;
        }
        (k, i - self.starts[k])
    }

    /// The arrays of chunk `k`.
    #[inline]
    fn chunk(&self, k: usize) -> Option<Chunk<'_>> {
        self.chunks.get(k).map(|a| match a {
            Array::Text(t) => Chunk::Text(t),
            Array::Float(f) => Chunk::Float(f),
        })
    }

    /// The text in row `i`, trimmed; `None` when null or empty.
    #[inline]
    pub fn text(&self, i: usize) -> Option<std::borrow::Cow<'_, str>> {
        let (k, j) = self.at(i);
        self.chunk(k)?.text(j)
    }

    /// The number in row `i`.
    ///
    /// Accepts a decimal comma when the text has no dot and exactly one comma (Dutch exports).
    ///
    /// # Errors
    /// [`NumberError`] for an empty cell or text that is not a finite number (NaN and ±inf included).
    #[inline]
    pub fn number(&self, i: usize) -> std::result::Result<f64, NumberError> {
        let (k, j) = self.at(i);
        self.chunk(k).map_or(Err(NumberError::Missing), |c| c.number(j))
    }

    /// The row ranges of the chunks, each cut into pieces of at most `max` rows: ranges whose
    /// rows [`Values::rows`] reads directly from one chunk.
    #[must_use]
    pub fn pieces(&self, max: usize) -> Vec<std::ops::Range<usize>> {
        self.starts
            .windows(2)
            .flat_map(|w| (w[0]..w[1]).step_by(max.max(1)).map(move |s| s..s.saturating_add(max).min(w[1])))
            .collect()
    }

    /// Access to the rows of `range`, straight from one chunk's arrays when they lie in one.
    #[must_use]
    pub fn rows(&self, range: std::ops::Range<usize>) -> Rows<'_> {
        let direct = (!range.is_empty() && range.end <= self.len())
            .then(|| self.at(range.start))
            .filter(|&(k, j)| range.end - range.start <= self.starts[k + 1] - self.starts[k] - j)
            .and_then(|(k, _)| Some((self.chunk(k)?, self.starts[k])));
        Rows { values: self, direct }
    }

    /// The number of rows.
    pub fn len(&self) -> usize {
        self.starts[self.starts.len() - 1]
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// One chunk's arrays of a column.
#[derive(Debug, Clone, Copy)]
enum Chunk<'a> {
    Text(&'a TextArray),
    Float(&'a FloatArray),
}

impl<'a> Chunk<'a> {
    #[inline]
    fn float(self, j: usize) -> Option<f64> {
        let Chunk::Float(arr) = self else { return None };
        match arr.validity() {
            Some(v) if !v.get_bit(j) => None,
            _ => Some(arr.value(j)),
        }
    }

    /// The 16-byte view of text row `j` (its length in the low 32 bits, then the text itself
    /// when it is at most [`INLINE`] bytes, else where it is in this chunk's buffers): equal
    /// views hold equal text. `None` when null or not text.
    #[inline]
    fn view(self, j: usize) -> Option<u128> {
        let Chunk::Text(arr) = self else { return None };
        arr.get(j).map(|_| arr.views()[j].as_u128())
    }

    #[inline]
    fn text(self, j: usize) -> Option<std::borrow::Cow<'a, str>> {
        match self {
            Chunk::Text(arr) => arr.get(j).map(trim).filter(|s| !s.is_empty()).map(std::borrow::Cow::Borrowed),
            Chunk::Float(_) => self.float(j).map(|v| std::borrow::Cow::Owned(format!("{v}"))),
        }
    }

    #[inline]
    fn number(self, j: usize) -> std::result::Result<f64, NumberError> {
        match self {
            Chunk::Float(_) => match self.float(j) {
                None => Err(NumberError::Missing),
                Some(v) if v.is_finite() => Ok(v),
                Some(v) => Err(NumberError::Invalid(format!("{v}"))),
            },
            Chunk::Text(arr) => match arr.get(j).map(trim) {
                None | Some("") => Err(NumberError::Missing),
                Some(s) => parse_number(s).ok_or_else(|| NumberError::Invalid(s.to_string())),
            },
        }
    }
}

/// `s` without leading and trailing whitespace; at once when it starts and ends with a visible
/// ASCII character, as ids and codes do (no whitespace is one, and a byte below 0x80 is a whole
/// character).
#[inline]
fn trim(s: &str) -> &str {
    let visible = |b: Option<&u8>| b.is_some_and(|b| b.is_ascii_graphic());
    if visible(s.as_bytes().first()) && visible(s.as_bytes().last()) {
        s
    } else {
        s.trim()
    }
}

/// Row access to a range of a column (see [`Values::rows`]); rows are numbered as in the column.
#[derive(Debug, Clone, Copy)]
pub struct Rows<'a> {
    values: &'a Values,
    /// The chunk holding the whole range, and its first row.
    direct: Option<(Chunk<'a>, usize)>,
}

impl<'a> Rows<'a> {
    /// As [`Values::text`].
    #[inline]
    #[must_use]
    pub fn text(&self, i: usize) -> Option<std::borrow::Cow<'a, str>> {
        match self.direct {
            Some((chunk, start)) => chunk.text(i - start),
            None => self.values.text(i),
        }
    }

    /// A fingerprint of row `i`'s raw text: rows of this range with equal fingerprints hold the
    /// same text. `None` when the cell is null, not text, or longer than 12 bytes in a range
    /// that spans chunks.
    #[inline]
    #[must_use]
    pub fn fingerprint(&self, i: usize) -> Option<u128> {
        match self.direct {
            Some((chunk, start)) => chunk.view(i - start),
            None => {
                let (k, j) = self.values.at(i);
                self.values.chunk(k)?.view(j).filter(|v| (*v as u32) <= INLINE)
            }
        }
    }

    /// The numbers of rows `range` as one slice, when they lie in one typed chunk without
    /// nulls (else `None`: read them with [`Rows::number`]).
    #[must_use]
    pub fn floats(&self, range: std::ops::Range<usize>) -> Option<&'a [f64]> {
        match self.direct? {
            (Chunk::Float(arr), start) if arr.validity().is_none_or(|v| v.unset_bits() == 0) => {
                arr.values().get(range.start - start..range.end - start)
            }
            _ => None,
        }
    }

    /// As [`Values::number`].
    ///
    /// # Errors
    /// As [`Values::number`].
    #[inline]
    pub fn number(&self, i: usize) -> std::result::Result<f64, NumberError> {
        match self.direct {
            Some((chunk, start)) => chunk.number(i - start),
            None => self.values.number(i),
        }
    }
}

/// Why a cell could not be read as a number.
#[derive(Debug, Clone, PartialEq)]
pub enum NumberError {
    /// The cell is empty or null.
    Missing,
    /// The cell holds text that is not a finite number.
    Invalid(String),
}

/// A cell read as a number, as a reject's detail shows it: the number, `empty`, or the text
/// in quotes.
///
/// ```
/// use dekking::io::table::{shown, NumberError};
/// assert_eq!(shown(&Ok(480000.5)), "480000.5");
/// assert_eq!(shown(&Err(NumberError::Missing)), "empty");
/// assert_eq!(shown(&Err(NumberError::Invalid("NaN".into()))), "\"NaN\"");
/// ```
#[must_use]
pub fn shown(cell: &std::result::Result<f64, NumberError>) -> String {
    match cell {
        Ok(v) => v.to_string(),
        Err(NumberError::Missing) => "empty".into(),
        Err(NumberError::Invalid(s)) => format!("{s:?}"),
    }
}

/// Parses a finite decimal number, accepting one decimal comma in place of a dot.
///
/// ```
/// use dekking::io::table::parse_number;
/// assert_eq!(parse_number("100"), Some(100.0));
/// assert_eq!(parse_number("0,2"), Some(0.2));
/// assert_eq!(parse_number("NaN"), None);
/// assert_eq!(parse_number("1,000,000"), None);
/// ```
#[must_use]
pub fn parse_number(s: &str) -> Option<f64> {
    let v = match s.parse::<f64>() {
        Ok(v) => v,
        Err(_) => {
            if s.contains('.') || s.bytes().filter(|&b| b == b',').count() != 1 {
                return None;
            }
            s.replacen(',', ".", 1).parse::<f64>().ok()?
        }
    };
    v.is_finite().then_some(v)
}

impl Table {
    /// Opens `path`, detects its format, encoding and delimiter, and reads its header.
    ///
    /// # Errors
    /// [`Error::Io`] when the file cannot be read; [`Error::Table`] for an empty file, a file
    /// without a header, or an unreadable Parquet footer.
    pub fn open(path: &Path, delimiter: Option<u8>) -> Result<Table> {
        let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
        let opened = Opened::note(&file);
        // SAFETY: the map is only read. A file changed by another process while it is mapped
        // can give torn values, as a plain read of a changing file can; it is never written here.
        let raw = match unsafe { memmap2::Mmap::map(&file) } {
            Ok(map) => Bytes::Mapped(map),
            Err(_) => Bytes::Owned(std::fs::read(path).map_err(|e| Error::io(path, e))?),
        };
        let mut table = Table::from_raw(path, raw, delimiter)?;
        if let Some(sha) = opened.recall() {
            let _ = table.sha256.set(sha);
        }
        table.opened = Some(opened);
        Ok(table)
    }

    /// Like [`Table::open`], for bytes already in memory (`path` is used in messages only).
    ///
    /// # Errors
    /// As [`Table::open`].
    pub fn from_bytes(path: &Path, raw: Vec<u8>, delimiter: Option<u8>) -> Result<Table> {
        Table::from_raw(path, Bytes::Owned(raw), delimiter)
    }

    fn from_raw(path: &Path, raw: Bytes, delimiter: Option<u8>) -> Result<Table> {
        let mut table = Table {
            path: path.to_path_buf(),
            format: Format::Parquet,
            sha256: OnceLock::new(),
            opened: None,
            header: Vec::new(),
            encoding: "binary",
            delimiter: None,
            skipped_lines: 0,
            raw,
            transcoded: None,
            scan: Scan::default(),
            start: 0,
            body: 0,
            parquet: None,
        };
        let is_parquet = table.raw.starts_with(b"PAR1")
            || path.extension().is_some_and(|e| e.eq_ignore_ascii_case("parquet") || e.eq_ignore_ascii_case("pq"));
        if is_parquet {
            let unreadable =
                |e| Error::table(path, format!("not a readable Parquet file ({e}); re-export it or give a CSV"));
            let mut reader = ParquetReader::new(Cursor::new(table.data()));
            let schema = reader.schema().map_err(unreadable)?;
            table.parquet = Some(reader.get_metadata().map_err(unreadable)?.clone());
            table.header = schema.iter_names().map(|n| n.to_string()).collect();
            return Ok(table);
        }
        table.format = Format::Csv;
        let bom = table.raw.starts_with(&[0xEF, 0xBB, 0xBF]);
        table.start = if bom { 3 } else { 0 };
        table.encoding = if bom { "utf-8 with BOM" } else { "utf-8" };
        table.scan = scan(table.data());
        if !table.scan.utf8 {
            table.encoding = "windows-1252";
            table.transcoded = Some(windows_1252_to_utf8(table.data()));
            // Only the UTF-8 text is parsed; the file's pages are read back if it is hashed.
            table.raw.release();
            table.scan = scan(table.data());
        }
        let mut skipped_lines = 0;
        let mut header_line = None;
        let mut line_start = 0;
        for line in table.data().split(|&b| b == b'\n') {
            line_start += line.len() + 1;
            let l = std::str::from_utf8(line).expect("checked or transcoded to UTF-8").trim_end_matches('\r');
            if l.trim_start().starts_with('#') || l.trim().is_empty() {
                skipped_lines += 1;
                continue;
            }
            header_line = Some(l);
            break;
        }
        let body = line_start.min(table.data().len());
        let Some(header_line) = header_line else {
            return Err(Error::table(path, "the file is empty: expected a header line and data rows"));
        };
        let delimiter = delimiter.unwrap_or_else(|| sniff_delimiter(header_line));
        table.header = csv::ReaderBuilder::new()
            .has_headers(false)
            .delimiter(delimiter)
            .from_reader(header_line.as_bytes())
            .records()
            .next()
            .and_then(|r| r.ok())
            .map(|r| r.iter().map(|s| s.trim().to_string()).collect::<Vec<_>>())
            .unwrap_or_default();
        table.delimiter = Some(delimiter);
        table.skipped_lines = skipped_lines;
        table.body = body;
        Ok(table)
    }

    /// The bytes to parse: UTF-8 text without a byte-order mark, or the Parquet file.
    fn data(&self) -> &[u8] {
        self.transcoded.as_deref().unwrap_or(&self.raw[self.start..])
    }

    /// SHA-256 of the file bytes as stored, lower-case hex (computed once, or recalled from an
    /// earlier run, see [`super::checksums`]; [`Table::read`] computes it beside the parsing).
    pub fn sha256(&self) -> &str {
        self.sha256.get_or_init(|| self.hash())
    }

    /// Computes the SHA-256 of the bytes, and remembers it for later runs.
    fn hash(&self) -> String {
        let sha = sha256_hex(&self.raw);
        if let Some(opened) = &self.opened {
            opened.remember(&self.path, &sha);
        }
        sha
    }

    /// Reads the columns at the given header positions, in the order asked.
    ///
    /// # Errors
    /// [`Error::Table`] when the rows cannot be parsed (e.g. a row with more fields than the
    /// header) or a column name is duplicated.
    pub fn read(&self, columns: &[(usize, Want)]) -> Result<Vec<Values>> {
        let mut all = Vec::new();
        self.read_batches(columns, usize::MAX, |_, values| {
            all = values;
            Ok(())
        })?;
        Ok(all)
    }

    /// The row ranges [`Table::read_batches`] reads one at a time from a Parquet file: whole
    /// row groups, gathered up to about `rows` rows per batch; `None` for CSV.
    #[must_use]
    pub fn batches(&self, rows: usize) -> Option<Vec<std::ops::Range<usize>>> {
        let groups = self.parquet.as_ref()?.row_groups.iter().map(|g| g.num_rows());
        let mut batches: Vec<std::ops::Range<usize>> = Vec::new();
        for n in groups {
            match batches.last_mut() {
                Some(last) if last.len() + n <= rows || last.start == last.end => last.end += n,
                _ => {
                    let at = batches.last().map_or(0, |b| b.end);
                    batches.push(at..at + n);
                }
            }
        }
        Some(batches)
    }

    /// The byte ranges of the text that [`Table::read_batches`] parses one at a time from a CSV
    /// file: cut at line ends, about `rows` rows each (from the mean line length of the first
    /// lines). `None` (one parse of the whole file by the general parser) when a field is quoted
    /// anywhere, as a quoted field may hold a delimiter or a line end.
    fn csv_pieces(&self, rows: usize) -> Option<Vec<std::ops::Range<usize>>> {
        if self.format != Format::Csv {
            return None;
        }
        let text = self.data();
        if self.scan.last_quote.is_some_and(|q| q >= self.body) {
            return None;
        }
        let body = &text[self.body..];
        let sample = &body[..body.len().min(1 << 16)];
        let line = sample.len() / memchr::memchr_iter(b'\n', sample).count().max(1);
        let bytes = rows.saturating_mul(line.max(1));
        let mut pieces = unquoted::line_blocks(text, self.body, bytes);
        if pieces.is_empty() {
            pieces.push(self.body..self.body);
        }
        Some(pieces)
    }

    /// Reads the columns as [`Table::read`] does, in batches of about `rows` rows (Parquet: whole
    /// row groups, see [`Table::batches`]; CSV: runs of lines, when no field is quoted):
    /// `each(first_row, columns)` is called in row order, with rows numbered from 0 in each
    /// batch, so that one batch's memory is reused by the next.
    ///
    /// # Errors
    /// As [`Table::read`], and whatever `each` returns.
    pub fn read_batches(
        &self,
        columns: &[(usize, Want)],
        rows: usize,
        mut each: impl FnMut(usize, Vec<Values>) -> Result<()>,
    ) -> Result<()> {
        let names = self.names(columns);
        for (k, (i, _)) in columns.iter().enumerate() {
            if let Some(j) = self.header.iter().position(|h| h == &self.header[*i]).filter(|j| j != i) {
                return Err(Error::table(
                    &self.path,
                    format!("column name `{}` appears twice (columns {} and {}); rename one", names[k], j + 1, i + 1),
                ));
            }
        }
        // Parquet batches are row ranges, CSV pieces byte ranges of the text.
        let batches: Vec<Part> = match self.batches(rows) {
            Some(b) if b.is_empty() => vec![Part::Rows(0..0)],
            Some(b) => b.into_iter().map(Part::Rows).collect(),
            None => {
                self.csv_pieces(rows).map_or(vec![Part::Whole], |pieces| pieces.into_iter().map(Part::Text).collect())
            }
        };
        // The checksum is computed on its own thread while the table is parsed, and each batch
        // is parsed on another while the one before is handed to `each`.
        std::thread::scope(|scope| {
            let sha = self.sha256.get().is_none().then(|| scope.spawn(|| self.hash()));
            let (send, parsed) = std::sync::mpsc::sync_channel(0);
            scope.spawn(move || {
                let mut row0 = 0;
                for batch in batches {
                    let values = self.parse(columns, &names, &batch);
                    // The lines are parsed: their pages are not needed again (hashing reads them back).
                    if let (Part::Text(bytes), None) = (&batch, &self.transcoded) {
                        self.raw.release_range(self.start + bytes.start..self.start + bytes.end);
                    }
                    let (start, failed) = (row0, values.is_err());
                    row0 += values.as_ref().map_or(0, |(rows, _)| *rows);
                    if send.send((start, values)).is_err() || failed {
                        break;
                    }
                }
                if let Some(sha) = sha {
                    let _ = self.sha256.set(sha.join().expect("hashing does not panic"));
                }
                // Parsed and hashed: the file's pages are no longer needed in memory.
                self.raw.release();
            });
            // An early return drops the receiver, which stops the parsing thread.
            for (start, values) in parsed.iter() {
                each(start, values?.1)?;
            }
            Ok(())
        })
    }

    /// Reads the columns of the given rows (0-based) of a Parquet file.
    ///
    /// # Errors
    /// As [`Table::read`]; [`Error::Table`] for a CSV file, which is read in order only.
    pub fn read_rows(&self, columns: &[(usize, Want)], rows: std::ops::Range<usize>) -> Result<Vec<Values>> {
        if self.format != Format::Parquet {
            return Err(Error::table(&self.path, "rows can be read out of order from Parquet files only"));
        }
        Ok(self.parse(columns, &self.names(columns), &Part::Rows(rows))?.1)
    }

    /// The header names of the columns at the given positions.
    fn names(&self, columns: &[(usize, Want)]) -> Vec<PlSmallStr> {
        columns.iter().map(|(i, _)| self.header[*i].as_str().into()).collect()
    }

    /// The error for a part of the table polars cannot parse: for a whole CSV file, the first
    /// line whose number of fields differs from the header's, when there is one.
    fn unparsable(&self, e: &PolarsError, part: &Part) -> Error {
        let text = match part {
            Part::Whole => Some(self.body..self.data().len()),
            Part::Rows(_) | Part::Text(_) => None,
        };
        let ragged = text.and_then(|bytes| {
            let mut reader = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .delimiter(self.delimiter.unwrap_or(b','))
                .from_reader(&self.data()[bytes.clone()]);
            let (line, fields) = reader
                .records()
                .flatten()
                .find(|r| r.len() != self.header.len())
                .map(|r| (r.position().map_or(0, |p| p.line()), r.len()))?;
            let before = memchr::memchr_iter(b'\n', &self.data()[..bytes.start]).count() as u64;
            Some(self.ragged(before + line, fields))
        });
        let first = e.to_string();
        let detail =
            ragged.unwrap_or_else(|| format!("cannot parse the table: {}", first.lines().next().unwrap_or_default()));
        Error::table(&self.path, detail)
    }

    /// The asked columns of a parsed batch as [`Values`].
    fn values(&self, df: &DataFrame, columns: &[(usize, Want)]) -> Result<Vec<Values>> {
        let fail = |e| self.unparsable(&e, &Part::Rows(0..0));
        columns
            .iter()
            .map(|&(i, want)| {
                let col = df.column(self.header[i].as_str()).map_err(fail)?;
                let numeric = col.dtype().is_primitive_numeric();
                Ok(match (want, numeric) {
                    (Want::Number, true) => {
                        Values::float_column(col.cast(&DataType::Float64).map_err(fail)?.f64().map_err(fail)?)
                    }
                    _ => Values::text_column(col.cast(&DataType::String).map_err(fail)?.str().map_err(fail)?),
                })
            })
            .collect()
    }

    /// Parses the asked columns of one part of the table: its number of rows and the columns.
    fn parse(&self, columns: &[(usize, Want)], names: &[PlSmallStr], part: &Part) -> Result<(usize, Vec<Values>)> {
        let mut unique = names.to_vec();
        unique.sort();
        unique.dedup();
        let df = match part {
            Part::Text(bytes) => return self.unquoted(columns, bytes.clone()),
            Part::Rows(range) => {
                let mut reader = ParquetReader::new(Cursor::new(self.data()))
                    .with_columns(Some(unique.iter().map(|n| n.to_string()).collect()));
                if let Some(footer) = &self.parquet {
                    reader.set_metadata(footer.clone());
                }
                reader.with_slice(Some((range.start, range.len()))).finish()
            }
            // Numbers parsed by polars first. A cell it cannot parse (a decimal comma, stray
            // text) fails the whole file; then it is all read as text and checked cell by cell,
            // so that the bad rows can be rejected with their row number.
            Part::Whole => {
                let numbers: Vec<&PlSmallStr> = columns
                    .iter()
                    .zip(names)
                    .filter(|((_, want), _)| *want == Want::Number)
                    .map(|(_, name)| name)
                    .collect();
                self.csv(&unique, &numbers).or_else(|_| self.csv(&unique, &[]))
            }
        };
        let df = df.map_err(|e| self.unparsable(&e, part))?;
        Ok((df.height(), self.values(&df, columns)?))
    }

    /// Parses the asked columns of lines without quotes (a byte range of the text, whole lines).
    fn unquoted(&self, columns: &[(usize, Want)], bytes: std::ops::Range<usize>) -> Result<(usize, Vec<Values>)> {
        let kinds: Vec<(usize, Kind)> = columns
            .iter()
            .map(|&(i, want)| (i, if want == Want::Number { Kind::Number } else { Kind::Text }))
            .collect();
        let (rows, parsed) =
            unquoted::parse(&self.data()[bytes.clone()], self.delimiter.unwrap_or(b','), self.header.len(), &kinds)
                .map_err(|e| {
                    let line = memchr::memchr_iter(b'\n', &self.data()[..bytes.start]).count() + e.line + 1;
                    Error::table(&self.path, self.ragged(line as u64, e.fields))
                })?;
        Ok((rows, parsed.into_iter().map(Values::from_cells).collect()))
    }

    /// The error detail for line `line` (1-based in the file), which has `fields` fields where
    /// the header has another number.
    fn ragged(&self, line: u64, fields: usize) -> String {
        format!("line {line} has {fields} fields where the header has {}; fix or remove that line", self.header.len())
    }

    /// Reads the named columns of the whole CSV file with polars' general parser, the
    /// `numbers` among them as `f64`.
    fn csv(&self, columns: &[PlSmallStr], numbers: &[&PlSmallStr]) -> PolarsResult<DataFrame> {
        let overwrite: Schema = numbers.iter().map(|&name| Field::new(name.clone(), DataType::Float64)).collect();
        CsvReadOptions::default()
            .with_infer_schema_length(Some(0))
            .with_columns(Some(Arc::from(columns.to_vec())))
            .with_parse_options(
                CsvParseOptions::default().with_separator(self.delimiter.unwrap_or(b',')).with_missing_is_null(true),
            )
            .with_has_header(true)
            .with_skip_lines(self.skipped_lines)
            .with_schema_overwrite(Some(Arc::new(overwrite)))
            .into_reader_with_file_handle(Cursor::new(self.data()))
            .finish()
    }

    /// The number of data rows when known without parsing (Parquet: from the footer).
    #[must_use]
    pub fn rows_known(&self) -> Option<usize> {
        self.parquet.as_ref().map(|footer| footer.num_rows)
    }

    /// An upper bound of the data rows, without parsing: the declared rows of a Parquet file,
    /// the lines after the header of a CSV file (a row takes one line or more).
    #[must_use]
    pub fn rows_at_most(&self) -> usize {
        self.rows_known()
            .unwrap_or_else(|| self.scan.lines - memchr::memchr_iter(b'\n', &self.data()[..self.body]).count() + 1)
    }

    /// The number of data rows (for CSV, by reading the first column).
    ///
    /// # Errors
    /// As [`Table::read`].
    pub fn count_rows(&self) -> Result<usize> {
        if self.header.is_empty() {
            return Ok(0);
        }
        if let Some(n) = self.rows_known() {
            return Ok(n);
        }
        Ok(self.read(&[(0, Want::Text)])?.first().map_or(0, Values::len))
    }
}

/// What one pass over a text finds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Scan {
    /// Whether it is UTF-8.
    utf8: bool,
    /// Its number of line ends.
    lines: usize,
    /// Where its last double quote is.
    last_quote: Option<usize>,
}

impl Default for Scan {
    fn default() -> Scan {
        Scan { utf8: true, lines: 0, last_quote: None }
    }
}

/// Checks `bytes` for UTF-8, counts their line ends and finds their last double quote, in one
/// pass: in parallel parts, each read in pieces small enough to stay in the cache while all
/// three look at them. Parts and pieces are cut before ASCII bytes, which never fall inside a
/// character.
fn scan(bytes: &[u8]) -> Scan {
    scan_in(bytes, 1 << 24, 1 << 16)
}

/// [`scan`] in parts and pieces of about the given numbers of bytes.
fn scan_in(bytes: &[u8], part: usize, piece: usize) -> Scan {
    // The first ASCII byte at or after `at` (or the end).
    let cut = |at: usize| at + bytes[at..].iter().position(|&b| b < 0x80).unwrap_or(bytes.len() - at);
    let mut cuts = vec![0];
    while cuts[cuts.len() - 1] < bytes.len() {
        let from = cuts[cuts.len() - 1];
        cuts.push(cut((from + part).min(bytes.len())));
    }
    let parts: Vec<Scan> = cuts
        .par_windows(2)
        .map(|w| {
            let mut found = Scan::default();
            let mut at = w[0];
            while at < w[1] {
                let end = cut((at + piece).min(w[1])).min(w[1]);
                let piece = &bytes[at..end];
                found.utf8 &= simdutf8::basic::from_utf8(piece).is_ok();
                found.lines += memchr::memchr_iter(b'\n', piece).count();
                found.last_quote = memchr::memrchr(b'"', piece).map(|q| at + q).or(found.last_quote);
                at = end;
            }
            found
        })
        .collect();
    parts.into_iter().fold(Scan::default(), |all, p| Scan {
        utf8: all.utf8 && p.utf8,
        lines: all.lines + p.lines,
        last_quote: p.last_quote.or(all.last_quote),
    })
}

/// Windows-1252 text as UTF-8, decoded in parallel parts straight into one buffer: each byte is
/// one character, so the text can be cut anywhere, and each part's UTF-8 length is known from
/// its bytes before it is decoded.
fn windows_1252_to_utf8(bytes: &[u8]) -> Vec<u8> {
    const PART: usize = 1 << 22;
    let encoding = encoding_rs::WINDOWS_1252;
    // Each byte's character, and its UTF-8 bytes beyond the first (0 for ASCII).
    let chars: Vec<char> = (0..=255u8)
        .map(|b| encoding.decode_without_bom_handling(&[b]).0.chars().next().unwrap_or('\u{FFFD}'))
        .collect();
    let extra: Vec<u8> = chars.iter().map(|c| c.len_utf8() as u8 - 1).collect();
    let parts: Vec<&[u8]> = bytes.chunks(PART).collect();
    let sizes: Vec<usize> = parts
        .par_iter()
        .map(|p| p.len() + p.iter().filter(|&&b| b >= 0x80).map(|&b| usize::from(extra[usize::from(b)])).sum::<usize>())
        .collect();
    let mut out = vec![0u8; sizes.iter().sum()];
    let mut slices = Vec::with_capacity(parts.len());
    let mut rest = &mut out[..];
    for &n in &sizes {
        let (slice, after) = rest.split_at_mut(n);
        slices.push(slice);
        rest = after;
    }
    parts.into_par_iter().zip(slices).for_each(|(part, slice)| {
        // The decoder stops while the room left is less than the longest character (3 bytes),
        // so the last few are written here.
        let (_, read, mut written) =
            encoding.new_decoder_without_bom_handling().decode_to_utf8_without_replacement(part, slice, true);
        for &b in &part[read..] {
            written += chars[usize::from(b)].encode_utf8(&mut slice[written..]).len();
        }
        debug_assert_eq!(written, slice.len(), "every byte decodes to its counted length");
    });
    out
}

/// Picks the candidate delimiter that occurs most often outside quotes in the header line.
fn sniff_delimiter(line: &str) -> u8 {
    let mut counts = [0usize; 4];
    const CANDIDATES: [u8; 4] = [b',', b';', b'\t', b'|'];
    let mut quoted = false;
    for b in line.bytes() {
        if b == b'"' {
            quoted = !quoted;
        } else if !quoted {
            if let Some(k) = CANDIDATES.iter().position(|&c| c == b) {
                counts[k] += 1;
            }
        }
    }
    let best = (0..4).max_by_key(|&k| (counts[k], std::cmp::Reverse(k))).unwrap_or(0);
    if counts[best] == 0 {
        b','
    } else {
        CANDIDATES[best]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(text: &[u8]) -> Table {
        Table::from_bytes(Path::new("t.csv"), text.to_vec(), None).unwrap()
    }

    #[test]
    fn sniffs_semicolons_and_tabs() {
        assert_eq!(sniff_delimiter("a;b;c"), b';');
        assert_eq!(sniff_delimiter("a\tb\tc"), b'\t');
        assert_eq!(sniff_delimiter("\"x;y\",b,c"), b',');
        assert_eq!(sniff_delimiter("single"), b',');
    }

    #[test]
    fn windows_1252_in_parts_equals_encoding_rs() {
        let bytes: Vec<u8> =
            (0..(3 << 22) + 12_345).map(|i: usize| (i.wrapping_mul(2_654_435_761) >> 7) as u8).collect();
        let whole = encoding_rs::WINDOWS_1252.decode_without_bom_handling(&bytes).0.into_owned().into_bytes();
        assert_eq!(windows_1252_to_utf8(&bytes), whole);
        assert_eq!(windows_1252_to_utf8(b""), b"");
    }

    #[test]
    fn reads_bom_and_cp1252() {
        let t = table(b"\xEF\xBB\xBFid;naam\n1;a\n");
        assert_eq!(t.header, vec!["id", "naam"]);
        assert_eq!(t.encoding, "utf-8 with BOM");
        let t = table(b"id,naam\n1,Fryslb\xe2n\n");
        assert_eq!(t.encoding, "windows-1252");
        let v = t.read(&[(1, Want::Text)]).unwrap();
        assert_eq!(v[0].text(0).as_deref(), Some("Fryslbân"));
    }

    proptest::proptest! {
        /// In parts and pieces of any size, the scan finds what whole-text searches find.
        #[test]
        fn a_scan_in_parts_equals_whole_text_searches(text in proptest::collection::vec(proptest::sample::select(vec![b'a', b'\n', b'"', 0xC3, 0xA9, 0xE2, 0x82, 0xAC, 0xFF]), 0..200), part in 1usize..40, piece in 1usize..12) {
            let found = scan_in(&text, part, piece);
            proptest::prop_assert_eq!(found.utf8, std::str::from_utf8(&text).is_ok());
            proptest::prop_assert_eq!(found.lines, text.iter().filter(|&&b| b == b'\n').count());
            proptest::prop_assert_eq!(found.last_quote, text.iter().rposition(|&b| b == b'"'));
        }
    }

    #[test]
    fn utf8_is_checked_in_parts_without_splitting_characters() {
        let mut bytes = vec![b'a'; (1 << 24) - 1];
        bytes.extend("é;b\n".as_bytes());
        assert!(scan(&bytes).utf8, "a character across the first cut");
        let n = bytes.len();
        bytes[n - 4] = b'x';
        assert!(!scan(&bytes).utf8, "a lone lead byte before the cut");
        // A byte-order mark before Windows-1252 text is dropped, not transcoded into the header.
        let t = table(b"\xEF\xBB\xBFid,naam\n1,Fryslb\xe2n\n");
        assert_eq!((t.encoding, t.header[0].as_str()), ("windows-1252", "id"));
    }

    #[test]
    fn quoted_commas_and_banner_lines() {
        let t = table(b"# exported 2023\n\nid,brand,down\n1,\"Redzone Wireless, LLC\",100\n2,\"a\nb\",5\n");
        assert_eq!(t.skipped_lines, 2);
        let v = t.read(&[(1, Want::Text), (2, Want::Number)]).unwrap();
        assert_eq!(v[0].text(0).as_deref(), Some("Redzone Wireless, LLC"));
        assert_eq!(v[1].number(1), Ok(5.0));
        assert_eq!(v[1].len(), 2);
    }

    /// One row of a two-column read: the text of the first, the number of the second.
    type Cells = (Option<String>, std::result::Result<f64, NumberError>);

    /// Every row of every batch, with the batches' first rows.
    fn batched(t: &Table, rows: usize) -> (Vec<usize>, Vec<Cells>) {
        let (mut starts, mut cells) = (Vec::new(), Vec::new());
        t.read_batches(&[(0, Want::Text), (1, Want::Number)], rows, |row0, v| {
            assert_eq!(row0, cells.len());
            starts.push(row0);
            cells.extend((0..v[0].len()).map(|i| (v[0].text(i).map(|s| s.into_owned()), v[1].number(i))));
            Ok(())
        })
        .unwrap();
        (starts, cells)
    }

    #[test]
    fn csv_batches_equal_one_read() {
        let mut text = String::from("# banner\nid;down;naam\r\n");
        for i in 1..=40 {
            let down = match i {
                17 => "12,5".to_string(),
                23 => String::new(),
                _ => format!("{}.5", i * 10),
            };
            text += &format!("{i};{down};n{i}\r\n");
            if i == 30 || i == 40 {
                // A blank line is a row (of missing values), in one read or in batches.
                text += "\r\n";
            }
        }
        text += "41;7;last line without an end";
        let t = table(text.as_bytes());
        assert!(t.rows_at_most() >= 43);
        let (one, whole) = batched(&t, usize::MAX);
        assert_eq!((one, whole.len()), (vec![0], 43));
        assert_eq!(whole[16], (Some("17".into()), Ok(12.5)), "decimal comma");
        assert_eq!(whole[22].1, Err(NumberError::Missing));
        assert_eq!(whole[30], (None, Err(NumberError::Missing)));
        assert_eq!(whole[42], (Some("41".into()), Ok(7.0)));
        let (starts, cells) = batched(&t, 3);
        assert!(starts.len() >= 10, "read in batches: {starts:?}");
        assert_eq!(cells, whole);

        // A quote anywhere (a field may hold a line end): one read by the general parser.
        let quoted = table(text.replacen("n40", "\"n\n40\"", 1).as_bytes());
        assert_eq!(batched(&quoted, 3).0, vec![0]);
        // A repeated name of a column not read does not matter; of one read, it is an error.
        let twice = table(text.replacen("naam", "id", 1).as_bytes());
        assert_eq!(batched(&twice, 3).1, whole);
        assert!(twice.read(&[(2, Want::Text)]).unwrap_err().to_string().contains("appears twice"));
    }

    /// Every cell of `columns` as it is wanted (text or a number), with the row count: from
    /// polars' general parser (the whole file) and from the parser of unquoted lines.
    #[allow(clippy::type_complexity)]
    fn both_parsers(
        text: &str,
        columns: &[(usize, Want)],
    ) -> [std::result::Result<(usize, Vec<Vec<std::result::Result<Option<String>, NumberError>>>), String>; 2] {
        let t = table(text.as_bytes());
        let cells = |(rows, values): (usize, Vec<Values>)| {
            // A number too large for an f64 is named by its text where the column stayed text,
            // and as `inf` where polars read it as a float: both are the same rejection.
            let not_finite = |e| match e {
                NumberError::Invalid(s) if s.trim().parse::<f64>().is_ok_and(|v| !v.is_finite()) => {
                    NumberError::Invalid("not finite".into())
                }
                e => e,
            };
            let cell = |v: &Values, want, i| match want {
                Want::Text => Ok(v.text(i).map(|s| s.into_owned())),
                Want::Number => v.number(i).map(|n| Some(n.to_string())).map_err(not_finite),
            };
            let cells = values
                .iter()
                .zip(columns)
                .map(|(v, &(_, want))| (0..v.len()).map(|i| cell(v, want, i)).collect())
                .collect();
            (rows, cells)
        };
        let general = t.parse(columns, &t.names(columns), &Part::Whole).map(cells).map_err(|e| e.to_string());
        let unquoted = t.unquoted(columns, t.body..t.data().len()).map(cells).map_err(|e| e.to_string());
        [general, unquoted]
    }

    #[test]
    fn unquoted_lines_with_too_many_fields_are_named() {
        // Counted in the file, blank lines included; the general parser misses the second
        // (its projection does not reach the extra field) and counts the third without the
        // blank line.
        for (body, line) in [("1;2;3\n4;5;6;7\n", 3), ("1;2;3\n4;5\n6;7;8;\n", 4), ("\n;;;\n", 3)] {
            for columns in
                [&[(0, Want::Text), (1, Want::Number), (2, Want::Number)][..], &[(2, Want::Text), (0, Want::Number)]]
            {
                let [_, unquoted] = both_parsers(&format!("id;a;b\n{body}"), columns);
                assert_eq!(
                    unquoted.unwrap_err(),
                    format!("t.csv: line {line} has 4 fields where the header has 3; fix or remove that line")
                );
            }
        }
    }

    #[test]
    fn unquoted_lines_parse_as_the_general_parser() {
        let columns = [(0, Want::Text), (1, Want::Number), (2, Want::Number)];
        for body in [
            "1;2;3\n",
            "1;2;3",
            "1;2;3\r\n4;5;6\r\n",
            "1;2;3\n\n4;5;6\n",
            "1;2;3\n\r\n4;5;6\n",
            "1;2\n4\n\n",
            ";;\n;;3\n",
            " 1 ; 2;3 \n",
            "a;1,5;-0\n",
            "b;1e5;+3\n",
            "c;.5;5.\n",
            "d;NaN;inf\n",
            "e;12345678901234567890.5;0.30000000000000004\n",
            "é;ü;ß\n",
            "x;\t2;3\t\n",
        ] {
            for columns in [&columns[..], &[(2, Want::Text), (0, Want::Number)]] {
                let [general, unquoted] = both_parsers(&format!("id;a;b\n{body}"), columns);
                assert_eq!(general, unquoted, "{body:?}");
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn random_unquoted_lines_parse_as_the_general_parser(lines in proptest::collection::vec(proptest::collection::vec("[0-9.,+ea -]{0,6}", 0..5), 1..30)) {
            let body: String = lines.iter().map(|fields| fields.join(";") + "\n").collect();
            let [general, unquoted] = both_parsers(&format!("id;a;b\n{body}"), &[(0, Want::Text), (1, Want::Number), (2, Want::Number)]);
            // The first line with too many fields, counted from the header (line 1).
            let ragged = lines.iter().position(|f| f.len() > 3).map(|n| format!("line {} has {} fields where the header has 3", n + 2, lines[n].len()));
            match (ragged, unquoted) {
                (Some(ragged), unquoted) => proptest::prop_assert!(unquoted.as_ref().is_err_and(|e| e.contains(&ragged)), "{:?}: {:?}", body, unquoted),
                (None, unquoted) => proptest::prop_assert_eq!(general, unquoted, "{:?}", body),
            }
        }
    }

    #[test]
    fn a_row_with_too_many_fields_is_named_by_its_line() {
        let mut text = String::from("# banner\nid,down\n");
        for i in 1..=12 {
            text += &format!("{i},{}{}\n", i * 10, if i == 9 { ",extra" } else { "" });
        }
        let t = table(text.as_bytes());
        for rows in [usize::MAX, 2] {
            let err =
                t.read_batches(&[(0, Want::Text), (1, Want::Number)], rows, |_, _| Ok(())).unwrap_err().to_string();
            assert_eq!(
                err, "t.csv: line 11 has 3 fields where the header has 2; fix or remove that line",
                "batches of {rows}"
            );
        }
    }

    #[test]
    fn numbers_are_checked_per_cell() {
        let t = table(b"id;down\n1;12,5\n2;\n3;abc\n4;NaN\n");
        let v = t.read(&[(1, Want::Number)]).unwrap();
        assert_eq!(v[0].number(0), Ok(12.5));
        assert_eq!(v[0].number(1), Err(NumberError::Missing));
        assert_eq!(v[0].number(2), Err(NumberError::Invalid("abc".into())));
        assert!(matches!(v[0].number(3), Err(NumberError::Invalid(_))));
    }

    #[test]
    fn rows_are_found_in_uneven_chunks() {
        let mut c = StringChunked::from_slice("a".into(), &["0", "1", "2"]);
        for (k, n) in [1usize, 5000, 0, 9000, 3].into_iter().enumerate() {
            let part: Vec<String> = (0..n).map(|j| format!("{k}:{j}")).collect();
            c.append(&StringChunked::from_iter_values("a".into(), part.iter().map(String::as_str))).unwrap();
        }
        let v = Values::text_column(&c);
        assert_eq!(v.len(), 3 + 1 + 5000 + 9000 + 3);
        let expect: Vec<String> = c.iter().map(|s| s.unwrap().to_string()).collect();
        for (i, e) in expect.iter().enumerate() {
            assert_eq!(v.text(i).as_deref(), Some(e.as_str()), "row {i}");
        }
        // Pieces stay within chunks and cover every row once; direct and indexed reads agree.
        let whole = v.pieces(usize::MAX);
        assert!(
            whole.iter().map(|r| r.len()).sum::<usize>() == v.len() && whole.iter().all(|r| !r.is_empty()),
            "one piece a chunk: {whole:?}"
        );
        let pieces = v.pieces(1000);
        assert_eq!(pieces.iter().map(|r| r.len()).sum::<usize>(), v.len());
        assert!(pieces.windows(2).all(|w| w[0].end == w[1].start) && pieces.iter().all(|r| r.len() <= 1000));
        for r in pieces.into_iter().chain([0..v.len(), 2..6, 5000..6000]) {
            let rows = v.rows(r.clone());
            assert!(r.clone().all(|i| rows.text(i).as_deref() == Some(expect[i].as_str())), "rows {r:?}");
        }
    }

    #[test]
    fn trims_unicode_whitespace_and_skips_visible_ends() {
        for (raw, want) in [
            ("GM0363", "GM0363"),
            (" a ", "a"),
            ("\u{a0}x", "x"),
            ("x\u{2003}", "x"),
            ("é ", "é"),
            ("\t", ""),
            ("", ""),
        ] {
            assert_eq!(trim(raw), want, "{raw:?}");
        }
    }

    /// Across chunks, texts of at most 12 bytes keep a fingerprint (equal iff the texts are);
    /// longer ones have none, as their views point into each chunk's own buffers.
    #[test]
    fn short_texts_have_fingerprints_across_chunks() {
        let mut c = StringChunked::from_slice("a".into(), &["GM0363", "GM0014", "a code longer than twelve"]);
        c.append(&StringChunked::from_slice("a".into(), &["GM0363", "a code longer than twelve"])).unwrap();
        let v = Values::text_column(&c);
        let rows = v.rows(0..5);
        let f: Vec<Option<u128>> = (0..5).map(|i| rows.fingerprint(i)).collect();
        assert!(f[0].is_some() && f[0] == f[3] && f[0] != f[1]);
        assert_eq!((f[2], f[4]), (None, None));
        assert!(v.rows(2..3).fingerprint(2).is_some(), "within one chunk every text has one");
    }

    #[test]
    fn empty_file_is_an_error() {
        assert!(Table::from_bytes(Path::new("e.csv"), Vec::new(), None).is_err());
        let t = table(b"id,down\n");
        assert_eq!(t.count_rows().unwrap(), 0);
    }
}
