//! Writers for `dekking mobile`: `mobile.csv`, `mobile.parquet`, `mobile.gpkg` and
//! `mobile_geo.parquet` (the same rows with the areas' polygons), `mobile.json`, `drive_tests.csv`,
//! `rejected.csv`, and the stdout summary (per operator: gemeenten compliant / total, worst five).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use polars::prelude::*;

use crate::error::{Error, Result};
use crate::io::vector;
use crate::model::areas::shapes_of;
use crate::model::mobile::MobileReport;
use crate::model::mobile::{Compliance, ObligationOf};
use crate::model::outputs::{DriveTestLine, MobileLine, ObligationLine, PlausibilityLine};
use crate::report::csv::{lines, rejects};
use crate::report::format;
use dekking_files::atomic;

/// The files `dekking mobile` may write.
pub const MOBILE_FILES: [&str; 8] = [
    "mobile.csv",
    "mobile.parquet",
    "mobile.gpkg",
    "mobile_geo.parquet",
    "mobile.json",
    "rejected.csv",
    "drive_tests.csv",
    "plausibility.csv",
];

/// The bytes of `mobile.csv`: one [`MobileLine`] per operator × gemeente for a licence of one
/// area obligation, else one [`ObligationLine`] per operator × obligation × area.
///
/// # Errors
/// Only on an internal serialisation failure.
pub fn mobile_csv(report: &MobileReport) -> Result<Vec<u8>> {
    if is_single_area(report) {
        lines(report.rows.iter().map(MobileLine::from))
    } else {
        lines(report.rows.iter().map(ObligationLine::from))
    }
}

/// Whether the rows are those of a licence of one area obligation (km² column names).
fn is_single_area(report: &MobileReport) -> bool {
    report.rows.iter().all(|r| r.obligation.is_none())
}

/// The bytes of `drive_tests.csv`: one [`DriveTestLine`] per operator × gemeente tested.
///
/// # Errors
/// Only on an internal serialisation failure.
pub fn drive_tests_csv(report: &MobileReport) -> Result<Vec<u8>> {
    lines(report.drive_tests.iter().map(DriveTestLine::from))
}

/// The bytes of `mobile.parquet`.
///
/// # Errors
/// Only on an internal serialisation failure.
pub fn mobile_parquet(report: &MobileReport) -> Result<Vec<u8>> {
    let fail = |e: PolarsError| Error::table("<output>", format!("writing Parquet: {e}"));
    let mut df = mobile_frame(report)?;
    let mut bytes = Vec::new();
    ParquetWriter::new(&mut bytes).with_compression(ParquetCompression::Zstd(None)).finish(&mut df).map_err(fail)?;
    Ok(bytes)
}

/// `mobile.gpkg` (layer `mobile`) and `mobile_geo.parquet` (GeoParquet 1.1): the rows of
/// `mobile.csv`, each with its area's polygons in RD New (EPSG:28992), for QGIS.
///
/// # Errors
/// Only on an internal serialisation failure.
pub fn mobile_layers(report: &MobileReport) -> Result<(Vec<u8>, Vec<u8>)> {
    let shapes = shapes_of(&report.areas, report.rows.iter().map(|r| Some(r.area_code.as_str())));
    vector::layer_files("mobile", 28992, mobile_frame(report)?, &shapes)
}

/// The rows of `mobile.csv` as a typed table.
fn mobile_frame(report: &MobileReport) -> Result<DataFrame> {
    let r = &report.rows;
    let text = |name: &str, f: &dyn Fn(&Compliance) -> String| {
        Column::new(name.into(), r.iter().map(f).collect::<Vec<String>>())
    };
    let num =
        |name: &str, f: &dyn Fn(&Compliance) -> f64| Column::new(name.into(), r.iter().map(f).collect::<Vec<f64>>());
    let single = is_single_area(report);
    let name = |generic: &'static str, km2: &'static str| if single { km2 } else { generic };
    let of = |x: &Compliance, f: fn(&ObligationOf) -> String| x.obligation.as_ref().map(f).unwrap_or_default();
    let mut columns = vec![text("operator", &|x| x.operator.clone())];
    if !single {
        columns.push(text("obligation", &|x| of(x, |o| o.id.clone())));
        columns.push(text("measure", &|x| of(x, |o| o.measure.name().to_string())));
        columns.push(text("unit", &|x| of(x, |o| o.unit.clone())));
    }
    columns.extend([
        text("area_code", &|x| x.area_code.clone()),
        text("area_name", &|x| x.area_name.clone()),
        text("date", &|x| x.date.to_string()),
        num("required_mbps", &|x| x.required_mbps),
        num("required_pct", &|x| x.required_pct),
        Column::new("ontheffing".into(), r.iter().map(|x| x.ontheffing.clone()).collect::<Vec<Option<String>>>()),
        num(name("total", "area_km2"), &|x| x.total),
        num(name("excluded", "excluded_km2"), &|x| x.excluded),
        num(name("eligible", "eligible_km2"), &|x| x.eligible),
        num(name("covered", "covered_km2"), &|x| x.covered),
        num(name("nodata", "nodata_km2"), &|x| x.nodata),
        Column::new("share".into(), r.iter().map(|x| x.share).collect::<Vec<Option<f64>>>()),
        Column::new("compliant".into(), r.iter().map(|x| x.compliant).collect::<Vec<Option<bool>>>()),
        num(name("shortfall", "shortfall_km2"), &|x| x.shortfall),
        num("shortfall_pp", &|x| x.shortfall_pp),
    ]);
    DataFrame::new(r.len(), columns).map_err(|e| Error::table("<output>", format!("writing Parquet: {e}")))
}

