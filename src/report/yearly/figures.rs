//! Every number of the yearly report, computed once from the runs: `figures.json` is this
//! struct, and the HTML, Markdown, CSV tables and charts only format it.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::judge::targets::target_for;
use crate::model::date::Date;
use crate::model::fixed::CoverageRow;
use crate::model::lang::Lang;
use crate::model::source::Provenance;
use crate::model::yearly::{Gap, Yearly};
use crate::report::words::Words;

/// Figures of one area in one year, at the headline threshold.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AreaFigure {
    /// Area code.
    pub code: String,
    /// Area name.
    pub name: String,
    /// Year of the vintage.
    pub year: i32,
    /// Addresses in the universe.
    pub addresses: u64,
    /// Universe in the report's unit.
    pub universe: f64,
    /// Covered in the report's unit.
    pub covered: f64,
    /// Universe minus covered, in the report's unit.
    pub short: f64,
    /// Covered / universe, percent; `None` for an empty universe.
    pub share_pct: Option<f64>,
}

/// A gemeente in the latest year, with its change since the previous vintage.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GemeenteFigure {
    /// The latest year's figures.
    #[serde(flatten)]
    pub now: AreaFigure,
    /// Provincie code.
    pub provincie_code: String,
    /// Provincie name.
    pub provincie_name: String,
    /// Share in the previous vintage, percent (on the current map).
    pub previous_share_pct: Option<f64>,
    /// Latest minus previous share, percentage points.
    pub change_pp: Option<f64>,
}

/// The target the headline is judged against.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TargetFigure {
    /// Target id in the targets file.
    pub id: String,
    /// Its description.
    pub title: String,
    /// Required share, percent.
    pub share_pct: f64,
    /// Deadline, `YYYY-MM-DD`.
    pub deadline: String,
    /// Where it is stated.
    pub source: String,
    /// Whether the latest year meets it.
    pub met: Option<bool>,
    /// Percentage points short in the latest year (0 when met).
    pub short_pp: f64,
}

/// A published figure beside our own.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReferenceFigure {
    /// Id in the targets file.
    pub id: String,
    /// Year it refers to.
    pub year: i32,
    /// Published share, percent.
    pub share_pct: f64,
    /// `measurement`, `expectation` or `forecast`.
    pub kind: String,
    /// Where it was published.
    pub source: String,
    /// Our share for that year, percent, when we have the vintage.
    pub ours_pct: Option<f64>,
    /// Ours minus published, percentage points.
    pub difference_pp: Option<f64>,
}

/// One operator's mobile compliance.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OperatorFigure {
    /// Operator id.
    pub operator: String,
    /// Gemeenten judged.
    pub gemeenten: u64,
    /// Compliant.
    pub compliant: u64,
    /// Not compliant.
    pub not_compliant: u64,
    /// Without eligible area.
    pub not_judged: u64,
    /// Judged against an ontheffing.
    pub under_ontheffing: u64,
    /// Sum of shortfalls, km².
    pub shortfall_km2: f64,
}

/// A gemeente × operator short of its requirement.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ShortfallFigure {
    /// Operator id.
    pub operator: String,
    /// Gemeentecode.
    pub code: String,
    /// Gemeente name.
    pub name: String,
    /// Covered share of the eligible area, percent.
    pub share_pct: Option<f64>,
    /// Required percentage.
    pub required_pct: f64,
    /// Percentage points short.
    pub shortfall_pp: f64,
    /// Area short, km².
    pub shortfall_km2: f64,
    /// The ontheffing in force, if any.
    pub ontheffing: Option<String>,
}

/// One operator in one gemeente.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MobileRow {
    /// Operator id.
    pub operator: String,
    /// Gemeentecode.
    pub code: String,
    /// Gemeente name.
    pub name: String,
    /// Covered share of the eligible area, percent.
    pub share_pct: Option<f64>,
    /// Required percentage.
    pub required_pct: f64,
    /// Whether the requirement is met (`None`: nothing eligible).
    pub compliant: Option<bool>,
    /// The ontheffing in force, if any.
    pub ontheffing: Option<String>,
}

