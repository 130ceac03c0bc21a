//! `dekking mobile`: licence compliance per operator × gemeente from coverage grids.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;

use crate::cli::{check_outputs, date_or_today, strict_check, BoundaryArgs, RunArgs, StderrProgress};
use crate::io::grids::GridOptions;
use crate::io::licence::Licence;
use crate::model::grid::GridCrs;
use crate::model::mobile::MobileReport;
use crate::pipeline::mobile::{run_mobile, MobileJob};
use crate::report::mobile;

/// Options of `dekking mobile`.
#[derive(Debug, Clone, Args)]
#[command(after_help = "Examples (each runs as written, in order, in an empty folder):
  dekking demo grids --out grids --cell-size 500
  dekking mobile --grid KPN=grids/grid_KPN.tif --grid Odido=grids/grid_Odido.tif --date 2026-07-28 --out mobile
  dekking mobile --grid KPN=grids/grid_KPN.tif --boundaries grids/gemeenten_rd.geojson --no-licence-exclusions --exclusions grids/exclusions_rd.geojson --out own-layers")]
pub struct MobileArgs {
    /// Coverage grid of one operator, OPERATOR=FILE (repeatable): GeoTIFF, x/y/dl_mbps CSV or RTR cell-code CSV.
    #[arg(long = "grid", value_name = "OPERATOR=FILE", required = true)]
    pub grids: Vec<String>,
    /// CRS of x/y grid CSVs and of GeoTIFFs without GeoKeys: 28992 (RD New) or 3035 (ETRS89-LAEA).
    #[arg(long, default_value = "28992")]
    pub grid_crs: String,
    /// Cell size of x/y grid CSVs, metres; inferred from the spacing when absent.
    #[arg(long)]
    pub cell_size: Option<f64>,
    /// For RTR cell-code files, judge `dl_max` instead of `dl_normal`.
    #[arg(long)]
    pub rtr_max: bool,
    /// Licence file (TOML); default: the built-in 700 MHz licence (seeds/licences/nl-700mhz-2020.toml).
    #[arg(long, value_name = "FILE")]
    pub licence: Option<PathBuf>,
    /// The areas judged: every area of the boundary file, and its fields.
    #[command(flatten)]
    pub areas: BoundaryArgs,
    /// Area table naming the areas the boundary file leaves unnamed; default: built-in 2023 table.
    #[arg(long, value_name = "FILE")]
    pub provincies: Option<PathBuf>,
    /// Extra exclusion layer (GeoJSON polygons), on top of the licence's (repeatable).
    #[arg(long = "exclusions", value_name = "FILE")]
    pub exclusions: Vec<PathBuf>,
    /// Do not apply the exclusion layers named in the licence file.
    #[arg(long)]
    pub no_licence_exclusions: bool,
    /// Judging date (YYYY-MM-DD): picks the speed and percentage in force; default today.
    #[arg(long)]
    pub date: Option<String>,
    /// Drive-test measurements (CSV: operator, x/y or lon/lat, time, dl_mbps and/or success).
    #[arg(long, value_name = "FILE")]
    pub drive_tests: Option<PathBuf>,
    /// Points for obligations that count addresses, households or people (CSV/Parquet with x/y or
    /// lon/lat and the weight columns the licence names, or a GeoPackage/GeoParquet point layer).
    #[arg(long, value_name = "FILE")]
    pub points: Option<PathBuf>,
    /// A predicted grid of an operator, OPERATOR=FILE (repeatable; e.g. from `dekking predict grid`): where it and the operator's --grid disagree, per area, in plausibility.csv.
    #[arg(long = "predicted", value_name = "OPERATOR=FILE")]
    pub predicted: Vec<String>,
    /// Output directory.
    #[arg(long, short = 'o', default_value = "dekking-mobile")]
    pub out: PathBuf,
    /// Run date, verbosity, strictness.
    #[command(flatten)]
    pub run: RunArgs,
}

impl MobileArgs {
    /// Builds the library job.
    ///
    /// # Errors
    /// Malformed options or an invalid licence file.
    pub fn job(&self) -> anyhow::Result<MobileJob> {
        let pairs = |flag: &str, values: &[String]| {
            values
                .iter()
                .map(|g| {
                    let (op, file) =
                        g.split_once('=').with_context(|| format!("invalid --{flag} `{g}`: expected OPERATOR=FILE"))?;
                    Ok((op.trim().to_string(), PathBuf::from(file.trim())))
                })
                .collect::<anyhow::Result<Vec<_>>>()
        };
        let grids = pairs("grid", &self.grids)?;
        let crs = GridCrs::parse(&self.grid_crs)
            .with_context(|| format!("invalid --grid-crs `{}`: expected 28992 or 3035", self.grid_crs))?;
        let date = date_or_today(self.date.as_deref(), "--date")?;
        Ok(MobileJob {
            grids,
            grid_options: GridOptions { crs, cell_size: self.cell_size, rtr_max: self.rtr_max },
            licence: Licence::load(self.licence.as_deref())?,
            boundaries: self.areas.boundaries.clone(),
            area_fields: self.areas.fields(),
            areas: self.provincies.clone(),
            exclusions: self.exclusions.clone(),
            licence_exclusions: !self.no_licence_exclusions,
            date,
            drive_tests: self.drive_tests.clone(),
            points: self.points.clone(),
            predicted: pairs("predicted", &self.predicted)?,
            run_date: self.run.run_date()?,
        })
    }
}

/// Prints row accounting, warnings and the summary.
pub fn print_summary(report: &MobileReport) {
    for (file, c) in &report.provenance.rows {
        say!("{file}: rows in {} = used {} + rejected {}", c.rows_in, c.used, c.rejected_total());
    }
    for w in &report.provenance.warnings {
        say!("warning: {w}");
    }
    print!("{}", mobile::summary(report));
}

/// Runs `dekking mobile`.
///
/// # Errors
/// Any input, computation or output error.
pub fn run(args: MobileArgs) -> anyhow::Result<ExitCode> {
    let job = args.job()?;
    let mut inputs: Vec<&std::path::Path> = job.grids.iter().map(|(_, p)| p.as_path()).collect();
    inputs.extend(job.drive_tests.as_deref());
    inputs.extend(job.points.as_deref());
    inputs.extend(job.predicted.iter().map(|(_, p)| p.as_path()));
    check_outputs(&args.out, &mobile::MOBILE_FILES, &inputs)?;
    let report = run_mobile(&job, &mut StderrProgress::new(&args.run))?;
    if let Some(code) = strict_check(args.run.strict, &report.provenance.warnings) {
        return Ok(code);
    }
    let written =
        mobile::write(&report, &args.out).with_context(|| format!("writing outputs to {}", args.out.display()))?;
    print_summary(&report);
    println!("wrote {}", written.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", "));
    Ok(ExitCode::SUCCESS)
}
