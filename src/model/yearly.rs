//! The yearly figures: every vintage's fixed run on the current map, the scope, mobile
//! compliance, the gap list and the policy the report sets them against.

use crate::model::areas::{AreaTable, Boundaries};
use crate::model::fixed::FixedReport;
use crate::model::lang::Lang;
use crate::model::mobile::Compliance;
use crate::model::policy::{Actieplan, Targets};
use crate::model::source::SourceInfo;

/// The area a report covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    /// `nl` or `provincie`.
    pub level: &'static str,
    /// `NL` or `PVxx`.
    pub code: String,
    /// `Nederland` or the provincie's name.
    pub name: String,
}

/// An address without the headline speed, for a provincie's gap list.
#[derive(Debug, Clone, PartialEq)]
pub struct Gap {
    /// Address id as given.
    pub id: String,
    /// Postcode as given (empty when the file has none).
    pub postcode: String,
    /// Gemeentecode (current map).
    pub gemeente_code: String,
    /// Gemeente name.
    pub gemeente_name: String,
    /// WGS84 longitude and latitude, degrees, when the address has coordinates.
    pub lonlat: Option<(f64, f64)>,
    /// Source row in the address file.
    pub row: u64,
}

/// Everything the yearly report is made of.
#[derive(Debug, Clone)]
pub struct Yearly {
    /// Per vintage, in year order: the fixed run.
    pub vintages: Vec<(i32, FixedReport)>,
    /// Index of the headline threshold in each run's thresholds.
    pub headline: usize,
    /// The area covered.
    pub scope: Scope,
    /// Gemeente → provincie (current map).
    pub table: AreaTable,
    /// Boundaries for the maps (current map).
    pub boundaries: Boundaries,
    /// Mobile compliance rows (within the scope) and the file they came from.
    pub mobile: Option<(Vec<Compliance>, SourceInfo)>,
    /// The same for coverage predicted from antenna sites.
    pub predicted: Option<(Vec<Compliance>, SourceInfo)>,
    /// The provenance of the merger table used.
    pub mergers: SourceInfo,
    /// The gap list (provincie scope only), by gemeente then row.
    pub gaps: Option<Vec<Gap>>,
    /// Targets and references.
    pub targets: Targets,
    /// The action-plan table.
    pub actieplan: Actieplan,
    /// Run date.
    pub run_date: String,
    /// The language the report is written in.
    pub lang: Lang,
}
