//! Spilling: the records of a run split by partition in one pass over the files. Each
//! partition's rows are written to a file of its own in a temporary folder (Parquet: the columns
//! the run reads, as read, and each row's own row number), the rows of each records file one
//! after another in whole row groups, so that the partitions are then read in turn from their
//! own rows, not each from every file: each records file's rows as a window of that file
//! ([`dekking_table::Table::window`]). Files whose columns differ in name or type (a CSV file
//! after a Parquet one) begin a new file per partition (a new segment). A partition read from its
//! spilled rows is the partition read from the inputs: the same rows, numbers, rejects, files and
//! provenance. The folder is removed when the [`Spill`] is dropped, whatever happened, and when
//! the run is interrupted ([`dekking_files::interrupt`]).

use std::fs::File;
use std::io::BufWriter;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use dekking_files::interrupt::Held;
use dekking_table::{Format, Table, Values};
use polars::io::parquet::write::BatchedWriter;
use polars::prelude::{Column, DataFrame, ParquetCompression, ParquetWriter, Schema, StatisticsOptions};
use rayon::prelude::*;

use super::columns::{within_row_limit, Kept};
use super::files::{read_files, Piece};
use super::layout::Layout;
use super::{fields_read, kept_of, same_columns, InputSpec, Needs};
use crate::error::{Error, Result};
use crate::model::availability::Partition;
use crate::model::source::SourceInfo;
use crate::progress::Progress;

/// The column of each spilled row's own row (1-based) in its file.
pub(super) const ROW: &str = "__dekking_row";

/// A records file as the run read it, for the partitions read from its spilled rows.
#[derive(Debug, Clone)]
pub struct Original {
    /// Its data rows.
    pub rows: u64,
    /// Its provenance (path, checksum, format, columns).
    pub source: SourceInfo,
    /// Whether its coordinates were read only for the rows that need them (so are its
    /// spilled rows', whose files would otherwise read them so).
    pub(super) lazy_xy: bool,
    /// Per partition, the segment holding its rows of this file and their rows there (0-based).
    windows: Vec<(usize, Range<usize>)>,
}

/// The records files a partition's spilled rows come from, in reading order, and where its
/// rows of each are ([`InputSpec::spilled`]).
#[derive(Debug, Clone)]
pub struct Spilled {
    /// The records files.
    pub(super) originals: Arc<Vec<Original>>,
    /// The partition read.
    pub(super) index: u32,
}

impl Spilled {
    /// Records file `k`.
    pub(super) fn original(&self, k: usize) -> Option<&Original> {
        self.originals.get(k)
    }

    /// The rows of records file `k` in the spilled file holding them (0-based).
    pub(super) fn window(&self, k: usize) -> Range<usize> {
        self.originals.get(k).map_or(0..0, |o| o.windows[self.index as usize].1.clone())
    }
}

/// A run's records spilled by partition into a temporary folder (removed on drop).
pub struct Spill {
    dir: tempfile::TempDir,
    /// The folder removed also when the run is interrupted.
    _held: Held,
    count: u32,
    originals: Arc<Vec<Original>>,
}

impl Spill {
    /// The input of partition `index`: its spilled files in place of the records, one per
    /// records file (the segment holding its rows of that file).
    #[must_use]
    pub fn input(&self, spec: &InputSpec, index: u32) -> InputSpec {
        let records = self.originals.iter().map(|o| path_of(self.dir.path(), o.windows[index as usize].0, index));
        InputSpec {
            records: records.collect(),
            partition: Some(Partition { index, count: self.count }),
            spilled: Some(Spilled { originals: Arc::clone(&self.originals), index }),
            ..spec.clone()
        }
    }
}

/// The spilled file of segment `segment` and partition `index`.
fn path_of(dir: &Path, segment: usize, index: u32) -> PathBuf {
    dir.join(format!("s{segment:04}-p{index:04}.parquet"))
}

/// Splits the records of `spec` (no universe) into `count` partitions by the hash of their ids
/// in one pass over the files, keeping what `needs` asks for, into a temporary folder in `tmp`.
///
/// # Errors
/// As reading the records, and [`Error::Io`] when the folder's disk has no room for the spill
/// or the folder cannot be written.
pub fn spill(spec: &InputSpec, needs: Needs, count: u32, tmp: &Path, progress: &mut dyn Progress) -> Result<Spill> {
    room_for(spec, tmp)?;
    let dir = tempfile::Builder::new().prefix(".dekking-spill-").tempdir_in(tmp).map_err(|e| Error::io(tmp, e))?;
    let held = Held::new(dir.path());
    let mut segments = Segments { dir: dir.path().to_path_buf(), count, open: None, made: 0 };
    let mut originals = Vec::new();
    let mut current: Option<Writing> = None;
    let extra = fields_read(needs);
    let mut first: Option<(PathBuf, Layout, Kept)> = None;
    progress.stage(&format!("spill the records into {count} partitions"), None);
    read_files(spec, &extra, true, |piece| match piece {
        Piece::File(table, layout) => {
            if let Some(w) = current.take() {
                originals.push(w.finish(&mut segments)?);
            }
            // The files' columns checked here, where the files are named, as a load does.
            let kept = kept_of(&layout, needs, true);
            match &first {
                Some((path, l, k)) => same_columns(&table.path, &layout, kept, l, *k, path)?,
                None => first = Some((table.path.clone(), layout.clone(), kept)),
            }
            current = Some(Writing::new(table, layout));
            Ok(())
        }
        Piece::Batch(batch) => {
            let w = current.as_mut().expect("a file is announced before its batches");
            progress.advance(batch.columns.first().map_or(0, Values::len) as u64);
            w.batch(&mut segments, batch.first_row, batch.columns)
        }
    })?;
    if let Some(w) = current.take() {
        originals.push(w.finish(&mut segments)?);
    }
    segments.close()?;
    Ok(Spill { dir, _held: held, count, originals: Arc::new(originals) })
}

