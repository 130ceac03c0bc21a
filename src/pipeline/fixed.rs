//! The fixed-coverage pipeline: records → addresses → gemeente → counts → verdicts.

use std::path::PathBuf;

use crate::assign::{self, cells, pip::AreaIndex};
use crate::error::{Error, Result};
use crate::io::areas::{load_area_table, with_parents};
use crate::io::boundaries::{self, AreaFields};
use crate::io::embedded;
use crate::io::mergers::Mergers;
use crate::io::profile::AreaScheme;
use crate::io::records::{self, InputSpec, Needs};
use crate::judge::targets::judge;
use crate::measure::cells::cell_rows;
use crate::measure::classes;
use crate::measure::fixed::{covered_bits, measure};
use crate::measure::merge::merge;
use crate::model::areas::{AreaSet, AreaTable, Assigned, Boundaries, Boundary};
use crate::model::availability::{Addresses, AreaCodes, Availability, Partition};
use crate::model::cells::{CellPlace, CellScheme, CellsOf};
use crate::model::classes::{ClassScheme, Classes};
use crate::model::fixed::Unit;
use crate::model::fixed::{AddressOutcome, FixedPart, FixedReport, PartialFile, Passes, Remap};
use crate::model::policy::Targets;
use crate::model::rows::RowCounts;
use crate::model::source::{Provenance, SourceInfo};
use crate::model::threshold::Threshold;
use crate::pipeline::memory;
use crate::progress::Progress;

/// Share of rejected rows above which a warning is raised.
pub const REJECT_WARNING_SHARE: f64 = 0.05;

/// A fixed-coverage job: the validated form of `dekking fixed`'s options.
#[derive(Debug, Clone)]
pub struct FixedJob {
    /// Records, universe and column mapping.
    pub input: InputSpec,
    /// Boundaries for point-in-polygon; `None` = the built-in CBS 2023 map (for `nl`).
    pub boundaries: Option<PathBuf>,
    /// Which properties of the boundary file hold the area code and name.
    pub area_fields: AreaFields,
    /// Area table (code → name, parent); `None` = the built-in 2023 gemeente table (for `nl`).
    pub areas: Option<PathBuf>,
    /// Parents of areas the area table does not know (code → parent), added to it.
    pub parents: Option<PathBuf>,
    /// The thresholds, in output order.
    pub thresholds: Vec<Threshold>,
    /// The levels to report (e.g. `gemeente`, `provincie`, `nl`); empty = all three.
    pub levels: Vec<String>,
    /// The targets to judge against.
    pub targets: Targets,
    /// The run date written into provenance, `YYYY-MM-DD`.
    pub run_date: String,
    /// Gemeente mergers: codes of earlier maps are re-aggregated on the current map.
    pub mergers: Option<Mergers>,
    /// Keep the outcome per address (for gap lists).
    pub keep_addresses: bool,
    /// Keep the areas' shapes for the layers with geometry (`coverage.gpkg`, `coverage_geo.parquet`).
    pub layers: bool,
    /// A service-class scheme to count the locations of each area by (`--classify`).
    pub classify: Option<ClassScheme>,
    /// Also list each location with its class (`--class-locations`).
    pub class_locations: bool,
    /// The fewest addresses a cell of a cell level (`--by h3:R`, `grid:…`) must have for its
    /// figures to be published; smaller cells are marked suppressed (`--min-count`).
    pub min_count: Option<u64>,
    /// Run the addresses in this many partitions in turn (by a hash of their ids), so that a run
    /// holds one partition at a time (read from the records spilled by partition, or each a pass
    /// over the files); 1 = all at once; `None`: as many as [`FixedJob::memory`] needs
    /// ([`memory::plan`]).
    pub partitions: Option<u32>,
    /// The memory budget (bytes) that decides the partitions when they are not given; `None`:
    /// a share of the machine's available memory.
    pub memory: Option<u64>,
    /// When a run in partitions spills its records to disk by partition.
    pub spill: Spill,
}

