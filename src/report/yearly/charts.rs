//! The charts of the yearly report, each drawn from [`Figures`] (and the map outlines), in the
//! report's language.

use std::collections::BTreeMap;
use std::sync::Arc;

use plotters::style::RGBColor;

use super::figures::{Figures, MobileFigures, OperatorFigure};
use crate::error::Result;
use crate::model::areas::Boundary;
use crate::report::charts::bars::{Bar, BarChart, Panel};
use crate::report::charts::line::{Marker, Progress};
use crate::report::charts::map::{class_of, shapes, Choropleth, MapShape, SHARE_BOUNDS, SHARE_COLOURS, SHARE_RANGES};
use crate::report::charts::{render, Chart, REFERENCE, SERIES};
use crate::report::words::Words;

/// Upper bounds of the change classes, percentage points.
pub const CHANGE_BOUNDS: [f64; 6] = [-1.0, -0.005, 0.005, 1.0, 2.0, 5.0];
/// The change classes' ranges; the empty one is "no change".
const CHANGE_RANGES: [&str; 7] = ["< −1", "−1 – 0", "", "0 – 1", "1 – 2", "2 – 5", "≥ 5"];
const CHANGE_COLOURS: [RGBColor; 7] = [
    RGBColor(179, 88, 6),
    RGBColor(241, 163, 64),
    RGBColor(247, 247, 247),
    RGBColor(216, 218, 235),
    RGBColor(153, 142, 195),
    RGBColor(106, 81, 163),
    RGBColor(63, 0, 125),
];
// Teal and orange rather than green and red, which many readers cannot tell apart.
const COMPLIANT: RGBColor = RGBColor(27, 158, 119);
const ONTHEFFING: RGBColor = RGBColor(153, 216, 201);
const SHORT: RGBColor = RGBColor(217, 95, 2);
/// Shortfall bars drawn at most.
pub const MAX_SHORTFALL_BARS: usize = 25;

fn source(f: &Figures, w: &Words) -> String {
    let records = f
        .inputs
        .last()
        .and_then(|v| v.provenance.inputs.iter().find(|i| i.role == "records"))
        .map(|i| i.path.as_str())
        .unwrap_or("");
    let name = std::path::Path::new(records).file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let args = [("file", &name[..]), ("version", env!("CARGO_PKG_VERSION")), ("date", &w.date(&f.run_date))];
    w.f("chart-source", &args)
}

fn mobile_source(m: &super::figures::MobileFigures, w: &Words) -> String {
    w.f("chart-mobile-source", &[("file", &m.file), ("version", env!("CARGO_PKG_VERSION"))])
}

/// The share classes' labels, e.g. `99 – 99,5 %`.
fn share_labels(w: &Words) -> Vec<String> {
    SHARE_RANGES.iter().map(|r| format!("{} %", r.replace('.', &w.numbers().decimal.to_string()))).collect()
}

/// The change classes' labels, e.g. `1 – 2 %-punt`.
fn change_labels(w: &Words) -> Vec<String> {
    let pp = w.t("unit-pp");
    CHANGE_RANGES.iter().map(|r| if r.is_empty() { w.t("class-no-change") } else { format!("{r} {pp}") }).collect()
}

/// A choropleth of the scope's gemeenten: `class` gives the class index per gemeentecode.
fn map(
    w: &Words,
    source: String,
    outlines: &Arc<Vec<MapShape>>,
    title: &str,
    heading: &str,
    classes: Vec<(String, RGBColor)>,
    class: &BTreeMap<String, usize>,
) -> Choropleth {
    let mut counts = vec![0u64; classes.len()];
    let fill = outlines
        .iter()
        .map(|s| {
            class.get(&s.code).map(|&k| {
                counts[k] += 1;
                classes[k].1
            })
        })
        .collect();
    let without = outlines.len() as u64 - counts.iter().sum::<u64>();
    let mut notes: Vec<String> = classes
        .iter()
        .zip(&counts)
        .filter(|(_, n)| **n > 0)
        .map(|((l, _), n)| w.f(&one_or_more("chart-map-count", *n), &[("class", l), ("n", &w.count(*n))]))
        .collect();
    if without > 0 {
        notes.push(w.f(&one_or_more("chart-map-no-data", without), &[("n", &w.count(without))]));
    }
    Choropleth {
        outlined: true,
        title: title.into(),
        source,
        shapes: Arc::clone(outlines),
        fill,
        heading: heading.into(),
        classes,
        notes,
    }
}

