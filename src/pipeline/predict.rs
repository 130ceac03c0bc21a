//! The predicted-coverage pipeline: sites → per operator a grid of predicted downlink speeds
//! (Mbps, NaN where no site reaches) in RD New or EPSG:3035, the grids `dekking mobile --grid`
//! judges.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::error::{Error, Result};
use crate::io::grids::{self, GridOptions};
use crate::io::{points, sites};
use crate::model::grid::{GridCrs, GridSpec};
use crate::model::predict::{EnvironmentUsed, PredictReport, Predicted, Settings};
use crate::model::rows::Reject;
use crate::model::site::Site;
use crate::predict::environment::{density, Environment, Models};
use crate::predict::grid::{predict, Radio};

/// A `dekking predict grid` job.
#[derive(Debug, Clone)]
pub struct PredictJob {
    /// The sites file.
    pub sites: PathBuf,
    /// The operator of every site when the file names none.
    pub operator: Option<String>,
    /// Fields of the sites file under other column names: (field, column).
    pub columns: Vec<(String, String)>,
    /// How signals become speeds.
    pub radio: Radio,
    /// Cell size, m.
    pub cell_m: f64,
    /// The grids' CRS.
    pub crs: GridCrs,
    /// The grids' extent `[x0, y0, x1, y1]` in their CRS; `None` = the sites' box widened by `range_m`.
    pub extent: Option<[f64; 4]>,
    /// How far a site reaches at most, m.
    pub range_m: f64,
    /// Where each cell's environment comes from, and the model of each environment; `None` =
    /// the radio's model everywhere.
    pub environment: Option<(Environs, Models)>,
}

/// Where the cells' environments come from.
#[derive(Debug, Clone, PartialEq)]
pub enum Environs {
    /// The density of these addresses (points).
    Addresses(PathBuf),
    /// A raster of classes: 1 urban, 2 suburban, 3 rural (GeoTIFF or cell CSV, the grids' CRS).
    Raster(PathBuf),
}

/// A site with its position in the grid's CRS.
fn in_crs(site: &Site, crs: GridCrs) -> Site {
    let (x, y) = crs.from_rd(site.x, site.y);
    Site { x, y, ..site.clone() }
}

/// The lattice of `extent` (or of the sites' box widened by `range_m`), snapped out to whole cells.
fn lattice(sites: &[Site], extent: Option<[f64; 4]>, cell: f64, range_m: f64) -> Result<GridSpec> {
    let [x0, y0, x1, y1] = extent.unwrap_or_else(|| {
        let (xs, ys) = (sites.iter().map(|s| s.x), sites.iter().map(|s| s.y));
        let (lo_x, hi_x) = xs.fold((f64::MAX, f64::MIN), |(a, b), x| (a.min(x), b.max(x)));
        let (lo_y, hi_y) = ys.fold((f64::MAX, f64::MIN), |(a, b), y| (a.min(y), b.max(y)));
        [lo_x - range_m, lo_y - range_m, hi_x + range_m, hi_y + range_m]
    });
    let (sx, sy) = ((x0 / cell).floor() * cell, (y0 / cell).floor() * cell);
    let (cols, rows) = (((x1 - sx) / cell).ceil(), ((y1 - sy) / cell).ceil());
    if !(cols >= 1.0 && rows >= 1.0 && cols * rows <= 4e8) {
        let what =
            format!("{cols} × {rows} cells of {cell} m: give an extent of at least one cell and at most 400 million");
        return Err(Error::argument("extent", &format!("{x0},{y0},{x1},{y1}"), what));
    }
    Ok(GridSpec { x0: sx, y0: sy, cell, cols: cols as usize, rows: rows as usize })
}

