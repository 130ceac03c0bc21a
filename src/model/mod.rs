//! The plain types that pass between the stages, in one home: every stage imports from here,
//! and nothing here imports a stage.
//!
//! | module | what | made by | read by |
//! |---|---|---|---|
//! | [`date`] | calendar dates | io, cli | judge, report |
//! | [`rows`] | rejected rows, rows in = used + rejected | io, assign, pipeline | report |
//! | [`source`] | provenance: inputs with SHA-256, method, warnings | io, pipeline | report |
//! | [`availability`] | addresses, records, locations, row numbers | io | assign, measure, pipeline |
//! | [`areas`] | areas at three levels, assignments, area tables, boundaries | io, assign | measure, report |
//! | [`lang`] | the language of a report | io, cli | report |
//! | [`threshold`] | speed thresholds | cli | measure, judge, report |
//! | [`policy`] | targets, reference figures, the action plan | io | judge, report |
//! | [`grid`] | the lattice of a coverage grid | io | measure |
//! | [`fixed`] | covered flags, coverage table, verdicts, the fixed report | measure, judge, pipeline | report |
//! | [`mobile`] | compliance, drive-test verdicts, the mobile report | judge, pipeline | report, io (read back) |
//! | [`outputs`] | the rows of dekking's own output tables, as written and read back | report | io |
//! | [`yearly`] | the yearly figures | pipeline | report |

pub mod areas;
pub mod availability;
pub mod cells;
pub mod classes;
pub mod date;
pub mod fixed;
pub mod grid;
pub mod lang;
pub mod mobile;
pub mod outputs;
pub mod policy;
pub mod predict;
pub mod rows;
pub mod site;
pub mod source;
pub mod threshold;
pub mod yearly;

pub use date::Date;
pub use rows::{Reject, RejectReason, RowCounts};
