//! Stage 4, judge: coverage against the targets and licence conditions loaded from `seeds/`.
//!
//! Input: a [`crate::measure::fixed::Coverage`] and [`crate::io::policy::Targets`]. Output:
//! one [`targets::Verdict`] per row plus summaries. No target value is written in code.

pub mod licences;
pub mod targets;
