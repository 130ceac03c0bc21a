//! The command-line layer: clap argument structs, one subcommand per file, and the shared
//! input options; used by `main.rs` and the Python package. Only this layer and `main.rs` print.

// The doc comments of the argument structs are the `--help` text, written for a terminal
// (`DOWN[/UP]`, `grid_<operator>.tif`), not as rustdoc's markdown.
#![allow(rustdoc::broken_intra_doc_links, rustdoc::invalid_html_tags, rustdoc::bare_urls)]

/// Prints one line to stderr, made safe by [`crate::error::one_line`]: every line the command
/// line writes to stderr goes through it.
macro_rules! say {
    ($($arg:tt)*) => {
        eprintln!("{}", crate::error::one_line(&format!($($arg)*)))
    };
}

pub mod completions;
pub mod demo;
pub mod fixed;
pub mod man;
pub mod mobile;
pub mod predict;
pub mod report;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::error::Error;
use crate::io::boundaries::AreaFields;
use crate::io::columns::Field;
use crate::io::profile::Profile;
use crate::io::records::{InputSpec, RowFilter};
use crate::progress::{Progress, Ticker};

/// Broadband and spectrum coverage analytics per gemeente, provincie and country.
#[derive(Debug, Parser)]
#[command(name = "dekking", version, about, long_about = None)]
pub struct Cli {
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Fixed-broadband coverage per area from address-level availability records.
    Fixed(fixed::FixedArgs),
    /// 700 MHz (or other) licence compliance per operator × gemeente from coverage grids.
    Mobile(mobile::MobileArgs),
    /// The yearly report (HTML, Markdown, charts, figures.json, CSV) from yearly vintages.
    Report(report::ReportArgs),
    /// Run everything on a synthetic Netherlands, or generate synthetic input files.
    Demo(demo::DemoArgs),
    /// Link-level propagation: path loss of a model, spectral efficiency at a SINR (CSV on stdout).
    Predict(predict::PredictArgs),
    /// Print shell completions (bash, zsh, fish, elvish, powershell).
    Completions(completions::CompletionsArgs),
    /// Print the manual page (roff), of the command or of one subcommand.
    Man(man::ManArgs),
}

/// Input options shared by every command that reads availability records.
#[derive(Debug, Clone, Args)]
pub struct InputArgs {
    /// Availability records: CSV (any of , ; tab |) or Parquet, or .csv.gz / .zip of one; one row per address × provider × technology. Repeat it, or give a directory (every table inside, at any depth) or a quoted glob pattern ('fcc/*.zip'), to read many files as one.
    #[arg(long, short = 'i', value_name = "FILE|DIR|PATTERN", required = true)]
    pub input: Vec<PathBuf>,
    /// All addresses that count (served or not); default: the distinct addresses of --input.
    #[arg(long, value_name = "FILE")]
    pub universe: Option<PathBuf>,
    /// Read only the records rows whose COLUMN holds one of the values, e.g. business_residential_code=R,X (repeatable: every filter must pass); the rows left out are counted per file.
    #[arg(long = "where", value_name = "COLUMN=V1,V2")]
    pub filters: Vec<String>,
    /// Column mapping.
    #[command(flatten)]
    pub mapping: MappingArgs,
}

/// The boundary file and which of its properties name the areas.
#[derive(Debug, Clone, Args)]
pub struct BoundaryArgs {
    /// Area boundaries (GeoJSON, GeoPackage or GeoParquet; WGS84 or RD New): every area in it is
    /// reported, under its own code; default: the built-in CBS 2023 gemeenten.
    #[arg(long, value_name = "FILE")]
    pub boundaries: Option<PathBuf>,
    /// The GeoPackage layer holding the areas (e.g. gemeenten of CBS's wijk- en buurtkaart);
    /// default: the file's only feature layer.
    #[arg(long, value_name = "NAME")]
    pub layer: Option<String>,
    /// The feature property holding the area code; default: the first of gemeentecode, statcode,
    /// GM_CODE, code, area_code, GEOID a feature has.
    #[arg(long, value_name = "NAME")]
    pub area_code_field: Option<String>,
    /// The feature property holding the area name; default: the first of gemeentenaam, statnaam,
    /// GM_NAAM, naam, name, area_name a feature has (else the area table's name, else the code).
    #[arg(long, value_name = "NAME")]
    pub area_name_field: Option<String>,
}

impl BoundaryArgs {
    /// The properties chosen for the code and name.
    #[must_use]
    pub fn fields(&self) -> AreaFields {
        AreaFields { layer: self.layer.clone(), code: self.area_code_field.clone(), name: self.area_name_field.clone() }
    }
}

/// How input columns are found: the profile, overrides, delimiter and weighting.
#[derive(Debug, Clone, Args)]
pub struct MappingArgs {
    /// Column profile: nl, fcc-bdc or generic.
    #[arg(long, default_value = "nl")]
    pub profile: String,
    /// Map a canonical field to a column name, e.g. --column down_mbps=Download (repeatable).
    #[arg(long = "column", value_name = "FIELD=NAME")]
    pub columns: Vec<String>,
    /// Force the CSV delimiter (one character, or `tab`); default: sniffed from the header.
    #[arg(long)]
    pub delimiter: Option<String>,
    /// Count addresses even when the input has a weight (households) column.
    #[arg(long)]
    pub unweighted: bool,
}

