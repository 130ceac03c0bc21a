//! `dekking demo`: the whole pipeline on a synthetic Netherlands; `dekking demo generate` writes
//! synthetic input files for tests and benchmarks.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};

use crate::cli::fixed::print_summary;
use crate::cli::mobile::print_summary as print_mobile;
use crate::cli::{date_or_today, RunArgs, StderrProgress};
use crate::demo::grids::{national_grid, write_grids, DEMO_GRID};
use crate::demo::synthesize;
use crate::io::boundaries::{to_rd_geojson, AreaFields};
use crate::io::embedded::gemeenten_2023;
use crate::io::grids::GridOptions;
use crate::io::licence::Licence;
use crate::io::profile::Profile;
use crate::io::records::InputSpec;
use crate::model::areas::Boundary;
use crate::model::grid::GridCrs;
use crate::model::lang::Lang;
use crate::model::policy::Actieplan;
use crate::model::policy::Targets;
use crate::model::threshold::default_thresholds;
use crate::pipeline::mobile::{run_mobile, MobileJob};
use crate::pipeline::predict::{run_predict, PredictJob};
use crate::pipeline::report::{run_report, ReportJob, VintageInput};
use crate::pipeline::{run_fixed, FixedJob};
use crate::predict::grid::Radio;
use crate::report;
use crate::report::mobile;
use crate::report::predict;
use crate::report::yearly::{self, tables::CsvStyle};

/// The vintages of the demo's yearly report.
pub const DEMO_YEARS: std::ops::RangeInclusive<u16> = 2017..=2023;

/// Options of `dekking demo`.
#[derive(Debug, Clone, Args)]
#[command(after_help = "Examples:
  dekking demo --out dekking-demo --run-date 2026-11-23
  dekking demo generate --scale 1 --seed 1 --vintage 2019 --out records.parquet --universe universe.parquet
  dekking demo grids --out grids --cell-size 25")]
#[command(args_conflicts_with_subcommands = true)]
pub struct DemoArgs {
    /// `generate` writes synthetic input files instead of running the demo.
    #[command(subcommand)]
    pub action: Option<DemoAction>,
    /// Output directory of the demo.
    #[arg(long, short = 'o', default_value = "dekking-demo")]
    pub out: PathBuf,
    /// Size relative to the Netherlands (1 ≈ 8.3 million addresses).
    #[arg(long, default_value_t = 0.1)]
    pub scale: f64,
    /// Random seed.
    #[arg(long, default_value_t = 2023)]
    pub seed: u64,
    /// Vintage year (2017–2023).
    #[arg(long, default_value_t = 2023)]
    pub vintage: u16,
    /// Judging date of the mobile part (YYYY-MM-DD); default today.
    #[arg(long)]
    pub date: Option<String>,
    /// Run date, verbosity.
    #[command(flatten)]
    pub run: RunArgs,
}

/// Subcommands of `dekking demo`.
#[derive(Debug, Clone, Subcommand)]
pub enum DemoAction {
    /// Write synthetic national address files (CSV with `;`, or Parquet by extension).
    Generate(GenerateArgs),
    /// Write synthetic national coverage grids (one GeoTIFF per 700 MHz licence holder), the
    /// gemeenten and the licence's exclusion layers in RD New: the inputs of the mobile benchmark.
    Grids(GridsArgs),
    /// Write synthetic antenna sites (three sectors each) for the three 700 MHz licence holders
    /// on the NL map: the input of `dekking predict grid --sites`.
    Sites(SitesArgs),
    /// Write a synthetic national release in the FCC Broadband Data Collection layout: one file
    /// per state × technology, several records per location.
    Fcc(FccArgs),
}

/// Options of `dekking demo fcc`.
#[derive(Debug, Clone, Args)]
pub struct FccArgs {
    /// Output directory: bdc_SS_TECH.csv.gz (or .parquet) per state and technology.
    #[arg(long, short = 'o')]
    pub out: PathBuf,
    /// Locations in all (each has about four records).
    #[arg(long, default_value_t = 1_000_000)]
    pub locations: u64,
    /// States (1–56; seven files each).
    #[arg(long, default_value_t = 56)]
    pub states: usize,
    /// Random seed.
    #[arg(long, default_value_t = 2023)]
    pub seed: u64,
    /// Write Parquet instead of gzipped CSV.
    #[arg(long)]
    pub parquet: bool,
}

