//! `dekking predict`: link-level propagation for checking and teaching — the path loss of a
//! model at given distances, and the spectral efficiency at given SINRs — as CSV on stdout.

use std::io::Write as _;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{ArgGroup, Args, Subcommand};

use std::path::PathBuf;

use crate::io::licence::Licence;
use crate::model::grid::GridCrs;
use crate::pipeline::predict::{run_predict, Environs, PredictJob};
use crate::predict::antenna::Pattern;
use crate::predict::environment::Models;
use crate::predict::grid::Radio;
use crate::predict::pathloss::{Link, Model, MODELS};
use crate::predict::spectral::Shannon;
use crate::report::predict;

use crate::cli::{check_outputs, date_or_today, RunArgs};

/// Options of `dekking predict`.
#[derive(Debug, Clone, Args)]
pub struct PredictArgs {
    /// What to compute.
    #[command(subcommand)]
    pub what: Predict,
}

/// The `dekking predict` subcommands.
#[derive(Debug, Clone, Subcommand)]
pub enum Predict {
    /// Path loss of a propagation model at each distance: CSV `distance_m,pathloss_db`.
    #[command(after_help = "Examples:
  dekking predict pathloss --model hata-urban-large --freq-mhz 869 --tx-height-m 30 --rx-height-m 1 --distance-m 2000
  dekking predict pathloss --model free-space --freq-mhz 758 --tx-height-m 40 --rx-height-m 1.5 --distance-m 100 --distance-m 1000
  dekking predict pathloss --model 38901-rma-nlos --freq-mhz 758 --tx-height-m 35 --distance-m 500 --distance-m 2000")]
    Pathloss(PathlossArgs),
    /// Downlink spectral efficiency (attenuated Shannon, 3GPP TR 36.942 Annex A): CSV `sinr_db,bps_per_hz`.
    #[command(after_help = "Example:
  dekking predict spectral-efficiency --sinr-db -10 --sinr-db 0 --sinr-db 10 --sinr-db 30")]
    SpectralEfficiency(SpectralArgs),
    /// Predicted downlink speed per grid cell from antenna sites: one GeoTIFF per operator that `dekking mobile --grid` reads.
    #[command(after_help = "Examples:
  dekking predict grid --sites sites.csv --model 38901-rma-nlos --cell-size 100 --out predicted
  dekking mobile --grid KPN=predicted/grid_KPN.tif --date 2026-12-01 --out mobile-predicted")]
    Grid(Box<GridArgs>),
}

/// The attenuated Shannon bound's parameters.
#[derive(Debug, Clone, Args)]
pub struct ShannonArgs {
    /// Attenuation factor α.
    #[arg(long, default_value = "0.6")]
    pub alpha: f64,
    /// SINR below which nothing is carried, dB.
    #[arg(long, default_value = "-10", allow_negative_numbers = true)]
    pub sinr_min_db: f64,
    /// The most the modulation and coding carry, b/s/Hz.
    #[arg(long, default_value = "4.4")]
    pub max_bps_per_hz: f64,
}

impl ShannonArgs {
    fn shannon(&self) -> Shannon {
        Shannon { alpha: self.alpha, sinr_min_db: self.sinr_min_db, max_bps_per_hz: self.max_bps_per_hz }
    }
}

