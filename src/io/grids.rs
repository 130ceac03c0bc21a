//! Coverage grids: predicted outdoor download speed per square cell, in Mbps.
//!
//! Formats:
//! - GeoTIFF: one band, square cells, georeferenced by ModelPixelScale + ModelTiepoint; the CRS
//!   from the GeoKeyDirectory (EPSG:28992 or EPSG:3035), else `--grid-crs`; GDAL_NODATA honoured.
//! - CSV of cell centres: `x`, `y` (metres, in `--grid-crs`, default RD New) and `dl_mbps`; the cell
//!   size is given or inferred from the spacing, and every cell must sit on one common lattice.
//! - INSPIRE / RTR cell-code CSV: `raster` such as `100mN26593E47365` (EPSG:3035, the code gives
//!   the south-west corner / 100 m) with speeds in bit/s (`dl_normal`, or `--rtr-speed dl_max`).
//!
//! Cells absent from a CSV and nodata cells are NaN: they count as not covered and are reported
//! as "no data" area. Bad rows are rejected with their row number.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::model::grid::{GridCrs, GridSpec};
use crate::model::rows::{Reject, RejectReason, RowCounts};
use crate::model::source::SourceInfo;
use dekking_files::checksums::sha256_file;
use dekking_table::{shown, NumberError, Table, Want};

/// A loaded coverage grid.
#[derive(Debug, Clone)]
pub struct Grid {
    /// Geometry of the lattice.
    pub spec: GridSpec,
    /// Its CRS.
    pub crs: GridCrs,
    /// Speed per cell in Mbps, row-major from the southernmost row; NaN = no data.
    pub mbps: Vec<f32>,
    /// Provenance.
    pub source: SourceInfo,
    /// Row accounting (CSV inputs; for GeoTIFF rows = cells).
    pub rows: RowCounts,
    /// Rejected rows.
    pub rejects: Vec<Reject>,
}

impl Grid {
    /// A grid made in memory (a prediction, a test) of `mbps` on `spec`, its source named `what`.
    #[must_use]
    pub fn in_memory(spec: GridSpec, crs: GridCrs, mbps: Vec<f32>, what: &str) -> Grid {
        let rows = (spec.cols * spec.rows) as u64;
        let source = SourceInfo {
            role: "grid".into(),
            path: what.into(),
            sha256: String::new(),
            rows,
            format: "in memory".into(),
            columns: Vec::new(),
        };
        let counts = RowCounts { rows_in: rows, used: rows, ..RowCounts::default() };
        Grid { spec, crs, mbps, source, rows: counts, rejects: Vec::new() }
    }

    /// The value at (`x`, `y`) in the grid's CRS (half-open cells), NaN outside the grid or
    /// without data.
    #[must_use]
    pub fn at(&self, x: f64, y: f64) -> f32 {
        let s = &self.spec;
        let (c, r) = (((x - s.x0) / s.cell).floor(), ((y - s.y0) / s.cell).floor());
        if c >= 0.0 && r >= 0.0 && c < s.cols as f64 && r < s.rows as f64 {
            self.get(r as usize, c as usize)
        } else {
            f32::NAN
        }
    }

    /// The speed of cell (`row`, `col`), Mbps (NaN = no data).
    #[inline]
    pub fn get(&self, row: usize, col: usize) -> f32 {
        self.mbps[row * self.spec.cols + col]
    }
}

/// How to read a grid file.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GridOptions {
    /// CRS of CSV x/y, and of GeoTIFFs without GeoKeys.
    pub crs: GridCrs,
    /// Cell size in metres for x/y CSVs; inferred when `None`.
    pub cell_size: Option<f64>,
    /// Use `dl_max` instead of `dl_normal` for RTR files.
    pub rtr_max: bool,
}

impl Default for GridOptions {
    fn default() -> GridOptions {
        GridOptions { crs: GridCrs::RdNew, cell_size: None, rtr_max: false }
    }
}

/// Reads a grid file in any supported format.
///
/// # Errors
/// [`Error::Io`], or [`Error::Table`] for a file that is not a usable grid (no georeference,
/// non-square or mixed cell sizes, missing columns, no usable cell).
pub fn load(path: &Path, opts: &GridOptions) -> Result<Grid> {
    let (mut grid, hashes) = hashing_geotiffs(&[path], || load_reusing(path, opts, Vec::new()))?;
    if let Some(Some(sha256)) = hashes.into_iter().next() {
        grid.source.sha256 = sha256;
    }
    Ok(grid)
}

/// Runs `work` while the SHA-256 of each GeoTIFF among `paths` is computed, in order, on a thread
/// of its own (hashing a national grid takes about as long as reading it). Returns what `work`
/// returned and each path's hash: `None` for a file that is not a GeoTIFF (reading a table
/// hashes it). Hashing stops at the next file once `work` has failed.
///
/// # Errors
/// The error of `work`, or [`Error::Io`] for a GeoTIFF that cannot be read.
pub fn hashing_geotiffs<T>(paths: &[&Path], work: impl FnOnce() -> Result<T>) -> Result<(T, Vec<Option<String>>)> {
    let stop = AtomicBool::new(false);
    std::thread::scope(|scope| {
        let hasher = scope.spawn(|| {
            paths
                .iter()
                .map(|p| (!stop.load(Ordering::Relaxed) && is_geotiff(p)).then(|| sha256_file(p)))
                .collect::<Vec<_>>()
        });
        let done = work();
        stop.store(done.is_err(), Ordering::Relaxed);
        let hashes = hasher.join().expect("hashing does not panic");
        Ok((done?, hashes.into_iter().map(Option::transpose).collect::<dekking_files::Result<_>>()?))
    })
}

