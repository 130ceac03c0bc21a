//! The pipelines end to end: io → assign → measure → judge → report data.

pub mod fixed;
pub mod mobile;
pub mod report;

pub use fixed::{run_fixed, FixedJob, REJECT_WARNING_SHARE};
pub use mobile::{run_mobile, MobileJob};
pub use report::{run_report, ReportJob};
