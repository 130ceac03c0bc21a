//! Mobile-licence results: compliance per operator × gemeente on a date, drive-test verdicts,
//! and everything a mobile run reports.

use crate::model::areas::Boundary;
use serde::{Deserialize, Serialize};

use crate::model::date::Date;
use crate::model::rows::Reject;
use crate::model::source::MobileProvenance;

/// What an obligation counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// The share of the eligible area, km².
    Area,
    /// The share of the eligible area inside the obligation's mask layer (e.g. settlement area), km².
    MaskArea,
    /// The share of given points (addresses, households, people: each counted once or by a
    /// weight column) in cells at or above the speed.
    Points,
}

impl Measure {
    /// The name used in licence files and outputs.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Measure::Area => "area",
            Measure::MaskArea => "mask_area",
            Measure::Points => "points",
        }
    }
}

/// Which obligation a row judges, when a licence has more than one over area.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ObligationOf {
    /// The obligation's id.
    pub id: String,
    /// What it counts.
    pub measure: Measure,
    /// The unit of the row's quantities: `km2`, `points`, or a weight column such as `households`.
    pub unit: String,
}

/// One operator in one area on one date, for one obligation. The quantities are in the
/// obligation's unit: km² for area measures, points (or their weight) for point measures.
#[derive(Debug, Clone, PartialEq)]
pub struct Compliance {
    /// Operator id.
    pub operator: String,
    /// The obligation judged; `None` for a licence of one obligation over area (the 700 MHz
    /// licence), whose rows keep their km² column names.
    pub obligation: Option<ObligationOf>,
    /// Area code (gemeentecode for the built-in map).
    pub area_code: String,
    /// Area name.
    pub area_name: String,
    /// The judging date.
    pub date: Date,
    /// Speed required on the date, Mbps.
    pub required_mbps: f64,
    /// Percentage required on the date.
    pub required_pct: f64,
    /// The ontheffing in force, as `share_pct% until end (source)`, if any.
    pub ontheffing: Option<String>,
    /// Everything counted in the area (inside the mask for `mask_area`), in the unit.
    pub total: f64,
    /// The part of it excluded, in the unit.
    pub excluded: f64,
    /// The eligible rest, in the unit.
    pub eligible: f64,
    /// Eligible and covered at the required speed, in the unit.
    pub covered: f64,
    /// Eligible without grid data, in the unit (counted as not covered).
    pub nodata: f64,
    /// covered / eligible, 0–1; `None` when nothing is eligible.
    pub share: Option<f64>,
    /// Whether share ≥ required_pct / 100.
    pub compliant: Option<bool>,
    /// Short of the requirement, in the unit (0 when compliant).
    pub shortfall: f64,
    /// Percentage points short (0 when compliant).
    pub shortfall_pp: f64,
}

impl Serialize for Compliance {
    /// The fields of `mobile.csv`: with km² names for a single area obligation, else with the
    /// obligation, its measure and unit, and unit-free names.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let single = self.obligation.is_none();
        let name = |generic: &'static str, km2: &'static str| if single { km2 } else { generic };
        let mut m = s.serialize_struct("Compliance", if single { 16 } else { 19 })?;
        m.serialize_field("operator", &self.operator)?;
        if let Some(o) = &self.obligation {
            m.serialize_field("obligation", &o.id)?;
            m.serialize_field("measure", &o.measure)?;
            m.serialize_field("unit", &o.unit)?;
        }
        m.serialize_field("area_code", &self.area_code)?;
        m.serialize_field("area_name", &self.area_name)?;
        m.serialize_field("date", &self.date)?;
        m.serialize_field("required_mbps", &self.required_mbps)?;
        m.serialize_field("required_pct", &self.required_pct)?;
        m.serialize_field("ontheffing", &self.ontheffing)?;
        m.serialize_field(name("total", "area_km2"), &self.total)?;
        m.serialize_field(name("excluded", "excluded_km2"), &self.excluded)?;
        m.serialize_field(name("eligible", "eligible_km2"), &self.eligible)?;
        m.serialize_field(name("covered", "covered_km2"), &self.covered)?;
        m.serialize_field(name("nodata", "nodata_km2"), &self.nodata)?;
        m.serialize_field("share", &self.share)?;
        m.serialize_field("compliant", &self.compliant)?;
        m.serialize_field(name("shortfall", "shortfall_km2"), &self.shortfall)?;
        m.serialize_field("shortfall_pp", &self.shortfall_pp)?;
        m.end()
    }
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

/// Where an operator's grid and a prediction disagree in one area (`dekking mobile --predicted`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Plausibility {
    /// Operator id.
    pub operator: String,
    /// Area code.
    pub area_code: String,
    /// Area name.
    pub area_name: String,
    /// The speed compared, Mbps.
    pub required_mbps: f64,
    /// Eligible area, km².
    pub eligible_km2: f64,
    /// Eligible area the operator's grid covers at the speed, km².
    pub claimed_km2: f64,
    /// Eligible area the prediction covers at the speed, km².
    pub predicted_km2: f64,
    /// Claimed covered but predicted below the speed (or not reached), km².
    pub claimed_not_predicted_km2: f64,
    /// Predicted covered but claimed below the speed (or without data), km².
    pub predicted_not_claimed_km2: f64,
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
    /// Claimed against predicted coverage per operator × area (empty without `--predicted`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub plausibility: Vec<Plausibility>,
    /// Rejected rows of grids and drive tests.
    #[serde(skip)]
    pub rejects: Vec<Reject>,
    /// The areas judged, with their shapes (RD New), by code.
    #[serde(skip)]
    pub areas: Vec<Boundary>,
}
