//! Provenance: which files a run read (with their SHA-256 and how they were read) and how its
//! figures were made, as every output states it.

use serde::{Deserialize, Serialize};

use crate::model::date::Date;
use crate::model::rows::RowCounts;

/// Facts about one input file, for provenance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceInfo {
    /// The role of the file (`records`, `universe`, `boundaries`, ...).
    pub role: String,
    /// The path as given.
    pub path: String,
    /// SHA-256 of the bytes.
    pub sha256: String,
    /// Data rows (features, for geometry files).
    pub rows: u64,
    /// Encoding, delimiter and format as detected.
    pub format: String,
    /// Which column was used for each field.
    pub columns: Vec<(String, String)>,
}

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
    /// The row filters applied to the records (`COLUMN=V1,V2`), if any.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub filters: Vec<String>,
    /// The unit of the figures.
    pub unit: String,
    /// Where the universe (denominator) comes from.
    pub universe: String,
    /// How coverage is decided, in one paragraph.
    pub method: String,
    /// Things a reader should know.
    pub warnings: Vec<String>,
    /// Addresses located by area code and by point (the counts `method` states), for texts in
    /// other languages.
    #[serde(skip)]
    pub located: (u64, u64),
    /// The file the universe comes from, and whether it is a universe file (else the records).
    #[serde(skip)]
    pub universe_file: (String, bool),
}

/// Provenance of a mobile run.
#[derive(Debug, Clone, Serialize)]
pub struct MobileProvenance {
    /// `dekking`.
    pub tool: &'static str,
    /// Crate version.
    pub version: &'static str,
    /// Run date.
    pub run_date: String,
    /// Licence id and title.
    pub licence: String,
    /// Judging date.
    pub date: Date,
    /// Inputs with SHA-256.
    pub inputs: Vec<SourceInfo>,
    /// Row accounting per file.
    pub rows: Vec<(String, RowCounts)>,
    /// Exclusion layers applied.
    pub exclusions: Vec<String>,
    /// How areas are computed.
    pub method: String,
    /// Things a reader should know.
    pub warnings: Vec<String>,
}