/// Whether the file starts as a TIFF or BigTIFF does (`false` when it cannot be read).
#[must_use]
pub fn is_geotiff(path: &Path) -> bool {
    let mut magic = [0u8; 4];
    std::fs::File::open(path).and_then(|mut f| std::io::Read::read_exact(&mut f, &mut magic)).is_ok()
        && [b"II*\0", b"MM\0*", b"II+\0", b"MM\0+"].contains(&&magic)
}

/// [`load`], filling `buffer` (e.g. the cells of the previous grid, no longer needed) for a
/// GeoTIFF instead of fresh memory: a national grid is hundreds of MB that the system would
/// otherwise have to map and zero again. A GeoTIFF's SHA-256 is left to the caller
/// (`source.sha256` empty): hashing a national grid takes about as long as reading it, so a
/// caller reading several hashes them on a thread of their own.
///
/// # Errors
/// As [`load`].
pub fn load_reusing(path: &Path, opts: &GridOptions, buffer: Vec<f32>) -> Result<Grid> {
    if is_geotiff(path) {
        return geotiff(path, opts, buffer);
    }
    if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("tif") || e.eq_ignore_ascii_case("tiff"))
        && path.is_file()
    {
        return Err(Error::table(
            path,
            "not a TIFF file (it does not start with a TIFF header); check that the file is complete",
        ));
    }
    let table = Table::open(path, None)?;
    let has = |name: &str| table.header.iter().position(|h| h.eq_ignore_ascii_case(name));
    if let Some(raster) = has("raster") {
        return rtr(&table, raster, opts);
    }
    xy_csv(&table, opts)
}

/// Parses an INSPIRE grid code `100mN26593E47365` (or `CRS3035RES100mN2659300E4736500`) into
/// (cell size, south-west easting, south-west northing), metres.
///
/// ```
/// use dekking::io::grids::parse_cell_code;
/// assert_eq!(parse_cell_code("100mN26593E47365"), Some((100.0, 4_736_500.0, 2_659_300.0)));
/// assert_eq!(parse_cell_code("CRS3035RES100mN2659300E4736500"), Some((100.0, 4_736_500.0, 2_659_300.0)));
/// assert_eq!(parse_cell_code("1kmN2659E4736"), Some((1000.0, 4_736_000.0, 2_659_000.0)));
/// assert_eq!(parse_cell_code("100mX1E2"), None);
/// ```
#[must_use]
pub fn parse_cell_code(code: &str) -> Option<(f64, f64, f64)> {
    let c = code.trim();
    let (full, c) = match c.strip_prefix("CRS3035RES") {
        Some(rest) => (true, rest),
        None => (false, c),
    };
    let (size, rest) = if let Some(i) = c.find("km") {
        (c[..i].parse::<f64>().ok()? * 1000.0, &c[i + 2..])
    } else {
        let i = c.find('m')?;
        (c[..i].parse::<f64>().ok()?, &c[i + 1..])
    };
    let rest = rest.strip_prefix('N')?;
    let e_at = rest.find('E')?;
    let (n, e) = (rest[..e_at].parse::<f64>().ok()?, rest[e_at + 1..].parse::<f64>().ok()?);
    if !size.is_finite() || size <= 0.0 || !n.is_finite() || !e.is_finite() {
        return None;
    }
    let unit = if full { 1.0 } else { size };
    Some((size, e * unit, n * unit))
}

/// The largest lattice accepted, in cells (a 20 m grid over the whole of the Netherlands and more).
const MAX_CELLS: f64 = 600_000_000.0;
/// How much larger than the number of cells given a CSV's lattice may be.
const MAX_SPARSENESS: f64 = 64.0;

/// Builds a grid from cells given by south-west corner, rejecting duplicates and misaligned ones.
struct Lattice {
    cells: Vec<(f64, f64, f32, u64)>,
}