/// When a run in partitions spills its records to disk by partition (`--spill`), else reads
/// each partition in a pass over the files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Spill {
    /// From 4 partitions to 256, without a universe (where it pays: BENCHMARKS.md).
    #[default]
    Auto,
    /// From 2 partitions to 256; a run with a universe cannot.
    Always,
    /// Never: no disk used, each partition a pass over the files.
    Never,
}

/// Rewrites the gemeentecodes of `codes` to the current map; returns what was changed.
fn remap(codes: &mut AreaCodes, addresses: &Addresses, mergers: &Mergers) -> Vec<Remap> {
    let mut count = vec![0u64; codes.codes.len()];
    for c in addresses.location.area.iter().filter_map(|a| a.code_index()) {
        count[c as usize] += 1;
    }
    let mut out = Vec::new();
    for (code, n) in codes.codes.iter_mut().zip(count) {
        let current = mergers.current(code, None);
        if current != *code {
            out.push(Remap { old_code: std::mem::replace(code, current.clone()), new_code: current, addresses: n });
        }
    }
    out.sort_by(|a, b| a.old_code.cmp(&b.old_code));
    out
}

/// The run's areas ([`assign::areas_of`]) and, when addresses have points, boundaries are given
/// or layers asked for, the index that locates points in them and (for layers) their shapes;
/// the files read join `sources`.
fn areas(
    job: &FixedJob,
    av: &Availability,
    sources: &mut Vec<SourceInfo>,
    warnings: &mut Vec<String>,
) -> Result<(AreaSet, Option<AreaIndex>, Vec<Boundary>)> {
    let scheme = job.input.profile.area;
    let mut table = match (&job.areas, scheme) {
        (Some(p), _) => load_area_table(p, scheme)?,
        (None, AreaScheme::Gemeente) => embedded::gemeente_provincie_2023()?,
        (None, _) => AreaTable::default(),
    };
    sources.extend(table.source.take());
    if let Some(p) = &job.parents {
        let mut extra = load_area_table(p, scheme)?;
        sources.extend(extra.source.take().map(|s| SourceInfo { role: "parents".into(), ..s }));
        table = with_parents(table, extra);
    }
    let points = av.addresses.location.points();
    let b: Option<Boundaries> = match &job.boundaries {
        Some(p) => Some(boundaries::without_non_areas(boundaries::load_with(p, scheme, &job.area_fields)?, scheme)),
        None if points == 0 && !job.layers => None,
        None if scheme == AreaScheme::Gemeente => Some(embedded::gemeenten_2023()?),
        None if points == 0 => None,
        None => {
            return Err(Error::argument(
                "boundaries",
                "(none)",
                "the records have coordinates but no area codes; give --boundaries FILE",
            ))
        }
    };
    let shapes = b.as_ref().map_or(&[][..], |b| &b.areas[..]);
    let set = assign::areas_of(scheme, &table, &av.codes.codes, shapes);
    let Some(b) = b else { return Ok((set, None, Vec::new())) };
    warnings.extend(b.warnings.iter().cloned());
    sources.push(b.source.clone());
    let index = AreaIndex::for_points(b.areas.iter().filter_map(|a| set.find(&a.code).map(|k| (k, &a.shape))), points);
    let shapes = if job.layers { b.areas } else { Vec::new() };
    Ok((set, Some(index), shapes))
}

/// Runs the whole fixed-coverage pipeline: over all addresses at once, or (with
/// [`FixedJob::partitions`] above 1) over each partition of them in turn, their partial results
/// merged ([`merge`]) into the same figures.
///
/// # Errors
/// Any [`Error`] from reading the inputs, or [`Error::Argument`] when a threshold needs an
/// upload speed or a technology that the records do not have.
pub fn run_fixed(job: &FixedJob, progress: &mut dyn Progress) -> Result<FixedReport> {
    let one_pass = job.class_locations || job.keep_addresses;
    let mut passes = match job.partitions {
        Some(n) => Passes { partitions: n.max(1), ..Passes::ONE },
        None => memory::plan(&job.input, job.memory),
    };
    if passes.partitions > 1 && one_pass {
        if job.partitions.is_some() {
            let why =
                "lists per location (--class-locations, gap lists) are made in one pass; run without --partitions";
            return Err(Error::argument("--partitions", &passes.partitions.to_string(), why));
        }
        (passes.partitions, passes.one_pass) = (1, true);
    }
    passes.spilled = spills(job, passes.partitions)?;
    let mut report = run_passes(job, passes.partitions, passes.spilled, progress)?;
    report.passes = passes;
    Ok(report)
}

