//! `dekking report`: the yearly report from one or more vintages (and mobile results), from
//! options or from a run file.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;

use crate::cli::{date_or_today, strict_check, BoundaryArgs, MappingArgs, RunArgs, StderrProgress};
use crate::error::Error;
use crate::io::boundaries::AreaFields;
use crate::io::runfile::RunFile;
use crate::model::lang::Lang;
use crate::model::policy::Actieplan;
use crate::model::policy::Targets;
use crate::pipeline::report::{run_report, ReportJob, VintageInput};
use crate::progress::Progress;
use crate::report::format::thousands;
use crate::report::yearly::{self, tables::CsvStyle};

/// Options of `dekking report`.
#[derive(Debug, Clone, Args)]
#[command(after_help = "Examples (each runs as written, in order, in an empty folder):
  dekking demo generate --scale 0.01 --vintage 2021 --out r2021.csv --universe u2021.csv
  dekking demo generate --scale 0.01 --vintage 2023 --out r2023.csv --universe u2023.csv
  dekking report --vintage 2021=r2021.csv --universe 2021=u2021.csv --vintage 2023=r2023.csv --universe 2023=u2023.csv --out report
  dekking report --vintage 2023=r2023.csv --universe 2023=u2023.csv --provincie Utrecht --out report-utrecht
  dekking report --vintage 2023=r2023.csv --universe 2023=u2023.csv --lang en --out report-en")]
pub struct ReportArgs {
    /// A vintage as YEAR=FILE (availability records; repeatable, one per year).
    #[arg(long = "vintage", value_name = "YEAR=FILE")]
    pub vintages: Vec<String>,
    /// The address universe of a vintage as YEAR=FILE (repeatable).
    #[arg(long = "universe", value_name = "YEAR=FILE")]
    pub universes: Vec<String>,
    /// A run file (TOML) listing the inputs; options given here override it.
    #[arg(long = "run", value_name = "FILE", conflicts_with = "vintages")]
    pub run_file: Option<PathBuf>,
    /// Mobile compliance: the output folder (or mobile.csv) of `dekking mobile`.
    #[arg(long, value_name = "DIR")]
    pub mobile: Option<PathBuf>,
    /// Predicted coverage: the output folder (or mobile.csv) of `dekking mobile` run on the
    /// grids of `dekking predict grid`; drawn as a map of its own.
    #[arg(long, value_name = "DIR")]
    pub predicted: Option<PathBuf>,
    /// Count the latest vintage's addresses by service class (`bead-us` or a scheme file, as
    /// `dekking fixed --classify`) into a section and classes.csv.
    #[arg(long, value_name = "bead-us|FILE")]
    pub classify: Option<String>,
    /// Limit the report to one provincie (code PVxx or name) and write its gap list.
    #[arg(long, value_name = "NAME|PVxx")]
    pub provincie: Option<String>,
    /// Write CSV for Excel: `;`, decimal comma and a UTF-8 byte-order mark (always with --lang nl).
    #[arg(long)]
    pub csv_excel: bool,
    /// The report's language: nl (default: words, numbers 99,70 % and dates 3 december 2026 in
    /// Dutch, CSV for Excel) or en.
    #[arg(long, value_name = "nl|en")]
    pub lang: Option<String>,
    /// Gemeente boundaries for locating points and drawing maps, and their fields.
    #[command(flatten)]
    pub areas: BoundaryArgs,
    /// Gemeente → provincie table; default: built-in 2023 table.
    #[arg(long, value_name = "FILE")]
    pub provincies: Option<PathBuf>,
    /// Gemeente merger table (old_code,new_code,date); default: built-in seeds/gemeente_mergers.csv.
    #[arg(long, value_name = "FILE")]
    pub mergers: Option<PathBuf>,
    /// Targets file; default: built-in seeds/targets.toml.
    #[arg(long, value_name = "FILE")]
    pub targets: Option<PathBuf>,
    /// Action-plan file; default: built-in seeds/actieplan.toml.
    #[arg(long, value_name = "FILE")]
    pub actieplan: Option<PathBuf>,
    /// Column mapping of the vintage files.
    #[command(flatten)]
    pub mapping: MappingArgs,
    /// Output directory (default dekking-report).
    #[arg(long, short = 'o')]
    pub out: Option<PathBuf>,
    /// Run date (overrides the run file's), verbosity, strictness.
    #[command(flatten)]
    pub run: RunArgs,
}

fn year_file(flag: &str, v: &str) -> Result<(i32, PathBuf), Error> {
    let (y, f) =
        v.split_once('=').ok_or_else(|| Error::argument(flag, v, "expected YEAR=FILE, e.g. 2023=records_2023.csv"))?;
    let year: i32 = y
        .trim()
        .parse()
        .ok()
        .filter(|y| (1990..=2100).contains(y))
        .ok_or_else(|| Error::argument(flag, v, "the year is not a year between 1990 and 2100"))?;
    Ok((year, PathBuf::from(f)))
}

