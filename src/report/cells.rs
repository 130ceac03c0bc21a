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
use crate::model::fixed::{CoverageRow, FixedReport, Unit};
use crate::report::charts::map::{class_of, Choropleth, MapShape, SHARE_BOUNDS, SHARE_COLOURS, SHARE_RANGES};
use crate::report::charts::{render, Chart};

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

/// `cells.geojson`, `cells.gpkg` (layer `cells`) and `cells_geo.parquet`: one feature per cell
/// of the cell levels (`--by h3:R`, `grid:…`) with its outline in longitude/latitude
/// (EPSG:4326) and its figures side by side: `level`, `area_code`, `addresses`, then per
/// threshold `covered_T` and `share_T` (T the threshold with `_` for its signs), and with
/// `--min-count` `suppressed` (a suppressed cell's figures null); none without cell levels.
///
/// # Errors
/// Only on an internal serialisation failure.
pub fn cell_layers(report: &FixedReport) -> Result<Vec<(&'static str, Vec<u8>)>> {
    if report.cells.is_empty() {
        return Ok(Vec::new());
    }
    let c = &report.coverage;
    let n = c.thresholds.len().max(1);
    // A cell's rows are its thresholds', one after the other.
    let cells: Vec<&[CoverageRow]> = c.rows.chunks(n).filter(|ch| cells_of(report, &ch[0]).is_some()).collect();
    let shown = |r: &CoverageRow, v| (!r.suppressed).then_some(v);
    let text = |name: &str, v: Vec<String>| Column::new(name.into(), v);
    let mut columns = vec![
        text("level", cells.iter().map(|ch| ch[0].level.to_string()).collect()),
        text("area_code", cells.iter().map(|ch| ch[0].area_code.clone()).collect()),
        Column::new("addresses".into(), cells.iter().map(|ch| shown(&ch[0], ch[0].addresses)).collect::<Vec<_>>()),
    ];
    for (k, t) in c.thresholds.iter().enumerate() {
        let slug: String =
            t.to_string().chars().map(|ch| if ch.is_ascii_alphanumeric() || ch == '.' { ch } else { '_' }).collect();
        let covered: Vec<Option<u64>> = cells.iter().map(|ch| shown(&ch[k], ch[k].covered_micro)).collect();
        let share: Vec<Option<f64>> = cells.iter().map(|ch| ch[k].share().filter(|_| !ch[k].suppressed)).collect();
        columns.push(match c.unit {
            Unit::Addresses => Column::new(
                format!("covered_{slug}").into(),
                covered.iter().map(|v| v.map(|m| m / 1_000_000)).collect::<Vec<Option<u64>>>(),
            ),
            Unit::Households => Column::new(
                format!("covered_{slug}").into(),
                covered.iter().map(|v| v.map(|m| m as f64 / 1e6)).collect::<Vec<Option<f64>>>(),
            ),
        });
        columns.push(Column::new(format!("share_{slug}").into(), share));
    }
    if report.min_count.is_some() {
        columns.push(Column::new("suppressed".into(), cells.iter().map(|ch| ch[0].suppressed).collect::<Vec<bool>>()));
    }
    let frame = DataFrame::new(cells.len(), columns)
        .map_err(|e| Error::table("<output>", format!("writing the cell layers: {e}")))?;
    let geometries: Vec<Option<Geometry<f64>>> =
        cells.iter().map(|ch| outline(report, &ch[0]).map(Geometry::Polygon)).collect();
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
