//! The mobile-licence pipeline: grids + gemeenten + exclusions → eligible and covered area per
//! operator × gemeente → compliance with the licence on a date; drive tests → success rates.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use geo::{Coord, LineString, MapCoords, MultiPolygon, Polygon};
use rayon::prelude::*;

use crate::assign::pip::AreaIndex;
use crate::error::{Error, Result};
use crate::io::areas::load_area_table;
use crate::io::boundaries::{self, load_layer, load_layer_named, AreaFields, Layer};
use crate::io::grids::Grid;
use crate::io::grids::{self, GridOptions};
use crate::io::licence::{Exclusion, Licence, Measure};
use crate::io::points::{self, Points};
use crate::io::profile::AreaScheme;
use crate::io::{drive_tests, embedded};
use crate::judge::licences::{judge_area, judge_drive_test, Tally};
use crate::measure::cell_fraction::CellAreas;
use crate::measure::mobile::{covered, Eligible, Exclusions, Mask};
use crate::measure::plausibility::{agreement, Agreement};
use crate::measure::points::{covered_points, AreaPoints};
use crate::model::areas::Boundary;
use crate::model::date::Date;
use crate::model::grid::GridCrs;
use crate::model::grid::GridSpec;
use crate::model::mobile::{Compliance, MobileReport, ObligationOf, Plausibility};
use crate::model::rows::RejectReason;
use crate::model::source::MobileProvenance;
use crate::model::source::SourceInfo;
use crate::progress::{Progress, Ticker};
use dekking_crs::wgs84_to_rd;

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
    /// Points for obligations that count addresses, households or people.
    pub points: Option<PathBuf>,
    /// (operator as given, predicted grid) to compare with that operator's grid, in the order given.
    pub predicted: Vec<(String, PathBuf)>,
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
            let (x, y) = crs.from_rd(c.x, c.y);
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

