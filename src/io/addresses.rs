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

use std::path::{Path, PathBuf};

use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::io::columns::Field;
use crate::io::profile::{AreaScheme, Profile, XyCrs};
use crate::io::reject::{Reject, RejectReason, RowCounts, MAX_PLAUSIBLE_MBPS};
use crate::io::keys::{self, NONE, NO_KEY};
use crate::io::table::{NumberError, Table, Values, Want};
use crate::progress::Progress;

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

/// Normalised area codes seen in the input, interned to small integers.
#[derive(Debug, Clone, Default)]
pub struct AreaCodes {
    /// The normalised codes, by index.
    pub codes: Vec<String>,
    raw: FxHashMap<String, Option<u32>>,
    normal: FxHashMap<String, u32>,
}

impl AreaCodes {
    /// Interns a raw code: `None` when it is malformed for the scheme.
    fn intern(&mut self, scheme: AreaScheme, raw: &str) -> Option<u32> {
        if let Some(hit) = self.raw.get(raw) {
            return *hit;
        }
        let idx = scheme.normalise(raw).map(|code| {
            let next = self.codes.len() as u32;
            *self.normal.entry(code.clone()).or_insert_with(|| {
                self.codes.push(code);
                next
            })
        });
        self.raw.insert(raw.to_string(), idx);
        idx
    }
}

/// The distinct addresses of a run, in order of first appearance.
#[derive(Debug, Clone, Default)]
pub struct Addresses {
    /// The data row (1-based) where each address was first seen.
    pub first_row: Vec<u64>,
    /// The location of each address.
    pub location: Vec<Location>,
    /// The weight of each address in the run's unit (1 when unweighted).
    pub weight: Vec<f64>,
    /// The CRS of [`Location::Point`] coordinates.
    pub point_crs: Option<XyCrs>,
    /// The file the addresses come from (the universe, or the records).
    pub file: String,
}

impl Addresses {
    fn reserve(&mut self, n: usize) {
        self.first_row.reserve(n);
        self.location.reserve(n);
        self.weight.reserve(n);
    }

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
    pub row: Vec<u64>,
    /// Maximum download speed, Mbps.
    pub down_mbps: Vec<f64>,
    /// Maximum upload speed, Mbps (0 when the input has no upload column).
    pub up_mbps: Vec<f64>,
    /// Technology of each record, as an index into [`Records::technologies`] (`u32::MAX` = none).
    pub technology: Vec<u32>,
    /// The distinct technology values.
    pub technologies: Vec<String>,
    /// Whether the input had an upload column.
    pub has_up: bool,
}

impl Records {
    fn reserve(&mut self, n: usize) {
        self.address.reserve(n);
        self.row.reserve(n);
        self.down_mbps.reserve(n);
        self.up_mbps.reserve(n);
        self.technology.reserve(n);
    }
}

/// Facts about one input file, for provenance.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SourceInfo {
    /// The role of the file (`records`, `universe`, `boundaries`, ...).
    pub role: String,
    /// The path as given.
    pub path: String,
    /// SHA-256 of the bytes.
    pub sha256: String,
    /// Data rows (features, for geometry files).
    pub rows: u64,
    /// Encoding, delimiter and format as detected.
    pub format: String,
    /// Which column was used for each field.
    pub columns: Vec<(String, String)>,
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
    /// Row accounting for the records file.
    pub record_rows: RowCounts,
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

fn file_label(path: &Path) -> String {
    path.display().to_string()
}