impl Lattice {
    fn build(
        self,
        table: &Table,
        cell: f64,
        crs: GridCrs,
        mut counts: RowCounts,
        mut rejects: Vec<Reject>,
        file: &str,
    ) -> Result<Grid> {
        if self.cells.is_empty() {
            return Err(Error::NoData { file: table.path.clone(), reason: "no usable grid cell".into() });
        }
        let x0 = self.cells.iter().map(|c| c.0).fold(f64::MAX, f64::min);
        let y0 = self.cells.iter().map(|c| c.1).fold(f64::MAX, f64::min);
        let x1 = self.cells.iter().map(|c| c.0).fold(f64::MIN, f64::max);
        let y1 = self.cells.iter().map(|c| c.1).fold(f64::MIN, f64::max);
        let cols = ((x1 - x0) / cell).round() + 1.0;
        let rows = ((y1 - y0) / cell).round() + 1.0;
        // A stray coordinate (a digit too many, metres in a degree column) blows the lattice up;
        // refuse lattices far sparser than the cells given, naming the outermost cells.
        let lattice = cols * rows;
        if lattice > (MAX_SPARSENESS * self.cells.len() as f64).max(1e6) || lattice > MAX_CELLS {
            let far = self
                .cells
                .iter()
                .max_by(|a, b| (a.0 - x0 + a.1 - y0).total_cmp(&(b.0 - x0 + b.1 - y0)))
                .map_or(0, |c| c.3);
            return Err(Error::table(
                &table.path,
                format!(
                    "{} cells spread over a {cols} × {rows} lattice of {cell} m: a stray or mistyped coordinate (e.g. row {far}) or the wrong --cell-size",
                    self.cells.len()
                ),
            ));
        }
        let (cols, rows) = (cols as usize, rows as usize);
        let mut mbps = vec![f32::NAN; cols * rows];
        for &(x, y, v, row) in &self.cells {
            let (fc, fr) = ((x - x0) / cell, (y - y0) / cell);
            let (c, r) = (fc.round(), fr.round());
            if (fc - c).abs() > 1e-6 || (fr - r).abs() > 1e-6 {
                return Err(Error::table(
                    &table.path,
                    format!("row {row}: cell at ({x}, {y}) is off the {cell} m lattice (cells of mixed sizes or a wrong --cell-size)"),
                ));
            }
            let k = r as usize * cols + c as usize;
            if !mbps[k].is_nan() {
                counts.unuse(
                    &mut rejects,
                    file,
                    row,
                    RejectReason::DuplicateCell,
                    "the same cell as an earlier row".into(),
                );
                continue;
            }
            mbps[k] = v;
        }
        Ok(Grid {
            spec: GridSpec { x0, y0, cell, cols, rows },
            crs,
            mbps,
            source: SourceInfo {
                role: "grid".into(),
                path: file.into(),
                sha256: table.sha256().to_string(),
                rows: counts.rows_in,
                format: format!("csv cells, {cell} m, {}", crs.name()),
                columns: Vec::new(),
            },
            rows: counts,
            rejects,
        })
    }
}

fn speed_reject(e: NumberError, field: &str) -> (RejectReason, String) {
    match e {
        NumberError::Missing => (RejectReason::MissingSpeed, format!("{field} is empty")),
        NumberError::Invalid(s) => (RejectReason::InvalidSpeed, format!("{field} = {s:?}")),
    }
}

fn rtr(table: &Table, raster: usize, opts: &GridOptions) -> Result<Grid> {
    let name = if opts.rtr_max { "dl_max" } else { "dl_normal" };
    let speed =
        table.header.iter().position(|h| h.eq_ignore_ascii_case(name)).ok_or_else(|| {
            Error::table(&table.path, format!("RTR cell-code file without a `{name}` column (bit/s)"))
        })?;
    let v = table.read(&[(raster, Want::Text), (speed, Want::Number)])?;
    let file = table.path.display().to_string();
    let mut counts = RowCounts { rows_in: v[0].len() as u64, ..RowCounts::default() };
    let mut rejects = Vec::new();
    let mut cells = Vec::with_capacity(v[0].len());
    let mut size = None;
    for i in 0..v[0].len() {
        let row = i as u64 + 1;
        let Some(code) = v[0].text(i) else {
            counts.reject(&mut rejects, &file, row, RejectReason::InvalidCoordinate, "raster is empty".into());
            continue;
        };
        let Some((s, e, n)) = parse_cell_code(&code) else {
            counts.reject(
                &mut rejects,
                &file,
                row,
                RejectReason::InvalidCoordinate,
                format!("raster = {code:?} is not a grid cell code"),
            );
            continue;
        };
        if *size.get_or_insert(s) != s {
            return Err(Error::table(
                &table.path,
                format!(
                    "row {row}: cell {code} is {s} m but earlier cells are {} m (cells of mixed sizes)",
                    size.unwrap_or(s)
                ),
            ));
        }
        match v[1].number(i) {
            Ok(bps) if bps >= 0.0 => {
                counts.used += 1;
                cells.push((e, n, (bps / 1e6) as f32, row));
            }
            Ok(bps) => counts.reject(&mut rejects, &file, row, RejectReason::NegativeSpeed, format!("{name} = {bps}")),
            Err(err) => {
                let (reason, detail) = speed_reject(err, name);
                counts.reject(&mut rejects, &file, row, reason, detail);
            }
        }
    }
    let cell = size.unwrap_or(100.0);
    let mut g = Lattice { cells }.build(table, cell, GridCrs::Laea, counts, rejects, &file)?;
    g.source.format = format!("INSPIRE/RTR cell codes, {cell} m, EPSG:3035, {name} in bit/s");
    Ok(g)
}

