//! Synthetic national releases in the layout of the FCC Broadband Data Collection: one file per
//! state × technology (`bdc_SS_TECH.csv.gz`, or `.parquet`), the availability columns the FCC
//! publishes but `h3_res8_id`, several records per location (one per technology and provider
//! offering it), a realistic mix: cable and satellite nearly everywhere, fibre at about half the
//! locations, copper, licensed and unlicensed fixed wireless at fewer, a second provider of a
//! technology at some. Seeded: each cell comes from a hash of the seed, the location and the
//! technology, so the files can be written in parallel and the same seed gives the same bytes.
//! They describe no real network.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use super::unit;

use crate::error::{Error, Result};

/// One technology: its FCC code, the share of locations offered it, its speed tiers (down/up
/// Mbps) and whether it is low latency (≤ 100 ms).
struct Technology {
    code: u16,
    offered: f64,
    tiers: &'static [(u32, u32)],
    low_latency: bool,
}

const TECHNOLOGIES: [Technology; 7] = [
    Technology { code: 10, offered: 0.35, tiers: &[(100, 10), (25, 3), (10, 1)], low_latency: true },
    Technology { code: 40, offered: 0.80, tiers: &[(1000, 35), (500, 20), (300, 10)], low_latency: true },
    Technology { code: 50, offered: 0.45, tiers: &[(2000, 2000), (1000, 1000), (500, 500)], low_latency: true },
    Technology { code: 60, offered: 0.98, tiers: &[(25, 3), (100, 5)], low_latency: false },
    Technology { code: 61, offered: 0.95, tiers: &[(220, 25), (100, 10)], low_latency: true },
    Technology { code: 70, offered: 0.20, tiers: &[(100, 20), (25, 3), (10, 1)], low_latency: true },
    Technology { code: 71, offered: 0.10, tiers: &[(100, 20), (50, 10), (25, 3)], low_latency: true },
];

/// The header of every file.
const HEADER: &str = "frn,provider_id,brand_name,location_id,technology,max_advertised_download_speed,max_advertised_upload_speed,low_latency,business_residential_code,state_usps,block_geoid";

/// Postal codes of the synthetic states, in FIPS order from 01.
const STATES: [&str; 56] = [
    "AL", "AK", "AS", "AZ", "AR", "CA", "GU", "CO", "CT", "DE", "DC", "FL", "GA", "MP", "HI", "ID", "IL", "IN", "IA",
    "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY", "NC", "ND",
    "OH", "OK", "OR", "PA", "PR", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY", "VI",
];

/// The rows of technology `t` for the locations `ids` of state `s` (0-based), as CSV lines.
fn lines(seed: u64, s: usize, t: &Technology, ids: std::ops::Range<u64>, out: &mut String) {
    use std::fmt::Write as _;
    let tech = u64::from(t.code);
    for id in ids {
        let county = 1 + 2 * (unit(seed, id, 1) * 40.0) as u32;
        let block = (unit(seed, id, 2) * 1e10) as u64;
        let kind = match unit(seed, id, 3) {
            u if u < 0.7 => 'R',
            u if u < 0.9 => 'X',
            _ => 'B',
        };
        for provider in 0..2u64 {
            let p = unit(seed, id, tech * 16 + provider);
            if p >= if provider == 0 { t.offered } else { t.offered * 0.3 } {
                break;
            }
            let (down, up) = t.tiers[(unit(seed ^ 7, id, tech * 16 + provider) * t.tiers.len() as f64) as usize];
            let pid = 100_000 + tech * 100 + provider * 10 + (id % 7);
            let _ = writeln!(
                out,
                "{:010},{pid},Provider {pid},{id},{},{down},{up},{},{kind},{},{:02}{county:03}{block:010}",
                pid * 31,
                t.code,
                u8::from(t.low_latency),
                STATES[s],
                s + 1
            );
        }
    }
}

/// Locations per chunk of a file (a Parquet row group; a run of gzip input): a file is written
/// chunk by chunk, so a writer holds one chunk, whatever the release's size.
const CHUNK: u64 = if cfg!(test) { 64 } else { 1 << 19 };

/// Writes a release of about `locations` locations over the first `states` states (at most 56)
/// into `dir`, one file per state × technology, gzipped CSV or Parquet (`parquet`); returns the
/// files and the rows written. The files are written one per core at a time, each in chunks.
///
/// # Errors
/// [`Error::Argument`] for no state or more than 56; unwritable files.
pub fn write_release(
    dir: &Path,
    locations: u64,
    states: usize,
    seed: u64,
    parquet: bool,
) -> Result<(Vec<PathBuf>, u64)> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    if !(1..=STATES.len()).contains(&states) {
        return Err(Error::argument("states", &states.to_string(), "expected 1 to 56"));
    }
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let per = locations / states as u64;
    let jobs: Vec<(usize, usize)> = (0..states).flat_map(|s| (0..TECHNOLOGIES.len()).map(move |t| (s, t))).collect();
    // Threads of their own, not rayon's: polars parallelises inside each file, and a rayon
    // worker waiting for it would start further files (all of them in memory at once).
    let next = AtomicUsize::new(0);
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZero::get).min(jobs.len());
    let mut written: Vec<(usize, PathBuf, u64)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| -> Result<Vec<(usize, PathBuf, u64)>> {
                    let mut mine = Vec::new();
                    while let Some(&(s, t)) = jobs.get(next.fetch_add(1, Ordering::Relaxed)) {
                        let (path, rows) = write_file(dir, (seed, s, t), per, parquet)?;
                        mine.push((s * TECHNOLOGIES.len() + t, path, rows));
                    }
                    Ok(mine)
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().expect("a file writer panicked")).collect::<Result<Vec<_>>>()
    })?
    .into_iter()
    .flatten()
    .collect();
    written.sort_by_key(|w| w.0);
    let rows = written.iter().map(|w| w.2).sum();
    Ok((written.into_iter().map(|w| w.1).collect(), rows))
}

