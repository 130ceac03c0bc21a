//! The mobile-licence pipeline: grids + gemeenten + exclusions → eligible and covered area per
//! operator × gemeente → compliance with the licence on a date; drive tests → success rates.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use geo::{Coord, LineString, MapCoords, MultiPolygon, Polygon};
use rayon::prelude::*;

use crate::assign::pip::AreaIndex;
use crate::error::{Error, Result};
use crate::io::areas::load_area_table;
use crate::io::boundaries::{self, load_layer, AreaFields};
use crate::io::grids::{self, GridOptions};
use crate::io::licence::{Exclusion, Licence};
use crate::io::profile::AreaScheme;
use crate::io::{drive_tests, embedded};
use crate::judge::licences::{judge_area, judge_drive_test};
use crate::measure::cell_fraction::CellAreas;
use crate::measure::mobile::{covered, Eligible, Exclusions};
use crate::model::date::Date;
use crate::model::grid::GridCrs;
use crate::model::grid::GridSpec;
use crate::model::mobile::MobileReport;
use crate::model::rows::RejectReason;
use crate::model::source::MobileProvenance;
use crate::model::source::SourceInfo;
use crate::progress::{Progress, Ticker};
use dekking_crs::{lonlat_to_laea, rd_to_wgs84, wgs84_to_rd};

/// Vertices of the polygon that stands for a circular exclusion (area error below 2·10⁻⁵).
pub const CIRCLE_VERTICES: usize = 720;

/// A mobile-compliance job: the validated form of `dekking mobile`'s options.
#[derive(Debug, Clone)]
pub struct MobileJob {
    /// (operator as given, grid file), in the order given.
    pub grids: Vec<(String, PathBuf)>,
    /// How to read the grids.
    pub grid_options: GridOptions,
    /// The licence.
    pub licence: Licence,
    /// The areas judged (every area of the file); `None` = built-in CBS 2023 gemeenten.
    pub boundaries: Option<PathBuf>,
    /// Which properties of the boundary file hold the area code and name.
    pub area_fields: AreaFields,
    /// Area table naming areas the boundary file leaves unnamed; `None` = built-in 2023 table.
    pub areas: Option<PathBuf>,
    /// Extra exclusion layers (GeoJSON).
    pub exclusions: Vec<PathBuf>,
    /// Whether to apply the licence's own exclusion layers.
    pub licence_exclusions: bool,
    /// The judging date.
    pub date: Date,
    /// Drive-test measurements, if any.
    pub drive_tests: Option<PathBuf>,
    /// Run date for provenance.
    pub run_date: String,
}

/// `result`, one gemeente done: for the parallel stages' progress.
fn done<T>(result: T, tick: &Ticker) -> T {
    tick(1);
    result
}

fn circle(lat: f64, lon: f64, radius_m: f64) -> MultiPolygon<f64> {
    let (cx, cy) = wgs84_to_rd(lon, lat);
    let ring: Vec<Coord<f64>> = (0..=CIRCLE_VERTICES)
        .map(|k| {
            let a = (k % CIRCLE_VERTICES) as f64 / CIRCLE_VERTICES as f64 * std::f64::consts::TAU;
            Coord { x: cx + radius_m * a.cos(), y: cy + radius_m * a.sin() }
        })
        .collect();
    MultiPolygon(vec![Polygon::new(LineString(ring), vec![])])
}

fn to_grid_crs(shape: &MultiPolygon<f64>, crs: GridCrs) -> MultiPolygon<f64> {
    match crs {
        GridCrs::RdNew => shape.clone(),
        GridCrs::Laea => shape.map_coords(|c| {
            let (lon, lat) = rd_to_wgs84(c.x, c.y);
            let (x, y) = lonlat_to_laea(lon, lat);
            Coord { x, y }
        }),
    }
}

/// The exclusion layers a licence names, in RD New.
#[derive(Debug, Clone, Default)]
pub struct LicenceLayers {
    /// Every exclusion polygon of every layer, RD New.
    pub shapes: Vec<MultiPolygon<f64>>,
    /// One line per layer, for provenance.
    pub applied: Vec<String>,
    /// The files read.
    pub inputs: Vec<SourceInfo>,
    /// Warnings from reading them.
    pub warnings: Vec<String>,
}

/// Loads the exclusion layers of `licence` (built-in or files beside it, and circles).
///
/// # Errors
/// An unreadable or invalid layer file, or an unknown built-in layer.
pub fn licence_layers(licence: &Licence) -> Result<LicenceLayers> {
    let mut out = LicenceLayers::default();
    for x in &licence.exclusions {
        match x {
            Exclusion::File { id, path, .. } => {
                let layer = match path.strip_prefix("builtin:") {
                    Some(name) => embedded::layer(name)?,
                    None => {
                        let p = licence.base_dir.as_ref().map_or_else(|| PathBuf::from(path), |d| d.join(path));
                        load_layer(&p, &format!("exclusion {id}"))?
                    }
                };
                out.applied.push(format!("{id} ({} polygons, {})", layer.shapes.len(), layer.source.path));
                out.inputs.push(layer.source);
                out.warnings.extend(layer.warnings);
                out.shapes.extend(layer.shapes);
            }
            Exclusion::Circle { id, lat, lon, radius_m, .. } => {
                out.applied.push(format!("{id} (circle, radius {radius_m} m around {lat} N {lon} E)"));
                out.shapes.push(circle(*lat, *lon, *radius_m));
            }
        }
    }
    Ok(out)
}

