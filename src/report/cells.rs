//! The cells of the cell levels (`--by h3:R`, `grid:…`): their rows with outlines for QGIS
//! (`cells.geojson`, `cells.gpkg`, `cells_geo.parquet`) and a map of the first cell level's
//! shares at the first threshold (`cells.svg`, `cells.png`).

use std::sync::Arc;

use geo::Geometry;
use plotters::style::RGBColor;
use polars::prelude::*;

use crate::assign::cells;
use crate::error::{Error, Result};
use crate::io::vector;
use crate::model::cells::{CellScheme, CellsOf};
use crate::model::fixed::{CoverageRow, FixedReport};
use crate::report::charts::map::{class_of, Choropleth, MapShape, SHARE_BOUNDS, SHARE_COLOURS, SHARE_RANGES};
use crate::report::charts::{render, Chart};
use crate::report::parquet::coverage_frame;

/// Fill of a suppressed cell on the map.
const SUPPRESSED: RGBColor = RGBColor(150, 150, 150);

/// The scheme and cells of a row's level, when it is a cell level of the run.
fn cells_of<'a>(report: &'a FixedReport, r: &CoverageRow) -> Option<&'a (CellScheme, CellsOf)> {
    report.cells.iter().find(|(s, _)| s.level() == r.level)
}

/// The outline (longitude/latitude) of the cell of row `r`.
fn outline(report: &FixedReport, r: &CoverageRow) -> Option<geo::Polygon<f64>> {
    let (scheme, cells) = cells_of(report, r)?;
    let k = cells.codes.binary_search(&r.area_code).ok()?;
    Some(cells::outline(*scheme, cells.ids[k]))
}

/// `cells.geojson`, `cells.gpkg` (layer `cells`) and `cells_geo.parquet`: the rows of the cell
/// levels of `coverage.csv` (`--by h3:R`, `grid:…`), each with its cell's outline in
/// longitude/latitude (EPSG:4326); none without cell levels.
///
/// # Errors
/// Only on an internal serialisation failure.
pub fn cell_layers(report: &FixedReport) -> Result<Vec<(&'static str, Vec<u8>)>> {
    if report.cells.is_empty() {
        return Ok(Vec::new());
    }
    let rows = &report.coverage.rows;
    let is_cell = |r: &CoverageRow| cells_of(report, r).is_some();
    let mask: BooleanChunked = rows.iter().map(&is_cell).collect();
    let frame = coverage_frame(report)?
        .filter(&mask)
        .map_err(|e| Error::table("<output>", format!("writing the cell layers: {e}")))?;
    let geometries: Vec<Option<Geometry<f64>>> =
        rows.iter().filter(|r| is_cell(r)).map(|r| outline(report, r).map(Geometry::Polygon)).collect();
    let geojson = vector::geojson_bytes(&frame, &geometries)?;
    let (gpkg, geoparquet) = vector::layer_files("cells", 4326, frame, &geometries)?;
    Ok(vec![("cells.geojson", geojson), ("cells.gpkg", gpkg), ("cells_geo.parquet", geoparquet)])
}

/// A map of the first cell level's cells coloured by their share at the first threshold
/// (suppressed cells grey), drawn in longitude/latitude with the longitudes shortened by the
/// cosine of the middle latitude; `None` without cell levels.
///
/// # Errors
/// A drawing failure.
pub fn cell_map(report: &FixedReport) -> Result<Option<Chart>> {
    let Some((scheme, _)) = report.cells.first() else { return Ok(None) };
    let c = &report.coverage;
    let rows: Vec<&CoverageRow> = c.rows.iter().filter(|r| r.level == scheme.level() && r.threshold == 0).collect();
    let rings: Vec<Vec<(f64, f64)>> = rows
        .iter()
        .map(|r| outline(report, r).map(|p| p.exterior().0.iter().map(|q| (q.x, q.y)).collect()).unwrap_or_default())
        .collect();
    let lats = rings.iter().flatten().map(|p| p.1);
    let (lo, hi) = lats.fold((f64::MAX, f64::MIN), |(lo, hi), y| (lo.min(y), hi.max(y)));
    let squeeze = if lo <= hi { ((lo + hi) / 2.0).to_radians().cos() } else { 1.0 };
    let shapes: Vec<MapShape> = rows
        .iter()
        .zip(rings)
        .map(|(r, ring)| MapShape {
            code: r.area_code.clone(),
            rings: vec![ring.into_iter().map(|(x, y)| (x * squeeze, y)).collect()],
            area_m2: 0.0,
        })
        .collect();
    // The share classes, then suppressed cells (with --min-count).
    let mut classes: Vec<(String, RGBColor)> =
        SHARE_RANGES.iter().zip(SHARE_COLOURS).map(|(r, c)| (format!("{r} %"), c)).collect();
    if let Some(min) = report.min_count {
        classes.push((format!("suppressed (< {min} addresses)"), SUPPRESSED));
    }
    let mut counts = vec![0u64; classes.len()];
    let fill = rows
        .iter()
        .map(|r| {
            let k = match r.share() {
                _ if r.suppressed => SHARE_RANGES.len(),
                Some(s) => class_of(s * 100.0, &SHARE_BOUNDS),
                None => return None,
            };
            counts[k] += 1;
            Some(classes[k].1)
        })
        .collect();
    let notes = classes
        .iter()
        .zip(&counts)
        .filter(|(_, n)| **n > 0)
        .map(|((l, _), n)| format!("{l}: {n} cell{}", if *n == 1 { "" } else { "s" }))
        .collect();
    let threshold = c.thresholds.first().map(ToString::to_string).unwrap_or_default();
    let title = format!("Share of {} with {threshold} Mbps per {} cell", c.unit.name(), scheme.level());
    let map = Choropleth {
        title: title.clone(),
        source: format!("dekking {}, run of {}", env!("CARGO_PKG_VERSION"), report.provenance.run_date),
        shapes: Arc::new(shapes),
        fill,
        heading: format!("share of {}", c.unit.name()),
        classes,
        notes,
        outlined: false,
    };
    render("cells", &title, &map).map(Some)
}