/// Whether a run of `job` in `n` partitions spills its records by partition ([`Spill`]).
///
/// # Errors
/// [`Error::Argument`] when `--spill always` cannot: a universe, or more than 256 partitions.
fn spills(job: &FixedJob, n: u32) -> Result<bool> {
    let can = job.input.universe.is_none() && n <= MAX_SPILLED;
    match job.spill {
        Spill::Auto => Ok(can && n >= MIN_SPILLED),
        Spill::Never => Ok(false),
        Spill::Always if can => Ok(n > 1),
        Spill::Always => Err(Error::argument(
            "--spill",
            "always",
            format!("a run with a universe, or in more than {MAX_SPILLED} partitions, reads each partition from the files; use --spill auto"),
        )),
    }
}

/// Runs `job` in one pass (`n` = 1) or in `n` partitions in turn, merged; read from the records
/// spilled by partition when `spilled` ([`spills`]).
fn run_passes(job: &FixedJob, n: u32, spilled: bool, progress: &mut dyn Progress) -> Result<FixedReport> {
    if n == 1 {
        let part = run_part(job, progress)?;
        return finish(job, part);
    }
    // Spilled, each partition is read from its own rows; else each is a pass over the files.
    let spill = match spilled {
        true => Some(records::spill(&job.input, needs_of(job), n, &spill_folder(), progress)?),
        false => None,
    };
    let mut merged: Option<FixedPart> = None;
    for index in 0..n {
        progress.stage(&format!("partition {} of {n}", index + 1), None);
        let mut one = job.clone();
        one.input = match &spill {
            Some(s) => s.input(&job.input, index),
            None => InputSpec { partition: Some(Partition { index, count: n }), ..job.input.clone() },
        };
        let part = run_part(&one, progress)?;
        merged = Some(match merged {
            None => part,
            Some(m) => merge(m, part),
        });
    }
    finish_merged(job, merged.expect("at least one partition"))
}

/// Merges the partial results of every partition of a run and judges them as [`run_fixed`]
/// judges a run in partitions. The partials are either every partition of one N over the same
/// inputs (`dekking fixed --partition K/N`, each once), or several whole runs (`--partition
/// 1/1`) over files that share no address (e.g. the files of a state each): these are merged in
/// the order given, as one run over all their files in that order.
///
/// # Errors
/// [`Error::Argument`] for partials of different partition counts or inputs, a partition given
/// twice or missing, partials by files that share a file or an area or have a universe;
/// [`Error::NoData`] when no partition read an address.
pub fn merge_partials(job: &FixedJob, mut partials: Vec<PartialFile>) -> Result<FixedReport> {
    let given: Vec<String> =
        partials.iter().map(|p| format!("{}/{}", p.partition.index + 1, p.partition.count)).collect();
    let refuse = |why: String| Error::argument("--merge", &given.join(", "), why);
    if partials.len() > 1 && partials.iter().all(|p| p.partition.count == 1) {
        disjoint(&partials).map_err(refuse)?;
    } else {
        partials.sort_by_key(|p| p.partition.index);
        let count = partials.first().map_or(0, |p| p.partition.count);
        let complete = count > 0
            && partials.len() == count as usize
            && partials.iter().enumerate().all(|(k, p)| p.partition.index as usize == k && p.partition.count == count);
        if !complete {
            return Err(refuse(format!("expected each of the {count} partitions once (1/{count} to {count}/{count})")));
        }
        if partials.iter().any(|p| inputs(p) != inputs(&partials[0])) {
            return Err(refuse("the partitions were run on different input files".into()));
        }
    }
    finish_merged(job, partials.into_iter().map(|p| p.part).reduce(merge).expect("at least one partition"))
}