/// Mobile compliance on the judging date.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MobileFigures {
    /// Judging date.
    pub date: String,
    /// Required speed on that date, Mbps.
    pub required_mbps: f64,
    /// The `mobile.csv` read.
    pub file: String,
    /// Per operator, in the order of the file.
    pub operators: Vec<OperatorFigure>,
    /// Every operator × gemeente, in the order of the file.
    pub rows: Vec<MobileRow>,
    /// Every shortfall, largest first.
    pub shortfalls: Vec<ShortfallFigure>,
}

/// An action of the action plan with the figure measured for it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActionFigure {
    /// Theme.
    pub thema: String,
    /// The task it serves.
    pub opgave: String,
    /// The action.
    pub actie: String,
    /// Who and when.
    pub wie: String,
    /// Linked metric, if any.
    pub metric: Option<String>,
    /// This report's figure for it (empty when not measured here).
    pub measured: String,
    /// Status, from the figure (or `not measured by dekking`).
    pub status: String,
}

/// One re-aggregated code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RemapFigure {
    /// Vintage year.
    pub year: i32,
    /// The code in the vintage.
    pub old_code: String,
    /// The current code it was counted under.
    pub new_code: String,
    /// Addresses with that code.
    pub addresses: u64,
}

/// The merger mapping used.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MappingFigure {
    /// The merger table.
    pub file: String,
    /// Its SHA-256.
    pub sha256: String,
    /// Mergers in it.
    pub mergers: u64,
    /// Codes re-aggregated, per vintage.
    pub remapped: Vec<RemapFigure>,
}

/// The gap list's summary (provincie scope).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GapSummary {
    /// Addresses without the headline speed.
    pub addresses: u64,
    /// Of which with coordinates (in the GeoJSON as points).
    pub with_coordinates: u64,
    /// Per gemeente: (code, name, addresses).
    pub by_gemeente: Vec<(String, String, u64)>,
    /// Per postcode-4 area: (pc4, addresses); empty without postcodes.
    pub by_postcode4: Vec<(String, u64)>,
}

/// One vintage's provenance.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VintageProvenance {
    /// Year.
    pub year: i32,
    /// How its figures were made.
    pub provenance: Provenance,
}

/// Every number in the report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figures {
    /// The language of the texts.
    pub lang: Lang,
    /// Report title.
    pub title: String,
    /// Run date.
    pub run_date: String,
    /// `nl` or `provincie`.
    pub scope_level: String,
    /// `NL` or `PVxx`.
    pub scope_code: String,
    /// `Nederland` or the provincie.
    pub scope_name: String,
    /// Unit of universe and covered (`addresses` or `households`).
    pub unit: String,
    /// The headline threshold, e.g. `100 Mbps`.
    pub threshold: String,
    /// The vintages, in year order.
    pub years: Vec<i32>,
    /// The latest year.
    pub latest: i32,
    /// The scope per year.
    pub series: Vec<AreaFigure>,
    /// The target the headline is judged against.
    pub target: Option<TargetFigure>,
    /// Published figures for the scope (national scope only).
    pub references: Vec<ReferenceFigure>,
    /// The level one below the scope (`provincie` or `gemeente`).
    pub parts_level: String,
    /// Its areas in the latest year, by code.
    pub parts: Vec<AreaFigure>,
    /// Every gemeente of the scope in the latest year, by code.
    pub gemeenten: Vec<GemeenteFigure>,
    /// The previous vintage, when there is one.
    pub previous: Option<i32>,
    /// Mobile compliance, when given.
    pub mobile: Option<MobileFigures>,
    /// The obligation judged on coverage predicted from antenna sites, when given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub predicted: Option<MobileFigures>,
    /// The latest vintage's addresses by service class, when a scheme was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub classes: Option<ClassFigures>,
    /// The action-plan rows.
    pub actieplan: Vec<ActionFigure>,
    /// The merger mapping.
    pub mapping: MappingFigure,
    /// The gap list's summary (provincie scope).
    pub gaps: Option<GapSummary>,
    /// Provenance per vintage.
    pub inputs: Vec<VintageProvenance>,
}

