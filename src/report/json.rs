//! `coverage.json`: provenance, headline summaries and every row, with the same values as the CSV.

use serde::Serialize;

use crate::error::{Error, Result};
use crate::model::fixed::Unit;
use crate::model::fixed::{CoverageRow, FixedReport};

#[derive(Serialize)]
struct Row<'a> {
    level: &'a str,
    area_code: &'a str,
    area_name: &'a str,
    threshold: String,
    down_mbps: f64,
    up_mbps: f64,
    technologies: Option<&'a [String]>,
    unit: &'a str,
    addresses: Option<u64>,
    universe: Option<f64>,
    covered: Option<f64>,
    share: Option<f64>,
    short: Option<f64>,
    target_id: Option<&'a str>,
    target_pct: Option<f64>,
    meets_target: Option<bool>,
    /// A cell under `--min-count`: its figures are left out (null).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    suppressed: bool,
}

#[derive(Serialize)]
struct Summary<'a> {
    threshold: String,
    target_id: &'a str,
    target_title: &'a str,
    target_pct: f64,
    deadline: &'a str,
    source: &'a str,
    total_share: Option<f64>,
    total_meets_target: Option<bool>,
    total_short: f64,
    areas_meeting: u64,
    areas_with_data: u64,
}

#[derive(Serialize)]
struct Doc<'a> {
    provenance: &'a crate::model::source::Provenance,
    unit: Unit,
    summary: Vec<Summary<'a>>,
    rows: Vec<Row<'a>>,
}

/// `v`, or none for a suppressed cell.
fn shown<T>(r: &CoverageRow, v: T) -> Option<T> {
    (!r.suppressed).then_some(v)
}

fn units(m: u64) -> f64 {
    m as f64 / 1e6
}

/// The bytes of `coverage.json` (pretty-printed, trailing newline).
///
/// # Errors
/// Only on an internal serialisation failure.
pub fn coverage(report: &FixedReport) -> Result<Vec<u8>> {
    let c = &report.coverage;
    let rows = c
        .rows
        .iter()
        .zip(&report.verdicts)
        .map(|(r, v)| {
            let t = &c.thresholds[r.threshold];
            Row {
                level: r.level,
                area_code: &r.area_code,
                area_name: &r.area_name,
                threshold: t.to_string(),
                down_mbps: t.down_mbps,
                up_mbps: t.up_mbps,
                technologies: t.technologies.as_deref(),
                unit: c.unit.name(),
                addresses: shown(r, r.addresses),
                universe: shown(r, units(r.universe_micro)),
                covered: shown(r, units(r.covered_micro)),
                share: r.share().filter(|_| !r.suppressed),
                short: shown(r, units(r.short_micro())),
                target_id: v.target_id.as_deref(),
                target_pct: v.target_pct,
                meets_target: v.meets_target.filter(|_| !r.suppressed),
                suppressed: r.suppressed,
            }
        })
        .collect();
    let summary = report
        .summaries
        .iter()
        .map(|s| Summary {
            threshold: c.thresholds[s.threshold].to_string(),
            target_id: &s.target.id,
            target_title: &s.target.title,
            target_pct: s.target.share_pct,
            deadline: &s.target.deadline,
            source: &s.target.source,
            total_share: s.total_share,
            total_meets_target: s.total_meets,
            total_short: units(s.total_short_micro),
            areas_meeting: s.areas_meeting,
            areas_with_data: s.areas_with_data,
        })
        .collect();
    let doc = Doc { provenance: &report.provenance, unit: c.unit, summary, rows };
    let mut bytes =
        serde_json::to_vec_pretty(&doc).map_err(|e| Error::table("<output>", format!("writing JSON: {e}")))?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// The bytes of `partial.json`: one partition's counts (`dekking fixed --partition`), for a merge.
///
/// # Errors
/// Only on an internal serialisation failure.
pub fn partial(
    part: crate::model::fixed::FixedPart,
    partition: crate::model::availability::Partition,
) -> Result<Vec<u8>> {
    let file = crate::model::fixed::PartialFile {
        format: crate::model::fixed::PartialFile::FORMAT.into(),
        version: env!("CARGO_PKG_VERSION").into(),
        partition,
        part,
    };
    let mut bytes = serde_json::to_vec(&file).map_err(|e| Error::table("<output>", format!("writing JSON: {e}")))?;
    bytes.push(b'\n');
    Ok(bytes)
}
