//! Stage 4, judge: coverage against the targets and licence conditions loaded from `seeds/`.
//!
//! Input: a [`crate::model::fixed::Coverage`] and [`crate::model::policy::Targets`]. Output:
//! one [`crate::model::fixed::Verdict`] per row plus summaries; for mobile, a
//! [`crate::model::mobile::Compliance`] per operator × gemeente. No target value is written in
//! code.

pub mod licences;
pub mod targets;