impl ReportArgs {
    /// Builds the job and the output folder and CSV style from the options (and run file).
    ///
    /// # Errors
    /// Invalid options, an unreadable or invalid run file, targets or action plan.
    pub fn job(&self) -> anyhow::Result<(ReportJob, PathBuf, CsvStyle)> {
        let run = self.run_file.as_deref().map(RunFile::load).transpose()?;
        let mut mapping = self.mapping.clone();
        let mut vintages: Vec<VintageInput> = Vec::new();
        if let Some(r) = &run {
            if mapping.profile == "nl" {
                mapping.profile = r.profile.clone().unwrap_or_else(|| "nl".into());
            }
            mapping.columns.splice(0..0, r.columns.iter().cloned());
            mapping.delimiter = mapping.delimiter.or_else(|| r.delimiter.clone());
            mapping.unweighted |= r.unweighted;
            vintages = r
                .vintages
                .iter()
                .map(|v| VintageInput { year: v.year, records: v.records.clone(), universe: v.universe.clone() })
                .collect();
        }
        for v in &self.vintages {
            let (year, records) = year_file("--vintage", v)?;
            vintages.push(VintageInput { year, records, universe: None });
        }
        for u in &self.universes {
            let (year, file) = year_file("--universe", u)?;
            let v = vintages
                .iter_mut()
                .find(|v| v.year == year)
                .ok_or_else(|| Error::argument("--universe", u, "no --vintage has that year"))?;
            v.universe = Some(file);
        }
        vintages.sort_by_key(|v| v.year);
        let (profile, delimiter, use_weights) = mapping.resolve()?;
        let pick =
            |cli: &Option<PathBuf>, file: Option<&Option<PathBuf>>| cli.clone().or_else(|| file.cloned().flatten());
        let r = run.as_ref();
        let targets = pick(&self.targets, r.map(|r| &r.targets));
        let actieplan = Actieplan::load(pick(&self.actieplan, r.map(|r| &r.actieplan)).as_deref())?;
        let run_date = self.run.run_date.clone().or_else(|| r.and_then(|r| r.run_date.clone()));
        let lang = match self.lang.clone().or_else(|| r.and_then(|r| r.lang.clone())) {
            Some(code) => Lang::parse(&code).ok_or_else(|| Error::argument("--lang", &code, "expected nl or en"))?,
            None => Lang::default(),
        };
        let job = ReportJob {
            vintages,
            profile,
            delimiter,
            use_weights,
            boundaries: pick(&self.areas.boundaries, r.map(|r| &r.boundaries)),
            area_fields: AreaFields {
                layer: self.areas.layer.clone().or_else(|| r.and_then(|r| r.layer.clone())),
                code: self.areas.area_code_field.clone().or_else(|| r.and_then(|r| r.area_code_field.clone())),
                name: self.areas.area_name_field.clone().or_else(|| r.and_then(|r| r.area_name_field.clone())),
            },
            areas: pick(&self.provincies, r.map(|r| &r.provincies)),
            mergers: pick(&self.mergers, r.map(|r| &r.mergers)),
            mobile: pick(&self.mobile, r.map(|r| &r.mobile)),
            predicted: pick(&self.predicted, r.map(|r| &r.predicted)),
            classify: self
                .classify
                .clone()
                .or_else(|| r.and_then(|r| r.classify.clone()))
                .map(|c| crate::io::classes::load(&c))
                .transpose()?,
            provincie: self.provincie.clone().or_else(|| r.and_then(|r| r.provincie.clone())),
            targets: Targets::load(targets.as_deref())?,
            actieplan,
            run_date: date_or_today(run_date.as_deref(), "--run-date")?.to_string(),
            lang,
        };
        let out = pick(&self.out, r.map(|r| &r.out)).unwrap_or_else(|| PathBuf::from("dekking-report"));
        let style = CsvStyle { excel: self.csv_excel || r.is_some_and(|r| r.csv_excel) || lang == Lang::Nl, lang };
        Ok((job, out, style))
    }
}

/// Runs `dekking report`.
///
/// # Errors
/// Invalid options, unreadable inputs, unwritable outputs.
pub fn run(args: ReportArgs) -> anyhow::Result<ExitCode> {
    let (job, out, style) = args.job()?;
    let mut progress = StderrProgress::new(&args.run);
    let y = run_report(&job, &mut progress)?;
    let warnings: Vec<String> = y
        .vintages
        .iter()
        .flat_map(|(year, r)| r.provenance.warnings.iter().map(move |w| format!("vintage {year}: {w}")))
        .collect();
    if let Some(code) = strict_check(args.run.strict, &warnings) {
        return Ok(code);
    }
    for w in &warnings {
        say!("dekking: warning: {w}");
    }
    progress.stage("charts, tables and report files", None);
    let (f, paths) =
        yearly::write(&y, &out, style).with_context(|| format!("writing the report to {}", out.display()))?;
    drop(progress);
    if !args.run.quiet {
        for (year, r) in &y.vintages {
            for (file, c) in &r.provenance.rows {
                say!("{year} {file}: rows in {} = used {} + rejected {}", c.rows_in, c.used, c.rejected_total());
            }
        }
        if let Some(s) = f.series.last() {
            println!(
                "{}: {} of {} with >= {} in {} ({} without)",
                f.title,
                s.share_pct.map(|v| format!("{v:.2} %")).unwrap_or_else(|| "n/a".into()),
                f.unit,
                f.threshold,
                s.year,
                thousands(s.short.round() as u64)
            );
        }
        if let Some(g) = &f.gaps {
            println!("gap list: {} addresses in {}", thousands(g.addresses), out.join("gaps.geojson").display());
        }
        println!("report: {} ({} files)", out.join("report.html").display(), paths.len());
    }
    Ok(ExitCode::SUCCESS)
}
