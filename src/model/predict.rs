//! The result of `dekking predict grid`: per operator a grid of predicted downlink speeds, what
//! chose the cells' environments, and the settings used, for the writers of `report::predict`.

use serde::Serialize;

use crate::model::grid::{GridCrs, GridSpec};
use crate::model::rows::{Reject, RowCounts};
use crate::model::source::SourceInfo;

/// What chose the cells' environments: the file, its rows, and the cells per environment.
#[derive(Debug, Clone, Serialize)]
pub struct EnvironmentUsed {
    /// The addresses or raster file.
    pub source: SourceInfo,
    /// Its row accounting.
    pub rows: RowCounts,
    /// Urban cells.
    #[serde(skip)]
    pub urban: usize,
    /// Suburban cells.
    #[serde(skip)]
    pub suburban: usize,
    /// Rural cells.
    #[serde(skip)]
    pub rural: usize,
    /// Cells the raster gives no class (counted as rural).
    #[serde(skip)]
    pub unclassified: usize,
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
    /// How it was made.
    pub settings: Settings,
    /// One grid per operator, by operator.
    pub grids: Vec<Predicted>,
    /// The sites file read.
    pub source: SourceInfo,
    /// Its row accounting.
    pub rows: RowCounts,
    /// Its rejected rows.
    pub rejects: Vec<Reject>,
    /// What chose the cells' environments, when they chose the models.
    pub environment: Option<EnvironmentUsed>,
}

/// How a prediction was made, for its provenance.
#[derive(Debug, Clone, Serialize)]
pub struct Settings {
    /// The propagation model where no environment chooses one.
    pub model: &'static str,
    /// The models of urban, suburban and rural cells, when environments choose them.
    pub models: Option<[&'static str; 3]>,
    /// The grids' CRS.
    pub crs: GridCrs,
    /// How far a site reaches at most, m.
    pub range_m: f64,
    /// Receiver height above ground, m.
    pub rx_height_m: f64,
    /// Receiver noise figure, dB.
    pub noise_figure_db: f64,
    /// The antenna pattern.
    pub pattern: String,
    /// Spectral efficiency from SINR.
    pub spectral_efficiency: String,
    /// Cell load, 0–1.
    pub load: f64,
}
