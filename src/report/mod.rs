//! Stage 5, report: one writer per format, all taking the same result.
//!
//! Input: a [`FixedReport`], a [`crate::model::mobile::MobileReport`] or the
//! [`crate::model::yearly::Yearly`] figures. Output: `coverage.csv`, `coverage.parquet`,
//! `coverage.json`, `rejected.csv`, the mobile tables, the yearly report (HTML, Markdown,
//! charts, JSON, CSV) and compact text tables. Rows of our own tables are written through the
//! row structs of [`crate::model::outputs`]. Writes are atomic; the same inputs give the same
//! bytes.

pub mod cells;
pub mod charts;
pub mod csv;
pub mod format;
pub mod json;
pub mod mobile;
pub mod parquet;
pub mod predict;
pub mod text;
pub mod words;
pub mod yearly;

use std::path::{Path, PathBuf};

use crate::error::Result;

use crate::model::fixed::FixedReport;

/// The files a fixed-coverage run writes into its output directory (the geometry layers with
/// `--layers`, `classes.csv` with `--classify`, `class_locations.csv` with `--class-locations`,
/// the cells' outlines with cell levels).
pub const FIXED_FILES: [&str; 13] = [
    "coverage.csv",
    "coverage.parquet",
    "coverage.json",
    "rejected.csv",
    "coverage.gpkg",
    "coverage_geo.parquet",
    "classes.csv",
    "class_locations.csv",
    "cells.geojson",
    "cells.gpkg",
    "cells_geo.parquet",
    "cells.svg",
    "cells.png",
];

/// Writes all outputs of `report` ([`fixed_files`]) into `dir` (created if needed) and returns
/// their paths.
///
/// # Errors
/// [`crate::Error::Io`] when the directory cannot be created or written.
pub fn write_fixed(report: &FixedReport, dir: &Path) -> Result<Vec<PathBuf>> {
    Ok(dekking_files::atomic::write_all(dir, fixed_files(report)?)?)
}

/// The outputs of `report`, each file's name (of [`FIXED_FILES`]) and bytes: the tables, and the
/// layers with geometry when the report holds the areas' shapes or has cell levels.
///
/// # Errors
/// [`crate::Error`] when a table cannot be encoded.
pub fn fixed_files(report: &FixedReport) -> Result<Vec<(&'static str, Vec<u8>)>> {
    let mut files = vec![
        (FIXED_FILES[0], csv::coverage(report)?),
        (FIXED_FILES[1], parquet::coverage(report)?),
        (FIXED_FILES[2], json::coverage(report)?),
        (FIXED_FILES[3], csv::rejects(&report.rejects)?),
    ];
    if !report.shapes.is_empty() {
        files.extend(parquet::coverage_layers(report)?);
    }
    files.extend(cells::cell_layers(report)?);
    if let Some(map) = cells::cell_map(report)? {
        files.extend([(FIXED_FILES[11], map.svg.into_bytes()), (FIXED_FILES[12], map.png)]);
    }
    if let Some(c) = &report.classes {
        files.push((FIXED_FILES[6], csv::classes(c)?));
        if !c.locations.is_empty() {
            files.push((FIXED_FILES[7], csv::class_locations(c)?));
        }
    }
    Ok(files)
}
