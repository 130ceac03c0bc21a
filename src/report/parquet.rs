//! `coverage.parquet`: the columns of `coverage.csv`, typed (and with `--layers` the same with the
//! areas' polygons, `coverage.gpkg` and `coverage_geo.parquet`). Universe, covered and short are
//! integers for the unit `addresses` and floats for `households`.

use polars::prelude::*;

use crate::error::{Error, Result};
use crate::io::vector;
use crate::model::areas::shapes_of;
use crate::model::fixed::Unit;
use crate::model::fixed::{CoverageRow, FixedReport};

/// The bytes of `coverage.parquet` (zstd-compressed, one row group per 262,144 rows).
///
/// # Errors
/// Only on an internal serialisation failure.
pub fn coverage(report: &FixedReport) -> Result<Vec<u8>> {
    let fail = |e: PolarsError| Error::table("<output>", format!("writing Parquet: {e}"));
    let mut df = coverage_frame(report)?;
    let mut bytes = Vec::new();
    ParquetWriter::new(&mut bytes)
        .with_compression(ParquetCompression::Zstd(None))
        .with_row_group_size(Some(262_144))
        .finish(&mut df)
        .map_err(fail)?;
    Ok(bytes)
}

/// `coverage.gpkg` (layer `coverage`) and `coverage_geo.parquet`: the rows of `coverage.csv`,
/// each area's with its polygons in RD New (EPSG:28992); rows of the coarser levels have none.
///
/// # Errors
/// Only on an internal serialisation failure.
pub fn coverage_layers(report: &FixedReport) -> Result<[(&'static str, Vec<u8>); 2]> {
    let finest = report.coverage.rows.first().map(|r| r.level);
    let codes = report.coverage.rows.iter().map(|r| (Some(r.level) == finest).then_some(r.area_code.as_str()));
    let (gpkg, geoparquet) =
        vector::layer_files("coverage", 28992, coverage_frame(report)?, &shapes_of(&report.shapes, codes))?;
    Ok([("coverage.gpkg", gpkg), ("coverage_geo.parquet", geoparquet)])
}

/// The rows of `coverage.csv` as a typed table.
fn coverage_frame(report: &FixedReport) -> Result<DataFrame> {
    let c = &report.coverage;
    let rows = &c.rows;
    let thr = |r: &CoverageRow| &c.thresholds[r.threshold];
    let text = |name: &str, v: Vec<String>| Column::new(name.into(), v);
    // A suppressed cell's figures are null.
    let shown = |r: &CoverageRow, v| (!r.suppressed).then_some(v);
    let amount = |name: &str, f: &dyn Fn(&CoverageRow) -> u64| match c.unit {
        Unit::Addresses => {
            Column::new(name.into(), rows.iter().map(|r| shown(r, f(r) / 1_000_000)).collect::<Vec<Option<u64>>>())
        }
        Unit::Households => Column::new(
            name.into(),
            rows.iter().map(|r| shown(r, f(r)).map(|m| m as f64 / 1e6)).collect::<Vec<Option<f64>>>(),
        ),
    };
    let mut columns = vec![
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
        Column::new("addresses".into(), rows.iter().map(|r| shown(r, r.addresses)).collect::<Vec<Option<u64>>>()),
        amount("universe", &|r| r.universe_micro),
        amount("covered", &|r| r.covered_micro),
        Column::new(
            "share".into(),
            rows.iter().map(|r| r.share().filter(|_| !r.suppressed)).collect::<Vec<Option<f64>>>(),
        ),
        amount("short", &|r| r.short_micro()),
        Column::new(
            "target_id".into(),
            report.verdicts.iter().map(|v| v.target_id.clone()).collect::<Vec<Option<String>>>(),
        ),
        Column::new("target_pct".into(), report.verdicts.iter().map(|v| v.target_pct).collect::<Vec<Option<f64>>>()),
        Column::new(
            "meets_target".into(),
            rows.iter()
                .zip(&report.verdicts)
                .map(|(r, v)| v.meets_target.filter(|_| !r.suppressed))
                .collect::<Vec<Option<bool>>>(),
        ),
    ];
    if report.min_count.is_some() {
        columns.push(Column::new("suppressed".into(), rows.iter().map(|r| r.suppressed).collect::<Vec<bool>>()));
    }
    DataFrame::new(rows.len(), columns).map_err(|e| Error::table("<output>", format!("writing Parquet: {e}")))
}