/// The message `id`, or its `-one` form for a count of one (`1 gemeente`).
fn one_or_more(id: &str, n: u64) -> String {
    if n == 1 {
        format!("{id}-one")
    } else {
        id.to_string()
    }
}

fn labelled(labels: Vec<String>, colours: &[RGBColor]) -> Vec<(String, RGBColor)> {
    labels.into_iter().zip(colours.iter().copied()).collect()
}

/// Outlines of the scope's gemeenten, simplified to about half a map pixel.
#[must_use]
pub fn outlines(f: &Figures, areas: &[Boundary]) -> Arc<Vec<MapShape>> {
    let wanted: std::collections::BTreeSet<&str> = f.gemeenten.iter().map(|g| g.now.code.as_str()).collect();
    let mine: Vec<Boundary> = areas.iter().filter(|a| wanted.contains(a.code.as_str())).cloned().collect();
    let (mut lo, mut hi) = ((f64::MAX, f64::MAX), (f64::MIN, f64::MIN));
    for p in mine.iter().flat_map(|a| a.shape.0.iter()).flat_map(|p| p.exterior().0.iter()) {
        lo = (lo.0.min(p.x), lo.1.min(p.y));
        hi = (hi.0.max(p.x), hi.1.max(p.y));
    }
    let span = (hi.0 - lo.0).max(hi.1 - lo.1).max(1.0);
    Arc::new(shapes(&mine, span / 1600.0))
}

/// Every chart of the report, in the order the report shows them, in the words of `w`.
///
/// # Errors
/// A drawing failure, naming the chart.
pub fn charts(f: &Figures, areas: &[Boundary], w: &Words) -> Result<Vec<Chart>> {
    let mut out = vec![progress(f, w)?, parts(f, w)?];
    let shapes = outlines(f, areas);
    let share_class: BTreeMap<String, usize> = f
        .gemeenten
        .iter()
        .filter_map(|g| Some((g.now.code.clone(), class_of(g.now.share_pct?, &SHARE_BOUNDS))))
        .collect();
    let unit = w.unit(&f.unit, false);
    let args = [
        ("Unit", &w.unit(&f.unit, true)[..]),
        ("threshold", &f.threshold),
        ("scope", &f.scope_name),
        ("year", &f.latest.to_string()),
    ];
    let title = w.f("chart-map-title", &args);
    let heading = w.f("chart-map-heading", &[("unit", &unit)]);
    let classes = labelled(share_labels(w), &SHARE_COLOURS);
    out.push(render("map", &title, &map(w, source(f, w), &shapes, &title, &heading, classes, &share_class))?);
    if let Some(prev) = f.previous {
        let change: BTreeMap<String, usize> = f
            .gemeenten
            .iter()
            .filter_map(|g| Some((g.now.code.clone(), class_of(g.change_pp?, &CHANGE_BOUNDS))))
            .collect();
        let args = [("threshold", &f.threshold[..]), ("from", &prev.to_string()), ("to", &f.latest.to_string())];
        let t = w.f("chart-change-title", &args);
        let classes = labelled(change_labels(w), &CHANGE_COLOURS);
        let chart = map(w, source(f, w), &shapes, &t, &w.t("chart-change-heading"), classes, &change);
        out.push(render("change", &t, &chart)?);
    }
    if let Some(m) = &f.mobile {
        for op in &m.operators {
            out.push(mobile_map(m, op, &shapes, w)?);
        }
        out.push(shortfalls(m, w)?);
    }
    if let Some(p) = &f.predicted {
        out.push(predicted_map(p, &shapes, w)?);
    }
    Ok(out)
}