/// Runs the mobile pipeline.
///
/// # Errors
/// Unreadable inputs, an operator the licence does not name, or a date before the obligation.
pub fn run_mobile(job: &MobileJob, progress: &mut dyn Progress) -> Result<MobileReport> {
    let licence = &job.licence;
    let required_mbps = licence.required_mbps(job.date).ok_or_else(|| {
        Error::argument(
            "date",
            &job.date.to_string(),
            format!("the obligation of {} is not in force before {}", licence.id, licence.obligation.speed[0].from),
        )
    })?;
    let mut warnings = Vec::new();
    let mut inputs = Vec::new();

    progress.stage("gemeenten", None);
    let b = match &job.boundaries {
        Some(p) => boundaries::without_non_areas(
            boundaries::load_with(p, AreaScheme::Gemeente, &job.area_fields)?,
            AreaScheme::Gemeente,
        ),
        None => embedded::gemeenten_2023()?,
    };
    let table = match &job.areas {
        Some(p) => load_area_table(p, AreaScheme::Gemeente)?,
        None => embedded::gemeente_provincie_2023()?,
    };
    warnings.extend(b.warnings.iter().cloned());
    inputs.push(b.source.clone());
    if job.areas.is_some() {
        inputs.extend(table.source.clone());
    }
    let areas = b.areas;
    // Each area's name: the boundary file's, else the area table's, else its code.
    let names: Vec<&str> = areas
        .iter()
        .map(|a| a.name.as_deref().or_else(|| table.areas.get(&a.code).map(|e| e.name.as_str())).unwrap_or(&a.code))
        .collect();

    progress.stage("exclusions", None);
    let mut layers: Vec<MultiPolygon<f64>> = Vec::new();
    let mut applied = Vec::new();
    if job.licence_exclusions {
        let l = licence_layers(licence)?;
        layers = l.shapes;
        applied = l.applied;
        inputs.extend(l.inputs);
        warnings.extend(l.warnings);
    }
    for p in &job.exclusions {
        let layer = load_layer(p, "exclusion")?;
        applied.push(format!("{} ({} polygons)", p.display(), layer.shapes.len()));
        inputs.push(layer.source);
        warnings.extend(layer.warnings);
        layers.extend(layer.shapes);
    }

    // Resolve operators before the heavy work, so a typo fails fast.
    let mut operators = Vec::new();
    for (name, path) in &job.grids {
        let op = licence.operator(name).ok_or_else(|| {
            let ids: Vec<&str> = licence.operators.iter().map(|o| o.id.as_str()).collect();
            Error::argument(
                "grid",
                &format!("{name}={}", path.display()),
                format!("`{name}` is not an operator of {} ({})", licence.id, ids.join(", ")),
            )
        })?;
        operators.push((op.id.clone(), path.clone()));
    }

    let mut eligible_by_crs: BTreeMap<&'static str, Vec<Eligible>> = BTreeMap::new();
    let mut rows = Vec::new();
    let mut rejects = Vec::new();
    let mut row_counts = Vec::new();
    let mut buffer = Vec::new();
    let mut on_grid: Option<((&str, GridSpec), Vec<CellAreas>)> = None;
    let mut grid_inputs = Vec::new();
    // The GeoTIFFs are hashed meanwhile on a thread of their own, not each beside its read.
    let paths: Vec<&Path> = operators.iter().map(|(_, p)| p.as_path()).collect();
    let ((), hashes) = grids::hashing_geotiffs(&paths, || {
        for (operator, path) in &operators {
            progress.stage(&format!("grid {operator}"), None);
            let grid = grids::load_reusing(path, &job.grid_options, std::mem::take(&mut buffer))?;
            grid_inputs.push(inputs.len());
            inputs.push(grid.source.clone());
            row_counts.push((path.display().to_string(), grid.rows.clone()));
            rejects.extend(grid.rejects.iter().cloned());
            let crs = grid.crs;
            let eligible = eligible_by_crs.entry(crs.name()).or_insert_with(|| {
                progress.stage(&format!("eligible area per gemeente ({})", crs.name()), Some(areas.len() as u64));
                let shapes: Vec<MultiPolygon<f64>> = areas.par_iter().map(|a| to_grid_crs(&a.shape, crs)).collect();
                let excl = Exclusions::new(layers.iter().map(|l| to_grid_crs(l, crs)));
                let tick = progress.ticker();
                shapes.par_iter().map(|s| done(excl.eligible(s), &tick)).collect::<Vec<Eligible>>()
            });
            // The gemeenten's cells on this grid, kept for the next grid of the same cells.
            let key = (crs.name(), grid.spec);
            if on_grid.as_ref().is_none_or(|(k, _)| *k != key) {
                progress.stage(&format!("cells of each gemeente on the grid of {operator}"), Some(areas.len() as u64));
                let tick = progress.ticker();
                on_grid = Some((
                    key,
                    eligible.par_iter().map(|e| done(CellAreas::new(&e.shape, &grid.spec), &tick)).collect(),
                ));
            }
            let (_, cells) = on_grid.as_ref().expect("set above");
            progress.stage(&format!("coverage {operator}"), Some(areas.len() as u64));
            let tick = progress.ticker();
            let covered_all: Vec<_> =
                eligible.par_iter().zip(cells).map(|(e, c)| done(covered(e, c, &grid, required_mbps), &tick)).collect();
            buffer = grid.mbps;
            for (((a, name), e), c) in areas.iter().zip(&names).zip(eligible.iter()).zip(&covered_all) {
                rows.push(judge_area(licence, operator, (&a.code, name), job.date, required_mbps, e, c));
            }
            let no_data: Vec<&str> = rows
                .iter()
                .filter(|r| &r.operator == operator && r.eligible_km2 > 0.0 && r.nodata_km2 > 0.01 * r.eligible_km2)
                .map(|r| r.area_code.as_str())
                .collect();
            if !no_data.is_empty() {
                warnings.push(format!("{operator}: {} gemeente(n) have more than 1 % of their eligible area without grid data (counted as not covered)", no_data.len()));
            }
        }
        Ok(())
    })?;
    for (&at, sha256) in grid_inputs.iter().zip(hashes) {
        if let Some(sha256) = sha256 {
            inputs[at].sha256 = sha256;
        }
    }

    let mut verdicts = Vec::new();
    if let Some(p) = &job.drive_tests {
        progress.stage("drive tests", None);
        let dt = drive_tests::load(p)?;
        inputs.push(dt.source.clone());
        let mut counts = dt.rows.clone();
        rejects.extend(dt.rejects.iter().cloned());
        let index = AreaIndex::new(areas.iter().enumerate().map(|(k, a)| (k as u32, &a.shape)));
        let mut tally: BTreeMap<(String, u32), (u64, u64)> = BTreeMap::new();
        let file = p.display().to_string();
        for at in &dt.attempts {
            let mut bad =
                |reason: RejectReason, detail: String| counts.unuse(&mut rejects, &file, at.row, reason, detail);
            let Some(op) = licence.operator(&at.operator) else {
                bad(RejectReason::UnknownOperator, format!("operator {:?} is not in {}", at.operator, licence.id));
                continue;
            };
            let in_period = at.date >= licence.licence_start && licence.licence_end.is_none_or(|end| at.date <= end);
            let Some(speed) = licence.required_mbps(at.date).filter(|_| in_period) else {
                bad(
                    RejectReason::OutsideLicencePeriod,
                    format!("{} is outside the obligation period of {}", at.date, licence.id),
                );
                continue;
            };
            let Some(g) = index.locate(at.x, at.y) else {
                bad(RejectReason::OutsideAllAreas, format!("({:.1}, {:.1}) is outside every gemeente", at.x, at.y));
                continue;
            };
            let ok = at.success.unwrap_or_else(|| at.dl_mbps.is_some_and(|d| d >= speed));
            let t = tally.entry((op.id.clone(), g)).or_default();
            t.0 += u64::from(ok);
            t.1 += 1;
        }
        for ((op, g), (k, n)) in &tally {
            let g = *g as usize;
            verdicts.push(judge_drive_test(licence, op, (&areas[g].code, names[g]), job.date, *k, *n));
        }
        row_counts.push((file, counts));
    }
    rejects.sort_by(|a, b| (&a.file, a.row).cmp(&(&b.file, b.row)));
    let provenance = MobileProvenance {
        tool: "dekking",
        version: env!("CARGO_PKG_VERSION"),
        run_date: job.run_date.clone(),
        licence: format!("{}: {}", licence.id, licence.title),
        date: job.date,
        inputs,
        rows: row_counts,
        exclusions: applied,
        method: format!(
            "Eligible area = gemeente area minus the union of all exclusion polygons inside it (each counted once). \
             Covered area = sum over grid cells with download >= {required_mbps} Mbps (in force on {date}) of the exact area of \
             cell ∩ eligible area (line integrals per row band; no centroid rule). Nodata cells and eligible area outside \
             the grid count as not covered. Areas in m² in the grid's CRS. Compliant when covered / eligible >= the \
             percentage in force (the obligation, or an ontheffing valid on {date}).",
            date = job.date
        ),
        warnings,
    };
    Ok(MobileReport { provenance, rows, drive_tests: verdicts, rejects, areas })
}
