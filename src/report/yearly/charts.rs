//! The charts of the yearly report, each drawn from [`Figures`] (and the map outlines).

use std::collections::BTreeMap;
use std::sync::Arc;

use plotters::style::RGBColor;

use super::figures::Figures;
use crate::error::Result;
use crate::model::areas::Boundary;
use crate::report::charts::bars::{Bar, BarChart, Panel};
use crate::report::charts::line::{Marker, Progress};
use crate::report::charts::map::{class_of, shapes, Choropleth, MapShape};
use crate::report::charts::{render, Chart, REFERENCE, SERIES};
use crate::report::format::thousands;

/// Upper bounds of the share classes of the map, percent.
pub const SHARE_BOUNDS: [f64; 6] = [90.0, 95.0, 98.0, 99.0, 99.5, 100.0];
const SHARE_LABELS: [&str; 7] =
    ["< 90 %", "90 – 95 %", "95 – 98 %", "98 – 99 %", "99 – 99.5 %", "99.5 – 100 %", "100 %"];
const SHARE_COLOURS: [RGBColor; 7] = [
    RGBColor(255, 255, 204),
    RGBColor(199, 233, 180),
    RGBColor(127, 205, 187),
    RGBColor(65, 182, 196),
    RGBColor(29, 145, 192),
    RGBColor(34, 94, 168),
    RGBColor(12, 44, 132),
];
/// Upper bounds of the change classes, percentage points.
pub const CHANGE_BOUNDS: [f64; 6] = [-1.0, -0.005, 0.005, 1.0, 2.0, 5.0];
const CHANGE_LABELS: [&str; 7] = ["< −1 pp", "−1 – 0 pp", "no change", "0 – 1 pp", "1 – 2 pp", "2 – 5 pp", "≥ 5 pp"];
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

fn source(f: &Figures) -> String {
    let records = f
        .inputs
        .last()
        .and_then(|v| v.provenance.inputs.iter().find(|i| i.role == "records"))
        .map(|i| i.path.as_str())
        .unwrap_or("");
    let name = std::path::Path::new(records).file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    format!(
        "Data: {name} and earlier vintages; computed with dekking {}, run date {}",
        env!("CARGO_PKG_VERSION"),
        f.run_date
    )
}

fn mobile_source(m: &super::figures::MobileFigures) -> String {
    format!("Data: {} (dekking mobile); computed with dekking {}", m.file, env!("CARGO_PKG_VERSION"))
}

/// A choropleth of the scope's gemeenten: `class` gives the class index per gemeentecode.
fn map(
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
    let mut notes: Vec<String> =
        classes.iter().zip(&counts).filter(|(_, n)| **n > 0).map(|((l, _), n)| format!("{l}: {n} gemeenten")).collect();
    if without > 0 {
        notes.push(format!("no data: {without} gemeenten"));
    }
    Choropleth {
        title: title.into(),
        source,
        shapes: Arc::clone(outlines),
        fill,
        heading: heading.into(),
        classes,
        notes,
    }
}