/// Options of `dekking predict grid`.
#[derive(Debug, Clone, Args)]
#[command(group(ArgGroup::new("environs").args(["addresses", "environment_raster"])))]
pub struct GridArgs {
    /// Antenna sites: CSV or Parquet, one row per transmitter (x/y or lon/lat, operator, height_m, azimuth_deg, tilt_deg, freq_mhz, eirp_dbm, bandwidth_mhz; or the Antenneregister's names).
    #[arg(long, value_name = "FILE")]
    pub sites: PathBuf,
    /// A field of the sites file under another column name, FIELD=NAME (repeatable): x, y, lon, lat, operator, height_m, azimuth_deg, tilt_deg, freq_mhz, eirp_dbm, tx_power_dbm, antenna_gain_dbi, bandwidth_mhz, technology.
    #[arg(long = "column", value_name = "FIELD=NAME")]
    pub columns: Vec<String>,
    /// The operator of every site, when the file has no operator column.
    #[arg(long)]
    pub operator: Option<String>,
    /// The propagation model everywhere (see `dekking predict pathloss --help`); default 38901-rma-nlos.
    #[arg(long, conflicts_with_all = ["addresses", "environment_raster"])]
    pub model: Option<String>,
    /// A raster of each place's environment (1 urban, 2 suburban, 3 rural; GeoTIFF or x/y CSV in the grids' CRS) that picks each cell's model; cells it gives no class count as rural.
    #[arg(long, value_name = "FILE", conflicts_with = "addresses")]
    pub environment_raster: Option<PathBuf>,
    /// Addresses (x/y or lon/lat; CSV, Parquet or a point layer) whose density within 1 km picks each cell's model: urban from 1,500 per km², suburban from 500, rural below.
    #[arg(long, value_name = "FILE")]
    pub addresses: Option<PathBuf>,
    /// The model of urban cells, with --addresses or --environment-raster.
    #[arg(long, default_value = "38901-uma-nlos", requires = "environs")]
    pub model_urban: String,
    /// The model of suburban cells, with --addresses or --environment-raster.
    #[arg(long, default_value = "38901-rma-nlos", requires = "environs")]
    pub model_suburban: String,
    /// The model of rural cells, with --addresses or --environment-raster.
    #[arg(long, default_value = "38901-rma-nlos", requires = "environs")]
    pub model_rural: String,
    /// Cell size, m.
    #[arg(long, default_value = "100")]
    pub cell_size: f64,
    /// The grids' CRS: 28992 (RD New) or 3035 (ETRS89-LAEA).
    #[arg(long, default_value = "28992")]
    pub crs: String,
    /// The grids' extent X0,Y0,X1,Y1 in their CRS; default: the sites' box widened by --range-m.
    #[arg(long, value_name = "X0,Y0,X1,Y1", allow_negative_numbers = true)]
    pub extent: Option<String>,
    /// How far a site reaches at most, m.
    #[arg(long, default_value = "10000")]
    pub range_m: f64,
    /// Receiver height above ground, m (outdoors).
    #[arg(long, default_value = "1.5")]
    pub rx_height_m: f64,
    /// Receiver noise figure, dB.
    #[arg(long, default_value = "7")]
    pub noise_figure_db: f64,
    /// Spectral efficiency from SINR.
    #[command(flatten)]
    pub shannon: ShannonArgs,
    /// Cell load, 0–1: the share of time the other transmitters on the frequency send, by which
    /// their interference is scaled (1: the worst case, all of them all the time).
    #[arg(long, default_value = "1")]
    pub load: f64,
    /// The speed the summary and predict.json count cells at, Mbps; default: the 700 MHz
    /// licence's on the run date (10 from 2026-07-28).
    #[arg(long)]
    pub mbps: Option<f64>,
    /// Output directory.
    #[arg(long, short = 'o', default_value = "dekking-predict")]
    pub out: PathBuf,
    /// Run date, verbosity, strictness.
    #[command(flatten)]
    pub run: RunArgs,
}

/// Options of `dekking predict pathloss`.
#[derive(Debug, Clone, Args)]
pub struct PathlossArgs {
    /// The model: free-space, hata-urban-large, hata-urban-small, hata-suburban, hata-open, cost231-hata-urban, cost231-hata-suburban, 38901-rma-los, 38901-rma-nlos, 38901-uma-los, 38901-uma-nlos, 38901-umi-los or 38901-umi-nlos.
    #[arg(long)]
    pub model: String,
    /// Carrier frequency, MHz.
    #[arg(long)]
    pub freq_mhz: f64,
    /// Transmitter antenna height above ground, m.
    #[arg(long)]
    pub tx_height_m: f64,
    /// Receiver antenna height above ground, m.
    #[arg(long, default_value = "1.5")]
    pub rx_height_m: f64,
    /// Horizontal distance, m (repeatable).
    #[arg(long = "distance-m", required = true, allow_negative_numbers = true)]
    pub distances_m: Vec<f64>,
}

/// Options of `dekking predict spectral-efficiency`.
#[derive(Debug, Clone, Args)]
pub struct SpectralArgs {
    /// SINR, dB (repeatable).
    #[arg(long = "sinr-db", required = true, allow_negative_numbers = true)]
    pub sinrs_db: Vec<f64>,
    /// The bound's parameters.
    #[command(flatten)]
    pub shannon: ShannonArgs,
}

