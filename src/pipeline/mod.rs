//! The pipelines end to end: io → assign → measure → judge, gathered into the results of
//! [`crate::model`] that `report` writes. A job (`FixedJob`, `MobileJob`, `ReportJob`) is the
//! validated form of a command's options.

pub mod fixed;
pub mod memory;
pub mod mobile;
pub mod predict;
pub mod report;

pub use fixed::{run_fixed, FixedJob, Spill, REJECT_WARNING_SHARE};
pub use mobile::{run_mobile, MobileJob};
pub use predict::{run_predict, PredictJob};
pub use report::{run_report, ReportJob};