/// The latest vintage's addresses by service class: the scope, then its parts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClassFigures {
    /// The year of the vintage.
    pub year: i32,
    /// The scheme's title and source.
    pub title: String,
    /// Where its rules come from.
    pub source: String,
    /// The class names, worst first.
    pub columns: Vec<String>,
    /// The scope's row, then one per part (provincie or gemeente), by code.
    pub rows: Vec<ClassFigure>,
}

/// One area's addresses by service class.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClassFigure {
    /// Area code.
    pub code: String,
    /// Area name.
    pub name: String,
    /// Addresses.
    pub addresses: u64,
    /// Addresses per class, in the order of [`ClassFigures::columns`].
    pub counts: Vec<u64>,
}

/// The class figures of the latest vintage (`year`, `report`) for the scope (`level`, `code`)
/// and its parts at `parts_level` (those `in_scope`).
fn class_figures(
    (year, report): (i32, &crate::model::fixed::FixedReport),
    (level, code): (&str, &str),
    parts_level: &str,
    in_scope: impl Fn(&str) -> bool,
) -> Option<ClassFigures> {
    let c = report.classes.as_ref()?;
    let figure = |r: &crate::model::classes::ClassRow| ClassFigure {
        code: r.area_code.clone(),
        name: r.area_name.clone(),
        addresses: r.locations,
        counts: r.counts.clone(),
    };
    let scope = c.rows.iter().filter(|r| r.level == level && r.area_code == code);
    let parts = c.rows.iter().filter(|r| r.level == parts_level && in_scope(&r.area_code));
    Some(ClassFigures {
        year,
        title: c.scheme.title.clone(),
        source: c.scheme.source.clone(),
        columns: c.scheme.columns(),
        rows: scope.chain(parts).map(figure).collect(),
    })
}

fn units(m: u64) -> f64 {
    m as f64 / 1e6
}

/// Share in percent of a coverage row.
fn pct(r: &CoverageRow) -> Option<f64> {
    (r.universe_micro > 0).then(|| r.covered_micro as f64 / r.universe_micro as f64 * 100.0)
}

fn area(year: i32, r: &CoverageRow) -> AreaFigure {
    AreaFigure {
        code: r.area_code.clone(),
        name: r.area_name.clone(),
        year,
        addresses: r.addresses,
        universe: units(r.universe_micro),
        covered: units(r.covered_micro),
        short: units(r.short_micro()),
        share_pct: pct(r),
    }
}

/// The postcode-4 of a postcode (`1234 AB` → `1234`), when it has one.
#[must_use]
pub fn postcode4(postcode: &str) -> Option<String> {
    let digits: String = postcode.trim().chars().take(4).collect();
    (digits.len() == 4 && digits.bytes().all(|b| b.is_ascii_digit()) && !digits.starts_with('0')).then_some(digits)
}

fn gap_summary(gaps: &[Gap]) -> GapSummary {
    let mut by_gemeente: BTreeMap<(String, String), u64> = BTreeMap::new();
    let mut by_pc4: BTreeMap<String, u64> = BTreeMap::new();
    for g in gaps {
        *by_gemeente.entry((g.gemeente_code.clone(), g.gemeente_name.clone())).or_default() += 1;
        if let Some(pc) = postcode4(&g.postcode) {
            *by_pc4.entry(pc).or_default() += 1;
        }
    }
    GapSummary {
        addresses: gaps.len() as u64,
        with_coordinates: gaps.iter().filter(|g| g.lonlat.is_some()).count() as u64,
        by_gemeente: by_gemeente.into_iter().map(|((c, n), k)| (c, n, k)).collect(),
        by_postcode4: by_pc4.into_iter().collect(),
    }
}

