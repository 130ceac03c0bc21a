//! The yearly-report pipeline: each vintage through the fixed pipeline on the current gemeente
//! map (older codes re-aggregated through the merger table), mobile compliance read back, and
//! for one provincie the list of addresses without the headline speed.

use std::path::PathBuf;

use crate::error::{Error, Result};
use crate::io::areas::{load_area_table, provincie_code};
use crate::io::boundaries::{self, AreaFields};
use crate::io::compliance;
use crate::io::embedded;
use crate::io::mergers::Mergers;
use crate::io::profile::{AreaScheme, Profile};
use crate::io::records::{self, Frames, InputSpec, RowFilter};
use crate::model::areas::AreaTable;
use crate::model::availability::Location;
use crate::model::availability::XyCrs;
use crate::model::classes::ClassScheme;
use crate::model::lang::Lang;
use crate::model::policy::Actieplan;
use crate::model::policy::Targets;
use crate::model::threshold::{default_thresholds, Threshold};
use crate::model::yearly::{Gap, Scope, Yearly};
use crate::pipeline::fixed::{run_fixed, FixedJob};
use crate::progress::Progress;

/// The speed of the headline figure, Mbps down.
pub const HEADLINE_MBPS: f64 = 100.0;

/// One vintage's input files.
#[derive(Debug, Clone, PartialEq)]
pub struct VintageInput {
    /// The year the data describe (situation at the end of the year).
    pub year: i32,
    /// Availability records.
    pub records: PathBuf,
    /// Address universe, if any.
    pub universe: Option<PathBuf>,
}

/// A yearly-report job: the validated form of `dekking report`'s options or run file.
#[derive(Debug, Clone)]
pub struct ReportJob {
    /// The vintages, in year order, one per year.
    pub vintages: Vec<VintageInput>,
    /// Column mapping of the vintage files.
    pub profile: Profile,
    /// Forced delimiter, else sniffed.
    pub delimiter: Option<u8>,
    /// Whether to weight by a households column when one is found.
    pub use_weights: bool,
    /// Boundaries for point-in-polygon and maps; `None` = built-in CBS 2023.
    pub boundaries: Option<PathBuf>,
    /// Which properties of the boundary file hold the area code and name.
    pub area_fields: AreaFields,
    /// Gemeente → provincie table; `None` = built-in 2023.
    pub areas: Option<PathBuf>,
    /// Merger table; `None` = built-in `seeds/gemeente_mergers.csv`.
    pub mergers: Option<PathBuf>,
    /// A `dekking mobile` result (`mobile.csv` or its folder).
    pub mobile: Option<PathBuf>,
    /// A `dekking mobile` result over predicted grids (`mobile.csv` or its folder).
    pub predicted: Option<PathBuf>,
    /// A service-class scheme the latest vintage's addresses are counted by.
    pub classify: Option<ClassScheme>,
    /// Limit to one provincie (`PV26`, `26` or a name).
    pub provincie: Option<String>,
    /// Targets and reference figures.
    pub targets: Targets,
    /// The action-plan table.
    pub actieplan: Actieplan,
    /// Run date, `YYYY-MM-DD`.
    pub run_date: String,
    /// The language the report is written in.
    pub lang: Lang,
}

/// Finds the provincie `wanted` (code or name, any case) in `table`.
///
/// # Errors
/// [`Error::Argument`] listing the provincies when none matches.
pub fn find_provincie(table: &AreaTable, wanted: &str) -> Result<Scope> {
    let by_code = provincie_code(wanted).filter(|c| table.parents.contains_key(c));
    let hit = by_code
        .or_else(|| table.parents.iter().find(|(_, n)| n.eq_ignore_ascii_case(wanted.trim())).map(|(c, _)| c.clone()));
    match hit {
        Some(code) => Ok(Scope { level: "provincie", name: table.parents[&code].clone(), code }),
        None => Err(Error::argument(
            "--provincie",
            wanted,
            format!(
                "expected a code or name of {}",
                table.parents.iter().map(|(c, n)| format!("{c} {n}")).collect::<Vec<_>>().join(", ")
            ),
        )),
    }
}

