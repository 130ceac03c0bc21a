//! Writers for `dekking predict grid`: one GeoTIFF per operator (`grid_<operator>.tif`, Mbps,
//! [`NODATA`] where no site reaches), `rejected.csv`, `predict.json` (the provenance: inputs,
//! rows, model, environment, lattice, radio, and per operator its cells reached and at the
//! speed counted), and the stdout summary.

use std::path::{Path, PathBuf};

use serde_json::json;

use crate::error::{Error, Result};
use crate::io::grids::write_geotiff;
use crate::model::predict::{PredictReport, Predicted};
use crate::predict::environment::{SUBURBAN_FROM, URBAN_FROM};
use crate::report::csv::rejects;
use dekking_files::atomic;

/// The nodata value of the GeoTIFFs written.
pub const NODATA: f32 = -9999.0;

/// The file name of `operator`'s grid: `grid_<operator>.tif`, characters other than ASCII
/// letters, digits and `-` as `_`.
#[must_use]
pub fn grid_file(operator: &str) -> String {
    let name: String = operator.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '_' }).collect();
    format!("grid_{name}.tif")
}

/// A grid's cells reached by some site, and of those at `mbps` or more.
#[must_use]
pub fn cells_reached(g: &Predicted, mbps: f64) -> (usize, usize) {
    let reached = g.mbps.iter().filter(|v| !v.is_nan()).count();
    (reached, g.mbps.iter().filter(|&&v| f64::from(v) >= mbps).count())
}

/// The bytes of `predict.json` for `report`, counting cells at `mbps`.
///
/// # Errors
/// Only on an internal serialisation failure.
pub fn provenance(report: &PredictReport, run_date: &str, mbps: f64) -> Result<Vec<u8>> {
    let operators: Vec<_> = report
        .grids
        .iter()
        .map(|g| {
            let (reached, fast) = cells_reached(g, mbps);
            json!({ "operator": g.operator, "file": grid_file(&g.operator), "transmitters": g.sites,
                "cells": g.mbps.len(), "cells_reached": reached, "cells_at_speed": fast })
        })
        .collect();
    let environment = report.environment.as_ref().map(|e| {
        json!({
            "from": e, "urban_from_per_km2": URBAN_FROM, "suburban_from_per_km2": SUBURBAN_FROM,
            "cells": { "urban": e.urban, "suburban": e.suburban, "rural": e.rural, "unclassified": e.unclassified },
            "models": report.settings.models,
        })
    });
    let grid = report.grids.first().map(|g| g.spec);
    let s = &report.settings;
    let p = json!({
        "tool": "dekking", "version": env!("CARGO_PKG_VERSION"), "run_date": run_date,
        "inputs": [report.source], "rows": report.rows, "model": s.model, "environment": environment,
        "crs": s.crs.name(),
        "grid": grid.map(|g| json!({ "x0": g.x0, "y0": g.y0, "cell_m": g.cell, "cols": g.cols, "rows": g.rows })),
        "range_m": s.range_m, "rx_height_m": s.rx_height_m, "noise_figure_db": s.noise_figure_db,
        "pattern": s.pattern, "spectral_efficiency": s.spectral_efficiency, "load": s.load,
        "nodata": NODATA, "speed_mbps": mbps, "operators": operators,
    });
    let mut bytes = serde_json::to_vec_pretty(&p).map_err(|e| Error::table("predict.json", e.to_string()))?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// Writes the grids, `rejected.csv` and `predict.json` of `report` into `dir` (created if
/// needed); returns the paths written, grids first.
///
/// # Errors
/// [`Error::Io`] when `dir` cannot be written.
pub fn write(report: &PredictReport, dir: &Path, run_date: &str, mbps: f64) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let mut written = Vec::new();
    for g in &report.grids {
        let path = dir.join(grid_file(&g.operator));
        write_geotiff(&path, &g.spec, report.settings.crs, &g.mbps, NODATA)?;
        written.push(path);
    }
    let files =
        vec![("rejected.csv", rejects(&report.rejects)?), ("predict.json", provenance(report, run_date, mbps)?)];
    written.extend(atomic::write_all(dir, files)?);
    Ok(written)
}

/// One line per operator: transmitters, cells reached, cells at `mbps` or more.
#[must_use]
pub fn summary(report: &PredictReport, mbps: f64) -> String {
    report
        .grids
        .iter()
        .map(|g| {
            let (reached, fast) = cells_reached(g, mbps);
            format!(
                "{}: {} transmitters, {reached} of {} cells reached, {fast} at {mbps} Mbps or more\n",
                g.operator,
                g.sites,
                g.mbps.len()
            )
        })
        .collect()
}