fn labelled(labels: &[&str], colours: &[RGBColor]) -> Vec<(String, RGBColor)> {
    labels.iter().zip(colours).map(|(l, c)| ((*l).to_string(), *c)).collect()
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

/// Every chart of the report, in the order the report shows them.
///
/// # Errors
/// A drawing failure, naming the chart.
pub fn charts(f: &Figures, areas: &[Boundary]) -> Result<Vec<Chart>> {
    let mut out = Vec::new();
    let scope = &f.scope_name;
    let title = format!("{} with ≥ {} in {scope}, per year", capitalised(&f.unit), f.threshold);
    let progress = Progress {
        title: title.clone(),
        source: source(f),
        y_label: format!("{} with ≥ {} (%)", capitalised(&f.unit), f.threshold),
        series_label: "Measured (this report)".into(),
        series: f.series.iter().filter_map(|s| Some((s.year, s.share_pct?))).collect(),
        target: f.target.as_ref().map(|t| (t.share_pct, format!("Target: {} % by {}", t.share_pct, t.deadline))),
        markers: f.references.iter().map(|r| Marker { year: r.year, pct: r.share_pct, kind: r.kind.clone() }).collect(),
    };
    out.push(render("progress", &title, &progress)?);

    let parts_title = format!("Per {} in {scope}, {}", f.parts_level, f.latest);
    let low = f.parts.iter().filter_map(|p| p.share_pct).fold(100.0f64, f64::min);
    let max_short = f.parts.iter().map(|p| p.short).fold(0.0f64, f64::max);
    let share_panel = Panel {
        heading: format!("Share with ≥ {}", f.threshold),
        x_label: format!("{} (%)", capitalised(&f.unit)),
        range: (((low - 0.5) / 5.0).floor() * 5.0, 100.0),
        line: f.target.as_ref().map(|t| (t.share_pct, format!("target {} %", t.share_pct))),
        bars: f
            .parts
            .iter()
            .map(|p| Bar {
                label: p.name.clone(),
                value: p.share_pct.unwrap_or(0.0),
                text: pct_text(p.share_pct),
                colour: SERIES,
            })
            .collect(),
    };
    let short_panel = Panel {
        heading: format!("{} without ≥ {}", capitalised(&f.unit), f.threshold),
        x_label: f.unit.clone(),
        range: (0.0, (max_short * 1.15).max(1.0)),
        line: None,
        bars: f
            .parts
            .iter()
            .map(|p| Bar {
                label: p.name.clone(),
                value: p.short,
                text: thousands(p.short.round() as u64),
                colour: REFERENCE,
            })
            .collect(),
    };
    out.push(render(
        "parts",
        &parts_title,
        &BarChart {
            title: parts_title.clone(),
            source: source(f),
            panels: vec![share_panel, short_panel],
            legend: Vec::new(),
            empty: "no areas".into(),
        },
    )?);

    let shapes = outlines(f, areas);
    let share_class: BTreeMap<String, usize> = f
        .gemeenten
        .iter()
        .filter_map(|g| Some((g.now.code.clone(), class_of(g.now.share_pct?, &SHARE_BOUNDS))))
        .collect();
    let map_title = format!("{} with ≥ {} per gemeente, {scope} {}", capitalised(&f.unit), f.threshold, f.latest);
    out.push(render(
        "map",
        &map_title,
        &map(
            source(f),
            &shapes,
            &map_title,
            &format!("Share of {}", f.unit),
            labelled(&SHARE_LABELS, &SHARE_COLOURS),
            &share_class,
        ),
    )?);

    if let Some(prev) = f.previous {
        let change: BTreeMap<String, usize> = f
            .gemeenten
            .iter()
            .filter_map(|g| Some((g.now.code.clone(), class_of(g.change_pp?, &CHANGE_BOUNDS))))
            .collect();
        let t = format!("Change in the share with ≥ {} per gemeente, {prev} → {}", f.threshold, f.latest);
        out.push(render(
            "change",
            &t,
            &map(
                source(f),
                &shapes,
                &t,
                "Change (percentage points)",
                labelled(&CHANGE_LABELS, &CHANGE_COLOURS),
                &change,
            ),
        )?);
    }

    if let Some(m) = &f.mobile {
        for op in &m.operators {
            let classes = vec![
                ("compliant".to_string(), COMPLIANT),
                ("compliant under an ontheffing".to_string(), ONTHEFFING),
                ("not compliant".to_string(), SHORT),
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
            let t = format!("700 MHz coverage obligation, {}: gemeenten on {}", op.operator, m.date);
            let mut chart = map(
                mobile_source(m),
                &shapes,
                &t,
                &format!("≥ {} Mbps on the eligible area", m.required_mbps),
                classes,
                &class,
            );
            chart.notes.insert(0, format!("{} of {} compliant", op.compliant, op.gemeenten));
            out.push(render(&format!("mobile_{}", slug(&op.operator)), &t, &chart)?);
        }
        let shown: Vec<_> = m.shortfalls.iter().take(MAX_SHORTFALL_BARS).collect();
        let t = format!("700 MHz shortfall per gemeente × operator on {}", m.date);
        let panel = Panel {
            heading: if m.shortfalls.len() > shown.len() {
                format!("the {} largest of {}", shown.len(), m.shortfalls.len())
            } else {
                "all shortfalls".into()
            },
            x_label: "Percentage points below the required share".into(),
            range: (0.0, shown.first().map_or(1.0, |s| s.shortfall_pp * 1.2).max(0.5)),
            line: None,
            bars: shown
                .iter()
                .map(|s| Bar {
                    label: format!("{} ({})", s.name, s.operator),
                    value: s.shortfall_pp,
                    text: format!("{:.2} pp, {:.2} km²", s.shortfall_pp, s.shortfall_km2),
                    colour: if s.ontheffing.is_some() { ONTHEFFING } else { SHORT },
                })
                .collect(),
        };
        let legend = vec![
            ("against the licence percentage".to_string(), SHORT),
            ("under an ontheffing".to_string(), ONTHEFFING),
        ];
        out.push(render(
            "mobile_shortfall",
            &t,
            &BarChart {
                title: t.clone(),
                source: mobile_source(m),
                panels: vec![panel],
                legend,
                empty: "Every operator meets its requirement in every gemeente.".into(),
            },
        )?);
    }
    Ok(out)
}

/// A file-name-safe lower-case form of an operator id (`VodafoneZiggo` → `vodafoneziggo`).
#[must_use]
pub fn slug(s: &str) -> String {
    s.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '_' }).collect()
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}

fn pct_text(s: Option<f64>) -> String {
    s.map(|v| format!("{v:.2} %")).unwrap_or_else(|| "n/a".into())
}
