//! `dekking fixed`: fixed-broadband coverage per area from address-level records.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;

use crate::cli::{check_outputs, strict_check, BoundaryArgs, InputArgs, RunArgs, StderrProgress};
use crate::io::records::RowFilter;
use crate::model::availability::Partition;
use crate::model::fixed::{FixedReport, Passes};
use crate::model::policy::Targets;
use crate::model::rows::RowCounts;
use crate::model::threshold::{default_thresholds, Threshold};
use crate::pipeline::fixed::{merge_partials, run_part};
use crate::pipeline::memory;
use crate::pipeline::{run_fixed, FixedJob, Spill};
use crate::progress::Progress;
use crate::report::{self, text};

/// Options of `dekking fixed`.
#[derive(Debug, Clone, Args)]
#[command(after_help = "Examples (each runs as written, in order, in an empty folder):
  dekking demo generate --scale 0.01 --out records.csv --universe addresses.csv
  dekking fixed -i records.csv --universe addresses.csv --out fixed
  dekking fixed -i records.csv -t 100 -t 1000/100 --by provincie --by nl --run-date 2026-01-01 --out by-provincie")]
pub struct FixedArgs {
    /// Input files and column mapping.
    #[command(flatten)]
    pub input: InputArgs,
    /// The areas: boundaries (records with x/y are located in them) and their fields.
    #[command(flatten)]
    pub areas: BoundaryArgs,
    /// Area table: code, name, parent code and name (CBS gemeente → provincie layout, or
    /// code,name,parent_code,parent_name); default: the built-in 2023 table (profile nl).
    #[arg(long, value_name = "FILE")]
    pub provincies: Option<PathBuf>,
    /// Parents of areas the area table does not know (code,parent_code[,parent_name]): they then
    /// count in the parent and total figures; areas without a parent are reported on their own.
    #[arg(long, value_name = "FILE")]
    pub parents: Option<PathBuf>,
    /// Threshold DOWN[/UP][@TECH,...] in Mbps (repeatable); default 30, 100 and 1000 down.
    #[arg(long = "threshold", short = 't', value_name = "DOWN[/UP][@TECH]")]
    pub thresholds: Vec<String>,
    /// Level to report (repeatable): gemeente, provincie, nl (profile nl); county, state, us (fcc-bdc); default all.
    /// Also cells: h3:R (H3 resolution 0-15, from the h3 cell column such as FCC h3_res8_id, else
    /// lon/lat or x/y) and grid:100m or grid:1km (the EEA reference grid in EPSG:3035), written to
    /// cells.geojson and cells_geo.parquet as polygons too.
    #[arg(long = "by", value_name = "LEVEL")]
    pub by: Vec<String>,
    /// Targets file; default: the built-in seeds/targets.toml.
    #[arg(long, value_name = "FILE")]
    pub targets: Option<PathBuf>,
    /// Also write the coverage table with each area's polygons (RD New) for QGIS:
    /// coverage.gpkg and coverage_geo.parquet (GeoParquet 1.1).
    #[arg(long)]
    pub layers: bool,
    /// Count each area's locations by service class into classes.csv: `bead-us` (built in: served at 100/20, underserved at 25/3, unserved; technologies 10, 40, 50, 71, 72 with low_latency = 1) or a scheme file of the same form.
    #[arg(long, value_name = "bead-us|FILE")]
    pub classify: Option<String>,
    /// With --classify, also write class_locations.csv: each location's id, area code and class.
    #[arg(long, requires = "classify")]
    pub class_locations: bool,
    /// With cell levels (--by h3:R, grid:...): a cell of fewer than K addresses is written with
    /// its figures left empty and `suppressed` = yes (it still counts in the areas and the total).
    #[arg(long, value_name = "K")]
    pub min_count: Option<u64>,
    /// Process the addresses in N partitions in turn (by a hash of their ids): memory for about
    /// 1/N of the addresses and records, the same tables as one pass. Without a universe and from
    /// 4 partitions on, the records are spilled by partition in one pass (into DEKKING_SPILL_DIR,
    /// else the temporary folder; removed at the end); else each partition is a pass over the
    /// files. Default: as many as --memory needs.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=4096))]
    pub partitions: Option<u32>,
    /// The memory the run may take (e.g. 4G, 512M; binary units, bytes without one): a run
    /// whose rows need more, about 84 bytes each, is read in as many partitions as
    /// fit. Default: three quarters of the machine's available memory.
    #[arg(long, value_name = "SIZE", value_parser = parse_size, conflicts_with = "partitions")]
    pub memory: Option<u64>,
    /// When a run in partitions spills its records to disk by partition (about 32 bytes a
    /// record, in DEKKING_SPILL_DIR): auto (from 4 partitions, without a universe), always
    /// (from 2), never (each partition a pass over the files: no disk, more time).
    #[arg(long, value_enum, default_value_t = Spill::Auto, conflicts_with_all = ["partition", "merge"])]
    pub spill: Spill,
    /// Run only partition K of N (K from 1; an address is in the partition of its id's hash) and
    /// write its counts to partial.json, for --merge (e.g. one partition per cluster worker).
    #[arg(long, value_name = "K/N", conflicts_with_all = ["merge", "partitions"])]
    pub partition: Option<String>,
    /// Merge the partial.json files (or their folders) of every --partition K/N run into the
    /// tables, instead of reading the inputs; the other options as for the partition runs.
    #[arg(long, value_name = "FILE|DIR")]
    pub merge: Vec<PathBuf>,
    /// Output directory.
    #[arg(long, short = 'o', default_value = "dekking-out")]
    pub out: PathBuf,
    /// Run date, verbosity, strictness.
    #[command(flatten)]
    pub run: RunArgs,
}

