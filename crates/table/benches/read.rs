//! The table reader against its peers on the same files, in one run: polars' CSV and Parquet
//! readers and the `csv` crate (records parsed into numbers), all reading every column of a
//! seeded synthetic address table and summing one number column (so nothing is optimised away).
//!
//!     cargo bench -p dekking-table --bench read -- [ROWS] [RUNS]
//!
//! Prints a Markdown table of median wall times (ROWS = 2,000,000 and RUNS = 5 by default). The
//! checksum the reader computes beside the parsing for provenance is turned off, as the peers
//! compute none; the figures are for reading, not for checking.

use std::io::Write;
use std::path::Path;
use std::time::Instant;

use dekking_table::{sinks, Batch, Table, Want};
use polars::prelude::*;

/// The columns: id (text), x and y (metres), download and upload (Mbps), technology (text).
const HEADER: &str = "adres_id;x;y;download_mbps;upload_mbps;technologie";

/// A seeded generator (SplitMix64): the same file for the same number of rows.
struct Seeded(u64);

impl Seeded {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

/// Writes `rows` synthetic rows as a `;` CSV and returns its bytes.
fn csv_text(rows: usize) -> Vec<u8> {
    let mut rng = Seeded(2023);
    let mut out = Vec::with_capacity(rows * 64);
    writeln!(out, "{HEADER}").unwrap();
    let tech = ["glasvezel", "kabel", "dsl", "fwa"];
    for i in 0..rows {
        let r = rng.next();
        let (x, y) = (13_000.0 + (r % 26_500_000) as f64 / 100.0, 306_000.0 + (r >> 32) as f64 % 30_000_000.0 / 100.0);
        let down = [1000, 500, 100, 50, 20][(r >> 8) as usize % 5];
        writeln!(out, "{:016};{x:.2};{y:.2};{down};{};{}", i / 2 + 1, down / 10, tech[(r >> 16) as usize % 4]).unwrap();
    }
    out
}

/// Median wall time of `runs` runs of `f`, in seconds, with the value it returned.
fn timed<T>(runs: usize, mut f: impl FnMut() -> T) -> (f64, T) {
    let mut times = Vec::with_capacity(runs);
    let mut value = None;
    for _ in 0..runs {
        let start = Instant::now();
        value = Some(f());
        times.push(start.elapsed().as_secs_f64());
    }
    times.sort_by(f64::total_cmp);
    (times[runs / 2], value.expect("at least one run"))
}

/// dekking-table: every column, batch by batch; the sum of the download column.
fn read_table(path: &Path) -> f64 {
    let mut table = Table::open(path, None).unwrap();
    table.checksum_beside(false);
    let asked: Vec<(usize, Want)> = [Want::Text, Want::Number, Want::Number, Want::Number, Want::Number, Want::Text]
        .into_iter()
        .enumerate()
        .collect();
    let mut sum = 0.0;
    let mut sink = sinks::each(|b: Batch| -> dekking_table::Result<()> {
        // Typed pieces summed as slices, any others cell by cell.
        let down = &b.columns[3];
        for r in down.pieces(1 << 16) {
            let rows = down.rows(r.clone());
            sum += match rows.floats(r.clone()) {
                Some(v) => v.iter().sum::<f64>(),
                None => r.filter_map(|i| rows.number(i).ok()).sum(),
            };
        }
        Ok(())
    });
    // Batches as dekking reads them: 2^18 CSV rows, or whole Parquet row groups up to 2^20 rows.
    let rows = if table.format == dekking_table::Format::Csv { 1 << 18 } else { 1 << 20 };
    table.read_into(&asked, rows, &mut sink).unwrap();
    sum
}

/// polars' CSV reader: every column into a data frame; the sum of the download column.
fn read_polars_csv(path: &Path) -> f64 {
    let df = CsvReadOptions::default()
        .with_has_header(true)
        .with_parse_options(CsvParseOptions::default().with_separator(b';'))
        .try_into_reader_with_file_path(Some(path.into()))
        .unwrap()
        .finish()
        .unwrap();
    df.column("download_mbps").unwrap().cast(&DataType::Float64).unwrap().f64().unwrap().sum().unwrap_or(0.0)
}

/// The `csv` crate: every record, its numbers parsed; the sum of the download column.
fn read_csv_crate(path: &Path) -> f64 {
    let mut reader = csv::ReaderBuilder::new().delimiter(b';').from_path(path).unwrap();
    let mut record = csv::ByteRecord::new();
    let mut sum = 0.0;
    while reader.read_byte_record(&mut record).unwrap() {
        let number = |k: usize| std::str::from_utf8(&record[k]).ok().and_then(|s| s.parse::<f64>().ok()).unwrap_or(0.0);
        let (_x, _y, down, _up) = (number(1), number(2), number(3), number(4));
        sum += down;
    }
    sum
}

/// polars' Parquet reader: every column; the sum of the download column.
fn read_polars_parquet(path: &Path) -> f64 {
    let df = ParquetReader::new(std::fs::File::open(path).unwrap()).finish().unwrap();
    df.column("download_mbps").unwrap().cast(&DataType::Float64).unwrap().f64().unwrap().sum().unwrap_or(0.0)
}

fn main() {
    let args: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.replace('_', "").parse().ok()).collect();
    let (rows, runs) = (args.first().copied().unwrap_or(2_000_000), args.get(1).copied().unwrap_or(5).max(1));
    let dir = tempfile::tempdir().unwrap();
    let (csv_path, parquet_path) = (dir.path().join("rows.csv"), dir.path().join("rows.parquet"));
    std::fs::write(&csv_path, csv_text(rows)).unwrap();
    let mut df = CsvReadOptions::default()
        .with_parse_options(CsvParseOptions::default().with_separator(b';'))
        .try_into_reader_with_file_path(Some(csv_path.clone()))
        .unwrap()
        .finish()
        .unwrap();
    ParquetWriter::new(std::fs::File::create(&parquet_path).unwrap())
        .with_row_group_size(Some(1 << 20))
        .finish(&mut df)
        .unwrap();
    let size = |p: &Path| std::fs::metadata(p).unwrap().len() as f64 / 1e6;
    println!(
        "{rows} rows of {HEADER} ({:.0} MB CSV, {:.0} MB Parquet); median of {runs} runs; {} threads\n",
        size(&csv_path),
        size(&parquet_path),
        rayon::current_num_threads()
    );
    println!("| reader | input | wall (s) | M rows/s | / dekking-table |");
    println!("|---|---|---:|---:|---:|");
    let cases: [(&str, &str, &dyn Fn() -> f64); 5] = [
        ("dekking-table", "csv", &|| read_table(&csv_path)),
        ("polars CSV reader", "csv", &|| read_polars_csv(&csv_path)),
        ("csv crate, numbers parsed", "csv", &|| read_csv_crate(&csv_path)),
        ("dekking-table", "parquet", &|| read_table(&parquet_path)),
        ("polars Parquet reader", "parquet", &|| read_polars_parquet(&parquet_path)),
    ];
    let mut ours = [0.0; 2];
    let mut sums = Vec::new();
    for (name, input, f) in cases {
        let (wall, sum) = timed(runs, f);
        let k = usize::from(input == "parquet");
        if name == "dekking-table" {
            ours[k] = wall;
        }
        sums.push(sum);
        println!("| {name} | {input} | {wall:.3} | {:.1} | {:.2} |", rows as f64 / wall / 1e6, wall / ours[k]);
    }
    assert!(sums.windows(2).all(|w| w[0] == w[1]), "every reader sums the same download speeds: {sums:?}");
}
