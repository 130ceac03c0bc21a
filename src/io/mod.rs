//! Stage 1, io: read, validate and reject.
//!
//! Input: file paths and an [`profile::Profile`]. Output: plain data —
//! [`addresses::Availability`] (distinct addresses + usable records), [`boundaries::Boundaries`]
//! (RD New polygons), [`areas::AreaTable`] and [`policy::Targets`]. Rejected: rows with a missing
//! id, a missing/invalid/negative/implausible speed, a bad weight, no location, a malformed area
//! code, or an id absent from the universe; each becomes a [`reject::Reject`] with its row.

pub mod actieplan;
pub mod areas;
pub mod boundaries;
pub mod columns;
pub mod compliance;
pub mod drive_tests;
pub mod embedded;
pub mod grids;
pub mod licence;
pub mod mergers;
pub mod policy;
pub mod profile;
pub mod records;
pub mod runfile;

pub use crate::model::rows::{Reject, RejectReason};