/// Runs every vintage and gathers what the report needs.
///
/// # Errors
/// [`Error::Argument`] for no vintage, a year given twice, a non-gemeente profile or an unknown
/// provincie; any error of the fixed pipeline (naming the vintage's file) or of the mobile table.
pub fn run_report(job: &ReportJob, progress: &mut dyn Progress) -> Result<Yearly> {
    if job.vintages.is_empty() {
        return Err(Error::argument("--vintage", "(none)", "give at least one vintage as YEAR=FILE"));
    }
    if let Some(w) = job.vintages.windows(2).find(|w| w[0].year >= w[1].year) {
        return Err(Error::argument("--vintage", &w[1].year.to_string(), "each year once, in increasing order"));
    }
    if job.profile.area != AreaScheme::Gemeente {
        return Err(Error::argument(
            "--profile",
            &job.profile.name,
            "the yearly report covers Dutch gemeenten and provincies; use `dekking fixed` for other area schemes",
        ));
    }
    let table = match &job.areas {
        Some(p) => load_area_table(p, AreaScheme::Gemeente)?,
        None => embedded::gemeente_provincie_2023()?,
    };
    let scope = match &job.provincie {
        Some(p) => find_provincie(&table, p)?,
        None => Scope { level: "nl", code: "NL".into(), name: "Nederland".into() },
    };
    let boundaries = match &job.boundaries {
        Some(p) => boundaries::without_non_areas(
            boundaries::load_with(p, AreaScheme::Gemeente, &job.area_fields)?,
            AreaScheme::Gemeente,
        ),
        None => embedded::gemeenten_2023()?,
    };
    let (m, m_info) = Mergers::load(job.mergers.as_deref())?;
    let thresholds: Vec<Threshold> = default_thresholds();
    let headline = thresholds
        .iter()
        .position(|t| t.down_mbps == HEADLINE_MBPS && t.up_mbps == 0.0 && t.technologies.is_none())
        .unwrap_or(0);
    let last = job.vintages.len() - 1;
    let mut vintages = Vec::with_capacity(job.vintages.len());
    for (k, v) in job.vintages.iter().enumerate() {
        progress.stage(&format!("vintage {}", v.year), None);
        let classify = job.classify.as_ref().filter(|_| k == last);
        let fixed = FixedJob {
            input: InputSpec {
                records: vec![v.records.clone()],
                universe: v.universe.clone(),
                profile: job.profile.clone(),
                delimiter: job.delimiter,
                use_weights: job.use_weights,
                filters: Vec::new(),
                condition: classify
                    .and_then(|c| c.condition.clone())
                    .map(|(column, values)| RowFilter { column, values }),
                partition: None,
                frames: Frames::default(),
                spilled: None,
            },
            boundaries: job.boundaries.clone(),
            area_fields: job.area_fields.clone(),
            areas: job.areas.clone(),
            parents: None,
            thresholds: thresholds.clone(),
            levels: Vec::new(),
            targets: job.targets.clone(),
            run_date: job.run_date.clone(),
            mergers: Some(m.clone()),
            keep_addresses: k == last && scope.level == "provincie",
            layers: false,
            classify: classify.cloned(),
            class_locations: false,
            min_count: None,
            partitions: None,
            memory: None,
            spill: Default::default(),
        };
        let mut report = run_fixed(&fixed, &mut crate::progress::Silent)?;
        report.provenance.inputs.push(m_info.clone());
        vintages.push((v.year, report));
    }
    let gaps = match vintages.last_mut().and_then(|(_, r)| r.addresses.take()) {
        Some(outcome) => Some(gap_list(&outcome, headline, &scope, &table, job)?),
        None => None,
    };
    let in_scope = |path: &Option<PathBuf>| -> Result<_> {
        let Some(p) = path else { return Ok(None) };
        let (rows, info) = compliance::load(p)?;
        let keep = |code: &str| scope.level == "nl" || table.areas.get(code).is_some_and(|a| a.parent == scope.code);
        Ok(Some((rows.into_iter().filter(|r| keep(&r.area_code)).collect(), info)))
    };
    let (mobile, predicted) = (in_scope(&job.mobile)?, in_scope(&job.predicted)?);
    Ok(Yearly {
        vintages,
        headline,
        scope,
        table,
        boundaries,
        mobile,
        predicted,
        mergers: m_info,
        gaps,
        targets: job.targets.clone(),
        actieplan: job.actieplan.clone(),
        run_date: job.run_date.clone(),
        lang: job.lang,
    })
}

/// The addresses of the scope's provincie not covered at the headline threshold, with their
/// ids and postcodes read back from the address file.
fn gap_list(
    o: &crate::model::fixed::AddressOutcome,
    headline: usize,
    scope: &Scope,
    table: &AreaTable,
    job: &ReportJob,
) -> Result<Vec<Gap>> {
    let in_scope: Vec<bool> =
        o.areas.iter().map(|a| table.areas.get(&a.code).is_some_and(|e| e.parent == scope.code)).collect();
    // Each picked address with its area: in the scope and not covered at the headline speed.
    let mut picked: Vec<(usize, usize)> = (0..o.area.len())
        .filter_map(|a| o.area[a].index().map(|area| (a, area)))
        .filter(|&(a, area)| in_scope[area] && o.bits.get(a) >> headline & 1 == 0)
        .collect();
    picked.sort_by_key(|&(a, area)| (o.areas[area].code.as_str(), o.first_row.get(a)));
    let rows: Vec<u64> = picked.iter().map(|&(a, _)| o.first_row.get(a).into()).collect();
    let ids = records::identify(&o.parts, &job.profile, job.delimiter, &Frames::default(), &rows)?;
    Ok(picked
        .iter()
        .zip(ids)
        .map(|(&(a, area), (id, postcode))| {
            let info = &o.areas[area];
            let lonlat = match (o.location.get(a), o.point_crs) {
                (Location::Point { x, y }, Some(XyCrs::Wgs84)) => Some((x, y)),
                (Location::Point { x, y }, _) => Some(dekking_crs::rd_to_wgs84(x, y)),
                (Location::Area(_), _) => None,
            };
            Gap {
                id,
                postcode,
                gemeente_code: info.code.clone(),
                gemeente_name: info.name.clone(),
                lonlat,
                row: o.first_row.get(a).into(),
            }
        })
        .collect())
}
