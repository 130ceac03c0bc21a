//! Drive-test measurements: one row per download attempt with operator, position, time and either
//! the measured download speed or a success flag. Columns (case-insensitive): `operator`; `x`/`y`
//! (RD New metres) or `lon`/`lat`; `time` (`YYYY-MM-DD` or an RFC 3339 timestamp); `dl_mbps`
//! and/or `success` (1/0, true/false, yes/no, ja/nee).

use std::path::Path;

use crate::error::{Error, Result};
use crate::io::points::{position, RD_NAMES, WGS84_NAMES};
use crate::model::date::Date;
use crate::model::rows::{Reject, RejectReason, RowCounts};
use crate::model::source::SourceInfo;
use dekking_table::{shown, Table, Want};

/// One usable attempt.
#[derive(Debug, Clone, PartialEq)]
pub struct Attempt {
    /// 1-based data row.
    pub row: u64,
    /// Operator as written in the file.
    pub operator: String,
    /// Position in RD New metres.
    pub x: f64,
    /// Position in RD New metres.
    pub y: f64,
    /// Day of the attempt.
    pub date: Date,
    /// Measured download speed, Mbps.
    pub dl_mbps: Option<f64>,
    /// Success flag as given.
    pub success: Option<bool>,
}

/// A drive-test file.
#[derive(Debug, Clone)]
pub struct DriveTests {
    /// Usable attempts.
    pub attempts: Vec<Attempt>,
    /// Rejected rows.
    pub rejects: Vec<Reject>,
    /// Row accounting.
    pub rows: RowCounts,
    /// Provenance.
    pub source: SourceInfo,
}

fn flag(s: &str) -> Option<bool> {
    match s.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "ja" | "y" | "j" => Some(true),
        "0" | "false" | "no" | "nee" | "n" => Some(false),
        _ => None,
    }
}

/// Reads a drive-test CSV or Parquet file.
///
/// # Errors
/// [`Error::Table`] when a required column is missing or the file cannot be parsed.
pub fn load(path: &Path) -> Result<DriveTests> {
    let t = Table::open(path, None)?;
    let find = |names: &[&str]| position(&t.header, names);
    let need = |what: &str, names: &[&str]| {
        find(names).ok_or_else(|| {
            Error::table(path, format!("drive-test file without a `{what}` column (looked for {})", names.join(", ")))
        })
    };
    let op = need("operator", &["operator", "operatör", "aanbieder", "mno"])?;
    let time = need("time", &["time", "timestamp", "datetime", "date", "tijd", "datum"])?;
    let (xy, rd) = match (find(RD_NAMES.0), find(RD_NAMES.1)) {
        (Some(x), Some(y)) => ((x, y), true),
        _ => ((need("lon", WGS84_NAMES.0)?, need("lat", WGS84_NAMES.1)?), false),
    };
    let dl = find(&["dl_mbps", "download_mbps", "mbps"]);
    let ok = find(&["success", "succes", "ok"]);
    if dl.is_none() && ok.is_none() {
        return Err(Error::table(path, "drive-test file needs a `dl_mbps` or a `success` column"));
    }
    let mut cols = vec![(op, Want::Text), (time, Want::Text), (xy.0, Want::Number), (xy.1, Want::Number)];
    cols.extend(dl.map(|c| (c, Want::Number)));
    cols.extend(ok.map(|c| (c, Want::Text)));
    let v = t.read(&cols)?;
    let (i_dl, i_ok) = (dl.map(|_| 4), ok.map(|_| if dl.is_some() { 5 } else { 4 }));
    let file = path.display().to_string();
    let mut rows = RowCounts { rows_in: v[0].len() as u64, ..RowCounts::default() };
    let mut rejects = Vec::new();
    let mut attempts = Vec::new();
    for i in 0..v[0].len() {
        let row = i as u64 + 1;
        let mut bad = |reason: RejectReason, detail: String| rows.reject(&mut rejects, &file, row, reason, detail);
        let Some(operator) = v[0].text(i) else {
            bad(RejectReason::UnknownOperator, "operator is empty".into());
            continue;
        };
        let Some(date) = v[1].text(i).and_then(|s| s.get(..10).and_then(Date::parse)) else {
            bad(
                RejectReason::OutsideLicencePeriod,
                format!("time {:?} is not a date", v[1].text(i).unwrap_or_default()),
            );
            continue;
        };
        let (x, y) = match (v[2].number(i), v[3].number(i)) {
            (Ok(a), Ok(b)) if rd => (a, b),
            (Ok(lon), Ok(lat)) => dekking_crs::wgs84_to_rd(lon, lat),
            (a, b) => {
                bad(RejectReason::InvalidCoordinate, format!("position = {}, {}", shown(&a), shown(&b)));
                continue;
            }
        };
        let dl_mbps = i_dl.and_then(|k| v[k].number(i).ok());
        let success = i_ok.and_then(|k| v[k].text(i).and_then(|s| flag(&s)));
        if dl_mbps.is_none() && success.is_none() {
            bad(RejectReason::MissingSpeed, "neither dl_mbps nor success is usable".into());
            continue;
        }
        rows.used += 1;
        attempts.push(Attempt { row, operator: operator.to_string(), x, y, date, dl_mbps, success });
    }
    let source = SourceInfo {
        role: "drive_tests".into(),
        path: file,
        sha256: t.sha256().to_string(),
        rows: rows.rows_in,
        format: if rd { "drive tests, RD New".into() } else { "drive tests, WGS84".into() },
        columns: Vec::new(),
    };
    Ok(DriveTests { attempts, rejects, rows, source })
}