/// The checksums of a partial's input files (records and universe).
fn inputs(p: &PartialFile) -> Vec<&str> {
    p.part.sources.iter().filter(|s| s.role == "records" || s.role == "universe").map(|s| s.sha256.as_str()).collect()
}

/// Why whole runs over different files cannot be merged as one run: a universe (which each
/// would count whole), a file read by two, or an area with addresses in two (an address in
/// both would be counted twice; partitions by files must split the addresses by area).
fn disjoint(partials: &[PartialFile]) -> std::result::Result<(), String> {
    if partials.iter().any(|p| p.part.universe_given) {
        return Err("partitions by files take records only (each would count a universe whole); run --partition K/N over the same inputs instead".into());
    }
    let mut files = std::collections::BTreeMap::new();
    let mut areas = std::collections::BTreeMap::new();
    for (k, p) in partials.iter().enumerate() {
        for sha in inputs(p) {
            if let Some(other) = files.insert(sha, k) {
                return Err(format!(
                    "partials {} and {} read the same file; each file may be in one",
                    other + 1,
                    k + 1
                ));
            }
        }
        let finest = p.part.levels[0];
        for r in p.part.coverage.rows.iter().filter(|r| r.level == finest && r.threshold == 0 && r.addresses > 0) {
            if let Some(other) = areas.insert(r.area_code.as_str(), k).filter(|&o| o != k) {
                return Err(format!(
                    "{finest} {} has addresses in partials {} and {}: partitions by files must split the addresses by area",
                    r.area_code,
                    other + 1,
                    k + 1
                ));
            }
        }
    }
    Ok(())
}

/// [`finish`] for the merge of every partition, which has no data when no partition read an
/// address (as one pass has none).
///
/// # Errors
/// [`Error::NoData`], or as [`finish`].
fn finish_merged(job: &FixedJob, part: FixedPart) -> Result<FixedReport> {
    if part.loaded == 0 {
        return Err(no_data(job, &part));
    }
    finish(job, part)
}

/// The error of a run whose partitions read no address, as a run in one pass reports it: for
/// the universe, or for the records files together (named by the first).
fn no_data(job: &FixedJob, part: &FixedPart) -> Error {
    let (file, counts) = match (&job.input.universe, part.rows.first()) {
        (Some(u), Some((_, c))) => (u.clone(), c.clone()),
        _ => (job.input.first().to_path_buf(), RowCounts::total(part.rows.iter().map(|(_, c)| c))),
    };
    Error::NoData { file, reason: counts.none_used(part.rejects.first()) }
}

/// The fewest partitions spilled: a run that needs this many is a large one, whose files are
/// large enough for the spill to pay; with fewer, a few passes over the files cost less than
/// writing and reading back the spill (BENCHMARKS.md).
const MIN_SPILLED: u32 = 4;

/// The most partitions spilled in one pass (a file is written per partition at once); more are
/// read each from the files.
const MAX_SPILLED: u32 = 256;

/// The folder spills are made in: `DEKKING_SPILL_DIR`, else the system's temporary folder.
fn spill_folder() -> PathBuf {
    std::env::var_os("DEKKING_SPILL_DIR").map_or_else(std::env::temp_dir, PathBuf::from)
}

/// What a job uses of the records: upload speeds and technologies when a threshold (its own or
/// a service class's) needs them.
fn needs_of(job: &FixedJob) -> Needs {
    let class_thresholds = job.classify.as_ref().map(ClassScheme::thresholds).unwrap_or_default();
    let all = || job.thresholds.iter().chain(&class_thresholds);
    Needs { technology: all().any(|t| t.technologies.is_some()), upload: all().any(|t| t.up_mbps > 0.0) }
}

