//! Fixed-broadband results: the covered flags of every address, the coverage table per area ×
//! threshold, the verdicts against the targets, and everything a fixed run reports.

use serde::{Deserialize, Serialize};

use crate::model::areas::Boundary;

use crate::model::areas::{AreaInfo, Assignment};
use crate::model::availability::{Locations, RowNumbers, XyCrs};
use crate::model::policy::FixedTarget;
use crate::model::rows::{Reject, RowCounts};
use crate::model::source::{Provenance, SourceInfo};
use crate::model::threshold::Threshold;

/// Micro-units per unit of weight.
pub const MICRO: f64 = 1e6;

/// The unit figures are counted in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Unit {
    /// Each address counts 1.
    Addresses,
    /// Each address counts its weight (households).
    Households,
}

impl Unit {
    /// The unit's name as written in outputs.
    pub fn name(self) -> &'static str {
        match self {
            Unit::Addresses => "addresses",
            Unit::Households => "households",
        }
    }
}

/// The covered flags of every address: bit `t` set when a record of the address meets threshold
/// `t`, stored in as few bytes per address as the thresholds need (one for up to eight).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Covered {
    /// Bytes per address.
    pub(crate) width: usize,
    /// The flags, `width` bytes per address, lowest thresholds first.
    pub(crate) bytes: Vec<u8>,
}

impl Covered {
    /// No flags set, for `n` addresses and `thresholds` thresholds.
    pub(crate) fn zeroed(n: usize, thresholds: usize) -> Covered {
        let width = thresholds.div_ceil(8).max(1);
        Covered { width, bytes: vec![0; n * width] }
    }

    /// The given flags (one `u64` per address) for `thresholds` thresholds.
    #[must_use]
    pub fn from_flags(flags: &[u64], thresholds: usize) -> Covered {
        let mut c = Covered::zeroed(flags.len(), thresholds);
        for (slot, f) in c.bytes.chunks_mut(c.width).zip(flags) {
            slot.copy_from_slice(&f.to_le_bytes()[..slot.len()]);
        }
        c
    }

    /// The flags of address `a`: bit `t` for threshold `t`.
    #[inline]
    #[must_use]
    pub fn get(&self, a: usize) -> u64 {
        self.bytes[a * self.width..][..self.width].iter().rev().fold(0, |v, &b| v << 8 | u64::from(b))
    }

    /// The number of addresses.
    #[must_use]
    pub fn len(&self) -> usize {
        self.bytes.len() / self.width.max(1)
    }

    /// Whether there are no addresses.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// Every address's flags, in order.
    #[must_use]
    pub fn to_flags(&self) -> Vec<u64> {
        (0..self.len()).map(|a| self.get(a)).collect()
    }
}

/// One figure: an area at a level, for one threshold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CoverageRow {
    /// Level name (gemeente, provincie, nl, county, ...).
    #[serde(deserialize_with = "crate::model::level_name::deserialize")]
    pub level: crate::model::Level,
    /// Area code.
    pub area_code: String,
    /// Area name.
    pub area_name: String,
    /// Index into [`Coverage::thresholds`].
    pub threshold: usize,
    /// Addresses in the universe (regardless of unit).
    pub addresses: u64,
    /// Universe in micro-units of [`Coverage::unit`].
    pub universe_micro: u64,
    /// Covered in micro-units of [`Coverage::unit`].
    pub covered_micro: u64,
    /// A cell with fewer addresses than `--min-count`: its figures are not published (they
    /// still count in the areas and the total).
    pub suppressed: bool,
}

impl CoverageRow {
    /// Covered / universe in 0–1; `None` when the universe is empty.
    pub fn share(&self) -> Option<f64> {
        (self.universe_micro > 0).then(|| self.covered_micro as f64 / self.universe_micro as f64)
    }

    /// Universe minus covered, micro-units.
    pub fn short_micro(&self) -> u64 {
        self.universe_micro - self.covered_micro
    }
}

/// The coverage table of a run: rows ordered by level (finest first), area code, threshold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Coverage {
    /// The thresholds, in the order given.
    pub thresholds: Vec<Threshold>,
    /// The unit of universe and covered.
    pub unit: Unit,
    /// The rows.
    pub rows: Vec<CoverageRow>,
}

/// The verdict on one coverage row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Verdict {
    /// The applicable target's id, if any.
    pub target_id: Option<String>,
    /// The applicable target's share, percent.
    pub target_pct: Option<f64>,
    /// Whether the row meets it (`None`: no target, or an empty universe).
    pub meets_target: Option<bool>,
}

/// Summary of a threshold that has a target, at the finest level and the total.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TargetSummary {
    /// Threshold index.
    pub threshold: usize,
    /// The target.
    pub target: FixedTarget,
    /// The total row's share, 0–1.
    pub total_share: Option<f64>,
    /// Whether the total meets the target.
    pub total_meets: Option<bool>,
    /// Universe minus covered at the total, micro-units.
    pub total_short_micro: u64,
    /// Finest-level areas meeting the target.
    pub areas_meeting: u64,
    /// Finest-level areas with a non-empty universe.
    pub areas_with_data: u64,
    /// The finest level's name (what `areas_meeting` counts).
    pub finest: String,
}

/// Addresses whose gemeentecode was mapped onto the current map.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Remap {
    /// The code as given.
    pub old_code: String,
    /// The current code it was counted under.
    pub new_code: String,
    /// Addresses with that code.
    pub addresses: u64,
}

