//! Stage 5, report: one writer per format, all taking the same [`FixedReport`].
//!
//! Input: coverage, verdicts and provenance. Output: `coverage.csv`, `coverage.parquet`,
//! `coverage.json`, `rejected.csv` and a compact text table. Writes are atomic; the same inputs
//! give the same bytes.

pub mod charts;
pub mod csv;
pub mod format;
pub mod json;
pub mod mobile;
pub mod parquet;
pub mod provenance;
pub mod text;
pub mod yearly;

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::error::Result;
use crate::io::reject::Reject;
use crate::judge::targets::{TargetSummary, Verdict};
use crate::measure::fixed::Coverage;
use crate::pipeline::fixed::{AddressOutcome, Remap};
use provenance::Provenance;

/// Everything a fixed-coverage run reports.
#[derive(Debug, Clone, Serialize)]
pub struct FixedReport {
    /// How the figures were made.
    pub provenance: Provenance,
    /// The figures.
    pub coverage: Coverage,
    /// One verdict per coverage row.
    pub verdicts: Vec<Verdict>,
    /// Per judged threshold, the headline.
    pub summaries: Vec<TargetSummary>,
    /// Rejected rows.
    #[serde(skip)]
    pub rejects: Vec<Reject>,
    /// Gemeentecodes of earlier maps counted under their current code.
    pub remapped: Vec<Remap>,
    /// The outcome per address, when the job asked to keep it.
    #[serde(skip)]
    pub addresses: Option<AddressOutcome>,
}

/// The files a fixed-coverage run writes into its output directory.
pub const FIXED_FILES: [&str; 4] = ["coverage.csv", "coverage.parquet", "coverage.json", "rejected.csv"];

/// Writes all outputs of `report` into `dir` (created if needed) and returns their paths.
///
/// # Errors
/// [`Error::Io`] when the directory cannot be created or written.
pub fn write_fixed(report: &FixedReport, dir: &Path) -> Result<Vec<PathBuf>> {
    Ok(dekking_files::atomic::write_all(
        dir,
        vec![
            (FIXED_FILES[0], csv::coverage(report)?),
            (FIXED_FILES[1], parquet::coverage(report)?),
            (FIXED_FILES[2], json::coverage(report)?),
            (FIXED_FILES[3], csv::rejects(&report.rejects)?),
        ],
    )?)
}