fn progress(f: &Figures, w: &Words) -> Result<Chart> {
    let args = [("Unit", &w.unit(&f.unit, true)[..]), ("threshold", &f.threshold), ("scope", &f.scope_name)];
    let title = w.f("chart-progress-title", &args);
    let target = f.target.as_ref().map(|t| {
        let label = w.f("chart-target", &[("pct", &w.short(t.share_pct)), ("deadline", &w.date(&t.deadline))]);
        (t.share_pct, label)
    });
    let progress = Progress {
        title: title.clone(),
        source: source(f, w),
        x_label: w.t("chart-progress-x"),
        y_label: w.f("chart-progress-y", &args[..2]),
        series_label: w.t("chart-series"),
        series: f.series.iter().filter_map(|s| Some((s.year, s.share_pct?))).collect(),
        target,
        markers: f.references.iter().map(|r| Marker { year: r.year, pct: r.share_pct, kind: r.kind.clone() }).collect(),
        marker_labels: [w.t("chart-published-measurement"), w.t("chart-published-expectation")],
        numbers: w.numbers(),
    };
    render("progress", &title, &progress)
}

fn parts(f: &Figures, w: &Words) -> Result<Chart> {
    let args = [("level", &f.parts_level[..]), ("scope", &f.scope_name), ("year", &f.latest.to_string())];
    let title = w.f("chart-parts-title", &args);
    let unit_title = w.unit(&f.unit, true);
    let low = f.parts.iter().filter_map(|p| p.share_pct).fold(100.0f64, f64::min);
    let max_short = f.parts.iter().map(|p| p.short).fold(0.0f64, f64::max);
    let share_panel = Panel {
        heading: w.f("chart-share-heading", &[("threshold", &f.threshold)]),
        x_label: w.f("chart-share-x", &[("Unit", &unit_title)]),
        range: (((low - 0.5) / 5.0).floor() * 5.0, 100.0),
        line: f.target.as_ref().map(|t| (t.share_pct, w.f("chart-target-line", &[("pct", &w.short(t.share_pct))]))),
        bars: f
            .parts
            .iter()
            .map(|p| Bar {
                label: p.name.clone(),
                value: p.share_pct.unwrap_or(0.0),
                text: w.pct(p.share_pct),
                colour: SERIES,
            })
            .collect(),
    };
    let short_panel = Panel {
        heading: w.f("chart-short-heading", &[("Unit", &unit_title), ("threshold", &f.threshold)]),
        x_label: w.unit(&f.unit, false),
        range: (0.0, (max_short * 1.15).max(1.0)),
        line: None,
        bars: f
            .parts
            .iter()
            .map(|p| Bar { label: p.name.clone(), value: p.short, text: w.amount(p.short), colour: REFERENCE })
            .collect(),
    };
    let chart = BarChart {
        title: title.clone(),
        source: source(f, w),
        panels: vec![share_panel, short_panel],
        legend: Vec::new(),
        empty: w.t("chart-no-areas"),
        numbers: w.numbers(),
    };
    render("parts", &title, &chart)
}

fn mobile_map(m: &MobileFigures, op: &OperatorFigure, shapes: &Arc<Vec<MapShape>>, w: &Words) -> Result<Chart> {
    let classes = vec![
        (w.t("class-compliant"), COMPLIANT),
        (w.t("class-ontheffing"), ONTHEFFING),
        (w.t("class-not-compliant"), SHORT),
    ];
    let class: BTreeMap<String, usize> = m
        .rows
        .iter()
        .filter(|r| r.operator == op.operator)
        .filter_map(|r| match r.compliant? {
            true if r.ontheffing.is_some() => Some((r.code.clone(), 1)),
            true => Some((r.code.clone(), 0)),
            false => Some((r.code.clone(), 2)),
        })
        .collect();
    let t = w.f("chart-mobile-title", &[("operator", &op.operator), ("date", &w.date(&m.date))]);
    let heading = w.f("chart-mobile-heading", &[("mbps", &m.required_mbps.to_string())]);
    let mut chart = map(w, mobile_source(m, w), shapes, &t, &heading, classes, &class);
    let note = w.f("chart-mobile-note", &[("compliant", &w.count(op.compliant)), ("total", &w.count(op.gemeenten))]);
    chart.notes.insert(0, note);
    render(&format!("mobile_{}", slug(&op.operator)), &t, &chart)
}

