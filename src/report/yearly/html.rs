//! `report.html`: one self-contained page (charts inline as SVG, no scripts, no network), laid
//! out for the screen and for print.

use std::fmt::Write as _;

use super::figures::Figures;
use crate::report::charts::Chart;
use crate::report::format::thousands;

/// Escapes text for HTML.
///
/// ```
/// assert_eq!(dekking::report::yearly::html::escape("a < b & \"c\""), "a &lt; b &amp; &quot;c&quot;");
/// ```
#[must_use]
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

/// A percentage with two decimals, `n/a` for none.
#[must_use]
pub fn pct(v: Option<f64>) -> String {
    v.map(|v| format!("{v:.2} %")).unwrap_or_else(|| "n/a".into())
}

/// A signed change in percentage points with two decimals.
#[must_use]
pub fn pp(v: Option<f64>) -> String {
    // Round first so that -0.001 prints as +0.00, not -0.00.
    v.map(|v| format!("{:+.2} pp", (v * 100.0).round() / 100.0 + 0.0)).unwrap_or_else(|| "n/a".into())
}

/// A count in the report's unit, rounded to a whole number, with thousands separators.
#[must_use]
pub fn count(v: f64) -> String {
    thousands(v.max(0.0).round() as u64)
}

const STYLE: &str = "
body{font-family:'DejaVu Sans',Verdana,Arial,sans-serif;color:#212529;max-width:1100px;margin:2em auto;padding:0 1.5em;line-height:1.45}
h1{font-size:1.7em;margin-bottom:.2em}h2{margin-top:2em;border-bottom:2px solid #005293;padding-bottom:.2em}
.meta{color:#6c757d}.headline{background:#eef4fa;border-left:6px solid #005293;padding:1em 1.2em;font-size:1.1em}
.bad{color:#c82828}.good{color:#1a7a40}
figure{margin:1.2em 0;page-break-inside:avoid;break-inside:avoid}figure svg{max-width:100%;height:auto}
figcaption{color:#6c757d;font-size:.9em}
.maps{display:flex;flex-wrap:wrap;gap:1em}.maps figure{flex:1 1 300px}
table{border-collapse:collapse;margin:1em 0;font-size:.9em;width:100%}
th,td{border-bottom:1px solid #dee2e6;padding:.3em .5em;text-align:left;vertical-align:top}
th{background:#f1f3f5}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
code{font-size:.9em}
@media print{body{margin:0;max-width:none;font-size:10pt}h2{page-break-before:auto}.maps figure{flex:1 1 45%}a{color:inherit;text-decoration:none}}
";

fn figure(out: &mut String, chart: &Chart, number: usize) {
    let svg = chart.svg.trim_start_matches(|c| c != '<');
    let _ = writeln!(
        out,
        "<figure id=\"{}\">{svg}<figcaption>Figure {number}. {} (also as <a href=\"charts/{0}.svg\">SVG</a> and <a href=\"charts/{0}.png\">PNG</a>)</figcaption></figure>",
        chart.name,
        escape(&chart.title)
    );
}

/// The bytes of `report.html`.
#[must_use]
pub fn html(f: &Figures, charts: &[Chart]) -> Vec<u8> {
    let e = escape;
    let mut o = String::new();
    let _ = write!(o, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{}</title><style>{STYLE}</style></head><body>\n", e(&f.title));
    let _ = writeln!(
        o,
        "<h1>{}</h1><p class=\"meta\">Vintages {} · unit: {} · run date {} · dekking {}</p>",
        e(&f.title),
        f.years.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "),
        e(&f.unit),
        e(&f.run_date),
        env!("CARGO_PKG_VERSION")
    );
    let now = f.series.last();
    o.push_str("<div class=\"headline\">");
    if let Some(s) = now {
        let _ = write!(
            o,
            "<p><strong id=\"headline-share\">{}</strong> of {} in {} could get at least {} at the end of {}: {} of {} {}; {} without.</p>",
            pct(s.share_pct),
            e(&f.unit),
            e(&f.scope_name),
            e(&f.threshold),
            s.year,
            count(s.covered),
            count(s.universe),
            e(&f.unit),
            count(s.short),
        );
    }
    if let Some(t) = &f.target {
        let (class, verdict) = match t.met {
            Some(true) => ("good", "met".to_string()),
            Some(false) => ("bad", format!("not met ({:.2} percentage points short)", t.short_pp)),
            None => ("", "not judged (no data)".to_string()),
        };
        let _ = write!(
            o,
            "<p>Target {} % by {} ({}): <strong class=\"{class}\">{verdict}</strong>.</p>",
            t.share_pct,
            e(&t.deadline),
            e(&t.title)
        );
    }
    if let Some(m) = &f.mobile {
        let parts: Vec<String> =
            m.operators.iter().map(|p| format!("{} {} of {}", e(&p.operator), p.compliant, p.gemeenten)).collect();
        let _ = write!(
            o,
            "<p>700 MHz coverage obligation on {} (≥ {} Mbps): gemeenten compliant — {}.</p>",
            e(&m.date),
            m.required_mbps,
            parts.join("; ")
        );
    }
    o.push_str("</div>\n");

    let mut number = 0;
    let mut fig = |o: &mut String, name: &str| {
        if let Some(c) = charts.iter().find(|c| c.name == name) {
            number += 1;
            figure(o, c, number);
        }
    };

    let _ = writeln!(o, "<h2>Progress per year</h2>");
    fig(&mut o, "progress");
    o.push_str("<table><tr><th>Year</th><th class=\"n\">Addresses</th><th class=\"n\">Universe</th><th class=\"n\">Covered</th><th class=\"n\">Without</th><th class=\"n\">Share</th></tr>\n");
    for s in &f.series {
        let _ = writeln!(
            o,
            "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            s.year,
            thousands(s.addresses),
            count(s.universe),
            count(s.covered),
            count(s.short),
            pct(s.share_pct)
        );
    }
    o.push_str("</table>\n");
    if !f.references.is_empty() {
        o.push_str("<p>Published figures beside ours (a difference shows a drift between this computation and the published series):</p><table><tr><th>Year</th><th>Kind</th><th class=\"n\">Published</th><th class=\"n\">This report</th><th class=\"n\">Difference</th><th>Source</th></tr>\n");
        for r in &f.references {
            let _ = writeln!(
                o,
                "<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td></tr>",
                r.year,
                e(&r.kind),
                pct(Some(r.share_pct)),
                pct(r.ours_pct),
                pp(r.difference_pp),
                e(&r.source)
            );
        }
        o.push_str("</table>\n");
    }

    let _ = writeln!(o, "<h2>Per {} ({})</h2>", e(&f.parts_level), f.latest);
    fig(&mut o, "parts");
    o.push_str("<h2>Per gemeente</h2>\n<div class=\"maps\">");
    fig(&mut o, "map");
    fig(&mut o, "change");
    o.push_str("</div>\n");
    if f.previous.is_none() {
        o.push_str("<p class=\"meta\">One vintage only: no change since the previous year.</p>\n");
    }

    if let Some(m) = &f.mobile {
        let _ = writeln!(o, "<h2>Mobile: 700 MHz coverage obligation on {}</h2>", e(&m.date));
        o.push_str("<table><tr><th>Operator</th><th class=\"n\">Gemeenten</th><th class=\"n\">Compliant</th><th class=\"n\">Not compliant</th><th class=\"n\">Under an ontheffing</th><th class=\"n\">Shortfall (km²)</th></tr>\n");
        for p in &m.operators {
            let _ = writeln!(
                o,
                "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{:.2}</td></tr>",
                e(&p.operator),
                p.gemeenten,
                p.compliant,
                p.not_compliant,
                p.under_ontheffing,
                p.shortfall_km2
            );
        }
        o.push_str("</table>\n<div class=\"maps\">");
        for p in &m.operators {
            fig(&mut o, &format!("mobile_{}", super::charts::slug(&p.operator)));
        }
        o.push_str("</div>\n");
        fig(&mut o, "mobile_shortfall");
    }

    if let Some(g) = &f.gaps {
        let _ = writeln!(
            o,
            "<h2>Gap list</h2><p>{} addresses in {} without ≥ {} in {} ({} with coordinates): <a href=\"gaps.geojson\">gaps.geojson</a> (for QGIS), <a href=\"gaps.csv\">gaps.csv</a>, per postcode-4 <a href=\"gaps_postcode4.csv\">gaps_postcode4.csv</a>.</p>",
            thousands(g.addresses),
            e(&f.scope_name),
            e(&f.threshold),
            f.latest,
            thousands(g.with_coordinates)
        );
        o.push_str("<table><tr><th>Gemeente</th><th class=\"n\">Addresses without</th></tr>\n");
        for (code, name, n) in &g.by_gemeente {
            let _ = writeln!(o, "<tr><td>{} ({})</td><td class=\"n\">{}</td></tr>", e(name), e(code), thousands(*n));
        }
        o.push_str("</table>\n");
    }

    o.push_str("<h2>Action plan</h2>\n<p>The connectivity actions of the action plan, with this report's figure and status where dekking measures one.</p>\n<table><tr><th>Thema</th><th>Actie</th><th>Wie / wanneer</th><th>Measured</th><th>Status</th></tr>\n");
    for a in &f.actieplan {
        let _ = writeln!(
            o,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            e(&a.thema),
            e(&a.actie),
            e(&a.wie),
            e(&a.measured),
            e(&a.status)
        );
    }
    o.push_str("</table>\n");

    let _ = write!(o, "<h2>Gemeenten ({})</h2>\n<table><tr><th>Gemeente</th><th>Provincie</th><th class=\"n\">Addresses</th><th class=\"n\">Without</th><th class=\"n\">Share</th><th class=\"n\">Change</th></tr>\n", f.latest);
    for g in &f.gemeenten {
        let _ = writeln!(
            o,
            "<tr><td>{} ({})</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            e(&g.now.name),
            e(&g.now.code),
            e(&g.provincie_name),
            thousands(g.now.addresses),
            count(g.now.short),
            pct(g.now.share_pct),
            pp(g.change_pp)
        );
    }
    o.push_str("</table>\n");

    o.push_str("<h2>Method and sources</h2>\n");
    if let Some(p) = f.inputs.last() {
        let _ = writeln!(o, "<p>{}</p><p>Universe: {}</p>", e(&p.provenance.method), e(&p.provenance.universe));
    }
    let _ = writeln!(
        o,
        "<p>Gemeente mergers: every vintage is counted on the current map; codes of earlier maps are re-aggregated with <code>{}</code> ({} mergers, SHA-256 <code>{}</code>). {}</p>",
        e(&f.mapping.file),
        f.mapping.mergers,
        e(&f.mapping.sha256),
        if f.mapping.remapped.is_empty() {
            "No vintage used an earlier code.".to_string()
        } else {
            format!(
                "Re-aggregated: {}.",
                f.mapping.remapped.iter().map(|r| format!("{} {} → {} ({} addresses)", r.year, e(&r.old_code), e(&r.new_code), thousands(r.addresses))).collect::<Vec<_>>().join("; ")
            )
        }
    );
    o.push_str("<table><tr><th>Vintage</th><th>File</th><th class=\"n\">Rows in</th><th class=\"n\">Used</th><th class=\"n\">Rejected</th><th>SHA-256</th></tr>\n");
    for v in &f.inputs {
        for (file, c) in &v.provenance.rows {
            let sha = v.provenance.inputs.iter().find(|i| &i.path == file).map(|i| i.sha256.as_str()).unwrap_or("");
            let _ = writeln!(
                o,
                "<tr><td>{}</td><td><code>{}</code></td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td><code>{}</code></td></tr>",
                v.year,
                e(file),
                thousands(c.rows_in),
                thousands(c.used),
                thousands(c.rejected_total()),
                e(sha)
            );
        }
        for w in &v.provenance.warnings {
            let _ = writeln!(o, "<tr><td>{}</td><td colspan=\"5\">warning: {}</td></tr>", v.year, e(w));
        }
    }
    o.push_str("</table>\n<p class=\"meta\">Every number on this page is in <code>figures.json</code> and the CSV tables beside it.</p>\n</body></html>\n");
    o.into_bytes()
}
