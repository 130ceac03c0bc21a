//! An opened table: a CSV or Parquet file recognised, decoded and its header read, then read in
//! batches of the columns asked for.

use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use dekking_files::checksums::Opened;
use dekking_files::sha256_hex;
use polars::prelude::*;

use crate::encoding::{scan, windows_1252_to_utf8, Scan};
use crate::error::{Error, ErrorKind, Result};
use crate::sink::{Batch, Sink};
use crate::sniff::sniff_delimiter;
use crate::source::Bytes;
use crate::unquoted;
use crate::values::Values;

/// The file format of a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Delimited text.
    Csv,
    /// Apache Parquet.
    Parquet,
    /// A polars DataFrame given in memory (see [`Table::from_frame`]).
    Frame,
}

/// An opened input table: its bytes, header and how it was decoded.
#[derive(Debug)]
pub struct Table {
    /// Where it was read from.
    pub path: PathBuf,
    /// CSV or Parquet.
    pub format: Format,
    /// SHA-256 of the stored bytes, once computed or recalled (see [`Table::sha256`]).
    pub(crate) sha256: OnceLock<String>,
    /// Whether a read computes the SHA-256 beside the parsing (see [`Table::checksum_beside`]).
    hash_beside: bool,
    /// The file's identity when it was opened, to recall and remember its checksum.
    pub(crate) opened: Option<Opened>,
    /// Column names in file order.
    pub header: Vec<String>,
    /// The text encoding found (`utf-8`, `utf-8 with BOM`, `windows-1252`), or `binary`.
    pub encoding: &'static str,
    /// The delimiter used (CSV only).
    pub delimiter: Option<u8>,
    /// Banner lines skipped before the header (CSV only).
    pub skipped_lines: usize,
    /// The file as stored (shared by its windows, see [`Table::window`]).
    pub(crate) raw: Arc<Bytes>,
    /// The rows of the file this table reads (0-based), when it is a window of a Parquet file.
    window: Option<std::ops::Range<usize>>,
    /// The text as UTF-8 when it had to be transcoded.
    pub(crate) transcoded: Option<Vec<u8>>,
    /// What one pass over the text found (CSV only).
    pub(crate) scan: Scan,
    /// Where the data starts in `raw` (after a byte-order mark).
    pub(crate) start: usize,
    /// Where the data rows start in the text (after banner lines and the header; CSV only).
    pub(crate) body: usize,
    /// The Parquet footer, read once.
    pub(crate) parquet: Option<FileMetadataRef>,
    /// How the file was packed (`gzip`, `zip, member "NAME"`), when it was; the table is the
    /// unpacked one, the checksum that of the file as stored.
    pub packing: Option<String>,
    /// The values of the partition columns (the last ones of `header`), one per row of the
    /// file: from hive-style folders of its path (see [`Table::with_partitions`]).
    pub(crate) partitions: Vec<String>,
    /// The columns, for a table given in memory ([`Format::Frame`]).
    pub(crate) frame: Option<DataFrame>,
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
pub(crate) enum Part {
    /// The whole file.
    Whole,
    /// Rows of a Parquet file (0-based).
    Rows(std::ops::Range<usize>),
    /// Whole data lines of a CSV file: a byte range of its text.
    Text(std::ops::Range<usize>),
}

impl Table {
    /// Opens `path`, detects its format, encoding and delimiter, and reads its header. A gzip or
    /// zip file (one table inside) is unpacked into memory first.
    ///
    /// # Errors
    /// [`ErrorKind::Io`] when the file cannot be read; [`ErrorKind::Packed`] for a corrupt
    /// archive or a zip of no or several files; [`ErrorKind::Empty`] for a file without a header line;
    /// [`ErrorKind::Parquet`] for an unreadable Parquet footer.
    pub fn open(path: &Path, delimiter: Option<u8>) -> Result<Table> {
        let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
        let opened = Opened::note(&file);
        // SAFETY: the map is only read. A file changed by another process while it is mapped
        // can give torn values, as a plain read of a changing file can; it is never written here.
        let raw = match unsafe { memmap2::Mmap::map(&file) } {
            Ok(map) => Bytes::Mapped(map),
            Err(_) => Bytes::Owned(std::fs::read(path).map_err(|e| Error::io(path, e))?),
        };
        let (mut table, sha) = match crate::packed::unpack(path, &raw)? {
            // A packed file's checksum is that of the file as stored, taken now.
            Some((inner, how)) => {
                let sha = opened.recall().unwrap_or_else(|| sha256_hex(&raw));
                opened.remember(path, &sha);
                let mut table = Table::from_raw(path, Bytes::Owned(inner), delimiter)?;
                table.packing = Some(how);
                (table, Some(sha))
            }
            None => (Table::from_raw(path, raw, delimiter)?, opened.recall()),
        };
        if let Some(sha) = sha {
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

    /// Like [`Table::from_bytes`], for a table converted from another file (e.g. a layer of
    /// points): `sha256` is that file's checksum, which provenance then reports.
    ///
    /// # Errors
    /// As [`Table::open`].
    pub fn converted(path: &Path, raw: Vec<u8>, sha256: String) -> Result<Table> {
        let table = Table::from_raw(path, Bytes::Owned(raw), None)?;
        let _ = table.sha256.set(sha256);
        Ok(table)
    }

    /// Adds a column per `(name, value)` that the file's header does not have (by name,
    /// ignoring case), holding `value` in every row: the partition values of hive-style folders
    /// such as `state=23/` in the file's path. The columns come after the file's own.
    ///
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let dir = tempfile::tempdir()?;
    /// let path = dir.path().join("part.csv");
    /// std::fs::write(&path, "id,state\na,23\nb,23\n")?;
    /// let t = dekking_table::Table::open(&path, None)?
    ///     .with_partitions([("state".into(), "99".into()), ("county".into(), "23001".into())]);
    /// assert_eq!(t.header, ["id", "state", "county"]);
    /// let v = t.read(&[(2, dekking_table::Want::Text), (0, dekking_table::Want::Text)])?;
    /// assert_eq!((v[0].text(1).as_deref(), v[1].text(1).as_deref()), (Some("23001"), Some("b")));
    /// # Ok(()) }
    /// ```
    #[must_use]
    pub fn with_partitions(mut self, pairs: impl IntoIterator<Item = (String, String)>) -> Table {
        for (name, value) in pairs {
            if !self.header.iter().any(|h| h.trim().eq_ignore_ascii_case(name.trim())) {
                self.header.push(name);
                self.partitions.push(value);
            }
        }
        self
    }

    /// The rows `rows` (0-based) of this Parquet table as a table of their own, sharing its
    /// bytes and footer: its rows are numbered from 0, and read as the whole file's would be.
    /// A file holding several tables one after another (in whole row groups) opens once.
    ///
    /// # Errors
    /// [`ErrorKind::Unsupported`] for a CSV file, a table in memory or another window; rows past
    /// the file's end.
    pub fn window(&self, rows: std::ops::Range<usize>) -> Result<Table> {
        let unsupported = |m: &str| Err(Error::new(&self.path, ErrorKind::Unsupported, m.to_string()));
        let (Some(footer), None, None) = (&self.parquet, &self.frame, &self.window) else {
            return unsupported("only a Parquet file's rows can be read as a table of their own");
        };
        if rows.start > rows.end || rows.end > footer.num_rows {
            return unsupported(&format!("rows {rows:?} lie past the file's {} rows", footer.num_rows));
        }
        let mut table = Table::blank(&self.path, Bytes::Owned(Vec::new()), Format::Parquet);
        table.raw = Arc::clone(&self.raw);
        table.window = Some(rows);
        table.parquet = Some(footer.clone());
        (table.header, table.encoding, table.partitions) =
            (self.header.clone(), self.encoding, self.partitions.clone());
        table.hash_beside = false;
        if let Some(sha) = self.sha256.get() {
            let _ = table.sha256.set(sha.clone());
        }
        Ok(table)
    }

    /// The number of the file's own columns (the header without the partition columns).
    pub(crate) fn file_width(&self) -> usize {
        self.header.len() - self.partitions.len()
    }

    /// A table of `raw` in `format`, nothing read yet.
    pub(crate) fn blank(path: &Path, raw: Bytes, format: Format) -> Table {
        Table {
            path: path.to_path_buf(),
            format,
            sha256: OnceLock::new(),
            hash_beside: true,
            opened: None,
            header: Vec::new(),
            encoding: "binary",
            delimiter: None,
            skipped_lines: 0,
            raw: Arc::new(raw),
            window: None,
            transcoded: None,
            scan: Scan::default(),
            start: 0,
            body: 0,
            parquet: None,
            packing: None,
            partitions: Vec::new(),
            frame: None,
        }
    }

    /// Recognises the format, decodes the text and reads the header of `raw`.
    fn from_raw(path: &Path, raw: Bytes, delimiter: Option<u8>) -> Result<Table> {
        let mut table = Table::blank(path, raw, Format::Parquet);
        let is_parquet = table.raw.starts_with(b"PAR1")
            || path.extension().is_some_and(|e| e.eq_ignore_ascii_case("parquet") || e.eq_ignore_ascii_case("pq"));
        if is_parquet {
            table.read_footer()?;
        } else {
            table.decode_text();
            table.read_header(delimiter)?;
        }
        Ok(table)
    }

    /// Reads a Parquet file's footer: its schema (the header) and row groups.
    fn read_footer(&mut self) -> Result<()> {
        let unreadable = |e| {
            let message = format!("not a readable Parquet file ({e}); re-export it or give a CSV");
            Error::new(&self.path, ErrorKind::Parquet, message)
        };
        let mut reader = ParquetReader::new(Cursor::new(self.data()));
        let schema = reader.schema().map_err(unreadable)?;
        let footer = reader.get_metadata().map_err(unreadable)?.clone();
        self.header = schema.iter_names().map(|n| n.to_string()).collect();
        self.parquet = Some(footer);
        Ok(())
    }

    /// Finds a CSV file's encoding (a byte-order mark, UTF-8, else Windows-1252, transcoded) and
    /// scans its text once.
    fn decode_text(&mut self) {
        self.format = Format::Csv;
        let bom = self.raw.starts_with(&[0xEF, 0xBB, 0xBF]);
        self.start = if bom { 3 } else { 0 };
        self.encoding = if bom { "utf-8 with BOM" } else { "utf-8" };
        self.scan = scan(self.data());
        if !self.scan.utf8 {
            self.encoding = "windows-1252";
            self.transcoded = Some(windows_1252_to_utf8(self.data()));
            // Only the UTF-8 text is parsed; the file's pages are read back if it is hashed.
            self.raw.release();
            self.scan = scan(self.data());
        }
    }

    /// Skips a CSV file's banner lines (`#`, or blank) and reads its header, splitting it on
    /// `delimiter` or the one sniffed from it.
    fn read_header(&mut self, delimiter: Option<u8>) -> Result<()> {
        let (mut skipped_lines, mut header_line, mut line_start) = (0, None, 0);
        for line in self.data().split(|&b| b == b'\n') {
            line_start += line.len() + 1;
            let l = std::str::from_utf8(line).expect("checked or transcoded to UTF-8").trim_end_matches('\r');
            if l.trim_start().starts_with('#') || l.trim().is_empty() {
                skipped_lines += 1;
                continue;
            }
            header_line = Some(l);
            break;
        }
        let Some(header_line) = header_line else {
            return Err(Error::new(
                &self.path,
                ErrorKind::Empty,
                "the file is empty: expected a header line and data rows",
            ));
        };
        let delimiter = delimiter.unwrap_or_else(|| sniff_delimiter(header_line));
        let header = csv::ReaderBuilder::new()
            .has_headers(false)
            .delimiter(delimiter)
            .from_reader(header_line.as_bytes())
            .records()
            .next()
            .and_then(|r| r.ok())
            .map(|r| r.iter().map(|s| s.trim().to_string()).collect::<Vec<_>>())
            .unwrap_or_default();
        self.body = line_start.min(self.data().len());
        (self.header, self.delimiter, self.skipped_lines) = (header, Some(delimiter), skipped_lines);
        Ok(())
    }

    /// The bytes to parse: UTF-8 text without a byte-order mark, or the Parquet file.
    pub(crate) fn data(&self) -> &[u8] {
        self.transcoded.as_deref().unwrap_or(&self.raw[self.start..])
    }

    /// SHA-256 of the file bytes as stored, lower-case hex (computed once, or recalled from an
    /// earlier run, see [`dekking_files::checksums`]; a read computes it beside the parsing).
    pub fn sha256(&self) -> &str {
        self.sha256.get_or_init(|| self.hash())
    }

    /// Whether a read computes the file's SHA-256 on a thread of its own beside the parsing (on
    /// by default, as provenance needs it); off, [`Table::sha256`] computes it when first asked.
    pub fn checksum_beside(&mut self, on: bool) {
        self.hash_beside = on;
    }

    /// Computes the SHA-256 of the bytes, and remembers it for later runs.
    pub(crate) fn hash(&self) -> String {
        if let Some(frame) = &self.frame {
            return crate::canonical::sha256(frame);
        }
        let sha = sha256_hex(&self.raw);
        if let Some(opened) = &self.opened {
            opened.remember(&self.path, &sha);
        }
        sha
    }

    /// Reads the columns at the given header positions, in the order asked.
    ///
    /// # Errors
    /// [`ErrorKind::Ragged`] or [`ErrorKind::Unparsable`] when the rows cannot be parsed (e.g. a
    /// row with more fields than the header); [`ErrorKind::DuplicateColumn`] when the name of a
    /// column asked for is also another column's.
    pub fn read(&self, columns: &[(usize, Want)]) -> Result<Vec<Values>> {
        let mut all = Vec::new();
        self.read_into(
            columns,
            usize::MAX,
            &mut crate::sinks::each(|batch: Batch| -> Result<()> {
                all = batch.columns;
                Ok(())
            }),
        )?;
        Ok(all)
    }

    /// The row ranges [`Table::read_into`] reads one at a time from a Parquet file: whole
    /// row groups, gathered up to about `rows` rows per batch; `None` for CSV.
    #[must_use]
    pub fn batches(&self, rows: usize) -> Option<Vec<std::ops::Range<usize>>> {
        if let Some(frame) = &self.frame {
            let (height, step) = (frame.height(), rows.max(1));
            return Some((0..height).step_by(step).map(|at| at..(at + step).min(height)).collect());
        }
        let footer = self.parquet.as_ref()?;
        let window = self.window.clone().unwrap_or(0..footer.num_rows);
        // The row groups, as row ranges of the file, cut to the window.
        let mut end = 0;
        let groups = footer.row_groups.iter().filter_map(|g| {
            let group = end..end + g.num_rows();
            end = group.end;
            let cut = group.start.max(window.start)..group.end.min(window.end);
            (cut.start < cut.end).then(|| cut.len())
        });
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

    /// The byte ranges of the text that [`Table::read_into`] parses one at a time from a CSV
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
    /// row groups, see [`Table::batches`]; CSV: runs of lines, when no field is quoted), handing
    /// each to `sink` in row order with its rows numbered from 0, so that a caller can process a
    /// file batch by batch without holding it: a batch's memory is freed (or reused) before the
    /// one after the next is parsed. The next batch is parsed on another thread while `sink`
    /// works, and the file's SHA-256 is computed on a third unless it is known.
    ///
    /// # Errors
    /// As [`Table::read`], converted into the sink's error, and whatever `sink` returns; the
    /// reading stops at the first.
    pub fn read_into<S: Sink>(&self, columns: &[(usize, Want)], rows: usize, sink: &mut S) -> Result<(), S::Error> {
        let names = self.names(columns);
        for (k, (i, _)) in columns.iter().enumerate() {
            if let Some(j) = self.header.iter().position(|h| h == &self.header[*i]).filter(|j| j != i) {
                let message = format!(
                    "column name {} appears twice (columns {} and {}); rename one",
                    crate::quoted(&names[k]),
                    j + 1,
                    i + 1
                );
                let kind = ErrorKind::DuplicateColumn { name: names[k].to_string() };
                return Err(Error::new(&self.path, kind, message).into());
            }
        }
        // Parquet batches are row ranges, CSV pieces byte ranges of the text.
        let batches: Vec<Part> = match self.batches(rows) {
            Some(b) if b.is_empty() => vec![Part::Rows(0..0)],
            Some(b) => b.into_iter().map(|r| Part::Rows(self.in_file(r))).collect(),
            None => {
                self.csv_pieces(rows).map_or(vec![Part::Whole], |pieces| pieces.into_iter().map(Part::Text).collect())
            }
        };
        // The checksum is computed on its own thread while the table is parsed, and each batch
        // is parsed on another while the one before is handed to the sink.
        std::thread::scope(|scope| {
            let sha = (self.hash_beside && self.sha256.get().is_none()).then(|| scope.spawn(|| self.hash()));
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
            for (first_row, values) in parsed.iter() {
                sink.batch(Batch { first_row, columns: values?.1 })?;
            }
            Ok(())
        })
    }

    /// Reads the columns of the given rows (0-based) of a Parquet file.
    ///
    /// # Errors
    /// As [`Table::read`]; [`ErrorKind::Unsupported`] for a CSV file, which is read in order only.
    pub fn read_rows(&self, columns: &[(usize, Want)], rows: std::ops::Range<usize>) -> Result<Vec<Values>> {
        if self.format == Format::Csv {
            let message = "rows can be read out of order from Parquet files and tables in memory only";
            return Err(Error::new(&self.path, ErrorKind::Unsupported, message));
        }
        Ok(self.parse(columns, &self.names(columns), &Part::Rows(self.in_file(rows)))?.1)
    }

    /// Rows of the table (0-based) as rows of its file: moved by a window's start.
    fn in_file(&self, rows: std::ops::Range<usize>) -> std::ops::Range<usize> {
        let at = self.window.as_ref().map_or(0, |w| w.start);
        rows.start + at..rows.end + at
    }

    /// The number of data rows when known without parsing (Parquet: from the footer).
    #[must_use]
    pub fn rows_known(&self) -> Option<usize> {
        if let Some(frame) = &self.frame {
            return Some(frame.height());
        }
        match &self.window {
            Some(rows) => Some(rows.len()),
            None => self.parquet.as_ref().map(|footer| footer.num_rows),
        }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sinks;
    use crate::values::NumberError;

    fn table(text: &[u8]) -> Table {
        Table::from_bytes(Path::new("t.csv"), text.to_vec(), None).unwrap()
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
        let mut sink = sinks::each(|b: Batch| -> Result<()> {
            let (row0, v) = (b.first_row, b.columns);
            assert_eq!(row0, cells.len());
            starts.push(row0);
            cells.extend((0..v[0].len()).map(|i| (v[0].text(i).map(|s| s.into_owned()), v[1].number(i))));
            Ok(())
        });
        t.read_into(&[(0, Want::Text), (1, Want::Number)], rows, &mut sink).unwrap();
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
            let err = t
                .read_into(
                    &[(0, Want::Text), (1, Want::Number)],
                    rows,
                    &mut sinks::each(|_: Batch| -> Result<()> { Ok(()) }),
                )
                .unwrap_err()
                .to_string();
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

    /// A Parquet file of rows 0..20 (`n` = row number, `t` = its text) in row groups of 3, 4
    /// and 13 rows, written as three tables one after another.
    fn three_groups() -> Table {
        let mut bytes = Vec::new();
        let frame = |r: std::ops::Range<u32>| {
            let t: Vec<String> = r.clone().map(|i| format!("row {i}")).collect();
            df!("n" => r.map(f64::from).collect::<Vec<_>>(), "t" => t).unwrap()
        };
        let mut writer = ParquetWriter::new(&mut bytes).batched(frame(0..0).schema()).unwrap();
        for r in [0..3, 3..7, 7..20] {
            writer.write_batch(&frame(r)).unwrap();
        }
        writer.finish().unwrap();
        Table::from_bytes(Path::new("w.parquet"), bytes, None).unwrap()
    }

    #[test]
    fn a_window_reads_its_rows_as_a_table_of_their_own() {
        let file = three_groups();
        assert_eq!(file.batches(7), Some(vec![0..7, 7..20]));
        let cols = [(1, Want::Text), (0, Want::Number)];
        for rows in [0..3, 3..7, 7..20, 3..20, 5..9, 20..20] {
            let w = file.window(rows.clone()).unwrap();
            assert_eq!(
                (w.rows_known(), w.rows_at_most(), w.header.clone()),
                (Some(rows.len()), rows.len(), file.header.clone())
            );
            // Batched, whole and by rows: the rows of the file from the window's start.
            let mut firsts = Vec::new();
            let mut got: Vec<(String, f64)> = Vec::new();
            w.read_into(
                &cols,
                4,
                &mut sinks::each(|b: Batch| -> Result<()> {
                    firsts.push(b.first_row);
                    got.extend(
                        (0..b.columns[0].len())
                            .map(|i| (b.columns[0].text(i).unwrap().to_string(), b.columns[1].number(i).unwrap())),
                    );
                    Ok(())
                }),
            )
            .unwrap();
            let want: Vec<(String, f64)> = rows.clone().map(|i| (format!("row {i}"), f64::from(i as u32))).collect();
            assert_eq!(got, want, "window {rows:?}");
            assert_eq!(firsts.first(), Some(&0), "window {rows:?}: batches numbered from 0");
            if rows.len() > 2 {
                let two = w.read_rows(&cols, 1..3).unwrap();
                assert_eq!(two[1].number(0).unwrap(), f64::from(rows.start as u32 + 1), "window {rows:?}");
            }
        }
        for w in [3..7, 5..9] {
            let batches = file.window(w.clone()).unwrap().batches(100).unwrap();
            assert_eq!(
                batches.iter().map(|r| (r.start, r.end)).collect::<Vec<_>>(),
                [(0, 4)],
                "window {w:?}: one batch"
            );
        }
        assert!(file.window(15..21).is_err(), "past the end");
        assert!(file.window(3..7).unwrap().window(0..1).is_err(), "a window of a window");
        assert!(table(b"id\n1\n").window(0..1).is_err(), "CSV");
    }

    #[test]
    fn empty_file_is_an_error() {
        assert!(Table::from_bytes(Path::new("e.csv"), Vec::new(), None).is_err());
        let t = table(b"id,down\n");
        assert_eq!(t.count_rows().unwrap(), 0);
    }

    #[test]
    fn a_byte_order_mark_before_windows_1252_is_dropped() {
        // Dropped, not transcoded into the header.
        let t = table(b"\xEF\xBB\xBFid,naam\n1,Fryslb\xe2n\n");
        assert_eq!((t.encoding, t.header[0].as_str()), ("windows-1252", "id"));
    }
}