/// A layer a licence names: `builtin:NAME`, or a file relative to the licence (`layer` chooses
/// one of a GeoPackage's).
fn licence_layer(licence: &Licence, path: &str, layer: Option<&str>, role: &str) -> Result<Layer> {
    match path.strip_prefix("builtin:") {
        Some(name) => embedded::layer(name),
        None => load_layer_named(&licence.path_of(path), layer, role),
    }
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
                let layer = licence_layer(licence, path, None, &format!("exclusion {id}"))?;
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

/// What one obligation counts before any grid is read.
enum Counts {
    /// The eligible area.
    Area,
    /// The eligible area inside a mask layer (RD New).
    Mask(Vec<MultiPolygon<f64>>),
    /// The points of `--points`, weighted by a column or each once.
    Points(Option<String>),
}

/// What one obligation counts in each area, in one grid CRS.
enum Counted {
    /// The eligible area itself ([`InCrs::eligible`]).
    Eligible,
    /// The eligible area inside the mask.
    Masked(Vec<Eligible>),
    /// The points.
    Points(Vec<AreaPoints>),
}

/// The cells of each set of shapes on one grid, by [`InCrs::shapes`]' key.
type ShapeCells = BTreeMap<usize, Vec<CellAreas>>;

/// Every area's eligible shape and every obligation's counts, in one grid CRS.
struct InCrs {
    eligible: Vec<Eligible>,
    counted: Vec<Counted>,
}

impl InCrs {
    /// The shapes obligation `k` measures, with a key shared by obligations of the same shapes;
    /// `None` for a point obligation.
    fn shapes(&self, k: usize) -> Option<(usize, &[Eligible])> {
        match &self.counted[k] {
            Counted::Eligible => Some((0, &self.eligible)),
            Counted::Masked(m) => Some((k + 1, m)),
            Counted::Points(_) => None,
        }
    }
}

/// The usable points and, per point, its area and whether an exclusion layer holds it.
struct Placed {
    points: Points,
    at: Vec<(u32, bool)>,
}

/// Loads `--points` when an obligation counts points, and places each in its area (RD New);
/// points outside every area are rejected.
///
/// # Errors
/// Points given without an obligation that counts them, or needed and not given; an unreadable
/// points file.
fn place_points(
    job: &MobileJob,
    counts: &[Counts],
    areas: &[Boundary],
    layers: &[MultiPolygon<f64>],
) -> Result<Option<Placed>> {
    let weights: Vec<Option<&str>> =
        counts.iter().filter_map(|c| if let Counts::Points(w) = c { Some(w.as_deref()) } else { None }).collect();
    let path = match (&job.points, weights.is_empty()) {
        (None, true) => return Ok(None),
        (Some(p), true) => {
            let what = format!("no obligation of {} counts points; leave --points out", job.licence.id);
            return Err(Error::argument("points", &p.display().to_string(), what));
        }
        (None, false) => {
            let what = format!("an obligation of {} counts points: give them with --points FILE", job.licence.id);
            return Err(Error::argument("points", "", what));
        }
        (Some(p), false) => p,
    };
    let mut named: Vec<&str> = weights.into_iter().flatten().collect();
    named.sort_unstable();
    named.dedup();
    let mut points = points::load(path, &named)?;
    let index = AreaIndex::new(areas.iter().enumerate().map(|(k, a)| (k as u32, &a.shape)));
    let excl = Exclusions::new(layers.iter().cloned());
    let found: Vec<Option<u32>> = points.xy.par_iter().map(|&(x, y)| index.locate(x, y)).collect();
    let file = path.display().to_string();
    let mut keep = Vec::with_capacity(found.len());
    let mut at = Vec::with_capacity(found.len());
    for (k, area) in found.into_iter().enumerate() {
        let (x, y) = points.xy[k];
        match area {
            Some(a) => {
                keep.push(k);
                at.push((a, excl.covers(x, y)));
            }
            None => {
                let detail = format!("({x:.1}, {y:.1}) is outside every area");
                let row = points.row[k];
                points.rows.unuse(&mut points.rejects, &file, row, RejectReason::OutsideAllAreas, detail);
            }
        }
    }
    points.row = keep.iter().map(|&k| points.row[k]).collect();
    points.xy = keep.iter().map(|&k| points.xy[k]).collect();
    for w in points.weights.values_mut() {
        *w = keep.iter().map(|&k| w[k]).collect();
    }
    Ok(Some(Placed { points, at }))
}

/// The points of every area for a point obligation weighted by `weight`, in the grid's CRS.
fn area_points(placed: &Placed, weight: Option<&str>, crs: GridCrs, areas: usize) -> Vec<AreaPoints> {
    let mut out = vec![AreaPoints::default(); areas];
    let weights = weight.map(|w| &placed.points.weights[w]);
    for (k, &(area, excluded)) in placed.at.iter().enumerate() {
        let w = weights.map_or(1.0, |ws| ws[k]);
        let a = &mut out[area as usize];
        a.total += w;
        if excluded {
            a.excluded += w;
        } else {
            let (x, y) = placed.points.xy[k];
            let (x, y) = crs.from_rd(x, y);
            a.eligible.push((x, y, w));
        }
    }
    out
}

/// Every area's eligible shape and what each obligation counts, in `crs`.
fn counted_in(
    crs: GridCrs,
    areas: &[Boundary],
    layers: &[MultiPolygon<f64>],
    counts: &[Counts],
    placed: Option<&Placed>,
    progress: &mut dyn Progress,
) -> InCrs {
    progress.stage(&format!("eligible area per gemeente ({})", crs.name()), Some(areas.len() as u64));
    let shapes: Vec<MultiPolygon<f64>> = areas.par_iter().map(|a| to_grid_crs(&a.shape, crs)).collect();
    let excl = Exclusions::new(layers.iter().map(|l| to_grid_crs(l, crs)));
    let tick = progress.ticker();
    let eligible: Vec<Eligible> = shapes.par_iter().map(|s| done(excl.eligible(s), &tick)).collect();
    let counted = counts
        .iter()
        .map(|c| match c {
            Counts::Area => Counted::Eligible,
            Counts::Mask(mask) => {
                let mask = Mask::new(mask.iter().map(|m| to_grid_crs(m, crs)));
                Counted::Masked(shapes.par_iter().zip(&eligible).map(|(s, e)| mask.within(s, e)).collect())
            }
            Counts::Points(w) => {
                Counted::Points(area_points(placed.expect("placed when counted"), w.as_deref(), crs, areas.len()))
            }
        })
        .collect();
    InCrs { eligible, counted }
}

/// The tallies of one obligation (`k`) on `grid`, per area; `cells` keeps the areas' cells on
/// the grid for the next obligation or grid of the same shapes.
fn tallies(
    in_crs: &InCrs,
    k: usize,
    grid: &Grid,
    mbps: f64,
    cells: &mut ShapeCells,
    progress: &mut dyn Progress,
) -> Vec<Tally> {
    let Some((key, shapes)) = in_crs.shapes(k) else {
        let Counted::Points(points) = &in_crs.counted[k] else { unreachable!("shapes() is None only for points") };
        return points.par_iter().map(|p| Tally::of_points(p, &covered_points(p, grid, mbps))).collect();
    };
    let cells = cells.entry(key).or_insert_with(|| {
        progress.stage("cells of each gemeente on the grid", Some(shapes.len() as u64));
        let tick = progress.ticker();
        shapes.par_iter().map(|e| done(CellAreas::new(&e.shape, &grid.spec), &tick)).collect()
    });
    progress.stage("coverage", Some(shapes.len() as u64));
    let tick = progress.ticker();
    shapes.par_iter().zip(cells).map(|(e, c)| done(Tally::of_area(e, &covered(e, c, grid, mbps)), &tick)).collect()
}

/// What the licence's obligations count, with their mask layers loaded.
fn obligation_counts(
    licence: &Licence,
    inputs: &mut Vec<SourceInfo>,
    warnings: &mut Vec<String>,
) -> Result<Vec<Counts>> {
    licence
        .obligations
        .iter()
        .map(|o| {
            Ok(match (o.measure, &o.mask) {
                (Measure::Area, _) => Counts::Area,
                (Measure::Points, _) => Counts::Points(o.weight.clone()),
                (Measure::MaskArea, Some(mask)) => {
                    let layer = licence_layer(licence, mask, o.mask_layer.as_deref(), &format!("mask {}", o.id))?;
                    inputs.push(layer.source);
                    warnings.extend(layer.warnings);
                    Counts::Mask(layer.shapes)
                }
                (Measure::MaskArea, None) => unreachable!("the licence parser requires a mask"),
            })
        })
        .collect()
}

/// The obligations in force on the job's date, with their speeds.
///
/// # Errors
/// When none is in force yet.
fn in_force(licence: &Licence, date: Date, warnings: &mut Vec<String>) -> Result<Vec<(usize, f64)>> {
    let mut out = Vec::new();
    for (k, o) in licence.obligations.iter().enumerate() {
        match o.required_mbps(date) {
            Some(mbps) => out.push((k, mbps)),
            None => {
                warnings.push(format!("obligation {} is not in force before {}: not judged", o.id, o.speed[0].from))
            }
        }
    }
    if out.is_empty() {
        let first = &licence.obligations[0];
        let what = format!("the obligation of {} is not in force before {}", licence.id, first.speed[0].from);
        return Err(Error::argument("date", &date.to_string(), what));
    }
    Ok(out)
}

/// Claimed against predicted coverage of `operator` in every area, on the cells of the areas'
/// eligible shapes on `grid` (computed into `cells` when no obligation needed them yet).
#[allow(clippy::too_many_arguments)]
fn plausibility(
    operator: &str,
    (areas, names): (&[Boundary], &[&str]),
    in_crs: &InCrs,
    grid: &Grid,
    predicted: &Grid,
    mbps: f64,
    cells: &mut ShapeCells,
) -> Vec<Plausibility> {
    let cells = cells
        .entry(0)
        .or_insert_with(|| in_crs.eligible.par_iter().map(|e| CellAreas::new(&e.shape, &grid.spec)).collect());
    let agree: Vec<Agreement> = cells.par_iter().map(|c| agreement(c, grid, predicted, mbps)).collect();
    areas
        .iter()
        .zip(names)
        .zip(agree.iter().zip(&in_crs.eligible))
        .map(|((a, name), (g, e))| Plausibility {
            operator: operator.to_string(),
            area_code: a.code.clone(),
            area_name: name.to_string(),
            required_mbps: mbps,
            eligible_km2: e.eligible_m2() / 1e6,
            claimed_km2: g.claimed_m2 / 1e6,
            predicted_km2: g.predicted_m2 / 1e6,
            claimed_not_predicted_km2: g.claimed_only_m2 / 1e6,
            predicted_not_claimed_km2: g.predicted_only_m2 / 1e6,
        })
        .collect()
}

/// The predicted grids by operator id, and the speed they are compared at (the first area
/// obligation in force).
///
/// # Errors
/// A prediction for an operator the licence does not name or that has no grid, or a licence
/// without an area obligation in force.
fn predictions(
    job: &MobileJob,
    operators: &[(String, PathBuf)],
    judged: &[(usize, f64)],
) -> Result<(BTreeMap<String, PathBuf>, f64)> {
    let licence = &job.licence;
    let mut out = BTreeMap::new();
    for (name, path) in &job.predicted {
        let arg = format!("{name}={}", path.display());
        let op = licence.operator(name).filter(|o| operators.iter().any(|(id, _)| *id == o.id)).ok_or_else(|| {
            Error::argument("predicted", &arg, format!("`{name}` has no --grid to compare with; give its grid too"))
        })?;
        out.insert(op.id.clone(), path.clone());
    }
    let area = judged.iter().find(|(k, _)| licence.obligations[*k].measure == Measure::Area).map(|j| j.1);
    match (area, out.is_empty()) {
        (Some(mbps), _) => Ok((out, mbps)),
        (None, true) => Ok((out, 0.0)),
        (None, false) => Err(Error::argument(
            "predicted",
            "",
            format!("--predicted compares area coverage, and {} has no area obligation in force", licence.id),
        )),
    }
}

/// Runs the mobile pipeline.
///
/// # Errors
/// Unreadable inputs, an operator the licence does not name, or a date before the obligation.
pub fn run_mobile(job: &MobileJob, progress: &mut dyn Progress) -> Result<MobileReport> {
    let licence = &job.licence;
    let mut warnings = Vec::new();
    let judged = in_force(licence, job.date, &mut warnings)?;
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
    let counts = obligation_counts(licence, &mut inputs, &mut warnings)?;

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

    let (predicted, compare_mbps) = predictions(job, &operators, &judged)?;
    let mut checks = Vec::new();
    let mut rejects = Vec::new();
    let mut row_counts = Vec::new();
    let placed = place_points(job, &counts, &areas, &layers)?;
    if let Some(p) = &placed {
        inputs.push(p.points.source.clone());
        row_counts.push((p.points.source.path.clone(), p.points.rows.clone()));
        rejects.extend(p.points.rejects.iter().cloned());
    }

    let single = licence.is_single_area();
    let mut by_crs: BTreeMap<&'static str, InCrs> = BTreeMap::new();
    let mut rows = Vec::new();
    let mut buffer = Vec::new();
    let mut on_grid: Option<((&str, GridSpec), ShapeCells)> = None;
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
            let in_crs = by_crs
                .entry(crs.name())
                .or_insert_with(|| counted_in(crs, &areas, &layers, &counts, placed.as_ref(), progress));
            // The areas' cells on this grid, kept for the next grid of the same cells.
            let key = (crs.name(), grid.spec);
            if on_grid.as_ref().is_none_or(|(k, _)| *k != key) {
                on_grid = Some((key, BTreeMap::new()));
            }
            let (_, cells) = on_grid.as_mut().expect("set above");
            for &(k, mbps) in &judged {
                let o = &licence.obligations[k];
                let of =
                    (!single).then(|| ObligationOf { id: o.id.clone(), measure: o.measure, unit: o.unit().into() });
                let tallies = tallies(in_crs, k, &grid, mbps, cells, progress);
                for ((a, name), t) in areas.iter().zip(&names).zip(&tallies) {
                    rows.push(judge_area(licence, (o, of.clone()), operator, (&a.code, name), job.date, mbps, t));
                }
            }
            if let Some(path) = predicted.get(operator) {
                progress.stage(&format!("predicted grid {operator}"), None);
                let p = grids::load(path, &job.grid_options)?;
                if p.crs != grid.crs {
                    let what = format!(
                        "the prediction is in {} and the grid of {operator} in {}: give both in one CRS",
                        p.crs.name(),
                        grid.crs.name()
                    );
                    return Err(Error::argument("predicted", &path.display().to_string(), what));
                }
                inputs.push(p.source.clone());
                row_counts.push((path.display().to_string(), p.rows.clone()));
                rejects.extend(p.rejects.iter().cloned());
                checks.extend(plausibility(operator, (&areas, &names), in_crs, &grid, &p, compare_mbps, cells));
            }
            buffer = grid.mbps;
            if let Some(w) = nodata_warning(&rows, operator, single) {
                warnings.push(w);
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
        method: method(licence, &judged, job.date),
        warnings,
    };
    Ok(MobileReport { provenance, rows, drive_tests: verdicts, plausibility: checks, rejects, areas })
}

/// A warning when more than 1 % of what `operator` is judged on lies without grid data somewhere.
fn nodata_warning(rows: &[Compliance], operator: &str, single: bool) -> Option<String> {
    let no_data =
        rows.iter().filter(|r| r.operator == operator && r.eligible > 0.0 && r.nodata > 0.01 * r.eligible).count();
    match (no_data, single) {
        (0, _) => None,
        (n, true) => Some(format!("{operator}: {n} gemeente(n) have more than 1 % of their eligible area without grid data (counted as not covered)")),
        (n, false) => Some(format!("{operator}: {n} area × obligation result(s) have more than 1 % of what they count without grid data (counted as not covered)")),
    }
}

/// The method paragraph of the provenance.
fn method(licence: &Licence, judged: &[(usize, f64)], date: Date) -> String {
    let area = |mbps: f64| {
        format!(
            "Eligible area = gemeente area minus the union of all exclusion polygons inside it (each counted once). \
             Covered area = sum over grid cells with download >= {mbps} Mbps (in force on {date}) of the exact area of \
             cell ∩ eligible area (line integrals per row band; no centroid rule). Nodata cells and eligible area outside \
             the grid count as not covered. Areas in m² in the grid's CRS. Compliant when covered / eligible >= the \
             percentage in force (the obligation, or an ontheffing valid on {date})."
        )
    };
    if licence.is_single_area() {
        return area(judged[0].1);
    }
    let mut text = String::from(
        "Per obligation, what it counts in each area: eligible area = area minus the union of all exclusion polygons \
         inside it; for a mask_area obligation, the part of it inside the mask layer; for a points obligation, the \
         points in the area outside every exclusion polygon, each weighted by the obligation's weight column (or 1). \
         Covered = the exact area of cell ∩ what is counted (line integrals per row band), or the weight of the points, \
         in cells at or above the obligation's speed; nodata cells and what lies outside the grid count as not \
         covered. Areas in m² in the grid's CRS. Compliant when covered / eligible >= the percentage in force (the \
         obligation's, or an ontheffing valid on the date).",
    );
    for &(k, mbps) in judged {
        let o = &licence.obligations[k];
        text.push_str(&format!(" {}: {} at >= {mbps} Mbps on {date}, {} %.", o.id, o.measure.name(), o.share_pct));
    }
    text
}
