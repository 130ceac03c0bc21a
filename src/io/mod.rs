//! Stage 1, io: read, validate and reject.
//!
//! Input: file paths and a [`profile::Profile`]. Output: the plain data of [`crate::model`] —
//! an [`crate::model::availability::Availability`] (distinct addresses + usable records, by
//! [`records`]), [`crate::model::areas::Boundaries`] (RD New polygons), an
//! [`crate::model::areas::AreaTable`], [`crate::model::policy::Targets`], licences, grids and
//! drive tests. Rejected: rows with a missing id, a missing/invalid/negative/implausible speed, a
//! bad weight, no location, a malformed area code, or an id absent from the universe; each
//! becomes a [`crate::model::rows::Reject`] with its row. Tables are read by the `dekking-table`
//! crate; this stage maps their columns to the contract and applies the row rules.

pub mod actieplan;
pub mod areas;
pub mod boundaries;
pub mod classes;
pub mod columns;
pub mod compliance;
pub mod drive_tests;
pub mod embedded;
pub mod grids;
pub mod inputs;
pub mod licence;
pub mod mergers;
pub mod partial;
pub mod points;
pub mod policy;
pub mod profile;
pub mod records;
pub mod runfile;
pub mod sites;
pub mod vector;

pub use crate::model::rows::{Reject, RejectReason};

use std::path::Path;

use crate::error::{Error, Result};

/// The text of a file that must be UTF-8 (GeoJSON, TOML).
///
/// # Errors
/// [`Error::Io`] when it cannot be read; [`Error::Table`] when it is not UTF-8, saying so.
pub fn read_text(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    utf8(path, bytes)
}

/// The bytes of `path` as text, which must be UTF-8.
///
/// # Errors
/// [`Error::Table`] when they are not UTF-8, saying at which byte.
pub fn utf8(path: &Path, bytes: Vec<u8>) -> Result<String> {
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        Error::table(path, format!("not UTF-8 text (byte {at} is not); save the file as UTF-8"))
    })
}