/// Each cell's environment on `spec`, what chose them, and the rows rejected reading it.
///
/// # Errors
/// An unreadable file, or a raster in another CRS than the grids'.
fn environments(
    from: &Environs,
    crs: GridCrs,
    spec: &GridSpec,
) -> Result<(Vec<Environment>, EnvironmentUsed, Vec<Reject>)> {
    let (envs, source, rows, rejects, unclassified) = match from {
        Environs::Addresses(path) => {
            let a = points::load(path, &[])?;
            let xy: Vec<(f64, f64)> = a.xy.iter().map(|&(x, y)| crs.from_rd(x, y)).collect();
            let envs: Vec<Environment> = density(&xy, spec).into_iter().map(Environment::of_density).collect();
            (envs, a.source, a.rows, a.rejects, 0)
        }
        Environs::Raster(path) => {
            let r = grids::load(path, &GridOptions { crs, ..GridOptions::default() })?;
            if r.crs != crs {
                let what =
                    format!("the raster is in {} and the grids in {}: give both in one CRS", r.crs.name(), crs.name());
                return Err(Error::argument("environment-raster", &path.display().to_string(), what));
            }
            let classes: Vec<Option<Environment>> = (0..spec.rows)
                .flat_map(|row| (0..spec.cols).map(move |c| (row, c)))
                .map(|(row, c)| {
                    let (x, y) = (spec.x0 + (c as f64 + 0.5) * spec.cell, spec.y0 + (row as f64 + 0.5) * spec.cell);
                    Environment::of_class(r.at(x, y))
                })
                .collect();
            let unclassified = classes.iter().filter(|c| c.is_none()).count();
            let envs = classes.into_iter().map(|c| c.unwrap_or(Environment::Rural)).collect();
            (envs, r.source, r.rows, r.rejects, unclassified)
        }
    };
    let count = |e: Environment| envs.iter().filter(|&&v| v == e).count();
    let (urban, suburban) = (count(Environment::Urban), count(Environment::Suburban));
    let used = EnvironmentUsed { source, rows, urban, suburban, rural: count(Environment::Rural), unclassified };
    Ok((envs, used, rejects))
}

/// Runs `dekking predict grid`.
///
/// # Errors
/// An unreadable sites file, no usable site, or an extent of no cells or too many.
pub fn run_predict(job: &PredictJob) -> Result<PredictReport> {
    let read = sites::load(&job.sites, job.operator.as_deref(), &job.columns)?;
    if read.sites.is_empty() {
        return Err(Error::table(&job.sites, "no usable site; see the rejected rows"));
    }
    let all: Vec<Site> = read.sites.iter().map(|s| in_crs(s, job.crs)).collect();
    let spec = lattice(&all, job.extent, job.cell_m, job.range_m)?;
    let mut by_operator: BTreeMap<&str, Vec<Site>> = BTreeMap::new();
    for s in &all {
        by_operator.entry(s.operator.as_str()).or_default().push(s.clone());
    }
    let mut rejects = read.rejects;
    let (environment, cell_models) = match &job.environment {
        None => (None, None),
        Some((from, models)) => {
            let (envs, used, more) = environments(from, job.crs, &spec)?;
            rejects.extend(more);
            (Some(used), Some(envs.into_iter().map(|e| models.of(e)).collect::<Vec<_>>()))
        }
    };
    let grids = by_operator
        .into_iter()
        .map(|(operator, sites)| Predicted {
            operator: operator.to_string(),
            spec,
            mbps: predict(&sites, &spec, &job.radio, job.range_m, cell_models.as_deref()),
            sites: sites.len(),
        })
        .collect();
    let settings = Settings {
        model: job.radio.model.name(),
        models: job.environment.as_ref().map(|(_, m)| [m.urban.name(), m.suburban.name(), m.rural.name()]),
        crs: job.crs,
        range_m: job.range_m,
        rx_height_m: job.radio.rx_height_m,
        noise_figure_db: job.radio.noise_figure_db,
        pattern: format!("{:?}", job.radio.pattern),
        spectral_efficiency: format!("{:?}", job.radio.shannon),
        load: job.radio.load,
    };
    Ok(PredictReport { settings, grids, source: read.source, rows: read.rows, rejects, environment })
}