/// Bytes a spilled record is reckoned to take on disk: its columns as compressed Parquet
/// (measured on FCC-layout releases: 22.6 bytes a row from Parquet, 20.1 from CSV), with room
/// to spare.
pub const SPILL_BYTES_PER_ROW: u64 = 32;

/// Checks that the disk of `tmp` has room for the spill of `spec`'s records (their rows
/// estimated from the files), before anything is written.
///
/// # Errors
/// As [`fits`], or [`Error::Io`] when the disk's free room cannot be read.
fn room_for(spec: &InputSpec, tmp: &Path) -> Result<()> {
    let rows: u64 = spec.records.par_iter().map(|p| super::estimate_rows(p, &spec.frames).unwrap_or(0)).sum();
    fits(tmp, rows.saturating_mul(SPILL_BYTES_PER_ROW), fs4::available_space(tmp).map_err(|e| Error::io(tmp, e))?)
}

/// Whether `need` bytes fit in the `free` bytes of the disk of `tmp`.
///
/// # Errors
/// [`Error::Io`] (storage full) naming the folder, the room needed and the room free.
fn fits(tmp: &Path, need: u64, free: u64) -> Result<()> {
    if need <= free {
        return Ok(());
    }
    let gb = |b: u64| format!("{:.1} GB", b as f64 / 1e9);
    let why = format!(
        "the records spilled by partition need about {} here and the disk has {} free; set DEKKING_SPILL_DIR to a folder on a larger disk, or read each partition from the files (--spill never)",
        gb(need),
        gb(free)
    );
    Err(Error::io(tmp, std::io::Error::new(std::io::ErrorKind::StorageFull, why)))
}

/// The spill's files: a Parquet writer per partition for the segment being written.
struct Segments {
    dir: PathBuf,
    count: u32,
    open: Option<Segment>,
    /// The segments begun so far.
    made: usize,
}

/// Files of one segment, one per partition, of frames of one schema.
struct Segment {
    index: usize,
    schema: Schema,
    paths: Vec<PathBuf>,
    writers: Vec<BatchedWriter<BufWriter<File>>>,
    /// The rows written to each so far.
    rows: Vec<usize>,
}

impl Segments {
    /// The segment for frames of `schema`: the one being written when its schema is the same,
    /// else a new one (the last closed).
    fn for_schema(&mut self, schema: &Schema) -> Result<&mut Segment> {
        if self.open.as_ref().is_some_and(|s| s.schema != *schema) {
            self.close()?;
        }
        if self.open.is_none() {
            self.open = Some(self.begin(schema)?);
        }
        Ok(self.open.as_mut().expect("just opened"))
    }

    /// Opens a writer per partition for the next segment, of frames of `schema`.
    fn begin(&mut self, schema: &Schema) -> Result<Segment> {
        let index = self.made;
        let paths: Vec<PathBuf> = (0..self.count).map(|k| path_of(&self.dir, index, k)).collect();
        let mut writers = Vec::new();
        for path in &paths {
            let file = BufWriter::with_capacity(1 << 18, File::create(path).map_err(|e| Error::io(path, e))?);
            // Written once, read once: fast compression, no statistics.
            let writer = ParquetWriter::new(file)
                .with_compression(ParquetCompression::Lz4Raw)
                .with_statistics(StatisticsOptions::empty())
                .batched(schema)
                .map_err(|e| Error::table(path, e.to_string()))?;
            writers.push(writer);
        }
        self.made += 1;
        Ok(Segment { index, schema: schema.clone(), paths, writers, rows: vec![0; self.count as usize] })
    }

    /// Ends the segment being written, if one is: each file's footer written.
    fn close(&mut self) -> Result<()> {
        let Some(segment) = self.open.take() else { return Ok(()) };
        for (w, path) in segment.writers.into_iter().zip(&segment.paths) {
            w.finish().map_err(|e| Error::table(path, e.to_string()))?;
        }
        Ok(())
    }
}

impl Segment {
    /// Writes each partition's frame (those without rows skipped); returns each partition's
    /// rows of this segment before them.
    fn write(&mut self, frames: &[DataFrame]) -> Result<Vec<usize>> {
        let before = self.rows.clone();
        (self.writers.par_iter_mut().zip(frames.par_iter().zip(&self.paths)).filter(|(_, (df, _))| df.height() > 0))
            .try_for_each(|(w, (df, path))| w.write_batch(df).map_err(|e| Error::table(path, e.to_string())))?;
        self.rows.iter_mut().zip(frames).for_each(|(n, df)| *n += df.height());
        Ok(before)
    }
}