/// `text`, or its Dutch form when the report is Dutch and there is one.
fn in_lang(lang: Lang, text: &str, nl: Option<&String>) -> String {
    match (lang, nl) {
        (Lang::Nl, Some(nl)) => nl.clone(),
        _ => text.to_string(),
    }
}

fn year_of(date: &str) -> Option<i32> {
    Date::parse(date).map(|d| d.year)
}

/// Computes the figures of a report.
#[must_use]
pub fn figures(y: &Yearly, w: &Words) -> Figures {
    let h = y.headline;
    let (latest_year, latest) = y.vintages.last().expect("run_report refuses an empty vintage list");
    let rows = |r: &'static str, report: &crate::model::fixed::FixedReport| -> Vec<CoverageRow> {
        report.coverage.rows.iter().filter(|c| c.level == r && c.threshold == h).cloned().collect()
    };
    let scope_row = |report: &crate::model::fixed::FixedReport| {
        report
            .coverage
            .rows
            .iter()
            .find(|c| c.level == y.scope.level && c.area_code == y.scope.code && c.threshold == h)
            .cloned()
    };
    let series: Vec<AreaFigure> = y
        .vintages
        .iter()
        .map(|(year, r)| match scope_row(r) {
            Some(row) => area(*year, &row),
            None => AreaFigure {
                code: y.scope.code.clone(),
                name: y.scope.name.clone(),
                year: *year,
                addresses: 0,
                universe: 0.0,
                covered: 0.0,
                short: 0.0,
                share_pct: None,
            },
        })
        .collect();
    let threshold = &latest.coverage.thresholds[h];
    let now = series.last().expect("one per vintage");
    let target = target_for(&y.targets, threshold).map(|t| {
        let met = now.share_pct.map(|s| s >= t.share_pct);
        TargetFigure {
            id: t.id.clone(),
            title: in_lang(y.lang, &t.title, t.title_nl.as_ref()),
            share_pct: t.share_pct,
            deadline: t.deadline.clone(),
            source: in_lang(y.lang, &t.source, t.source_nl.as_ref()),
            met,
            short_pp: now.share_pct.map_or(0.0, |s| (t.share_pct - s).max(0.0)),
        }
    });
    let references = if y.scope.level == "nl" {
        y.targets
            .reference
            .iter()
            .filter(|r| r.down_mbps == threshold.down_mbps)
            .filter_map(|r| {
                let year = year_of(&r.date)?;
                let ours = series.iter().find(|s| s.year == year).and_then(|s| s.share_pct);
                Some(ReferenceFigure {
                    id: r.id.clone(),
                    year,
                    share_pct: r.share_pct,
                    kind: r.kind.clone(),
                    source: in_lang(y.lang, &r.source, r.source_nl.as_ref()),
                    ours_pct: ours,
                    difference_pp: ours.map(|o| o - r.share_pct),
                })
            })
            .collect::<Vec<_>>()
    } else {
        Vec::new()
    };
    let mut references = references;
    references.sort_by(|a, b| (a.year, &a.id).cmp(&(b.year, &b.id)));
    let in_scope =
        |code: &str| y.scope.level == "nl" || y.table.areas.get(code).is_some_and(|a| a.parent == y.scope.code);
    let (parts_level, parts) = if y.scope.level == "nl" {
        ("provincie", rows("provincie", latest).iter().map(|r| area(*latest_year, r)).collect())
    } else {
        (
            "gemeente",
            rows("gemeente", latest).iter().filter(|r| in_scope(&r.area_code)).map(|r| area(*latest_year, r)).collect(),
        )
    };
    let previous = (y.vintages.len() >= 2).then(|| &y.vintages[y.vintages.len() - 2]);
    let before: BTreeMap<String, Option<f64>> = previous
        .map(|(_, r)| rows("gemeente", r).iter().map(|c| (c.area_code.clone(), pct(c))).collect())
        .unwrap_or_default();
    let gemeenten = rows("gemeente", latest)
        .iter()
        .filter(|r| in_scope(&r.area_code))
        .map(|r| {
            let now = area(*latest_year, r);
            let parent = y.table.areas.get(&r.area_code).map(|a| a.parent.clone()).unwrap_or_default();
            let previous_share_pct = before.get(&r.area_code).copied().flatten();
            GemeenteFigure {
                change_pp: now.share_pct.zip(previous_share_pct).map(|(a, b)| a - b),
                provincie_name: y.table.parents.get(&parent).cloned().unwrap_or_default(),
                provincie_code: parent,
                previous_share_pct,
                now,
            }
        })
        .collect();
    let classes = class_figures((*latest_year, latest), (y.scope.level, &y.scope.code), parts_level, in_scope);
    let mobile = y.mobile.as_ref().map(|(rows, info)| mobile_figures(rows, &info.path));
    let predicted = y.predicted.as_ref().map(|(rows, info)| mobile_figures(rows, &info.path));
    let remapped = y
        .vintages
        .iter()
        .flat_map(|(year, r)| {
            r.remapped.iter().map(|m| RemapFigure {
                year: *year,
                old_code: m.old_code.clone(),
                new_code: m.new_code.clone(),
                addresses: m.addresses,
            })
        })
        .collect();
    let mut f = Figures {
        lang: y.lang,
        title: w.f("report-title", &[("year", &latest_year.to_string()), ("scope", &y.scope.name)]),
        run_date: y.run_date.clone(),
        scope_level: y.scope.level.into(),
        scope_code: y.scope.code.clone(),
        scope_name: y.scope.name.clone(),
        unit: latest.coverage.unit.name().into(),
        threshold: format!("{} Mbps", threshold.down_mbps),
        years: y.vintages.iter().map(|v| v.0).collect(),
        latest: *latest_year,
        series,
        target,
        references,
        parts_level: parts_level.into(),
        parts,
        gemeenten,
        previous: previous.map(|p| p.0),
        mobile,
        predicted,
        classes,
        actieplan: Vec::new(),
        mapping: MappingFigure {
            file: y.mergers.path.clone(),
            sha256: y.mergers.sha256.clone(),
            mergers: y.mergers.rows,
            remapped,
        },
        gaps: y.gaps.as_deref().map(gap_summary),
        inputs: y
            .vintages
            .iter()
            .map(|(year, r)| VintageProvenance { year: *year, provenance: r.provenance.clone() })
            .collect(),
    };
    f.actieplan = actions(y, &f, w);
    f
}