fn xy_csv(table: &Table, opts: &GridOptions) -> Result<Grid> {
    let find = |names: &[&str]| names.iter().find_map(|n| table.header.iter().position(|h| h.eq_ignore_ascii_case(n)));
    let missing = |what: &str| {
        Error::table(
            &table.path,
            format!("grid CSV without a `{what}` column (expected x, y and dl_mbps, or an RTR `raster` column)"),
        )
    };
    let x = find(&["x", "x_centre", "x_center"]).ok_or_else(|| missing("x"))?;
    let y = find(&["y", "y_centre", "y_center"]).ok_or_else(|| missing("y"))?;
    let s = find(&["dl_mbps", "download_mbps", "mbps", "speed_mbps"]).ok_or_else(|| missing("dl_mbps"))?;
    let v = table.read(&[(x, Want::Number), (y, Want::Number), (s, Want::Number)])?;
    let file = table.path.display().to_string();
    let mut counts = RowCounts { rows_in: v[0].len() as u64, ..RowCounts::default() };
    let mut rejects = Vec::new();
    let mut centres = Vec::with_capacity(v[0].len());
    for i in 0..v[0].len() {
        let row = i as u64 + 1;
        let (cx, cy) = match (v[0].number(i), v[1].number(i)) {
            (Ok(a), Ok(b)) => (a, b),
            (a, b) => {
                counts.reject(
                    &mut rejects,
                    &file,
                    row,
                    RejectReason::InvalidCoordinate,
                    format!("x = {}, y = {}", shown(&a), shown(&b)),
                );
                continue;
            }
        };
        match v[2].number(i) {
            Ok(m) if m >= 0.0 => {
                counts.used += 1;
                centres.push((cx, cy, m as f32, row));
            }
            Ok(m) => counts.reject(&mut rejects, &file, row, RejectReason::NegativeSpeed, format!("dl_mbps = {m}")),
            Err(err) => {
                let (reason, detail) = speed_reject(err, "dl_mbps");
                counts.reject(&mut rejects, &file, row, reason, detail);
            }
        }
    }
    let cell = match opts.cell_size {
        Some(c) if c > 0.0 => c,
        Some(c) => return Err(Error::argument("cell-size", &c.to_string(), "must be > 0 metres")),
        None => infer_cell(&centres).ok_or_else(|| {
            Error::table(
                &table.path,
                "cannot infer the cell size from fewer than two distinct x or y values; give --cell-size",
            )
        })?,
    };
    let cells = centres.into_iter().map(|(cx, cy, m, row)| (cx - cell / 2.0, cy - cell / 2.0, m, row)).collect();
    Lattice { cells }.build(table, cell, opts.crs, counts, rejects, &file)
}

/// The smallest positive spacing between distinct x or y centre values.
fn infer_cell(centres: &[(f64, f64, f32, u64)]) -> Option<f64> {
    let spacing = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v.dedup();
        v.windows(2)
            .map(|w| w[1] - w[0])
            .filter(|d| *d > 1e-9)
            .fold(None, |m: Option<f64>, d| Some(m.map_or(d, |m| m.min(d))))
    };
    let dx = spacing(centres.iter().map(|c| c.0).collect());
    let dy = spacing(centres.iter().map(|c| c.1).collect());
    match (dx, dy) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// Reads a GeoTIFF chunk by chunk (strips or tiles) straight into the grid, so memory holds the