impl FixedArgs {
    /// Builds the library job from the options.
    ///
    /// # Errors
    /// Invalid thresholds, dates, profiles or targets.
    pub fn job(&self) -> anyhow::Result<FixedJob> {
        let thresholds = if self.thresholds.is_empty() {
            default_thresholds()
        } else {
            self.thresholds.iter().map(|t| Threshold::parse(t)).collect::<Result<_, _>>()?
        };
        let classify = self.classify.as_deref().map(crate::io::classes::load).transpose()?;
        let mut input = self.input.spec()?;
        input.condition =
            classify.as_ref().and_then(|c| c.condition.clone()).map(|(column, values)| RowFilter { column, values });
        Ok(FixedJob {
            input,
            boundaries: self.areas.boundaries.clone(),
            area_fields: self.areas.fields(),
            areas: self.provincies.clone(),
            parents: self.parents.clone(),
            thresholds,
            levels: self.by.clone(),
            targets: Targets::load(self.targets.as_deref())?,
            run_date: self.run.run_date()?,
            mergers: None,
            keep_addresses: false,
            layers: self.layers,
            classify,
            class_locations: self.class_locations,
            min_count: self.min_count,
            partitions: self.partitions,
            memory: self.memory,
            spill: self.spill,
        })
    }
}

/// What `dekking fixed` makes of its options: the judged report (none for a run of one
/// partition) and the files to write, each name with its bytes.
pub struct FixedRun {
    /// The figures judged; `None` for a run of one partition (`--partition K/N`).
    pub report: Option<FixedReport>,
    /// The output files as they are written: the tables, or `partial.json` of one partition.
    pub files: Vec<(&'static str, Vec<u8>)>,
}

/// Runs `dekking fixed` up to its files, writing nothing: `job` (made by [`FixedArgs::job`],
/// perhaps with tables in memory) run whole or for one partition, or the partials of `--merge`
/// merged.
///
/// # Errors
/// Any input or computation error, or a malformed `--partition`.
pub fn compute(args: &FixedArgs, mut job: FixedJob, progress: &mut dyn Progress) -> anyhow::Result<FixedRun> {
    if let Some(k) = &args.partition {
        let partition = Partition::parse(k).map_err(|e| crate::Error::argument("--partition", k, e))?;
        job.input.partition = Some(partition);
        let part = run_part(&job, progress)?;
        return Ok(FixedRun { report: None, files: vec![("partial.json", report::json::partial(part, partition)?)] });
    }
    let report = if args.merge.is_empty() {
        run_fixed(&job, progress)?
    } else {
        let partials = args.merge.iter().map(|p| crate::io::partial::read(p)).collect::<Result<Vec<_>, _>>()?;
        merge_partials(&job, partials)?
    };
    progress.stage("write", None);
    let files = report::fixed_files(&report)?;
    Ok(FixedRun { report: Some(report), files })
}

/// Refuses an output of the run (`partial.json` of one partition, else the tables) that is one
/// of its input files.
///
/// # Errors
/// When `--out` holds an input under an output's name.
pub fn outputs_apart(args: &FixedArgs, job: &FixedJob) -> anyhow::Result<()> {
    let mut inputs: Vec<&std::path::Path> = job.input.records.iter().map(PathBuf::as_path).collect();
    inputs.extend(job.input.universe.as_deref());
    let names: &[&str] = if args.partition.is_some() { &["partial.json"] } else { &report::FIXED_FILES };
    check_outputs(&args.out, names, &inputs)
}

/// A size in bytes: a number (decimals allowed) with an optional binary unit `k`, `M`, `G` or `T`
/// (any case, `B` or `iB` after it accepted).
///
/// # Errors
/// A text that is no such size, or a size of zero.
pub fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let lower = t.to_ascii_lowercase();
    let t = lower.strip_suffix("ib").or_else(|| lower.strip_suffix('b')).unwrap_or(&lower);
    let (number, shift) = match t.char_indices().last() {
        Some((i, unit @ ('k' | 'm' | 'g' | 't'))) => (&t[..i], 10 * (1 + "kmgt".find(unit).unwrap_or(0) as i32)),
        _ => (t, 0),
    };
    let bad = || format!("not a size: {text:?}; give bytes, or a number with k, M, G or T (e.g. 4G)");
    let value: f64 = number.trim().parse().map_err(|_| bad())?;
    let bytes = value * 2f64.powi(shift);
    if !bytes.is_finite() || bytes < 1.0 || bytes > u64::MAX as f64 {
        return Err(bad());
    }
    Ok(bytes as u64)
}