fn mobile_figures(rows: &[crate::model::mobile::Compliance], file: &str) -> MobileFigures {
    let mut operators: Vec<OperatorFigure> = Vec::new();
    for r in rows {
        let k = match operators.iter().position(|o| o.operator == r.operator) {
            Some(k) => k,
            None => {
                operators.push(OperatorFigure {
                    operator: r.operator.clone(),
                    gemeenten: 0,
                    compliant: 0,
                    not_compliant: 0,
                    not_judged: 0,
                    under_ontheffing: 0,
                    shortfall_km2: 0.0,
                });
                operators.len() - 1
            }
        };
        let o = &mut operators[k];
        o.gemeenten += 1;
        match r.compliant {
            Some(true) => o.compliant += 1,
            Some(false) => o.not_compliant += 1,
            None => o.not_judged += 1,
        }
        o.under_ontheffing += u64::from(r.ontheffing.is_some());
        o.shortfall_km2 += r.shortfall;
    }
    // The sums of km² read with six decimals, without the float noise of adding them.
    for o in &mut operators {
        o.shortfall_km2 = (o.shortfall_km2 * 1e6).round() / 1e6;
    }
    let mut shortfalls: Vec<ShortfallFigure> = rows
        .iter()
        .filter(|r| r.compliant == Some(false))
        .map(|r| ShortfallFigure {
            operator: r.operator.clone(),
            code: r.area_code.clone(),
            name: r.area_name.clone(),
            share_pct: r.share.map(|s| s * 100.0),
            required_pct: r.required_pct,
            shortfall_pp: r.shortfall_pp,
            shortfall_km2: r.shortfall,
            ontheffing: r.ontheffing.clone(),
        })
        .collect();
    shortfalls.sort_by(|a, b| {
        b.shortfall_pp.total_cmp(&a.shortfall_pp).then_with(|| (&a.operator, &a.code).cmp(&(&b.operator, &b.code)))
    });
    let first = rows.first();
    MobileFigures {
        date: first.map(|r| r.date.to_string()).unwrap_or_default(),
        required_mbps: first.map_or(0.0, |r| r.required_mbps),
        file: file.into(),
        operators,
        rows: rows
            .iter()
            .map(|r| MobileRow {
                operator: r.operator.clone(),
                code: r.area_code.clone(),
                name: r.area_name.clone(),
                share_pct: r.share.map(|s| s * 100.0),
                required_pct: r.required_pct,
                compliant: r.compliant,
                ontheffing: r.ontheffing.clone(),
            })
            .collect(),
        shortfalls,
    }
}

