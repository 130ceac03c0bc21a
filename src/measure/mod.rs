//! Stage 3, measure: counts and areas per area × threshold (× operator, for mobile).
//!
//! Input: assigned addresses and their records ([`crate::model::areas::Assigned`],
//! [`crate::model::availability::Records`]), or eligible shapes and a coverage grid. Output: a
//! [`crate::model::fixed::Coverage`] table of plain counts, or covered areas per gemeente; no
//! judgement and no formatting happens here.

pub mod cell_fraction;
pub mod cells;
pub mod classes;
pub mod fixed;
pub mod merge;
pub mod mobile;
pub mod plausibility;
pub mod points;
pub mod wilson;
