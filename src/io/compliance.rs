//! Reads the compliance table that `dekking mobile` wrote (`mobile.csv`), for the yearly report.

use std::path::{Path, PathBuf};

use crate::date::Date;
use crate::error::{Error, Result};
use crate::io::addresses::SourceInfo;
use crate::judge::licences::Compliance;
use crate::report::mobile::MOBILE_COLUMNS;
use dekking_files::sha256_hex;

/// `mobile.csv` inside `path` when it is a directory, else `path` itself.
#[must_use]
pub fn resolve(path: &Path) -> PathBuf {
    if path.is_dir() {
        path.join("mobile.csv")
    } else {
        path.to_path_buf()
    }
}

/// Reads a `mobile.csv` of `dekking mobile` (a directory holding one may be given).
///
/// # Errors
/// [`Error::Io`] when unreadable; [`Error::Table`] naming the row and column for a missing
/// column or a value that is not what `dekking mobile` writes.
pub fn load(path: &Path) -> Result<(Vec<Compliance>, SourceInfo)> {
    let file = resolve(path);
    let bytes = std::fs::read(&file).map_err(|e| Error::io(&file, e))?;
    let mut r = csv::ReaderBuilder::new().from_reader(&bytes[..]);
    let header: Vec<String> =
        r.headers().map_err(|e| Error::table(&file, format!("header: {e}")))?.iter().map(str::to_string).collect();
    let mut at = [0usize; MOBILE_COLUMNS.len()];
    for (k, name) in MOBILE_COLUMNS.iter().enumerate() {
        at[k] = header.iter().position(|h| h == name).ok_or_else(|| {
            Error::table(
                &file,
                format!("missing column `{name}`; give the mobile.csv (or its folder) that `dekking mobile` wrote"),
            )
        })?;
    }
    let mut rows = Vec::new();
    for (i, rec) in r.records().enumerate() {
        let row = i + 1;
        let rec = rec.map_err(|e| Error::table(&file, format!("row {row}: {e}")))?;
        let get = |k: usize| rec.get(at[k]).unwrap_or("");
        let bad = |k: usize, what: &str| {
            Error::table(&file, format!("row {row}, column `{}`: {:?} is not {what}", MOBILE_COLUMNS[k], get(k)))
        };
        let num = |k: usize| get(k).parse::<f64>().map_err(|_| bad(k, "a number"));
        let opt = |k: usize| if get(k).is_empty() { Ok(None) } else { num(k).map(Some) };
        let compliant = match get(13) {
            "yes" => Some(true),
            "no" => Some(false),
            "" => None,
            _ => return Err(bad(13, "yes, no or empty")),
        };
        rows.push(Compliance {
            operator: get(0).to_string(),
            area_code: get(1).to_string(),
            area_name: get(2).to_string(),
            date: Date::parse(get(3)).ok_or_else(|| bad(3, "a date YYYY-MM-DD"))?,
            required_mbps: num(4)?,
            required_pct: num(5)?,
            ontheffing: Some(get(6).to_string()).filter(|s| !s.is_empty()),
            area_km2: num(7)?,
            excluded_km2: num(8)?,
            eligible_km2: num(9)?,
            covered_km2: num(10)?,
            nodata_km2: num(11)?,
            share: opt(12)?,
            compliant,
            shortfall_km2: num(14)?,
            shortfall_pp: num(15)?,
        });
    }
    if rows.is_empty() {
        return Err(Error::table(&file, "no rows; give the mobile.csv of a `dekking mobile` run"));
    }
    let info = SourceInfo {
        role: "mobile".into(),
        path: file.display().to_string(),
        sha256: sha256_hex(&bytes),
        rows: rows.len() as u64,
        format: "csv (dekking mobile)".into(),
        columns: Vec::new(),
    };
    Ok((rows, info))
}