/// Writes the release of `dekking demo fcc`.
fn fcc(a: &FccArgs) -> anyhow::Result<ExitCode> {
    let (files, rows) = crate::demo::fcc::write_release(&a.out, a.locations, a.states, a.seed, a.parquet)?;
    say!(
        "dekking: wrote a synthetic FCC-layout release of {rows} records for {} locations in {} files (seed {}) to {}",
        a.locations / a.states as u64 * a.states as u64,
        files.len(),
        a.seed,
        a.out.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// Options of `dekking demo sites`.
#[derive(Debug, Clone, Args)]
pub struct SitesArgs {
    /// The sites CSV to write (generic layout, RD New).
    #[arg(long, short = 'o')]
    pub out: PathBuf,
    /// About this many sites per operator.
    #[arg(long, default_value_t = 5000)]
    pub per_operator: usize,
    /// Random seed.
    #[arg(long, default_value_t = 2023)]
    pub seed: u64,
}

/// Writes the sites of `dekking demo sites`.
fn sites(a: &SitesArgs) -> anyhow::Result<ExitCode> {
    let operators: Vec<String> = Licence::load(None)?.operators.into_iter().map(|o| o.id).collect();
    let s = crate::demo::sites::sites(&gemeenten_2023()?.areas, &operators, a.per_operator, a.seed);
    crate::demo::sites::write_sites(&a.out, &s)?;
    say!(
        "dekking: wrote {} synthetic transmitters ({} sites of {} sectors, seed {}) for {} to {}",
        s.len(),
        s.len() / crate::demo::sites::SECTORS,
        crate::demo::sites::SECTORS,
        a.seed,
        operators.join(", "),
        a.out.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// Options of `dekking demo grids`.
#[derive(Debug, Clone, Args)]
pub struct GridsArgs {
    /// Output directory: grid_<operator>.tif, gemeenten_rd.geojson, exclusions_rd.geojson.
    #[arg(long, short = 'o')]
    pub out: PathBuf,
    /// Cell size in metres (a divisor of 5000: 25 gives the 25 m national grid).
    #[arg(long, default_value_t = 100.0)]
    pub cell_size: f64,
    /// Random seed.
    #[arg(long, default_value_t = 2023)]
    pub seed: u64,
}

/// Writes the grids, the gemeenten and the exclusion layers of `dekking demo grids`.
fn grids(g: &GridsArgs) -> anyhow::Result<ExitCode> {
    if !(g.cell_size >= 5.0 && (5000.0 / g.cell_size).fract() == 0.0) {
        anyhow::bail!("--cell-size {}: expected a divisor of 5000 m of at least 5 m (e.g. 100, 50, 25)", g.cell_size);
    }
    let spec = national_grid(g.cell_size);
    let licence = Licence::load(None)?;
    let gemeenten = gemeenten_2023()?;
    let written = write_grids(&g.out, &gemeenten.areas, &licence, &spec, g.seed)?;
    dekking_files::atomic::write(&g.out.join("gemeenten_rd.geojson"), &to_rd_geojson(&gemeenten.areas)?)?;
    let layers = crate::pipeline::mobile::licence_layers(&licence)?;
    let exclusions: Vec<Boundary> = layers
        .shapes
        .into_iter()
        .enumerate()
        .map(|(k, shape)| Boundary {
            code: format!("X{k:05}"),
            name: Some("exclusion".into()),
            shape,
            households: None,
        })
        .collect();
    dekking_files::atomic::write(&g.out.join("exclusions_rd.geojson"), &to_rd_geojson(&exclusions)?)?;
    say!(
        "dekking: wrote {} synthetic {} m grids of {} × {} cells (seed {}), the gemeenten and {} exclusion polygons ({}) to {}",
        written.len(),
        g.cell_size,
        spec.cols,
        spec.rows,
        g.seed,
        exclusions.len(),
        layers.applied.join("; "),
        g.out.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// Sites per operator in the demo, and the cell size of their predicted grids, m.
const DEMO_SITES: usize = 2_000;
const DEMO_PREDICTED_CELL_M: f64 = 250.0;
/// The cell load of the demo's predictions: half, a common planning assumption.
const DEMO_LOAD: f64 = 0.25;

/// Places the demo's synthetic sites, predicts each operator's grid from them (written to
/// `predict/` beside the demo's other outputs) and returns (operator, grid file) in licence
/// order.
fn predict_sites(
    args: &DemoArgs,
    licence: &Licence,
    run_date: &str,
    speed: f64,
) -> anyhow::Result<Vec<(String, PathBuf)>> {
    println!();
    println!("dekking demo: SYNTHETIC antenna sites for the three licence holders and their PREDICTED 700 MHz coverage (dekking predict).");
    let operators: Vec<String> = licence.operators.iter().map(|o| o.id.clone()).collect();
    let sites = crate::demo::sites::sites(&gemeenten_2023()?.areas, &operators, DEMO_SITES, args.seed);
    let file = args.out.join("input").join("sites.csv");
    crate::demo::sites::write_sites(&file, &sites)?;
    let g = &DEMO_GRID;
    let job = PredictJob {
        sites: file,
        operator: None,
        columns: Vec::new(),
        radio: Radio { load: DEMO_LOAD, ..Radio::default() },
        cell_m: DEMO_PREDICTED_CELL_M,
        crs: GridCrs::RdNew,
        extent: Some([g.x0, g.y0, g.x0 + g.cell * g.cols as f64, g.y0 + g.cell * g.rows as f64]),
        range_m: 10_000.0,
        environment: None,
    };
    let report = run_predict(&job)?;
    let dir = args.out.join("predict");
    predict::write(&report, &dir, run_date, speed)?;
    print!("{}", predict::summary(&report, speed));
    println!("predicted grids in {}/", dir.display());
    Ok(operators
        .into_iter()
        .map(|op| {
            let f = dir.join(predict::grid_file(&op));
            (op, f)
        })
        .collect())
}

/// Options of `dekking demo generate`.
#[derive(Debug, Clone, Args)]
pub struct GenerateArgs {
    /// Size relative to the Netherlands (1 ≈ 8.3 million addresses).
    #[arg(long, default_value_t = 1.0)]
    pub scale: f64,
    /// Random seed.
    #[arg(long, default_value_t = 2023)]
    pub seed: u64,
    /// Vintage year (2017–2023).
    #[arg(long, default_value_t = 2023)]
    pub vintage: u16,
    /// The records file to write (.csv or .parquet).
    #[arg(long, short = 'o')]
    pub out: PathBuf,
    /// Also write the address universe (every address, served or not) to this file.
    #[arg(long)]
    pub universe: Option<PathBuf>,
    /// Write one row per address (its best record; 0/0 when it has none) instead of all records:
    /// the point file of the benchmarks.
    #[arg(long)]
    pub points: bool,
    /// Also write each address's gemeentecode (as of the vintage's map) beside its coordinates.
    #[arg(long)]
    pub codes: bool,
    /// Also write the gemeente boundaries dekking uses, in RD New (GeoJSON), for other tools.
    #[arg(long, value_name = "FILE")]
    pub boundaries: Option<PathBuf>,
}

/// Runs `dekking demo` or `dekking demo generate`.
///
/// # Errors
/// Invalid options or unwritable outputs.
pub fn run(args: DemoArgs) -> anyhow::Result<ExitCode> {
    if let Some(DemoAction::Grids(g)) = &args.action {
        return grids(g);
    }
    if let Some(DemoAction::Sites(a)) = &args.action {
        return sites(a);
    }
    if let Some(DemoAction::Fcc(a)) = &args.action {
        return fcc(a);
    }
    if let Some(DemoAction::Generate(g)) = args.action {
        let mut s = synthesize(g.scale, g.seed, g.vintage)?;
        if g.points {
            s = s.best_only();
        }
        if g.codes && s.area_codes.is_none() {
            s = s.with_codes();
        }
        s.write_records(&g.out)?;
        if let Some(b) = &g.boundaries {
            dekking_files::atomic::write(b, &crate::io::boundaries::to_rd_geojson(&gemeenten_2023()?.areas)?)?;
        }
        if let Some(u) = &g.universe {
            s.write_universe(u)?;
        }
        say!(
            "dekking: wrote {} synthetic records for {} synthetic addresses (vintage {}, seed {}) to {}{}",
            s.records.len(),
            s.addresses.len(),
            g.vintage,
            g.seed,
            g.out.display(),
            g.universe.map(|u| format!(" and the universe to {}", u.display())).unwrap_or_default()
        );
        return Ok(ExitCode::SUCCESS);
    }
    println!("dekking demo: SYNTHETIC addresses on the real CBS 2023 gemeente map (not real data).");
    let input_dir = args.out.join("input");
    std::fs::create_dir_all(&input_dir)?;
    let s = synthesize(args.scale, args.seed, args.vintage)?;
    let records = input_dir.join(format!("records_{}.csv", args.vintage));
    let universe = input_dir.join(format!("universe_{}.csv", args.vintage));
    s.write_records(&records)?;
    s.write_universe(&universe)?;
    say!(
        "dekking: {} synthetic addresses, {} records (scale {}, seed {})",
        s.addresses.len(),
        s.records.len(),
        args.scale,
        args.seed
    );
    let job = FixedJob {
        input: InputSpec {
            records: vec![records.clone()],
            universe: Some(universe.clone()),
            profile: Profile::built_in("nl")?,
            delimiter: None,
            use_weights: true,
            filters: Vec::new(),
            condition: None,
            partition: None,
            frames: Default::default(),
            spilled: None,
        },
        boundaries: None,
        area_fields: AreaFields::default(),
        areas: None,
        parents: None,
        thresholds: default_thresholds(),
        levels: Vec::new(),
        targets: Targets::load(None)?,
        run_date: args.run.run_date()?,
        mergers: None,
        keep_addresses: false,
        layers: false,
        classify: None,
        class_locations: false,
        min_count: None,
        partitions: None,
        memory: None,
        spill: Default::default(),
    };
    let report = run_fixed(&job, &mut StderrProgress::new(&args.run))?;
    let fixed_dir = args.out.join("fixed");
    report::write_fixed(&report, &fixed_dir)?;
    print_summary(&report, args.run.quiet);
    println!("fixed outputs in {}/", fixed_dir.display());

    println!();
    println!("dekking demo: SYNTHETIC 100 m coverage grids for the three 700 MHz licence holders (not real networks).");
    let licence = Licence::load(None)?;
    let grids = write_grids(&input_dir, &gemeenten_2023()?.areas, &licence, &DEMO_GRID, args.seed)?;
    let date = date_or_today(args.date.as_deref(), "--date")?;
    let speed = licence.required_mbps(date).unwrap_or(0.0);
    let predicted = predict_sites(&args, &licence, &job.run_date, speed)?;
    let mut mjob = MobileJob {
        grids,
        grid_options: GridOptions::default(),
        licence,
        boundaries: None,
        area_fields: AreaFields::default(),
        areas: None,
        exclusions: Vec::new(),
        licence_exclusions: true,
        date,
        drive_tests: None,
        points: None,
        predicted: predicted.clone(),
        run_date: job.run_date.clone(),
    };
    let mreport = run_mobile(&mjob, &mut StderrProgress::new(&args.run))?;
    let mobile_dir = args.out.join("mobile");
    mobile::write(&mreport, &mobile_dir)?;
    print_mobile(&mreport);
    println!("mobile outputs in {}/ (plausibility.csv: the grids against the predictions)", mobile_dir.display());

    println!();
    println!("dekking demo: the 700 MHz obligation judged on the PREDICTED grids.");
    (mjob.grids, mjob.predicted) = (predicted, Vec::new());
    let preport = run_mobile(&mjob, &mut StderrProgress::new(&args.run))?;
    let predicted_dir = args.out.join("predicted");
    mobile::write(&preport, &predicted_dir)?;
    print_mobile(&preport);
    println!("outputs in {}/", predicted_dir.display());

    println!();
    println!("dekking demo: the yearly report over the SYNTHETIC vintages {}–{} (older vintages carry the gemeentecodes of their year's map).", DEMO_YEARS.start(), DEMO_YEARS.end());
    let mut vintages = Vec::new();
    for year in DEMO_YEARS {
        let (records, universe) = if year == args.vintage {
            (records.clone(), universe.clone())
        } else {
            let v = s.for_year(year)?;
            let (r, u) =
                (input_dir.join(format!("records_{year}.parquet")), input_dir.join(format!("universe_{year}.parquet")));
            v.write_records(&r)?;
            v.write_universe(&u)?;
            (r, u)
        };
        vintages.push(VintageInput { year: i32::from(year), records, universe: Some(universe) });
    }
    let rjob = ReportJob {
        vintages,
        profile: Profile::built_in("nl")?,
        delimiter: None,
        use_weights: true,
        boundaries: None,
        area_fields: AreaFields::default(),
        areas: None,
        mergers: None,
        mobile: Some(mobile_dir.clone()),
        predicted: Some(predicted_dir),
        classify: None,
        provincie: None,
        targets: job.targets.clone(),
        actieplan: Actieplan::built_in()?,
        run_date: job.run_date.clone(),
        lang: Lang::default(),
    };
    let y = run_report(&rjob, &mut StderrProgress::new(&args.run))?;
    let report_dir = args.out.join("report");
    let (f, _) = yearly::write(&y, &report_dir, CsvStyle::of(y.lang))?;
    if let Some(s) = f.series.last() {
        println!(
            "{}: {} with >= {} in {}",
            f.title,
            s.share_pct.map(|v| format!("{v:.2} %")).unwrap_or_default(),
            f.threshold,
            s.year
        );
    }
    println!("report: {}", report_dir.join("report.html").display());
    Ok(ExitCode::SUCCESS)
}