/// A fixed run's counts before judgement, of all its addresses or of one partition of them:
/// the partial results of a run's partitions add up ([`crate::measure::merge`]) to those of the
/// whole run.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FixedPart {
    /// The area levels, finest first (gemeente, provincie, nl).
    #[serde(deserialize_with = "crate::model::level_name::three")]
    pub levels: [crate::model::Level; 3],
    /// The coverage rows of every area level and cell level (cells not yet suppressed).
    pub coverage: Coverage,
    /// Locations per service class, when asked.
    pub classes: Option<crate::model::classes::Classes>,
    /// The cells of each cell level (their addresses' places dropped once counted).
    pub cells: Vec<(crate::model::cells::CellScheme, crate::model::cells::CellsOf)>,
    /// Rejected rows, each naming its file and row: in reading order, or by file name and row
    /// once addresses were rejected for their area (`rejects_by_name`).
    pub rejects: Vec<Reject>,
    /// Whether addresses were rejected for their area, which puts the rejects in file-name order.
    pub rejects_by_name: bool,
    /// Per input file (the universe first), its rows in = used + rejected (+ left out, + elsewhere).
    pub rows: Vec<(String, RowCounts)>,
    /// Every file read, with its checksum.
    pub sources: Vec<SourceInfo>,
    /// Warnings that do not depend on the partition (e.g. about the boundaries).
    pub warnings: Vec<String>,
    /// The finest areas without a parent (sorted), and whether the run has parents at all.
    pub orphans: (Vec<String>, bool),
    /// Counts of points that look like another CRS.
    pub suspicious: crate::model::areas::Suspicious,
    /// Addresses located by code and by point.
    pub located: (u64, u64),
    /// Addresses whose records give different locations.
    pub location_conflicts: u64,
    /// Addresses read (before any was rejected for its area): a run without any has no data.
    pub loaded: u64,
    /// Gemeentecodes of earlier maps counted under their current code.
    pub remapped: Vec<Remap>,
    /// Whether a universe file gave the addresses.
    pub universe_given: bool,
    /// The name of the records input in messages.
    pub records_name: String,
    /// The name of the address input (the universe, else the records) in messages.
    pub addresses_name: String,
    /// The areas' shapes, when layers were asked for (not carried in a partial result file).
    #[serde(skip, default)]
    pub shapes: Vec<Boundary>,
    /// The outcome per address, when kept (not carried in a partial result file).
    #[serde(skip, default)]
    pub addresses: Option<AddressOutcome>,
}

/// A partial result as a file (`partial.json`): one partition of a run, to be merged with the
/// others (`dekking fixed --merge`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PartialFile {
    /// The file's format, [`PartialFile::FORMAT`].
    pub format: String,
    /// The dekking version that wrote it.
    pub version: String,
    /// Which partition of how many.
    pub partition: crate::model::availability::Partition,
    /// The counts.
    pub part: FixedPart,
}

impl PartialFile {
    /// The format name of this version of the file.
    pub const FORMAT: &'static str = "dekking-partial/1";
}

/// The outcome per address of a run, for gap lists.
#[derive(Debug, Clone, Default)]
pub struct AddressOutcome {
    /// The files the addresses come from (the universe, or the records).
    pub parts: crate::model::availability::Parts,
    /// The data row (1-based) where each address was first seen.
    pub first_row: RowNumbers,
    /// Each address's location as given.
    pub location: Locations,
    /// The CRS of point locations.
    pub point_crs: Option<XyCrs>,
    /// The finest area of each address, or why it has none.
    pub area: Vec<Assignment>,
    /// Covered bit per threshold, per address.
    pub bits: Covered,
    /// The finest areas, by index.
    pub areas: Vec<AreaInfo>,
}

/// How a run was read: in one pass or in partitions, and the memory that decided it. Not part of
/// the outputs: the tables are the same either way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Passes {
    /// The partitions the addresses were read in, one after another (1: one pass).
    pub partitions: u32,
    /// The rows of the inputs, estimated from their files before the run (0 when not planned).
    pub rows: u64,
    /// The memory budget (bytes), when one was known.
    pub budget: Option<u64>,
    /// Whether the budget is the machine's (no `--memory`).
    pub machine: bool,
    /// Whether the run was read in one pass although the budget asked for partitions (lists per
    /// location are made in one pass).
    pub one_pass: bool,
    /// Whether the partitions were read from the records spilled by partition to disk.
    pub spilled: bool,
}

impl Passes {
    /// One pass, as asked (no plan).
    pub const ONE: Passes =
        Passes { partitions: 1, rows: 0, budget: None, machine: false, one_pass: false, spilled: false };
}

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
    /// The areas' shapes (RD New), when the job asked for layers.
    #[serde(skip)]
    pub shapes: Vec<Boundary>,
    /// The locations of each area by service class, when the job asked for them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub classes: Option<crate::model::classes::Classes>,
    /// The cells of each cell level asked (`--by h3:R`, `grid:…`), for their outlines.
    #[serde(skip)]
    pub cells: Vec<(crate::model::cells::CellScheme, crate::model::cells::CellsOf)>,
    /// The fewest addresses a cell's figures are published for (`--min-count`), when given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_count: Option<u64>,
    /// How the run was read (one pass or partitions); not in the outputs.
    #[serde(skip)]
    pub passes: Passes,
}
