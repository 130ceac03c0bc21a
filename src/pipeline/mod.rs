//! The pipelines end to end: io → assign → measure → judge → report data.

pub mod fixed;
pub mod mobile;

pub use fixed::{run_fixed, FixedJob, REJECT_WARNING_SHARE};
pub use mobile::{run_mobile, MobileJob};
