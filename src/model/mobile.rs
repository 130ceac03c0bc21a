//! Mobile-licence results: compliance per operator × gemeente on a date, drive-test verdicts,
//! and everything a mobile run reports.

use crate::model::areas::Boundary;
use serde::Serialize;

use crate::model::date::Date;
use crate::model::rows::Reject;
use crate::model::source::MobileProvenance;

/// One operator in one gemeente on one date.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Compliance {
    /// Operator id.
    pub operator: String,
    /// Gemeentecode.
    pub area_code: String,
    /// Gemeente name.
    pub area_name: String,
    /// The judging date.
    pub date: Date,
    /// Speed required on the date, Mbps.
    pub required_mbps: f64,
    /// Percentage required on the date.
    pub required_pct: f64,
    /// The ontheffing in force, as `share_pct% until end (source)`, if any.
    pub ontheffing: Option<String>,
    /// Gemeente area, km².
    pub area_km2: f64,
    /// Excluded area, km².
    pub excluded_km2: f64,
    /// Eligible area, km².
    pub eligible_km2: f64,
    /// Eligible area covered at the required speed, km².
    pub covered_km2: f64,
    /// Eligible area without grid data, km² (counted as not covered).
    pub nodata_km2: f64,
    /// covered / eligible, 0–1; `None` when nothing is eligible.
    pub share: Option<f64>,
    /// Whether share ≥ required_pct / 100.
    pub compliant: Option<bool>,
    /// Area short of the requirement, km² (0 when compliant).
    pub shortfall_km2: f64,
    /// Percentage points short (0 when compliant).
    pub shortfall_pp: f64,
}

/// Drive-test result for one operator in one gemeente.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DriveTestVerdict {
    /// Operator id.
    pub operator: String,
    /// Gemeentecode.
    pub area_code: String,
    /// Gemeente name.
    pub area_name: String,
    /// Download attempts.
    pub attempts: u64,
    /// Attempts reaching the required speed.
    pub successes: u64,
    /// successes / attempts.
    pub success_rate: f64,
    /// Wilson interval, low end.
    pub ci_low: f64,
    /// Wilson interval, high end.
    pub ci_high: f64,
    /// The percentage in force on the judging date.
    pub required_pct: f64,
    /// The pass threshold, 0–1: pass_factor × required_pct / 100.
    pub threshold: f64,
    /// Whether success_rate ≥ threshold.
    pub pass: bool,
}

/// Everything a mobile run reports.
#[derive(Debug, Clone, Serialize)]
pub struct MobileReport {
    /// Provenance.
    pub provenance: MobileProvenance,
    /// One row per operator × gemeente, operators in grid order, gemeenten by code.
    pub rows: Vec<Compliance>,
    /// Drive-test verdicts per operator × gemeente (empty without drive tests).
    pub drive_tests: Vec<DriveTestVerdict>,
    /// Rejected rows of grids and drive tests.
    #[serde(skip)]
    pub rejects: Vec<Reject>,
    /// The areas judged, with their shapes (RD New), by code.
    #[serde(skip)]
    pub areas: Vec<Boundary>,
}
