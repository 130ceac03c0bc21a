//! Rejected rows: bad rows are data, not errors. Each keeps its source row and a reason, and
//! the run reports rows in = rows used + rows rejected.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Why a row was not used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RejectReason {
    /// The row has no value in any column read (a blank line).
    BlankRow,
    /// The address id is empty.
    MissingAddressId,
    /// A required speed is empty.
    MissingSpeed,
    /// A speed is not a finite number.
    InvalidSpeed,
    /// A speed is below zero.
    NegativeSpeed,
    /// A speed is above the plausible maximum ([`MAX_PLAUSIBLE_MBPS`]).
    ImplausibleSpeed,
    /// The weight is empty, not a number or negative.
    InvalidWeight,
    /// Neither an area code nor coordinates are given.
    NoLocation,
    /// A coordinate is not a finite number.
    InvalidCoordinate,
    /// The area code is malformed for the profile (e.g. `GM12345`).
    BadAreaCode,
    /// The area code is well-formed but not in the area table.
    UnknownArea,
    /// The point lies outside every area polygon.
    OutsideAllAreas,
    /// The record's address is not in the address universe file.
    NotInUniverse,
    /// The address id occurs more than once in the universe file.
    DuplicateInUniverse,
    /// A grid cell given twice.
    DuplicateCell,
    /// A drive-test attempt outside the licence period.
    OutsideLicencePeriod,
    /// A drive-test attempt for an operator the licence does not name.
    UnknownOperator,
    /// A site's height, direction, tilt, frequency, power or bandwidth is not a usable number.
    InvalidSiteValue,
    /// A row of a sites file for no mobile technology (a fixed link, broadcast, radio amateurs).
    NotMobile,
}

/// The largest speed accepted, in Mbps (100 Gbit/s); larger values are taken for unit errors.
pub const MAX_PLAUSIBLE_MBPS: f64 = 100_000.0;

impl RejectReason {
    /// The snake_case name written to `rejected.csv`.
    pub fn code(self) -> &'static str {
        match self {
            RejectReason::BlankRow => "blank_row",
            RejectReason::MissingAddressId => "missing_address_id",
            RejectReason::MissingSpeed => "missing_speed",
            RejectReason::InvalidSpeed => "invalid_speed",
            RejectReason::NegativeSpeed => "negative_speed",
            RejectReason::ImplausibleSpeed => "implausible_speed",
            RejectReason::InvalidWeight => "invalid_weight",
            RejectReason::NoLocation => "no_location",
            RejectReason::InvalidCoordinate => "invalid_coordinate",
            RejectReason::BadAreaCode => "bad_area_code",
            RejectReason::UnknownArea => "unknown_area",
            RejectReason::OutsideAllAreas => "outside_all_areas",
            RejectReason::NotInUniverse => "not_in_universe",
            RejectReason::DuplicateInUniverse => "duplicate_in_universe",
            RejectReason::DuplicateCell => "duplicate_cell",
            RejectReason::OutsideLicencePeriod => "outside_licence_period",
            RejectReason::UnknownOperator => "unknown_operator",
            RejectReason::InvalidSiteValue => "invalid_site_value",
            RejectReason::NotMobile => "not_mobile",
        }
    }
}

/// One rejected row: also the row of `rejected.csv`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reject {
    /// The input file's name as given.
    pub file: String,
    /// 1-based data row number in that file (the header is row 0; skipped banner lines are not counted).
    pub row: u64,
    /// Why it was rejected.
    pub reason: RejectReason,
    /// The offending field and value, for a person to read.
    pub detail: String,
}

/// Row accounting for one input file: rows in = used + rejected (+ left out by a row filter).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RowCounts {
    /// Data rows read.
    pub rows_in: u64,
    /// Rows that contributed to the figures.
    pub used: u64,
    /// Rows rejected, by reason.
    pub rejected: BTreeMap<RejectReason, u64>,
    /// Rows left out by a row filter (`--where`), not rejected: not listed row by row.
    #[serde(skip_serializing_if = "is_zero", default)]
    pub left_out: u64,
    /// Rows of addresses in other partitions, while one partition of a run is read (none once
    /// the partitions are merged).
    #[serde(skip_serializing_if = "is_zero", default)]
    pub elsewhere: u64,
}

/// Whether a count is zero (left out of the JSON).
#[allow(clippy::trivially_copy_pass_by_ref)]
fn is_zero(n: &u64) -> bool {
    *n == 0
}

impl RowCounts {
    /// Total rejected rows.
    pub fn rejected_total(&self) -> u64 {
        self.rejected.values().sum()
    }

    /// Records a rejected row: counts it under its reason and adds it to `rejects`.
    pub fn reject(&mut self, rejects: &mut Vec<Reject>, file: &str, row: u64, reason: RejectReason, detail: String) {
        *self.rejected.entry(reason).or_default() += 1;
        rejects.push(Reject { file: file.to_string(), row, reason, detail });
    }

    /// Moves a row that was counted as used to the rejects (a later stage found it unusable).
    pub fn unuse(&mut self, rejects: &mut Vec<Reject>, file: &str, row: u64, reason: RejectReason, detail: String) {
        self.used -= 1;
        self.reject(rejects, file, row, reason, detail);
    }

    /// Why no row was used, for an error message: no data rows, or the rejections by reason and
    /// the first rejected row (`first`).
    #[must_use]
    pub fn none_used(&self, first: Option<&Reject>) -> String {
        if self.rows_in == 0 {
            return "the file has a header but no data rows".into();
        }
        if self.rejected_total() == 0 && self.left_out > 0 {
            return format!("every row ({}) was left out by --where", self.left_out);
        }
        let reasons: Vec<String> = self.rejected.iter().map(|(r, n)| format!("{} {n}", r.code())).collect();
        let mut why = format!("every row was rejected: {}", reasons.join(", "));
        if let Some(f) = first {
            why.push_str(&format!("; the first, row {}: {}", f.row, f.detail));
        }
        why
    }

    /// Whether rows in = used + rejected + left out (+ rows of other partitions).
    pub fn reconciles(&self) -> bool {
        self.rows_in == self.used + self.rejected_total() + self.left_out + self.elsewhere
    }

    /// Adds the used, rejected and left-out rows of another partition of the same file (rows
    /// in are the file's, the same in every partition).
    pub fn add_partition(&mut self, other: &RowCounts) {
        self.used += other.used;
        self.left_out += other.left_out;
        for (reason, n) in &other.rejected {
            *self.rejected.entry(*reason).or_default() += n;
        }
    }

    /// The counts of several files together.
    pub fn total<'a>(files: impl IntoIterator<Item = &'a RowCounts>) -> RowCounts {
        let mut all = RowCounts::default();
        for c in files {
            all.rows_in += c.rows_in;
            all.add_partition(c);
        }
        all
    }
}
