//! CSV writers: `coverage.csv` and `rejected.csv` (UTF-8, comma, header row, RFC 4180 quoting).

use crate::error::{Error, Result};
use crate::io::reject::Reject;
use crate::measure::fixed::Unit;
use crate::report::format;
use crate::report::FixedReport;

/// The columns of `coverage.csv` and `coverage.parquet`, in order.
pub const COVERAGE_COLUMNS: [&str; 16] = [
    "level",
    "area_code",
    "area_name",
    "threshold",
    "down_mbps",
    "up_mbps",
    "technologies",
    "unit",
    "addresses",
    "universe",
    "covered",
    "share",
    "short",
    "target_id",
    "target_pct",
    "meets_target",
];

fn csv_err(e: impl std::fmt::Display) -> Error {
    Error::table("<output>", format!("writing CSV: {e}"))
}

/// The bytes of `coverage.csv`.
///
/// # Errors
/// Only on an internal serialisation failure.
pub fn coverage(report: &FixedReport) -> Result<Vec<u8>> {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    w.write_record(COVERAGE_COLUMNS).map_err(csv_err)?;
    let c = &report.coverage;
    let amount = |m: u64| match c.unit {
        Unit::Addresses => (m / 1_000_000).to_string(),
        Unit::Households => format::micro(m),
    };
    for (row, v) in c.rows.iter().zip(&report.verdicts) {
        let t = &c.thresholds[row.threshold];
        w.write_record([
            row.level.to_string(),
            row.area_code.clone(),
            row.area_name.clone(),
            t.to_string(),
            t.down_mbps.to_string(),
            t.up_mbps.to_string(),
            t.technologies.as_ref().map(|x| x.join(",")).unwrap_or_default(),
            c.unit.name().to_string(),
            row.addresses.to_string(),
            amount(row.universe_micro),
            amount(row.covered_micro),
            format::share(row.share()),
            amount(row.short_micro()),
            v.target_id.clone().unwrap_or_default(),
            v.target_pct.map(|p| p.to_string()).unwrap_or_default(),
            format::yes_no(v.meets_target).to_string(),
        ])
        .map_err(csv_err)?;
    }
    w.into_inner().map_err(csv_err)
}

/// The bytes of `rejected.csv`: file, row, reason, detail.
///
/// # Errors
/// Only on an internal serialisation failure.
pub fn rejects(rejects: &[Reject]) -> Result<Vec<u8>> {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    w.write_record(["file", "row", "reason", "detail"]).map_err(csv_err)?;
    for r in rejects {
        w.write_record([r.file.as_str(), &r.row.to_string(), r.reason.code(), &r.detail]).map_err(csv_err)?;
    }
    w.into_inner().map_err(csv_err)
}
