//! `dekking predict`: link-level propagation for checking and teaching — the path loss of a
//! model at given distances, and the spectral efficiency at given SINRs — as CSV on stdout.

use std::io::Write as _;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Args, Subcommand};

use dekking::predict::pathloss::{Link, Model, MODELS};
use dekking::predict::spectral::Shannon;

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

/// Runs `dekking predict`.
///
/// # Errors
/// An unknown model, or a link outside the model's range of validity.
pub fn run(args: PredictArgs) -> anyhow::Result<ExitCode> {
    let mut out = String::new();
    match args.what {
        Predict::Pathloss(a) => {
            let model = Model::parse(&a.model).with_context(|| {
                let names: Vec<&str> = MODELS.iter().map(|(n, _)| *n).collect();
                format!("unknown --model `{}`: use one of {}", a.model, names.join(", "))
            })?;
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
        Predict::SpectralEfficiency(a) => {
            let s = Shannon { alpha: a.alpha, sinr_min_db: a.sinr_min_db, max_bps_per_hz: a.max_bps_per_hz };
            out.push_str("sinr_db,bps_per_hz\n");
            for db in a.sinrs_db {
                out.push_str(&format!("{db},{:.6}\n", s.bps_per_hz(db)));
            }
        }
    }
    std::io::stdout().write_all(out.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}
