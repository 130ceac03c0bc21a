//! CSV writers: `coverage.csv`, `classes.csv` and `rejected.csv` (UTF-8, comma, header row, RFC 4180 quoting).

use crate::error::{Error, Result};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::model::classes::Classes;
use crate::model::fixed::{CoverageRow, FixedReport, Verdict};
use crate::model::outputs::{header, CoverageLine};
use crate::model::rows::Reject;

fn csv_err(e: impl std::fmt::Display) -> Error {
    Error::table("<output>", format!("writing CSV: {e}"))
}

/// The bytes of a table of `rows` of one kind: the header (even without rows), then a line per row.
///
/// # Errors
/// Only on an internal serialisation failure.
pub fn lines<T: Serialize + DeserializeOwned>(rows: impl IntoIterator<Item = T>) -> Result<Vec<u8>> {
    let mut w = ::csv::WriterBuilder::new().has_headers(false).from_writer(Vec::new());
    w.write_record(header::<T>()).map_err(csv_err)?;
    for row in rows {
        w.serialize(row).map_err(csv_err)?;
    }
    w.into_inner().map_err(csv_err)
}

/// The bytes of `coverage.csv`: one [`CoverageLine`] per coverage row.
///
/// # Errors
/// Only on an internal serialisation failure.
pub fn coverage(report: &FixedReport) -> Result<Vec<u8>> {
    let c = &report.coverage;
    let rows = c.rows.iter().zip(&report.verdicts);
    let line = |(row, v): (&CoverageRow, &Verdict)| CoverageLine::new(row, &c.thresholds[row.threshold], c.unit, v);
    if report.min_count.is_none() {
        return lines(rows.map(line));
    }
    // With --min-count, a last column `suppressed` (yes/no).
    let mut w = ::csv::WriterBuilder::new().has_headers(false).from_writer(Vec::new());
    w.write_record(header::<CoverageLine>().iter().chain(&["suppressed"])).map_err(csv_err)?;
    for r in rows {
        let suppressed = if r.0.suppressed { "yes" } else { "no" };
        w.serialize((line(r), suppressed)).map_err(csv_err)?;
    }
    w.into_inner().map_err(csv_err)
}

/// The bytes of `classes.csv`: `level, area_code, area_name, locations`, then the locations of
/// each class, worst first (for BEAD: `unserved, underserved, served`).
///
/// # Errors
/// Only on an internal serialisation failure.
pub fn classes(c: &Classes) -> Result<Vec<u8>> {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    let head = ["level", "area_code", "area_name", "locations"].map(String::from);
    w.write_record(head.into_iter().chain(c.scheme.columns())).map_err(csv_err)?;
    for r in &c.rows {
        let first = [r.level.to_string(), r.area_code.clone(), r.area_name.clone(), r.locations.to_string()];
        w.write_record(first.into_iter().chain(r.counts.iter().map(u64::to_string))).map_err(csv_err)?;
    }
    w.into_inner().map_err(csv_err)
}

/// The bytes of `class_locations.csv`: `location_id, area_code, class`, one line per location.
///
/// # Errors
/// Only on an internal serialisation failure.
pub fn class_locations(c: &Classes) -> Result<Vec<u8>> {
    let names = c.scheme.columns();
    let mut w = ::csv::Writer::from_writer(Vec::new());
    w.write_record(["location_id", "area_code", "class"]).map_err(csv_err)?;
    for (id, area, class) in &c.locations {
        w.write_record([id.as_str(), area.as_str(), names[usize::from(*class)].as_str()]).map_err(csv_err)?;
    }
    w.into_inner().map_err(csv_err)
}

/// The bytes of `rejected.csv`: file, row, reason, detail.
///
/// # Errors
/// Only on an internal serialisation failure.
pub fn rejects(rejects: &[Reject]) -> Result<Vec<u8>> {
    lines(rejects.iter().cloned())
}