/// The counts of a job's addresses (or of its partition of them) before judgement.
///
/// # Errors
/// As [`run_fixed`].
pub fn run_part(job: &FixedJob, progress: &mut dyn Progress) -> Result<FixedPart> {
    let scheme = job.input.profile.area;
    // The service classes' thresholds need their columns as the job's own do.
    let class_thresholds = job.classify.as_ref().map(ClassScheme::thresholds).unwrap_or_default();
    let with_upload = job.thresholds.iter().chain(&class_thresholds).find(|t| t.up_mbps > 0.0);
    let with_technology = job.thresholds.iter().chain(&class_thresholds).find(|t| t.technologies.is_some());
    let mut av = records::load(&job.input, needs_of(job), progress)?;
    let missing = [
        (
            with_upload,
            av.records.has_up,
            "no upload-speed column; map one with --column up_mbps=NAME or use a download-only threshold",
        ),
        (
            with_technology,
            av.records.has_technology,
            "no technology column; map one with --column technology=NAME or use a threshold without @TECHNOLOGIES",
        ),
    ];
    if let Some((Some(t), _, what)) = missing.into_iter().find(|(t, has, _)| t.is_some() && !has) {
        return Err(Error::argument("threshold", &t.to_string(), format!("{} has {what}", av.record_parts.name())));
    }
    let mut warnings = Vec::new();
    let mut sources = av.sources.clone();
    let remapped = match (&job.mergers, scheme) {
        (Some(m), AreaScheme::Gemeente) => remap(&mut av.codes, &av.addresses, m),
        _ => Vec::new(),
    };

    let loaded = av.addresses.len();
    progress.stage("areas", None);
    let (set, index, shapes) = areas(job, &av, &mut sources, &mut warnings)?;

    progress.stage("assign", Some(av.addresses.len() as u64));
    let assigned = assign::assign(&av, &set, index.as_ref());
    let rejects_by_name = !assigned.rejected_addresses.is_empty();
    assign::reject_unassigned(&mut av, &assigned);
    progress.advance(av.addresses.len() as u64);

    progress.stage("measure", Some(av.records.address.len() as u64));
    let bits = covered_bits(av.addresses.len(), &av.records, &job.thresholds)?;
    let unit = if av.weighted { Unit::Households } else { Unit::Addresses };
    let mut coverage = measure(&set, &assigned, &av.addresses.weight, &bits, &job.thresholds, unit);
    progress.advance(av.records.address.len() as u64);
    let mut cells = Vec::new();
    for scheme in cell_schemes(&job.levels)? {
        progress.stage(scheme.level(), None);
        let mut of = cells_of_addresses(job, &av, &assigned, scheme)?;
        coverage.rows.extend(cell_rows(scheme, &of, &av.addresses.weight, &bits, &job.thresholds, unit));
        of.of_address = Vec::new();
        cells.push((scheme, of));
    }

    let mut classes = match &job.classify {
        Some(scheme) => Some(classes::classes(&set, &assigned, &av.records, av.addresses.len(), scheme)?),
        None => None,
    };
    if let Some(c) = classes.as_mut().filter(|_| job.class_locations) {
        c.locations = class_locations(c, &av, &assigned, &set, job)?;
    }

    let mut rows = av.record_parts.counts(&av.record_rows, &av.rejects);
    if let (Some(u), Some(c)) = (&job.input.universe, &av.universe_rows) {
        rows.insert(0, (u.display().to_string(), c.clone()));
    }
    let orphans = set.areas.iter().filter(|a| a.parent.is_none()).map(|a| a.code.clone()).collect();
    let addresses = job.keep_addresses.then(|| AddressOutcome {
        parts: av.addresses.parts.clone(),
        first_row: std::mem::take(&mut av.addresses.first_row),
        location: std::mem::take(&mut av.addresses.location),
        point_crs: av.addresses.point_crs,
        area: assigned.area,
        bits,
        areas: set.areas,
    });
    Ok(FixedPart {
        levels: set.levels,
        coverage,
        classes,
        cells,
        rejects: std::mem::take(&mut av.rejects),
        rejects_by_name,
        rows,
        sources,
        warnings,
        orphans: (orphans, !set.parents.is_empty()),
        suspicious: assigned.suspicious,
        located: (assigned.by_code, assigned.by_point),
        location_conflicts: av.location_conflicts,
        loaded: loaded as u64,
        remapped,
        universe_given: av.universe_given,
        records_name: av.record_parts.name(),
        addresses_name: av.addresses.parts.name(),
        shapes,
        addresses,
    })
}