/// Writes every mobile output into `dir`.
///
/// # Errors
/// [`Error::Io`] when the directory cannot be written.
pub fn write(report: &MobileReport, dir: &Path) -> Result<Vec<PathBuf>> {
    let mut json =
        serde_json::to_vec_pretty(report).map_err(|e| Error::table("<output>", format!("writing JSON: {e}")))?;
    json.push(b'\n');
    let (gpkg, geoparquet) = mobile_layers(report)?;
    let mut outputs = vec![
        ("mobile.csv", mobile_csv(report)?),
        ("mobile.parquet", mobile_parquet(report)?),
        ("mobile.gpkg", gpkg),
        ("mobile_geo.parquet", geoparquet),
        ("mobile.json", json),
        ("rejected.csv", rejects(&report.rejects)?),
    ];
    if !report.drive_tests.is_empty() {
        outputs.push(("drive_tests.csv", drive_tests_csv(report)?));
    }
    if !report.plausibility.is_empty() {
        outputs.push(("plausibility.csv", lines(report.plausibility.iter().map(PlausibilityLine::from))?));
    }
    Ok(atomic::write_all(dir, outputs)?)
}

/// Per operator (and obligation, when the licence has several): areas compliant of those with
/// something eligible, and the five largest shortfalls.
#[must_use]
pub fn summary(report: &MobileReport) -> String {
    let mut s = String::new();
    let key = |r: &Compliance| (r.operator.clone(), r.obligation.as_ref().map(|o| o.id.clone()));
    let mut groups: Vec<(String, Option<String>)> = report.rows.iter().map(key).collect();
    groups.dedup();
    if let (Some(r), true) = (report.rows.first(), is_single_area(report)) {
        let _ = writeln!(s, "{} on {}: {} Mbps required", report.provenance.licence, r.date, r.required_mbps);
    } else if let Some(r) = report.rows.first() {
        let _ = writeln!(s, "{} on {}", report.provenance.licence, r.date);
    }
    for group in groups {
        let rows: Vec<&Compliance> = report.rows.iter().filter(|r| key(r) == group).collect();
        let judged = rows.iter().filter(|r| r.compliant.is_some()).count();
        let ok = rows.iter().filter(|r| r.compliant == Some(true)).count();
        let (op, r) = (&group.0, rows[0]);
        let unit = match &r.obligation {
            Some(o) => {
                let (m, mbps) = (o.measure.name(), r.required_mbps);
                let _ = writeln!(s, "{op} {} ({m}, {mbps} Mbps): {ok} of {judged} areas compliant", o.id);
                o.unit.as_str()
            }
            None => {
                let _ = writeln!(s, "{op}: {ok} of {judged} gemeenten compliant");
                "km²"
            }
        };
        let mut worst: Vec<&&Compliance> = rows.iter().filter(|r| r.compliant == Some(false)).collect();
        worst.sort_by(|a, b| b.shortfall_pp.total_cmp(&a.shortfall_pp).then(a.area_code.cmp(&b.area_code)));
        for r in worst.iter().take(5) {
            let _ = writeln!(
                s,
                "  {:<8} {:<24} {:>8} covered of {:>5} % required, short {:.3} {unit} ({:.2} pp){}",
                r.area_code,
                r.area_name.chars().take(24).collect::<String>(),
                format::pct(r.share),
                r.required_pct,
                r.shortfall,
                r.shortfall_pp,
                if r.ontheffing.is_some() { ", ontheffing" } else { "" }
            );
        }
    }
    let failed = report.drive_tests.iter().filter(|v| !v.pass).count();
    if !report.drive_tests.is_empty() {
        let _ = writeln!(
            s,
            "drive tests: {} operator × gemeente results, {failed} below the pass threshold",
            report.drive_tests.len()
        );
    }
    s
}
