//! `coverage.parquet`: the columns of `coverage.csv`, typed. Universe, covered and short are
//! integers for the unit `addresses` and floats for `households`.

use polars::prelude::*;

use crate::error::{Error, Result};
use crate::model::fixed::FixedReport;
use crate::model::fixed::Unit;

/// The bytes of `coverage.parquet` (zstd-compressed, one row group per 262,144 rows).
///
/// # Errors
/// Only on an internal serialisation failure.
pub fn coverage(report: &FixedReport) -> Result<Vec<u8>> {
    let c = &report.coverage;
    let rows = &c.rows;
    let thr = |r: &crate::model::fixed::CoverageRow| &c.thresholds[r.threshold];
    let text = |name: &str, v: Vec<String>| Column::new(name.into(), v);
    let amount = |name: &str, f: &dyn Fn(&crate::model::fixed::CoverageRow) -> u64| match c.unit {
        Unit::Addresses => Column::new(name.into(), rows.iter().map(|r| f(r) / 1_000_000).collect::<Vec<u64>>()),
        Unit::Households => Column::new(name.into(), rows.iter().map(|r| f(r) as f64 / 1e6).collect::<Vec<f64>>()),
    };
    let columns = vec![
        text("level", rows.iter().map(|r| r.level.to_string()).collect()),
        text("area_code", rows.iter().map(|r| r.area_code.clone()).collect()),
        text("area_name", rows.iter().map(|r| r.area_name.clone()).collect()),
        text("threshold", rows.iter().map(|r| thr(r).to_string()).collect()),
        Column::new("down_mbps".into(), rows.iter().map(|r| thr(r).down_mbps).collect::<Vec<f64>>()),
        Column::new("up_mbps".into(), rows.iter().map(|r| thr(r).up_mbps).collect::<Vec<f64>>()),
        text(
            "technologies",
            rows.iter().map(|r| thr(r).technologies.as_ref().map(|t| t.join(",")).unwrap_or_default()).collect(),
        ),
        text("unit", rows.iter().map(|_| c.unit.name().to_string()).collect()),
        Column::new("addresses".into(), rows.iter().map(|r| r.addresses).collect::<Vec<u64>>()),
        amount("universe", &|r| r.universe_micro),
        amount("covered", &|r| r.covered_micro),
        Column::new("share".into(), rows.iter().map(|r| r.share()).collect::<Vec<Option<f64>>>()),
        amount("short", &|r| r.short_micro()),
        Column::new(
            "target_id".into(),
            report.verdicts.iter().map(|v| v.target_id.clone()).collect::<Vec<Option<String>>>(),
        ),
        Column::new("target_pct".into(), report.verdicts.iter().map(|v| v.target_pct).collect::<Vec<Option<f64>>>()),
        Column::new(
            "meets_target".into(),
            report.verdicts.iter().map(|v| v.meets_target).collect::<Vec<Option<bool>>>(),
        ),
    ];
    let fail = |e: PolarsError| Error::table("<output>", format!("writing Parquet: {e}"));
    let mut df = DataFrame::new(rows.len(), columns).map_err(fail)?;
    let mut bytes = Vec::new();
    ParquetWriter::new(&mut bytes)
        .with_compression(ParquetCompression::Zstd(None))
        .with_row_group_size(Some(262_144))
        .finish(&mut df)
        .map_err(fail)?;
    Ok(bytes)
}