/// grid (4 bytes a cell) and a chunk per thread.
fn geotiff(path: &Path, opts: &GridOptions, mut mbps: Vec<f32>) -> Result<Grid> {
    use tiff::tags::Tag;
    use tiff::ColorType;
    let fail = |e| unreadable(path, e);
    let mut dec = tiff_decoder(path)?;
    let (w, h) = dec.dimensions().map_err(fail)?;
    if !matches!(dec.colortype().map_err(fail)?, ColorType::Gray(_)) {
        return Err(Error::table(path, "only single-band GeoTIFFs are supported"));
    }
    let scale = dec.find_tag(Tag::ModelPixelScaleTag).map_err(fail)?;
    let tie = dec.find_tag(Tag::ModelTiepointTag).map_err(fail)?;
    let (Some(scale), Some(tie)) = (scale, tie) else {
        return Err(Error::table(path, "GeoTIFF without georeference (no ModelPixelScale/ModelTiepoint tags); export it with its CRS and transform"));
    };
    let scale = scale.into_f64_vec().map_err(fail)?;
    let tie = tie.into_f64_vec().map_err(fail)?;
    if scale.len() < 2 || tie.len() < 6 {
        return Err(Error::table(path, "malformed ModelPixelScale/ModelTiepoint tags"));
    }
    if (scale[0] - scale[1]).abs() > 1e-9 * scale[0].abs() || scale[0] <= 0.0 {
        return Err(Error::table(
            path,
            format!("cells are not square ({} × {} m); resample to square cells", scale[0], scale[1]),
        ));
    }
    let cell = scale[0];
    let crs = match dec.find_tag(Tag::GeoKeyDirectoryTag).map_err(fail)? {
        Some(keys) => {
            let keys = keys.into_u64_vec().map_err(fail)?;
            // Header of 4 shorts, then (key, location, count, value) entries; 3072 = ProjectedCSTypeGeoKey.
            let epsg = keys.get(4..).unwrap_or(&[]).chunks(4).find(|k| k.len() == 4 && k[0] == 3072).map(|k| k[3]);
            match epsg {
                Some(28992) => GridCrs::RdNew,
                Some(3035) => GridCrs::Laea,
                Some(other) => {
                    return Err(Error::table(
                        path,
                        format!("GeoTIFF in EPSG:{other}; reproject to EPSG:28992 or EPSG:3035"),
                    ))
                }
                None => opts.crs,
            }
        }
        None => opts.crs,
    };
    let nodata: Option<f64> = match dec.find_tag(Tag::GdalNodata).map_err(fail)? {
        Some(v) => v.into_string().ok().and_then(|s| s.trim_matches(char::from(0)).trim().parse().ok()),
        None => None,
    };
    let (cols, rows) = (w as usize, h as usize);
    if cols == 0 || rows == 0 {
        return Err(Error::table(path, format!("a GeoTIFF of {cols} × {rows} cells has no grid")));
    }
    if (cols * rows) as f64 > MAX_CELLS {
        return Err(Error::table(
            path,
            format!("{cols} × {rows} cells is more than the {MAX_CELLS} accepted; cut the grid into parts"),
        ));
    }
    let (chunk_w, chunk_h) = dec.chunk_dimensions();
    let (chunk_w, chunk_h) = ((chunk_w as usize).max(1), (chunk_h as usize).max(1));
    let across = cols.div_ceil(chunk_w);
    let chunks = match dec.get_chunk_type() {
        tiff::decoder::ChunkType::Strip => dec.strip_count().map_err(fail)?,
        tiff::decoder::ChunkType::Tile => dec.tile_count().map_err(fail)?,
    } as usize;
    if chunks != across * rows.div_ceil(chunk_h) {
        return Err(Error::table(path, format!("{chunks} chunks where a {cols} × {rows} image of {chunk_w} × {chunk_h} chunks has {}; the file is damaged", across * rows.div_ceil(chunk_h))));
    }
    // Every cell is written once below (each chunk must be exactly as large as its place in
    // the image), so a buffer of the right size is used as it is; fresh memory is filled in
    // parallel, its pages first touched by both threads.
    if mbps.len() != cols * rows {
        (0..cols * rows).into_par_iter().map(|_| f32::NAN).collect_into_vec(&mut mbps);
    }
    // Band r holds TIFF rows r·chunk_h.. (the rows run from the north, the grid's from the south,
    // so the bands are taken from the end of the grid). Runs of bands, one per thread, each read
    // by a decoder of its own; the first error in band order is the one reported.
    drop(dec);
    let mut bands: Vec<(usize, &mut [f32])> = mbps.rchunks_mut(chunk_h * cols).enumerate().collect();
    let per = bands.len().div_ceil(rayon::current_num_threads().max(1));
    let nodata_cells: Vec<Result<u64>> = bands
        .par_chunks_mut(per)
        .map(|run| {
            let mut dec = tiff_decoder(path)?;
            run.iter_mut().map(|(r, band)| read_band(&mut dec, path, *r, band, cols, (chunk_w, across), nodata)).sum()
        })
        .collect();
    let nodata_cells = nodata_cells.into_iter().sum::<Result<u64>>()?;
    let x0 = tie[3] - tie[0] * cell;
    let top = tie[4] + tie[1] * cell;
    let y0 = top - rows as f64 * cell;
    let n = (cols * rows) as u64;
    Ok(Grid {
        spec: GridSpec { x0, y0, cell, cols, rows },
        crs,
        mbps,
        source: SourceInfo {
            role: "grid".into(),
            path: path.display().to_string(),
            sha256: String::new(),
            rows: n,
            format: format!("GeoTIFF {cols} × {rows}, {cell} m, {}, {nodata_cells} nodata cells", crs.name()),
            columns: Vec::new(),
        },
        rows: RowCounts { rows_in: n, used: n, ..RowCounts::default() },
        rejects: Vec::new(),
    })
}

/// The error for a GeoTIFF the decoder cannot read.
fn unreadable(path: &Path, e: tiff::TiffError) -> Error {
    Error::table(path, format!("cannot read the GeoTIFF ({e}); the file is damaged or cut short: export it again"))
}

/// A TIFF decoder over the file, with limits taken from it: no tag value can be longer than the
/// file, nor a chunk hold more cells than a grid may (8 bytes a cell at most), so that a damaged
/// count or size is an error, not an allocation of any size (tiff's own defaults, 1 MiB and
/// 256 MiB, are too small for national grids).
fn tiff_decoder(path: &Path) -> Result<tiff::decoder::Decoder<std::io::BufReader<std::fs::File>>> {
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let len = file.metadata().map_err(|e| Error::io(path, e))?.len() as usize;
    let mut limits = tiff::decoder::Limits::default();
    limits.ifd_value_size = len;
    limits.intermediate_buffer_size = len;
    limits.decoding_buffer_size = MAX_CELLS as usize * 8;
    let dec = tiff::decoder::Decoder::new(std::io::BufReader::with_capacity(1 << 20, file));
    Ok(dec.map_err(|e| unreadable(path, e))?.with_limits(limits))
}