/// Writes the file of technology `t` in state `s` (its `per` locations) into `dir`, chunk by
/// chunk, under a temporary name renamed at the end; returns it and its rows.
fn write_file(dir: &Path, (seed, s, t): (u64, usize, usize), per: u64, parquet: bool) -> Result<(PathBuf, u64)> {
    let name = format!("bdc_{:02}_{}.{}", s + 1, TECHNOLOGIES[t].code, if parquet { "parquet" } else { "csv.gz" });
    let path = dir.join(&name);
    let temporary = dir.join(format!(".{name}.part"));
    let file = std::fs::File::create(&temporary).map_err(|e| Error::io(&temporary, e))?;
    let mut out = if parquet { Chunks::parquet(file)? } else { Chunks::gzip(file) };
    let first = 1_000_000_000 + s as u64 * per;
    let mut rows = 0;
    let mut text = String::new();
    for start in (first..first + per).step_by(CHUNK as usize) {
        text.clear();
        lines(seed, s, &TECHNOLOGIES[t], start..(start + CHUNK).min(first + per), &mut text);
        rows += text.bytes().filter(|&b| b == b'\n').count() as u64;
        out.write(&text).map_err(|e| e.at(&temporary))?;
    }
    out.finish().map_err(|e| e.at(&temporary))?;
    std::fs::rename(&temporary, &path).map_err(|e| Error::io(&path, e))?;
    Ok((path, rows))
}

/// Why a chunk could not be written (the file named by the caller).
enum ChunkError {
    Io(std::io::Error),
    Parquet(String),
}

impl ChunkError {
    /// The error for the file `path`.
    fn at(self, path: &Path) -> Error {
        match self {
            ChunkError::Io(e) => Error::io(path, e),
            ChunkError::Parquet(e) => Error::table(path, e),
        }
    }
}

/// A file being written chunk by chunk: CSV lines gzipped (fast compression), or Parquet row
/// groups with the ids and codes as text, as the FCC's CSV has them.
enum Chunks {
    Gzip(Box<flate2::write::GzEncoder<std::io::BufWriter<std::fs::File>>>),
    Parquet(Box<polars::io::parquet::write::BatchedWriter<std::fs::File>>, polars::prelude::SchemaRef),
}

impl Chunks {
    /// A gzipped CSV file, its header written.
    fn gzip(file: std::fs::File) -> Chunks {
        let mut e = flate2::write::GzEncoder::new(std::io::BufWriter::new(file), flate2::Compression::fast());
        let _ = e.write_all(format!("{HEADER}\n").as_bytes());
        Chunks::Gzip(Box::new(e))
    }

    /// A Parquet file of the release's schema.
    fn parquet(file: std::fs::File) -> Result<Chunks> {
        use polars::prelude::*;
        let text_cols = ["frn", "brand_name", "business_residential_code", "state_usps", "block_geoid"];
        let schema: Schema = HEADER
            .split(',')
            .map(|c| Field::new(c.into(), if text_cols.contains(&c) { DataType::String } else { DataType::Int64 }))
            .collect();
        let writer = ParquetWriter::new(file).batched(&schema).map_err(|e| Error::table("<parquet>", e.to_string()))?;
        Ok(Chunks::Parquet(Box::new(writer), Arc::new(schema)))
    }

    /// Appends the CSV lines `text` (no header).
    fn write(&mut self, text: &str) -> std::result::Result<(), ChunkError> {
        use polars::prelude::*;
        match self {
            Chunks::Gzip(e) => e.write_all(text.as_bytes()).map_err(ChunkError::Io),
            Chunks::Parquet(writer, schema) => {
                let fail = |e: PolarsError| ChunkError::Parquet(e.to_string());
                let df = CsvReadOptions::default()
                    .with_has_header(false)
                    .with_schema(Some(schema.clone()))
                    .into_reader_with_file_handle(std::io::Cursor::new(text.as_bytes()))
                    .finish()
                    .map_err(fail)?;
                writer.write_batch(&df).map_err(fail)
            }
        }
    }

    /// Ends the file.
    fn finish(self) -> std::result::Result<(), ChunkError> {
        match self {
            Chunks::Gzip(e) => e.finish().and_then(|mut w| w.flush()).map_err(ChunkError::Io),
            Chunks::Parquet(writer, _) => writer.finish().map(|_| ()).map_err(|e| ChunkError::Parquet(e.to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_per_state_and_technology_seeded() {
        let d = tempfile::tempdir().unwrap();
        let (files, rows) = write_release(d.path(), 700, 2, 5, false).unwrap();
        assert_eq!(files.len(), 14);
        // About four records a location: the shares offered plus second providers.
        assert!((2_000..3_500).contains(&rows), "{rows}");
        let again = tempfile::tempdir().unwrap();
        write_release(again.path(), 700, 2, 5, false).unwrap();
        for f in &files {
            let same = again.path().join(f.file_name().unwrap());
            assert_eq!(std::fs::read(f).unwrap(), std::fs::read(same).unwrap());
        }
        let mut text = String::new();
        lines(5, 22, &TECHNOLOGIES[2], 1_000_000_000..1_000_000_100, &mut text);
        let first = text.lines().next().unwrap();
        let cells: Vec<&str> = first.split(',').collect();
        assert_eq!((cells.len(), cells[4], cells[9]), (11, "50", "ME"));
        assert!(cells[10].starts_with("23") && cells[10].len() == 15, "{first}");
    }
}
