//! Reading a partial result (`partial.json` of `dekking fixed --partition K/N`) for a merge.

use std::path::Path;

use crate::error::{Error, Result};
use crate::model::fixed::PartialFile;

/// Reads the partial result at `path` (the file, or the folder holding `partial.json`).
///
/// # Errors
/// [`Error::Io`] for an unreadable file, [`Error::Table`] for one that is not a partial result
/// of this format.
pub fn read(path: &Path) -> Result<PartialFile> {
    let file = if path.is_dir() { path.join("partial.json") } else { path.to_path_buf() };
    let text = std::fs::read_to_string(&file).map_err(|e| Error::io(&file, e))?;
    let p: PartialFile = serde_json::from_str(&text).map_err(|e| {
        Error::table(&file, format!("not a partial result of dekking fixed --partition ({e}); give its partial.json"))
    })?;
    if p.format != PartialFile::FORMAT {
        let why = format!("format {:?}, this dekking reads {:?}; rerun the partition", p.format, PartialFile::FORMAT);
        return Err(Error::table(&file, why));
    }
    Ok(p)
}