/// The warnings of a run's counts, in order: areas without a parent, the part's own, points
/// that look like another CRS, addresses without a cell, files with many rejected rows, and
/// addresses with conflicting locations.
fn warnings_of(part: &FixedPart) -> Vec<String> {
    let levels = part.levels;
    let mut warnings = Vec::new();
    let (orphans, has_parents) = &part.orphans;
    if *has_parents && !orphans.is_empty() {
        warnings.push(format!(
            "{} area(s) have no {} in the area table and are left out of the {} and {} figures: {}; give their parents with --parents FILE",
            orphans.len(),
            levels[1],
            levels[1],
            levels[2],
            orphans.join(", ")
        ));
    }
    warnings.extend(part.warnings.iter().cloned());
    warnings.extend(part.suspicious.warnings(&part.addresses_name));
    for (scheme, of) in part.cells.iter().filter(|(_, of)| of.unplaced > 0) {
        warnings.push(format!(
            "{}: {} address(es) have no {} cell (no usable cell or coordinates in their row); they count in the areas and the total only",
            part.addresses_name,
            of.unplaced,
            scheme.level()
        ));
    }
    for (file, c) in &part.rows {
        let share = c.rejected_total() as f64 / c.rows_in.max(1) as f64;
        if share > REJECT_WARNING_SHARE {
            warnings.push(format!("{file}: {:.1} % of rows rejected (see rejected.csv)", share * 100.0));
        }
    }
    if part.location_conflicts > 0 {
        warnings.push(format!(
            "{}: {} address(es) have records with different locations; the first record's location was used",
            part.records_name, part.location_conflicts
        ));
    }
    warnings
}

/// Judges a run's counts and makes its report: verdicts, the levels asked, suppressed cells,
/// warnings and provenance.
///
/// # Errors
/// [`Error::Argument`] for a `--by` level the profile does not have.
pub fn finish(job: &FixedJob, mut part: FixedPart) -> Result<FixedReport> {
    let levels = part.levels;
    let warnings = warnings_of(&part);
    let min = job.min_count.unwrap_or(0);
    for r in part.coverage.rows.iter_mut().filter(|r| CellScheme::is_cell_level(r.level)) {
        r.suppressed = r.addresses < min;
    }
    let mut coverage = part.coverage;
    let mut classes = part.classes;
    let (mut verdicts, summaries) = judge(&coverage, &job.targets, levels[0], levels[2]);
    if !job.levels.is_empty() {
        let known = |l: &str| levels.contains(&l) || CellScheme::is_cell_level(l);
        if let Some(bad) = job.levels.iter().find(|l| !known(l)) {
            return Err(Error::argument(
                "--by",
                bad,
                format!(
                    "profile `{}` has the levels {}, and the cells h3:R (R 0-15), grid:100m and grid:1km",
                    job.input.profile.name,
                    levels.join(", ")
                ),
            ));
        }
        // Cell levels under their own names (`h3:08` is `h3:8`).
        let wanted: Vec<&str> = job
            .levels
            .iter()
            .map(|l| match l.parse::<CellScheme>() {
                Ok(s) => s.level(),
                Err(_) => l.as_str(),
            })
            .collect();
        (coverage.rows, verdicts) = std::mem::take(&mut coverage.rows)
            .into_iter()
            .zip(verdicts)
            .filter(|(r, _)| wanted.contains(&r.level))
            .unzip();
        if let Some(c) = &mut classes {
            c.rows.retain(|r| wanted.contains(&r.level));
        }
    }
    let unit = coverage.unit;
    let universe_file = match job.input.universe.as_ref().filter(|_| part.universe_given) {
        Some(u) => u.display().to_string(),
        None => part.records_name.clone(),
    };
    let universe = if part.universe_given {
        format!("the address universe file {universe_file} (addresses without records count as unserved)")
    } else {
        format!("the distinct addresses of the records file {} (no universe file given: addresses absent from it are not counted)", part.records_name)
    };
    let (by_code, by_point) = part.located;
    let provenance = Provenance {
        tool: "dekking",
        version: env!("CARGO_PKG_VERSION"),
        run_date: job.run_date.clone(),
        profile: job.input.profile.name.clone(),
        inputs: part.sources,
        rows: part.rows,
        filters: job.input.filters.iter().map(ToString::to_string).collect(),
        unit: unit.name().into(),
        universe,
        method: format!(
            "An address is covered at a threshold when at least one of its records has download >= DOWN and upload >= UP \
             (and a listed technology); addresses with no record or only 0/0 records stay in the universe as not covered. \
             Share = covered / universe in {unit}. Addresses are located by area code, else by point-in-polygon in RD New \
             (half-open border rule; overlaps go to the lowest code). {by_code} addresses located by code, {by_point} by point.",
            unit = unit.name(),
        ),
        warnings,
        located: part.located,
        universe_file: (universe_file, part.universe_given),
    };
    Ok(FixedReport {
        classes,
        provenance,
        coverage,
        verdicts,
        summaries,
        rejects: part.rejects,
        remapped: part.remapped,
        addresses: part.addresses,
        shapes: part.shapes,
        cells: part.cells,
        min_count: job.min_count,
        passes: Passes::ONE,
    })
}