/// Reads band `r` (the chunks of TIFF rows r·chunk_h..) into `band`, its grid rows from the
/// south; returns the number of nodata cells.
fn read_band(
    dec: &mut tiff::decoder::Decoder<std::io::BufReader<std::fs::File>>,
    path: &Path,
    r: usize,
    band: &mut [f32],
    cols: usize,
    (chunk_w, across): (usize, usize),
    nodata: Option<f64>,
) -> Result<u64> {
    use tiff::decoder::DecodingResult;
    let height = band.len() / cols;
    let no = nodata.unwrap_or(f64::NAN);
    let mut nodata_cells = 0u64;
    for k in r * across..(r + 1) * across {
        let c0 = (k % across) * chunk_w;
        let (cw, ch) = dec.chunk_data_dimensions(k as u32);
        let (cw, ch) = (cw as usize, ch as usize);
        if cw != chunk_w.min(cols - c0) || ch != height {
            return Err(Error::table(path, format!("chunk {k} of {cw} × {ch} cells does not fit its place in the {cols}-column image; the file is damaged")));
        }
        // Each sample type converted in place, row by row, without branches so that the loop is
        // vectorised: a cell is nodata when it equals the nodata value or is not a finite
        // number ≥ 0 (NaN fails every test).
        macro_rules! put {
            ($v:expr) => {{
                let v = $v;
                if v.len() < cw * ch {
                    return Err(Error::table(
                        path,
                        format!("chunk {k} is shorter than its {cw} × {ch} cells; the file is damaged"),
                    ));
                }
                for dr in 0..ch {
                    let out = &mut band[(height - 1 - dr) * cols + c0..][..cw];
                    for (o, &x) in out.iter_mut().zip(&v[dr * cw..(dr + 1) * cw]) {
                        let x = x as f64;
                        let usable = (0.0..f64::INFINITY).contains(&x) & (x != no);
                        *o = if usable { x as f32 } else { f32::NAN };
                        nodata_cells += u64::from(!usable);
                    }
                }
            }};
        }
        match dec.read_chunk(k as u32).map_err(|e| unreadable(path, e))? {
            DecodingResult::U8(v) => put!(v),
            DecodingResult::U16(v) => put!(v),
            DecodingResult::U32(v) => put!(v),
            DecodingResult::I16(v) => put!(v),
            DecodingResult::I32(v) => put!(v),
            DecodingResult::F32(v) => put!(v),
            DecodingResult::F64(v) => put!(v),
            _ => {
                return Err(Error::table(
                    path,
                    "unsupported GeoTIFF sample type; use 8/16/32-bit integers or 32/64-bit floats",
                ))
            }
        }
    }
    Ok(nodata_cells)
}

