//! The predicted-coverage pipeline: sites → per operator a grid of predicted downlink speeds
//! (Mbps, NaN where no site reaches) in RD New or EPSG:3035, the grids `dekking mobile --grid`
//! judges.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::error::{Error, Result};
use crate::io::{points, sites};
use crate::model::grid::{GridCrs, GridSpec};
use crate::model::rows::{Reject, RowCounts};
use crate::model::site::Site;
use crate::model::source::SourceInfo;
use crate::predict::environment::{density, Environment, Models};
use crate::predict::grid::{predict, Radio};

/// A `dekking predict grid` job.
#[derive(Debug, Clone)]
pub struct PredictJob {
    /// The sites file.
    pub sites: PathBuf,
    /// The operator of every site when the file names none.
    pub operator: Option<String>,
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
    /// Addresses whose density chooses each cell's model, and the model of each environment;
    /// `None` = the radio's model everywhere.
    pub environment: Option<(PathBuf, Models)>,
}

/// One operator's predicted grid.
#[derive(Debug, Clone)]
pub struct Predicted {
    /// The operator.
    pub operator: String,
    /// The lattice, in the job's CRS.
    pub spec: GridSpec,
    /// Predicted downlink speed per cell, Mbps, row-major from the south; NaN = no data.
    pub mbps: Vec<f32>,
    /// Its sites.
    pub sites: usize,
}

/// What a predict run gives.
#[derive(Debug, Clone)]
pub struct PredictReport {
    /// One grid per operator, by operator.
    pub grids: Vec<Predicted>,
    /// The sites file read.
    pub source: SourceInfo,
    /// Its row accounting.
    pub rows: RowCounts,
    /// Its rejected rows.
    pub rejects: Vec<Reject>,
    /// The addresses file, its rows, and the cells per environment (urban, suburban, rural),
    /// when the environment chose the models.
    pub environment: Option<(SourceInfo, RowCounts, [usize; 3])>,
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

/// Runs `dekking predict grid`.
///
/// # Errors
/// An unreadable sites file, no usable site, or an extent of no cells or too many.
pub fn run_predict(job: &PredictJob) -> Result<PredictReport> {
    let read = sites::load(&job.sites, job.operator.as_deref())?;
    if read.sites.is_empty() {
        return Err(Error::table(&job.sites, "no usable site; see the rejected rows"));
    }
    let mut by_operator: BTreeMap<&str, Vec<Site>> = BTreeMap::new();
    for s in &read.sites {
        by_operator.entry(s.operator.as_str()).or_default().push(in_crs(s, job.crs));
    }
    let all: Vec<Site> = read.sites.iter().map(|s| in_crs(s, job.crs)).collect();
    let spec = lattice(&all, job.extent, job.cell_m, job.range_m)?;
    let (mut rejects, mut environment, mut cell_models) = (read.rejects, None, None);
    if let Some((path, models)) = &job.environment {
        let addresses = points::load(path, &[])?;
        let xy: Vec<(f64, f64)> = addresses.xy.iter().map(|&(x, y)| job.crs.from_rd(x, y)).collect();
        let envs: Vec<Environment> = density(&xy, &spec).into_iter().map(Environment::of_density).collect();
        let count = |e: Environment| envs.iter().filter(|&&v| v == e).count();
        let cells = [count(Environment::Urban), count(Environment::Suburban), count(Environment::Rural)];
        environment = Some((addresses.source, addresses.rows, cells));
        rejects.extend(addresses.rejects);
        cell_models = Some(envs.into_iter().map(|e| models.of(e)).collect::<Vec<_>>());
    }
    let grids = by_operator
        .into_iter()
        .map(|(operator, sites)| Predicted {
            operator: operator.to_string(),
            spec,
            mbps: predict(&sites, &spec, &job.radio, job.range_m, cell_models.as_deref()),
            sites: sites.len(),
        })
        .collect();
    Ok(PredictReport { grids, source: read.source, rows: read.rows, rejects, environment })
}
