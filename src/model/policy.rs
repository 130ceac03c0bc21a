//! Policy as data: the fixed-broadband targets with the published reference figures, and the
//! action-plan table, as read from `seeds/` (see [`crate::io::policy`] and
//! [`crate::io::actieplan`] for the readers and their checks).

use serde::{Deserialize, Serialize};

/// A coverage target for fixed broadband.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FixedTarget {
    /// Stable identifier, e.g. `adc-100mbps-2023`.
    pub id: String,
    /// One-line description.
    pub title: String,
    /// Required download speed, Mbps.
    pub down_mbps: f64,
    /// Required upload speed, Mbps (0 = none).
    #[serde(default)]
    pub up_mbps: f64,
    /// Required share of the universe, percent (0–100).
    pub share_pct: f64,
    /// Date by which the target should be met, `YYYY-MM-DD`.
    pub deadline: String,
    /// Where the target applies (e.g. `NL`).
    pub scope: String,
    /// Where the target is stated.
    pub source: String,
    /// The description in Dutch, for the Dutch report (else `title`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title_nl: Option<String>,
    /// Where it is stated, in Dutch (else `source`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_nl: Option<String>,
}

/// A published figure to compare measured shares with.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Reference {
    /// Stable identifier.
    pub id: String,
    /// What was measured.
    pub metric: String,
    /// The download threshold it refers to, Mbps.
    pub down_mbps: f64,
    /// The published share, percent.
    pub share_pct: f64,
    /// The reference date, `YYYY-MM-DD`.
    pub date: String,
    /// `measurement`, `expectation` or `forecast`.
    pub kind: String,
    /// Where it was published.
    pub source: String,
    /// Where it was published, in Dutch (else `source`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_nl: Option<String>,
}

/// The contents of a targets file.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Targets {
    /// Fixed-broadband targets.
    #[serde(default)]
    pub fixed: Vec<FixedTarget>,
    /// Published reference figures.
    #[serde(default)]
    pub reference: Vec<Reference>,
}

/// The figures a row can be linked to.
pub const METRICS: [&str; 2] = ["fixed_100mbps_share", "mobile_700mhz_compliance"];

/// One action.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Action {
    /// Theme.
    pub thema: String,
    /// The task it serves.
    pub opgave: String,
    /// The action.
    pub actie: String,
    /// Status and results as published.
    #[serde(default)]
    pub stand: String,
    /// What was planned next.
    #[serde(default)]
    pub plan: String,
    /// Who, and when.
    #[serde(default)]
    pub wie: String,
    /// The measured figure shown beside the row, one of [`METRICS`].
    #[serde(default)]
    pub metric: Option<String>,
}

/// The action-plan table.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Actieplan {
    /// Where the rows come from.
    pub source: String,
    /// The actions, in the order of the source.
    #[serde(rename = "row")]
    pub rows: Vec<Action>,
}