impl MappingArgs {
    /// The profile with `--column` overrides applied, the delimiter, and whether to weight.
    ///
    /// # Errors
    /// An unknown profile or field, a malformed `--column`, or a bad delimiter.
    pub fn resolve(&self) -> Result<(Profile, Option<u8>, bool), Error> {
        let mut profile = Profile::built_in(&self.profile)?;
        for c in &self.columns {
            let (field, name) = c
                .split_once('=')
                .ok_or_else(|| Error::argument("column", c, "expected FIELD=NAME, e.g. down_mbps=Download"))?;
            let field = Field::from_name(field).ok_or_else(|| {
                let names: Vec<&str> = Field::ALL.iter().map(|f| f.name()).collect();
                Error::argument("column", c, format!("unknown field; expected one of {}", names.join(", ")))
            })?;
            profile.set_column(field, name.trim());
        }
        let delimiter = match self.delimiter.as_deref() {
            None => None,
            Some("tab" | "\\t") => Some(b'\t'),
            Some(d) if d.len() == 1 => Some(d.as_bytes()[0]),
            Some(d) => return Err(Error::argument("delimiter", d, "expected one character or `tab`")),
        };
        Ok((profile, delimiter, !self.unweighted))
    }
}

impl InputArgs {
    /// Turns the options into a validated [`InputSpec`].
    ///
    /// # Errors
    /// [`Error::Argument`] for an unknown profile or field, a bad delimiter, or an `--input`
    /// that names no table.
    pub fn spec(&self) -> Result<InputSpec, Error> {
        let (profile, delimiter, use_weights) = self.mapping.resolve()?;
        let records = crate::io::inputs::expand("input", &self.input)?;
        let filters = self
            .filters
            .iter()
            .map(|f| RowFilter::parse(f).ok_or_else(|| Error::argument("where", f, "expected COLUMN=V1,V2")))
            .collect::<Result<_, _>>()?;
        Ok(InputSpec {
            records,
            universe: self.universe.clone(),
            profile,
            delimiter,
            use_weights,
            filters,
            condition: None,
            partition: None,
            frames: Default::default(),
            spilled: None,
        })
    }
}

/// Options shared by every command that writes a run: provenance date and verbosity.
#[derive(Debug, Clone, Args)]
pub struct RunArgs {
    /// Run date written into provenance (YYYY-MM-DD); default today. Fix it for byte-identical reruns.
    #[arg(long)]
    pub run_date: Option<String>,
    /// Print only the headline or summary.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Treat warnings as errors: exit 3 and write nothing.
    #[arg(long)]
    pub strict: bool,
    /// Print each stage's wall time, CPU time (all threads, an input's checksum computed beside it included) and memory to stderr (also with --quiet).
    #[arg(long)]
    pub timings: bool,
}

impl RunArgs {
    /// The run date: the one given (validated) or today.
    ///
    /// # Errors
    /// A date that is not `YYYY-MM-DD`.
    pub fn run_date(&self) -> Result<String, Error> {
        date_or_today(self.run_date.as_deref(), "--run-date").map(|d| d.to_string())
    }
}

/// A `YYYY-MM-DD` option value, or today when absent.
///
/// # Errors
/// [`Error::Argument`] naming `flag` for a value that is not a date.
pub fn date_or_today(value: Option<&str>, flag: &str) -> Result<crate::model::date::Date, Error> {
    match value {
        None => Ok(crate::model::date::Date::today()),
        Some(d) => crate::model::date::Date::parse(d).ok_or_else(|| Error::argument(flag, d, "expected YYYY-MM-DD")),
    }
}

/// Exit code of a run stopped by `--strict` because of warnings.
pub const EXIT_STRICT: u8 = 3;

/// Refuses an output file that is also an input (`--out` pointed at the input folder).
///
/// # Errors
/// When one of `names` inside `out` is the same file as one of `inputs`.
pub fn check_outputs(out: &std::path::Path, names: &[&str], inputs: &[&std::path::Path]) -> anyhow::Result<()> {
    let canon = |p: &std::path::Path| std::fs::canonicalize(p).ok();
    for name in names {
        let target = out.join(name);
        if let Some(t) = canon(&target) {
            if inputs.iter().any(|i| canon(i).as_ref() == Some(&t)) {
                anyhow::bail!("output {} is also an input; choose another --out directory", target.display());
            }
        }
    }
    Ok(())
}

/// With `--strict`, turns warnings into a failure (exit code 3) before anything is written.
pub fn strict_check(strict: bool, warnings: &[String]) -> Option<ExitCode> {
    if strict && !warnings.is_empty() {
        for w in warnings {
            say!("dekking: error (--strict): {w}");
        }
        return Some(ExitCode::from(EXIT_STRICT));
    }
    None
}