/// Writes a single-band float32 GeoTIFF (for the demo and tests): `mbps` row-major from the south.
///
/// # Errors
/// [`Error::Io`] when the file cannot be written.
pub fn write_geotiff(path: &Path, spec: &GridSpec, crs: GridCrs, mbps: &[f32], nodata: f32) -> Result<()> {
    use tiff::encoder::{colortype::Gray32Float, TiffEncoder};
    use tiff::tags::Tag;
    let fail = |e: tiff::TiffError| Error::io(path, std::io::Error::other(e.to_string()));
    const ROWS_PER_STRIP: usize = 16;
    let mut bytes = std::io::Cursor::new(Vec::with_capacity(mbps.len() * 4 + 4096));
    {
        let mut enc = TiffEncoder::new(&mut bytes).map_err(fail)?;
        let mut img = enc.new_image::<Gray32Float>(spec.cols as u32, spec.rows as u32).map_err(fail)?;
        img.rows_per_strip(ROWS_PER_STRIP as u32).map_err(fail)?;
        let epsg: u16 = if crs == GridCrs::RdNew { 28992 } else { 3035 };
        let top = spec.y0 + spec.rows as f64 * spec.cell;
        img.encoder().write_tag(Tag::ModelPixelScaleTag, &[spec.cell, spec.cell, 0.0][..]).map_err(fail)?;
        img.encoder().write_tag(Tag::ModelTiepointTag, &[0.0, 0.0, 0.0, spec.x0, top, 0.0][..]).map_err(fail)?;
        // GeoKeyDirectory: version 1.1.0, 3 keys: model type projected, raster is area, projected CRS.
        let keys: [u16; 16] = [1, 1, 0, 3, 1024, 0, 1, 1, 1025, 0, 1, 1, 3072, 0, 1, epsg];
        img.encoder().write_tag(Tag::GeoKeyDirectoryTag, &keys[..]).map_err(fail)?;
        img.encoder().write_tag(Tag::GdalNodata, format!("{nodata}").as_str()).map_err(fail)?;
        // Strips from the north, each row flipped into place (rows are stored from the south).
        let mut strip = Vec::with_capacity(ROWS_PER_STRIP * spec.cols);
        for top_row in (0..spec.rows).step_by(ROWS_PER_STRIP) {
            strip.clear();
            for r in top_row..(top_row + ROWS_PER_STRIP).min(spec.rows) {
                let south = spec.rows - 1 - r;
                strip.extend(mbps[south * spec.cols..(south + 1) * spec.cols].iter().map(|v| {
                    if v.is_nan() {
                        nodata
                    } else {
                        *v
                    }
                }));
            }
            img.write_strip(&strip).map_err(fail)?;
        }
        img.finish().map_err(fail)?;
    }
    Ok(dekking_files::atomic::write(path, &bytes.into_inner())?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xy_csv_infers_the_cell_and_rejects_bad_rows() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("g.csv");
        std::fs::write(&p, "x,y,dl_mbps\n50,50,20\n150,50,5\n50,150,abc\n150,150,-1\n250,150,30\n250,150,31\n")
            .unwrap();
        let g = load(&p, &GridOptions::default()).unwrap();
        assert_eq!((g.spec.x0, g.spec.y0, g.spec.cell, g.spec.cols, g.spec.rows), (0.0, 0.0, 100.0, 3, 2));
        assert_eq!(g.get(0, 0), 20.0);
        assert_eq!(g.get(1, 2), 30.0);
        assert!(g.get(1, 0).is_nan());
        assert_eq!(g.rows.rows_in, 6);
        assert_eq!(g.rows.used, 3);
        assert_eq!(g.rows.rejected_total(), 3);
        assert!(g.rows.reconciles());
    }

    #[test]
    fn mixed_cell_sizes_are_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("g.csv");
        std::fs::write(&p, "x,y,dl_mbps\n50,50,20\n150,50,5\n175,50,5\n").unwrap();
        let e = load(&p, &GridOptions { cell_size: Some(100.0), ..GridOptions::default() }).unwrap_err().to_string();
        assert!(e.contains("row 3") && e.contains("off the 100 m lattice"), "{e}");
        let p2 = dir.path().join("r.csv");
        std::fs::write(&p2, "raster;dl_normal\n100mN1E1;1000000\n1kmN1E1;1000000\n").unwrap();
        assert!(load(&p2, &GridOptions::default()).unwrap_err().to_string().contains("mixed sizes"));
    }

    #[test]
    fn geotiff_round_trip_with_nodata() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("g.tif");
        let spec = GridSpec { x0: 100_000.0, y0: 400_000.0, cell: 25.0, cols: 3, rows: 2 };
        let v = [1.0, 2.0, f32::NAN, 4.0, 5.0, 6.0];
        write_geotiff(&p, &spec, GridCrs::RdNew, &v, -9999.0).unwrap();
        let g = load(&p, &GridOptions { crs: GridCrs::Laea, ..GridOptions::default() }).unwrap();
        assert_eq!(g.spec, spec);
        assert_eq!(g.crs, GridCrs::RdNew, "the GeoKey wins over the default");
        assert_eq!((g.get(0, 0), g.get(1, 2)), (1.0, 6.0));
        assert!(g.get(0, 2).is_nan());
    }

    /// Several strips (16 rows each): every cell comes back where it was written.
    #[test]
    fn geotiff_in_strips_round_trips_every_cell() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("s.tif");
        let spec = GridSpec { x0: 0.0, y0: 0.0, cell: 100.0, cols: 7, rows: 37 };
        let v: Vec<f32> = (0..spec.cols * spec.rows).map(|i| if i % 11 == 3 { f32::NAN } else { i as f32 }).collect();
        write_geotiff(&p, &spec, GridCrs::RdNew, &v, -1.0).unwrap();
        let g = load(&p, &GridOptions::default()).unwrap();
        assert_eq!(g.spec, spec);
        for (i, (a, b)) in v.iter().zip(&g.mbps).enumerate() {
            assert!(a == b || (a.is_nan() && b.is_nan()), "cell {i}: {a} vs {b}");
        }
        assert!(g.source.format.contains(&format!("{} nodata cells", v.iter().filter(|x| x.is_nan()).count())));
        assert_eq!(g.source.sha256, dekking_files::sha256_hex(&std::fs::read(&p).unwrap()));
    }

    /// A little-endian float32 GeoTIFF in tiles of 16 × 16 cells (stored padded at the right
    /// and bottom edges, padding 777), written byte by byte: the crate's encoder writes strips only.
    fn tiled_geotiff(cols: usize, rows: usize, value: impl Fn(usize, usize) -> f32) -> Vec<u8> {
        const T: usize = 16;
        let (across, down) = (cols.div_ceil(T), rows.div_ceil(T));
        let tiles = across * down;
        let entries: u32 = 15;
        let ifd_len = 2 + 12 * entries as usize + 4;
        let arrays = 8 + ifd_len;
        let (offsets_at, counts_at, scale_at, tie_at) =
            (arrays, arrays + 4 * tiles, arrays + 8 * tiles, arrays + 8 * tiles + 24);
        let data_at = tie_at + 48;
        let mut b = Vec::new();
        b.extend_from_slice(b"II*\0");
        b.extend_from_slice(&8u32.to_le_bytes());
        b.extend_from_slice(&(entries as u16).to_le_bytes());
        let mut entry = |tag: u16, kind: u16, count: u32, value: u32| {
            b.extend_from_slice(&tag.to_le_bytes());
            b.extend_from_slice(&kind.to_le_bytes());
            b.extend_from_slice(&count.to_le_bytes());
            b.extend_from_slice(&value.to_le_bytes());
        };
        let (short, long, double) = (3, 4, 12);
        entry(256, long, 1, cols as u32);
        entry(257, long, 1, rows as u32);
        entry(258, short, 1, 32);
        entry(259, short, 1, 1);
        entry(262, short, 1, 1);
        entry(277, short, 1, 1);
        entry(284, short, 1, 1);
        entry(322, short, 1, T as u32);
        entry(323, short, 1, T as u32);
        entry(324, long, tiles as u32, offsets_at as u32);
        entry(325, long, tiles as u32, counts_at as u32);
        entry(339, short, 1, 3);
        entry(33550, double, 3, scale_at as u32);
        entry(33922, double, 6, tie_at as u32);
        entry(42113, 2, 6, 0);
        b.extend_from_slice(&0u32.to_le_bytes());
        // GDAL_NODATA (the last entry) is ASCII "-9999\0", six bytes: too long for the entry, so stored after the tiles.
        let nodata_at = data_at + tiles * T * T * 4;
        let at = 8 + 2 + 12 * 14 + 8;
        b[at..at + 4].copy_from_slice(&(nodata_at as u32).to_le_bytes());
        for t in 0..tiles {
            b.extend_from_slice(&((data_at + t * T * T * 4) as u32).to_le_bytes());
        }
        for _ in 0..tiles {
            b.extend_from_slice(&((T * T * 4) as u32).to_le_bytes());
        }
        for v in [10.0f64, 10.0, 0.0] {
            b.extend_from_slice(&v.to_le_bytes());
        }
        for v in [0.0f64, 0.0, 0.0, 1000.0, 2000.0, 0.0] {
            b.extend_from_slice(&v.to_le_bytes());
        }
        assert_eq!(b.len(), data_at);
        for t in 0..tiles {
            let (r0, c0) = ((t / across) * T, (t % across) * T);
            for r in r0..r0 + T {
                for c in c0..c0 + T {
                    let v = if r < rows && c < cols { value(r, c) } else { 777.0 };
                    b.extend_from_slice(&v.to_le_bytes());
                }
            }
        }
        b.extend_from_slice(b"-9999\0");
        b
    }

    /// Tiles, the last column and row of them cut by the image's edge: every cell comes back
    /// where it was written (rows from the south), nodata as NaN, and no padding.
    #[test]
    fn tiled_geotiff_round_trips_every_cell() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("t.tif");
        let (cols, rows) = (40, 35);
        let value = |r: usize, c: usize| if (r * cols + c) % 13 == 5 { -9999.0 } else { (r * 100 + c) as f32 };
        std::fs::write(&p, tiled_geotiff(cols, rows, value)).unwrap();
        let g = load(&p, &GridOptions::default()).unwrap();
        assert_eq!(g.spec, GridSpec { x0: 1000.0, y0: 2000.0 - 350.0, cell: 10.0, cols, rows });
        for r in 0..rows {
            for c in 0..cols {
                let (want, got) = (value(r, c), g.get(rows - 1 - r, c));
                assert!(want == got || (want == -9999.0 && got.is_nan()), "north row {r}, column {c}: {want} vs {got}");
            }
        }
        let nodata = (0..rows * cols).filter(|i| i % 13 == 5).count();
        assert!(g.source.format.contains(&format!("{nodata} nodata cells")), "{}", g.source.format);
    }

    proptest::proptest! {
        /// A tiled GeoTIFF damaged in its header, tags or tile tables (the first 500 bytes) loads
        /// or fails with an error naming the file; it never panics.
        #[test]
        fn damaged_tiled_geotiffs_fail_cleanly(edits in proptest::collection::vec((0usize..500, proptest::prelude::any::<u8>()), 1..6)) {
            let dir = tempfile::tempdir().unwrap();
            let p = dir.path().join("t.tif");
            let mut bytes = tiled_geotiff(40, 35, |r, c| (r + c) as f32);
            for (at, v) in edits {
                bytes[at] = v;
            }
            std::fs::write(&p, bytes).unwrap();
            if let Err(e) = load(&p, &GridOptions::default()) {
                proptest::prop_assert!(e.to_string().contains("t.tif"), "{}", e);
            }
        }
    }

    #[test]
    fn geotiff_without_georeference_is_refused() {
        use tiff::encoder::{colortype::Gray32Float, TiffEncoder};
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("plain.tif");
        let mut bytes = std::io::Cursor::new(Vec::new());
        TiffEncoder::new(&mut bytes).unwrap().write_image::<Gray32Float>(2, 2, &[1.0, 2.0, 3.0, 4.0]).unwrap();
        std::fs::write(&p, bytes.into_inner()).unwrap();
        let e = load(&p, &GridOptions::default()).unwrap_err().to_string();
        assert!(e.contains("without georeference"), "{e}");
    }

    /// A tag whose count claims more bytes than the file has is an error, not an attempt to
    /// allocate them (a mutated GeoTIFF once asked for 113 GB and aborted the process).
    #[test]
    fn a_tag_longer_than_the_file_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("g.tif");
        let spec = GridSpec { x0: 100_000.0, y0: 400_000.0, cell: 100.0, cols: 4, rows: 3 };
        write_geotiff(&p, &spec, GridCrs::RdNew, &[12.0; 12], -1.0).unwrap();
        let mut bytes = std::fs::read(&p).unwrap();
        assert_eq!(&bytes[..4], b"II*\0", "a little-endian TIFF");
        let ifd = u32::from_le_bytes(bytes[4..8].try_into().unwrap()) as usize;
        let entries = u16::from_le_bytes(bytes[ifd..ifd + 2].try_into().unwrap()) as usize;
        // ModelTiepointTag (33922), eight-byte doubles: the largest count claims 32 GiB, more
        // than the memory of the machines this runs on, so an attempt would abort the tests.
        let at = (0..entries)
            .map(|e| ifd + 2 + 12 * e)
            .find(|&at| u16::from_le_bytes(bytes[at..at + 2].try_into().unwrap()) == 33922)
            .unwrap();
        bytes[at + 4..at + 8].copy_from_slice(&u32::MAX.to_le_bytes());
        std::fs::write(&p, bytes).unwrap();
        let e = load(&p, &GridOptions::default()).unwrap_err().to_string();
        assert!(e.contains("g.tif") && e.contains("cannot read the GeoTIFF"), "{e}");
    }

    #[test]
    fn a_tif_that_is_not_a_tiff_is_named_so() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("cut.tif");
        std::fs::write(&p, b"II").unwrap();
        let e = load(&p, &GridOptions::default()).unwrap_err().to_string();
        assert!(e.contains("cut.tif") && e.contains("not a TIFF file"), "{e}");
    }
}