/// The figure and status of an action linked to the fixed headline.
fn fixed_action(f: &Figures, w: &Words) -> (String, String) {
    let Some(share) = f.series.last().and_then(|n| n.share_pct) else {
        return (String::new(), w.t("action-no-universe"));
    };
    let measured = w.f(
        "action-measured-fixed",
        &[
            ("share", &w.pct(Some(share))),
            ("unit", &w.unit(&f.unit, false)),
            ("threshold", &f.threshold),
            ("year", &f.latest.to_string()),
            ("scope", &f.scope_name),
        ],
    );
    let status = match &f.target {
        None => w.t("action-no-target"),
        Some(t) => {
            let (pct, deadline, pp) = (t.share_pct.to_string(), w.date(&t.deadline), w.num(t.short_pp, 2));
            let args = [("pct", pct.as_str()), ("deadline", &deadline), ("pp", &pp)];
            match t.met {
                Some(true) => w.f("action-target-met", &args),
                _ if Date::parse(&t.deadline).is_some_and(|d| d.year <= f.latest) => w.f("action-target-missed", &args),
                _ => w.f("action-in-progress", &args),
            }
        }
    };
    (measured, status)
}

/// The figure and status of an action linked to the mobile obligation.
fn mobile_action(f: &Figures, w: &Words) -> (String, String) {
    let Some(m) = &f.mobile else {
        return (String::new(), w.t("action-no-mobile"));
    };
    let parts: Vec<String> =
        m.operators.iter().map(|o| format!("{} {}/{}", o.operator, o.compliant, o.gemeenten)).collect();
    let measured = w.f("action-mobile-measured", &[("date", &w.date(&m.date)), ("parts", &parts.join(", "))]);
    let short: u64 = m.operators.iter().map(|o| o.not_compliant).sum();
    let status =
        if short == 0 { w.t("action-all-compliant") } else { w.f("action-short", &[("n", &short.to_string())]) };
    (measured, status)
}

fn actions(y: &Yearly, f: &Figures, w: &Words) -> Vec<ActionFigure> {
    y.actieplan
        .rows
        .iter()
        .map(|a| {
            let (measured, status) = match a.metric.as_deref() {
                Some("fixed_100mbps_share") => fixed_action(f, w),
                Some("mobile_700mhz_compliance") => mobile_action(f, w),
                _ => (String::new(), w.t("action-not-measured")),
            };
            ActionFigure {
                thema: a.thema.clone(),
                opgave: a.opgave.clone(),
                actie: a.actie.clone(),
                wie: a.wie.clone(),
                metric: a.metric.clone(),
                measured,
                status,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postcode4_takes_the_digits() {
        assert_eq!(postcode4("1234 AB").as_deref(), Some("1234"));
        assert_eq!(postcode4("1234AB").as_deref(), Some("1234"));
        assert_eq!(postcode4("0123AB"), None);
        assert_eq!(postcode4("12"), None);
        assert_eq!(postcode4(""), None);
    }
}