/// Progress bars on stderr (indicatif): a spinner or bar per stage with its elapsed time. Shown
/// only on a terminal: silenced by `--quiet` and when stdout or stderr is not a terminal. With
/// `--timings`, each stage's wall time, CPU time (of all threads, so an input hashed beside the
/// stage counts in it) and the memory in use (Linux) are printed when it ends.
#[derive(Debug)]
pub struct StderrProgress {
    shown: bool,
    bar: Option<indicatif::ProgressBar>,
    timings: bool,
    current: Option<(String, std::time::Instant, Option<f64>)>,
}

impl StderrProgress {
    /// A reporter as `run` asks: bars unless `--quiet` or not on a terminal, stage times with `--timings`.
    pub fn new(run: &RunArgs) -> StderrProgress {
        use std::io::IsTerminal;
        StderrProgress {
            shown: !run.quiet && std::io::stdout().is_terminal() && std::io::stderr().is_terminal(),
            bar: None,
            timings: run.timings,
            current: None,
        }
    }

    fn finish(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
        if let Some((name, start, cpu)) = self.current.take() {
            let cpu = cpu.zip(cpu_seconds()).map(|(a, b)| format!(", cpu {:.3} s", b - a)).unwrap_or_default();
            let memory =
                memory_mib().map(|(now, peak)| format!(" (memory {now} MiB, peak {peak} MiB)")).unwrap_or_default();
            say!("dekking: timing: {name}: {:.3} s{cpu}{memory}", start.elapsed().as_secs_f64());
        }
    }
}

/// The CPU time (user and system, all threads) of this process so far, s (Linux with glibc).
fn cpu_seconds() -> Option<f64> {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        // SAFETY: getrusage only writes the struct it is given.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) } == 0 {
            let s = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 * 1e-6;
            return Some(s(usage.ru_utime) + s(usage.ru_stime));
        }
    }
    None
}

/// The resident memory of this process now and at its peak so far, MiB (Linux only: read from
/// `/proc/self/status`).
fn memory_mib() -> Option<(u64, u64)> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kib = |key: &str| -> Option<u64> {
        let line = status.lines().find(|l| l.starts_with(key))?;
        line[key.len()..].trim().trim_end_matches("kB").trim().parse().ok()
    };
    Some((kib("VmRSS:")? / 1024, kib("VmHWM:")? / 1024))
}

impl Progress for StderrProgress {
    fn stage(&mut self, name: &str, total: Option<u64>) {
        self.finish();
        if self.timings {
            self.current = Some((name.to_string(), std::time::Instant::now(), cpu_seconds()));
        }
        if !self.shown {
            return;
        }
        let (bar, template) = match total {
            Some(n) => (
                indicatif::ProgressBar::new(n),
                "{spinner} {msg:<16} [{bar:30}] {human_pos}/{human_len} {elapsed_precise}",
            ),
            None => (indicatif::ProgressBar::new_spinner(), "{spinner} {msg:<16} {elapsed_precise}"),
        };
        if let Ok(style) = indicatif::ProgressStyle::with_template(template) {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_message(name.to_string());
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
        self.bar = Some(bar);
    }

    fn advance(&mut self, n: u64) {
        if let Some(bar) = &self.bar {
            bar.inc(n);
        }
    }

    fn ticker(&self) -> Ticker {
        match self.bar.clone() {
            Some(bar) => Box::new(move |n| bar.inc(n)),
            None => Box::new(|_| {}),
        }
    }
}

impl Drop for StderrProgress {
    fn drop(&mut self) {
        self.finish();
    }
}

/// The one line an argument error is reported in: clap's first paragraph (a list of the
/// missing arguments included) joined, and a pointer to `--help`, where the usage is.
#[must_use]
pub fn usage_error(e: &clap::Error) -> String {
    let text = e.to_string();
    let lines: Vec<&str> = text.lines().take_while(|l| !l.trim().is_empty()).map(str::trim).collect();
    let first = lines.join(" ");
    format!("{} (see --help)", crate::error::one_line(first.trim_start_matches("error: ")))
}

/// The one line an error is reported in: each cause once (an error that already names its
/// source is not followed by it again), joined by `: `.
#[must_use]
pub fn error_line(err: &anyhow::Error) -> String {
    let mut msg = String::new();
    for cause in err.chain().map(ToString::to_string) {
        if !msg.contains(&cause) {
            if !msg.is_empty() {
                msg.push_str(": ");
            }
            msg.push_str(&cause);
        }
    }
    crate::error::one_line(&msg)
}

/// Runs the parsed command line.
///
/// # Errors
/// Whatever the command fails with.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    dekking_files::checksums::use_dir(dekking_files::checksums::default_dir());
    match cli.command {
        Command::Fixed(args) => fixed::run(args),
        Command::Mobile(args) => mobile::run(args),
        Command::Report(args) => report::run(args),
        Command::Demo(args) => demo::run(args),
        Command::Predict(args) => predict::run(args),
        Command::Completions(args) => completions::run(args),
        Command::Man(args) => man::run(args),
    }
}