fn open_columns(
    table: &Table,
    profile: &Profile,
    role: &str,
    extra: &[(Field, bool)],
    with_location: bool,
    use_weights: bool,
) -> Result<(Columns, Vec<Option<Values>>, SourceInfo)> {
    let found = profile.resolve(&table.header);
    let missing = |field: Field| match (&table.header[..], table.delimiter) {
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
    for &(field, required) in extra {
        match found.get(&field) {
            Some(&i) => wanted.push((field, i, if field == Field::Technology { Want::Text } else { Want::Number })),
            None if required => return Err(missing(field)),
            None => {}
        }
    }
    let asked: Vec<(usize, Want)> = wanted.iter().map(|(_, i, w)| (*i, *w)).collect();
    let mut values: Vec<Option<Values>> = table.read(&asked)?.into_iter().map(Some).collect();
    let mut take = |field: Field| wanted.iter().position(|(f, _, _)| *f == field).and_then(|k| values[k].take());
    let id = take(Field::AddressId).expect("the id column is always read");
    let area = take(Field::AreaCode);
    let xy = match xy_crs {
        Some(crs) => {
            let x = take(Field::X).or_else(|| take(Field::Lon)).expect("x or lon was read");
            let y = take(Field::Y).or_else(|| take(Field::Lat)).expect("y or lat was read");
            Some((x, y, crs))
        }
        None => None,
    };
    let weight = take(Field::Weight);
    let cols = Columns { id, area, xy, weight };
    let extras = extra.iter().map(|(f, _)| take(*f)).collect();
    let rows = cols.id.len() as u64;
    let info = SourceInfo {
        role: role.into(),
        path: file_label(&table.path),
        sha256: table.sha256.clone(),
        rows,
        format: match table.delimiter {
            Some(d) => format!("csv, {}, delimiter {:?}", table.encoding, d as char),
            None => "parquet".into(),
        },
        columns: wanted.iter().map(|(f, i, _)| (f.name().to_string(), table.header[*i].clone())).collect(),
    };
    Ok((cols, extras, info))
}

fn speed(values: &Values, row: usize, field: Field) -> std::result::Result<f64, (RejectReason, String)> {
    match values.number(row) {
        Ok(v) if v < 0.0 => Err((RejectReason::NegativeSpeed, format!("{field} = {v}"))),
        Ok(v) if v > MAX_PLAUSIBLE_MBPS => Err((RejectReason::ImplausibleSpeed, format!("{field} = {v} Mbps > {MAX_PLAUSIBLE_MBPS}"))),
        Ok(v) => Ok(v),
        Err(NumberError::Missing) => Err((RejectReason::MissingSpeed, format!("{field} is empty"))),
        Err(NumberError::Invalid(s)) => Err((RejectReason::InvalidSpeed, format!("{field} = {s:?}"))),
    }
}

/// Reads the location and weight of row `i`.
fn locate(
    cols: &Columns,
    i: usize,
    scheme: AreaScheme,
    codes: &mut AreaCodes,
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
    if let Some(raw) = cols.area.as_ref().and_then(|a| a.text(i)) {
        return match codes.intern(scheme, &raw) {
            Some(c) => Ok((Location::Area(c), weight)),
            None => Err((RejectReason::BadAreaCode, format!("area_code = {raw:?}"))),
        };
    }
    let Some((xs, ys, _)) = &cols.xy else {
        return Err((RejectReason::NoLocation, "area_code is empty and there are no coordinates".into()));
    };
    match (xs.number(i), ys.number(i)) {
        (Ok(x), Ok(y)) => Ok((Location::Point { x, y }, weight)),
        (Err(NumberError::Missing), Err(NumberError::Missing)) => {
            Err((RejectReason::NoLocation, "no area code and no coordinates".into()))
        }
        (x, y) => Err((RejectReason::InvalidCoordinate, format!("x/y = {x:?} / {y:?}"))),
    }
}

fn reject(rejects: &mut Vec<Reject>, counts: &mut RowCounts, file: &str, row: u64, (reason, detail): (RejectReason, String)) {
    counts.reject(rejects, file, row, reason, detail);
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

/// Loads records (and the universe, when given) as described by `spec`.
///
/// # Errors
/// [`Error::Io`] or [`Error::Table`] for unreadable files, [`Error::MissingColumn`] when the id,
/// the download speed or every location column is missing, and [`Error::NoData`] when no row is
/// usable.
pub fn load(spec: &InputSpec, progress: &mut dyn Progress) -> Result<Availability> {
    let scheme = spec.profile.area;
    let mut codes = AreaCodes::default();
    let mut rejects = Vec::new();
    let mut sources = Vec::new();
    let mut addresses = Addresses::default();
    let mut universe_rows = None;
    let mut weighted = false;
    // Universe keys per row, and the address each accepted universe row became.
    let mut ukeys: Vec<u128> = Vec::new();
    let mut uaddress: Vec<u32> = Vec::new();

    if let Some(upath) = &spec.universe {
        progress.stage("read universe", None);
        let table = Table::open(upath, spec.delimiter)?;
        let (cols, _, info) = open_columns(&table, &spec.profile, "universe", &[], true, spec.use_weights)?;
        let file = file_label(upath);
        let mut counts = RowCounts { rows_in: cols.id.len() as u64, ..RowCounts::default() };
        addresses.reserve(cols.id.len());
        addresses.point_crs = cols.xy.as_ref().map(|c| c.2);
        addresses.file = file.clone();
        weighted = cols.weight.is_some();
        ukeys = keys::hash_column(&cols.id);
        let leader = keys::first_rows(&ukeys);
        uaddress = vec![NONE; ukeys.len()];
        let mut at_leader = vec![NONE; ukeys.len()];
        for i in 0..cols.id.len() {
            let row = i as u64 + 1;
            if ukeys[i] == NO_KEY {
                reject(&mut rejects, &mut counts, &file, row, (RejectReason::MissingAddressId, "address_id is empty".into()));
                continue;
            }
            let first = at_leader[leader[i] as usize];
            if first != NONE {
                let id = cols.id.text(i).unwrap_or_default();
                let detail = format!("address_id {id:?} first at row {}", addresses.first_row[first as usize]);
                reject(&mut rejects, &mut counts, &file, row, (RejectReason::DuplicateInUniverse, detail));
                continue;
            }
            match locate(&cols, i, scheme, &mut codes) {
                Ok((loc, w)) => {
                    let a = addresses.location.len() as u32;
                    at_leader[leader[i] as usize] = a;
                    uaddress[i] = a;
                    addresses.first_row.push(row);
                    addresses.location.push(loc);
                    addresses.weight.push(w);
                    counts.used += 1;
                }
                Err(r) => reject(&mut rejects, &mut counts, &file, row, r),
            }
        }
        sources.push(info);
        if addresses.is_empty() {
            return Err(Error::NoData { file: upath.clone(), reason: "every universe row was rejected".into() });
        }
        universe_rows = Some(counts);
    }

    let universe_given = spec.universe.is_some();
    progress.stage("read records", None);
    let table = Table::open(&spec.records, spec.delimiter)?;
    let extra = [(Field::DownMbps, true), (Field::UpMbps, false), (Field::Technology, false)];
    let (cols, mut ex, info) = open_columns(&table, &spec.profile, "records", &extra, !universe_given, spec.use_weights)?;
    let down = ex[0].take().expect("required column");
    let up = ex[1].take();
    let tech = ex[2].take();
    let file = file_label(&spec.records);
    if !universe_given {
        addresses.point_crs = cols.xy.as_ref().map(|c| c.2);
        addresses.file = file.clone();
        weighted = cols.weight.is_some();
    }
    let n = cols.id.len();
    let mut counts = RowCounts { rows_in: n as u64, ..RowCounts::default() };
    let mut records = Records { has_up: up.is_some(), ..Records::default() };
    records.reserve(n);
    if !universe_given {
        addresses.reserve(n);
    }
    let mut tech_index: FxHashMap<String, u32> = FxHashMap::default();
    let mut location_conflicts = 0u64;
    let mut conflicted: Vec<bool> = Vec::new();
    progress.stage("address keys", None);
    let rkeys = keys::hash_column(&cols.id);
    // With a universe: each record's address by a partitioned join; without: the first row of
    // each record's key, and the address made at that row (the first *usable* row wins).
    let (in_universe, leader) = if universe_given {
        (keys::join(&ukeys, &uaddress, &rkeys), Vec::new())
    } else {
        (Vec::new(), keys::first_rows(&rkeys))
    };
    drop((ukeys, uaddress));
    let mut at_leader = vec![NONE; if universe_given { 0 } else { n }];
    progress.stage("check records", Some(n as u64));
    for i in 0..n {
        let row = i as u64 + 1;
        if rkeys[i] == NO_KEY {
            reject(&mut rejects, &mut counts, &file, row, (RejectReason::MissingAddressId, "address_id is empty".into()));
            continue;
        }
        let d = match speed(&down, i, Field::DownMbps) {
            Ok(v) => v,
            Err(r) => {
                reject(&mut rejects, &mut counts, &file, row, r);
                continue;
            }
        };
        let u = match up.as_ref().map(|u| speed(u, i, Field::UpMbps)) {
            None => 0.0,
            Some(Ok(v)) => v,
            Some(Err(r)) => {
                reject(&mut rejects, &mut counts, &file, row, r);
                continue;
            }
        };
        let addr = if universe_given {
            match in_universe[i] {
                NONE => {
                    let id = cols.id.text(i).unwrap_or_default();
                    let detail = format!("address_id {id:?} is not in the universe file");
                    reject(&mut rejects, &mut counts, &file, row, (RejectReason::NotInUniverse, detail));
                    continue;
                }
                a => a,
            }
        } else {
            let known = Some(at_leader[leader[i] as usize]).filter(|&a| a != NONE);
            let located = locate(&cols, i, scheme, &mut codes);
            match (known, located) {
                (_, Err(r)) => {
                    reject(&mut rejects, &mut counts, &file, row, r);
                    continue;
                }
                (Some(a), Ok((loc, _))) => {
                    if addresses.location[a as usize] != loc && !conflicted[a as usize] {
                        conflicted[a as usize] = true;
                        location_conflicts += 1;
                    }
                    a
                }
                (None, Ok((loc, w))) => {
                    let a = addresses.location.len() as u32;
                    at_leader[leader[i] as usize] = a;
                    addresses.first_row.push(row);
                    addresses.location.push(loc);
                    addresses.weight.push(w);
                    conflicted.push(false);
                    a
                }
            }
        };
        let t = match tech.as_ref().and_then(|t| t.text(i)) {
            None => u32::MAX,
            Some(s) => match tech_index.get(s.as_ref()) {
                Some(&k) => k,
                None => {
                    let k = records.technologies.len() as u32;
                    records.technologies.push(s.to_string());
                    tech_index.insert(s.to_string(), k);
                    k
                }
            },
        };
        records.address.push(addr);
        records.row.push(row);
        records.down_mbps.push(d);
        records.up_mbps.push(u);
        records.technology.push(t);
        counts.used += 1;
    }
    sources.push(info);
    if !universe_given && addresses.is_empty() {
        return Err(Error::NoData {
            file: spec.records.clone(),
            reason: if n == 0 { "the file has a header but no data rows".into() } else { "every row was rejected".into() },
        });
    }
    Ok(Availability {
        addresses,
        records,
        codes,
        rejects,
        record_rows: counts,
        universe_rows,
        universe_given,
        weighted,
        location_conflicts,
        sources,
    })
}