/// The distinct cell schemes among the `--by` levels, in the order given.
///
/// # Errors
/// [`Error::Argument`] for a level that starts like a cell scheme but is none (`h3:16`).
fn cell_schemes(levels: &[String]) -> Result<Vec<CellScheme>> {
    let mut out: Vec<CellScheme> = Vec::new();
    for l in levels.iter().filter(|l| CellScheme::is_cell_level(l)) {
        let scheme: CellScheme = l.parse().map_err(|e: String| Error::argument("--by", l, e))?;
        if !out.contains(&scheme) {
            out.push(scheme);
        }
    }
    Ok(out)
}

/// The cell of each address that has an area, at `scheme`, from its row read back (its H3
/// cell column, else its coordinates).
///
/// # Errors
/// An address file that cannot be read back, or has neither coordinates nor a cell column.
fn cells_of_addresses(job: &FixedJob, av: &Availability, assigned: &Assigned, scheme: CellScheme) -> Result<CellsOf> {
    let placed: Vec<usize> = (0..av.addresses.len()).filter(|&a| assigned.area[a].index().is_some()).collect();
    let rows: Vec<u64> = placed.iter().map(|&a| av.addresses.first_row.get(a).into()).collect();
    let h3 = matches!(scheme, CellScheme::H3(_));
    let found =
        records::places(&av.addresses.parts, &job.input.profile, job.input.delimiter, &job.input.frames, &rows, h3)?;
    let mut places = vec![CellPlace::Missing; av.addresses.len()];
    for (a, p) in placed.into_iter().zip(found) {
        places[a] = p;
    }
    Ok(cells::cells_of(&places, scheme, |a| assigned.area[a].index().is_some()))
}

/// Each located address's id (read back from its file), its area's code and its class, in the
/// order of the input.
///
/// # Errors
/// An address file that cannot be read back.
fn class_locations(
    c: &Classes,
    av: &Availability,
    assigned: &Assigned,
    set: &AreaSet,
    job: &FixedJob,
) -> Result<Vec<(String, String, u8)>> {
    let placed: Vec<(usize, usize)> =
        (0..av.addresses.len()).filter_map(|a| assigned.area[a].index().map(|i| (a, i))).collect();
    let rows: Vec<u64> = placed.iter().map(|&(a, _)| av.addresses.first_row.get(a).into()).collect();
    let ids =
        records::identify(&av.addresses.parts, &job.input.profile, job.input.delimiter, &job.input.frames, &rows)?;
    Ok(placed.iter().zip(ids).map(|(&(a, i), (id, _))| (id, set.areas[i].code.clone(), c.of_location[a])).collect())
}
