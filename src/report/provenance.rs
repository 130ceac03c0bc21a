//! Provenance: what every output says about how it was made (tool version, inputs with SHA-256
//! and row counts, thresholds, unit, method, run date).

use serde::Serialize;

use crate::io::addresses::SourceInfo;
use crate::io::reject::RowCounts;

/// The provenance block of a run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Provenance {
    /// `dekking`.
    pub tool: &'static str,
    /// The crate version.
    pub version: &'static str,
    /// The run date, `YYYY-MM-DD` (fixed with `--run-date` for reproducible outputs).
    pub run_date: String,
    /// The input profile.
    pub profile: String,
    /// The input files.
    pub inputs: Vec<SourceInfo>,
    /// Row accounting per input file (path, counts).
    pub rows: Vec<(String, RowCounts)>,
    /// The unit of the figures.
    pub unit: String,
    /// Where the universe (denominator) comes from.
    pub universe: String,
    /// How coverage is decided, in one paragraph.
    pub method: String,
    /// Things a reader should know.
    pub warnings: Vec<String>,
}
