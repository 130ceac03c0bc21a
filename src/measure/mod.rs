//! Stage 3, measure: counts and areas per area × threshold (× operator, for mobile).
//!
//! Input: assigned addresses and their records. Output: a [`fixed::Coverage`] table of plain
//! counts; no judgement and no formatting happens here.

pub mod cell_fraction;
pub mod fixed;
pub mod mobile;
pub mod wilson;