/// One records file being spilled into the segment of its columns.
struct Writing {
    table: Arc<Table>,
    layout: Layout,
    /// The columns written: each a position among the batch's values (those of
    /// [`Layout::asked`], then the lazy coordinates), once per header column, with its name.
    columns: Vec<(usize, String)>,
    /// Whether each column is written as text, fixed by the first batch: a CSV file's always (a
    /// later batch can hold a cell that is no number), else those not read as numbers.
    as_text: Vec<bool>,
    /// Per partition, the segment and rows its rows of this file take, once written.
    windows: Option<Vec<(usize, Range<usize>)>>,
    rows: usize,
}

impl Writing {
    /// The spill of `table`, read with `layout`.
    fn new(table: Arc<Table>, layout: Layout) -> Writing {
        let mut columns: Vec<(usize, String)> = Vec::new();
        for (k, i) in layout.spilled().into_iter().enumerate() {
            if !columns.iter().any(|(_, name)| *name == table.header[i]) {
                columns.push((k, table.header[i].clone()));
            }
        }
        Writing { table, layout, columns, as_text: Vec::new(), windows: None, rows: 0 }
    }

    /// Splits a batch (its rows from `first`, 0-based, the columns of [`Layout::asked`]) by
    /// partition and writes each part.
    fn batch(&mut self, segments: &mut Segments, first: usize, mut values: Vec<Values>) -> Result<()> {
        let n = values.first().map_or(0, Values::len);
        // Row numbers are spilled as u32, as the loader's slots hold them.
        within_row_limit(&self.table.path, first + n)?;
        if self.layout.lazy_xy {
            let xy = self.layout.coordinates(&self.table, first..first + n)?;
            values.extend(xy);
        }
        let ids = &values[0];
        let count = segments.count;
        let of: Vec<u32> = (0..n)
            .into_par_iter()
            .with_min_len(1 << 14)
            .map(|i| ids.with_text(i, |id| Partition::of(id.unwrap_or_default(), count)))
            .collect();
        let mut held: Vec<Vec<usize>> = vec![Vec::new(); count as usize];
        of.iter().enumerate().for_each(|(i, &k)| held[k as usize].push(i));
        if self.as_text.is_empty() {
            let csv = self.table.format == Format::Csv;
            self.as_text = self.columns.iter().map(|(k, _)| csv || !values[*k].is_numbers()).collect();
        }
        let frames: Vec<DataFrame> =
            held.par_iter().map(|rows| self.part(&values, first, rows)).collect::<Result<_>>()?;
        let segment = segments.for_schema(frames[0].schema())?;
        let before = segment.write(&frames)?;
        let at = segment.index;
        let windows = self.windows.get_or_insert_with(|| before.iter().map(|&b| (at, b..b)).collect());
        windows.iter_mut().zip(&frames).for_each(|((_, w), df)| w.end += df.height());
        self.rows = first + n;
        Ok(())
    }

    /// The `rows` of a batch (its rows from `first`, 0-based) as a frame of the columns written
    /// and each row's own row number.
    fn part(&self, values: &[Values], first: usize, rows: &[usize]) -> Result<DataFrame> {
        let mut cols: Vec<Column> = (self.columns.iter().zip(&self.as_text))
            .map(|((k, name), &text)| values[*k].select(rows).to_column(name, text))
            .collect();
        cols.push(Column::new(ROW.into(), rows.iter().map(|&i| (first + i + 1) as u32).collect::<Vec<_>>()));
        let mut df = DataFrame::new_infer_height(cols).map_err(|e| Error::table(&self.table.path, e.to_string()))?;
        df.align_chunks_par();
        Ok(df)
    }

    /// Ends the file: the rows its partitions took (a file without rows takes none, in a
    /// segment of its columns), and the file as read.
    fn finish(mut self, segments: &mut Segments) -> Result<Original> {
        if self.windows.is_none() {
            let empty = vec![Values::empty(); self.layout.asked().len()];
            self.batch(segments, 0, empty)?;
        }
        let rows = self.table.rows_known().unwrap_or(self.rows);
        let source = self.layout.source(&self.table, "records", rows);
        let windows = self.windows.expect("a written batch, empty or not, places the file's rows");
        Ok(Original { rows: rows as u64, source, lazy_xy: self.layout.lazy_xy, windows })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_spill_larger_than_the_free_room_is_refused_with_what_to_do() {
        let tmp = Path::new("/spill/here");
        assert!(fits(tmp, 10, 10).is_ok());
        let line = fits(tmp, 11_000_000_000, 2_500_000_000).unwrap_err().to_string();
        assert!(line.starts_with("/spill/here: the records spilled by partition need about 11.0 GB"), "{line}");
        assert!(
            line.contains("has 2.5 GB free") && line.contains("DEKKING_SPILL_DIR") && line.contains("--spill never"),
            "{line}"
        );
    }
}