/// Files given a line each in the summary; more are summed on one.
const MAX_FILE_LINES: usize = 10;

/// Prints the run's accounting, headline and table.
pub fn print_summary(report: &FixedReport, quiet: bool) {
    let rows = &report.provenance.rows;
    // Many files (a national release) are summed on one line; each is in coverage.json.
    let summed;
    let shown = if rows.len() > MAX_FILE_LINES {
        let all = RowCounts::total(rows.iter().map(|(_, c)| c));
        summed = [(format!("{} files (each in coverage.json)", rows.len()), all)];
        &summed[..]
    } else {
        &rows[..]
    };
    for (file, c) in shown {
        let by_reason: Vec<String> = c.rejected.iter().map(|(r, n)| format!("{} {n}", r.code())).collect();
        say!(
            "{file}: rows in {} = used {} + rejected {}{}{}",
            c.rows_in,
            c.used,
            c.rejected_total(),
            if by_reason.is_empty() { String::new() } else { format!(" ({})", by_reason.join(", ")) },
            if c.left_out == 0 { String::new() } else { format!(" + left out by --where {}", c.left_out) }
        );
    }
    for w in &report.provenance.warnings {
        say!("warning: {w}");
    }
    if let Some(line) = passes_line(&report.passes) {
        say!("{line}");
    }
    print!("{}", text::headline(report));
    if !quiet {
        print!("{}", text::table(report));
    }
}

/// Runs `dekking fixed`.
///
/// # Errors
/// Any input, computation or output error.
pub fn run(args: FixedArgs) -> anyhow::Result<ExitCode> {
    let job = args.job()?;
    outputs_apart(&args, &job)?;
    let mut progress = StderrProgress::new(&args.run);
    let run = compute(&args, job, &mut progress)?;
    if let Some(code) = run.report.as_ref().and_then(|r| strict_check(args.run.strict, &r.provenance.warnings)) {
        return Ok(code);
    }
    let written = dekking_files::atomic::write_all(&args.out, run.files)
        .with_context(|| format!("writing outputs to {}", args.out.display()))?;
    drop(progress);
    if let Some(report) = &run.report {
        print_summary(report, args.run.quiet);
    }
    println!("wrote {}", written.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", "));
    Ok(ExitCode::SUCCESS)
}

/// The summary's line on how the run was read, when a memory budget made it other than one pass
/// (partitions given by hand are not remarked on).
fn passes_line(p: &Passes) -> Option<String> {
    let gib = |b: u64| match b {
        b if b >= 1 << 30 => format!("{:.1} GiB", b as f64 / f64::from(1 << 30)),
        b => format!("{} MiB", b.div_ceil(1 << 20)),
    };
    let whose = if p.machine { " (three quarters of the memory available)" } else { "" };
    let budget = format!(" of {}{whose}", gib(p.budget?));
    let need = gib(memory::one_pass_bytes(p.rows));
    if p.one_pass {
        return Some(format!(
            "note: read in one pass although about {need} is needed for {} rows, over the budget{budget}: lists per location are made in one pass",
            p.rows
        ));
    }
    let how = if p.spilled { "the records spilled to disk by partition" } else { "each a pass over the files" };
    (p.partitions > 1).then(|| {
        format!(
            "read in {} partitions in turn ({how}): about {need} for {} rows in one pass, over the memory budget{budget}",
            p.partitions, p.rows
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_take_binary_units() {
        assert_eq!(parse_size("4G"), Ok(4 << 30));
        assert_eq!(parse_size("512mib"), Ok(512 << 20));
        assert_eq!(parse_size("1.5 GB"), Ok(3 << 29));
        assert_eq!(parse_size("1000"), Ok(1000));
        assert_eq!(parse_size("2k"), Ok(2048));
        for bad in ["", "G", "-1G", "0", "4X", "nan"] {
            assert!(parse_size(bad).unwrap_err().contains("not a size"), "{bad}");
        }
    }
}