/// Runs `dekking predict`.
///
/// # Errors
/// An unknown model, or a link outside the model's range of validity.
pub fn run(args: PredictArgs) -> anyhow::Result<ExitCode> {
    let mut out = String::new();
    match args.what {
        Predict::Pathloss(a) => {
            let model = model(&a.model)?;
            out.push_str("distance_m,pathloss_db\n");
            for d in a.distances_m {
                let link = Link {
                    freq_mhz: a.freq_mhz,
                    tx_height_m: a.tx_height_m,
                    rx_height_m: a.rx_height_m,
                    distance_m: d,
                };
                let loss = model.loss_db(&link).map_err(|e| anyhow::anyhow!("{e}"))?;
                out.push_str(&format!("{d},{loss:.4}\n"));
            }
        }
        Predict::Grid(a) => return grid(&a),
        Predict::SpectralEfficiency(a) => {
            let s = a.shannon.shannon();
            out.push_str("sinr_db,bps_per_hz\n");
            for db in a.sinrs_db {
                out.push_str(&format!("{db},{:.6}\n", s.bps_per_hz(db)));
            }
        }
    }
    std::io::stdout().write_all(out.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

/// The model a `--model` names.
fn model(name: &str) -> anyhow::Result<Model> {
    Model::parse(name).with_context(|| {
        let names: Vec<&str> = MODELS.iter().map(|(n, _)| *n).collect();
        format!("unknown --model `{name}`: use one of {}", names.join(", "))
    })
}

/// The job of `dekking predict grid`.
fn grid_job(a: &GridArgs) -> anyhow::Result<PredictJob> {
    let crs = GridCrs::parse(&a.crs).with_context(|| format!("invalid --crs `{}`: expected 28992 or 3035", a.crs))?;
    let extent = match &a.extent {
        None => None,
        Some(e) => {
            let v: Vec<f64> =
                e.split(',').map(|t| t.trim().parse::<f64>()).collect::<Result<_, _>>().ok().unwrap_or_default();
            let [x0, y0, x1, y1] = v[..] else {
                anyhow::bail!("invalid --extent `{e}`: expected X0,Y0,X1,Y1 in metres")
            };
            anyhow::ensure!(x0 < x1 && y0 < y1, "invalid --extent `{e}`: X0 < X1 and Y0 < Y1 are needed");
            Some([x0, y0, x1, y1])
        }
    };
    anyhow::ensure!(a.cell_size > 0.0 && a.range_m > 0.0, "--cell-size and --range-m must be above 0");
    anyhow::ensure!((0.0..=1.0).contains(&a.load), "invalid --load {}: expected a share from 0 to 1", a.load);
    let models = || -> anyhow::Result<Models> {
        Ok(Models { urban: model(&a.model_urban)?, suburban: model(&a.model_suburban)?, rural: model(&a.model_rural)? })
    };
    let environment = match (&a.addresses, &a.environment_raster) {
        (None, None) => None,
        (Some(p), _) => Some((Environs::Addresses(p.clone()), models()?)),
        (None, Some(p)) => Some((Environs::Raster(p.clone()), models()?)),
    };
    let radio = Radio {
        model: model(a.model.as_deref().unwrap_or(DEFAULT_MODEL))?,
        rx_height_m: a.rx_height_m,
        noise_figure_db: a.noise_figure_db,
        pattern: Pattern::default(),
        shannon: a.shannon.shannon(),
        load: a.load,
    };
    let columns = a
        .columns
        .iter()
        .map(|c| {
            let (f, n) = c.split_once('=').with_context(|| format!("invalid --column `{c}`: expected FIELD=NAME"))?;
            Ok((f.trim().to_string(), n.trim().to_string()))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    Ok(PredictJob {
        sites: a.sites.clone(),
        operator: a.operator.clone(),
        columns,
        radio,
        cell_m: a.cell_size,
        crs,
        extent,
        range_m: a.range_m,
        environment,
    })
}

/// Runs `dekking predict grid`: one GeoTIFF per operator, `rejected.csv`, `predict.json` (the
/// provenance), and a line per operator.
fn grid(a: &GridArgs) -> anyhow::Result<ExitCode> {
    let job = grid_job(a)?;
    let run_date = date_or_today(a.run.run_date.as_deref(), "--run-date")?;
    let mbps = match a.mbps {
        Some(v) => v,
        None => Licence::load(None)?.required_mbps(run_date).unwrap_or(0.0),
    };
    let mut inputs = vec![job.sites.as_path()];
    inputs.extend(a.addresses.as_deref().or(a.environment_raster.as_deref()));
    check_outputs(&a.out, &["rejected.csv", "predict.json"], &inputs)?;
    let report = run_predict(&job)?;
    let c = &report.rows;
    say!("{}: rows in {} = used {} + rejected {}", report.source.path, c.rows_in, c.used, c.rejected_total());
    let written = predict::write(&report, &a.out, &run_date.to_string(), mbps)?;
    if !a.run.quiet {
        print!("{}", predict::summary(&report, mbps));
    }
    println!("wrote {}", written.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", "));
    Ok(ExitCode::SUCCESS)
}

/// The model of `dekking predict grid` without --model or --addresses.
const DEFAULT_MODEL: &str = "38901-rma-nlos";
