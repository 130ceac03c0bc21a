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

/// Today's date (UTC) as `YYYY-MM-DD`.
#[must_use]
pub fn today() -> String {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    date_from_days((secs / 86_400) as i64)
}

/// The civil date of a day count since 1970-01-01 (Howard Hinnant's algorithm).
///
/// ```
/// use dekking::report::provenance::date_from_days;
/// assert_eq!(date_from_days(0), "1970-01-01");
/// assert_eq!(date_from_days(19_722), "2023-12-31");
/// ```
#[must_use]
pub fn date_from_days(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}
