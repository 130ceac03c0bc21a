//! The yearly report: `report.html`, `report.md`, `figures.json`, CSV tables, `gemeenten.parquet`
//! (and with the polygons `gemeenten.gpkg`, `gemeenten_geo.parquet`),
//! charts as SVG and PNG, and for one provincie the gap list — all made from [`Yearly`], in its
//! language ([`Words`]).

pub mod charts;
pub mod figures;
pub mod html;
pub mod markdown;
pub mod tables;

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::model::yearly::Yearly;
use crate::report::words::Words;
use dekking_files::atomic;
use figures::Figures;
use tables::CsvStyle;

/// A file of the report: its path relative to the output folder, and its bytes.
pub type OutputFile = (String, Vec<u8>);

/// Every file of the report, and the figures.
///
/// # Errors
/// A drawing or serialisation failure.
pub fn outputs(y: &Yearly, style: CsvStyle) -> Result<(Figures, Vec<OutputFile>)> {
    let w = Words::new(y.lang);
    let f = figures::figures(y, &w);
    let charts = charts::charts(&f, &y.boundaries.areas, &w)?;
    let mut files = vec![
        ("report.html".to_string(), html::html(&f, &charts, &w)),
        ("report.md".to_string(), markdown::markdown(&f, &charts, &w)),
        ("figures.json".to_string(), {
            let mut b = serde_json::to_vec_pretty(&f).map_err(|e| Error::table("figures.json", e.to_string()))?;
            b.push(b'\n');
            b
        }),
        ("gemeenten.parquet".to_string(), tables::gemeenten_parquet(&f)?),
    ];
    files.extend(tables::gemeenten_geo(&f, &y.boundaries.areas)?);
    files.extend(tables::tables(&f, style)?);
    if let Some(gaps) = &y.gaps {
        files.push(("gaps.geojson".to_string(), tables::gaps_geojson(&f, gaps)?));
        files.extend(tables::gap_tables(&f, gaps, style)?);
        files.extend(tables::gaps_geo(gaps)?);
    }
    for c in charts {
        files.push((format!("charts/{}.svg", c.name), c.svg.into_bytes()));
        files.push((format!("charts/{}.png", c.name), c.png));
    }
    Ok((f, files))
}

/// Writes the report into `dir` and returns the figures and the paths written.
///
/// # Errors
/// As [`outputs`], and [`Error::Io`] when `dir` cannot be written.
pub fn write(y: &Yearly, dir: &Path, style: CsvStyle) -> Result<(Figures, Vec<PathBuf>)> {
    let (f, files) = outputs(y, style)?;
    let paths = atomic::write_all(dir, files.iter().map(|(n, b)| (n.as_str(), b.clone())).collect())?;
    Ok((f, paths))
}