/// Per gemeente, whether all, some or none of the licence holders are predicted to meet the
/// obligation there (gemeenten without eligible area have no data).
fn predicted_map(p: &MobileFigures, shapes: &Arc<Vec<MapShape>>, w: &Words) -> Result<Chart> {
    let classes = vec![
        (w.t("class-predicted-all"), COMPLIANT),
        (w.t("class-predicted-some"), ONTHEFFING),
        (w.t("class-predicted-none"), SHORT),
    ];
    let mut met: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for r in &p.rows {
        if let Some(ok) = r.compliant {
            let e = met.entry(&r.code).or_default();
            *e = (e.0 + usize::from(ok), e.1 + 1);
        }
    }
    let class = met
        .into_iter()
        .map(|(code, (ok, judged))| {
            (
                code.to_string(),
                if ok == judged {
                    0
                } else if ok > 0 {
                    1
                } else {
                    2
                },
            )
        })
        .collect();
    let t = w.f("chart-predicted-title", &[("date", &w.date(&p.date))]);
    let heading = w.f("chart-predicted-heading", &[("mbps", &p.required_mbps.to_string())]);
    let source = w.f("chart-predicted-source", &[("file", &p.file), ("version", env!("CARGO_PKG_VERSION"))]);
    let mut chart = map(w, source, shapes, &t, &heading, classes, &class);
    for op in &p.operators {
        let args =
            [("operator", &op.operator[..]), ("compliant", &w.count(op.compliant)), ("total", &w.count(op.gemeenten))];
        chart.notes.push(w.f("chart-predicted-note", &args));
    }
    render("predicted", &t, &chart)
}

fn shortfalls(m: &MobileFigures, w: &Words) -> Result<Chart> {
    let shown: Vec<_> = m.shortfalls.iter().take(MAX_SHORTFALL_BARS).collect();
    let t = w.f("chart-shortfall-title", &[("date", &w.date(&m.date))]);
    let heading = if m.shortfalls.len() > shown.len() {
        let args = [("shown", &w.count(shown.len() as u64)[..]), ("total", &w.count(m.shortfalls.len() as u64))];
        w.f("chart-shortfall-largest", &args)
    } else {
        w.t("chart-shortfall-all")
    };
    let bar = |s: &&super::figures::ShortfallFigure| Bar {
        label: format!("{} ({})", s.name, s.operator),
        value: s.shortfall_pp,
        text: w.f("chart-shortfall-bar", &[("pp", &w.num(s.shortfall_pp, 2)), ("km2", &w.num(s.shortfall_km2, 2))]),
        colour: if s.ontheffing.is_some() { ONTHEFFING } else { SHORT },
    };
    let panel = Panel {
        heading,
        x_label: w.t("chart-shortfall-x"),
        range: (0.0, shown.first().map_or(1.0, |s| s.shortfall_pp * 1.2).max(0.5)),
        line: None,
        bars: shown.iter().map(bar).collect(),
    };
    let chart = BarChart {
        title: t.clone(),
        source: mobile_source(m, w),
        panels: vec![panel],
        legend: vec![(w.t("legend-licence"), SHORT), (w.t("legend-ontheffing"), ONTHEFFING)],
        empty: w.t("chart-shortfall-empty"),
        numbers: w.numbers(),
    };
    render("mobile_shortfall", &t, &chart)
}

/// A file-name-safe lower-case form of an operator id (`VodafoneZiggo` → `vodafoneziggo`).
#[must_use]
pub fn slug(s: &str) -> String {
    s.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '_' }).collect()
}
