//! `report.html`: one self-contained page (charts inline as SVG, no scripts, no network), laid
//! out for the screen and for print, in the report's language.

use std::fmt::Write as _;

use super::figures::Figures;
use crate::report::charts::Chart;
use crate::report::words::Words;

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

/// A cell: its HTML (already escaped) and whether it is a number (right-aligned).
type Cell = (String, bool);

/// A text cell, escaped.
fn text(s: &str) -> Cell {
    (escape(s), false)
}

/// A number cell (numbers need no escaping).
fn num(s: String) -> Cell {
    (s, true)
}

/// Opens a table with the headers `cols`: message ids, a leading `#` marking a number column.
fn table(o: &mut String, w: &Words, cols: &[&str]) {
    o.push_str("<table><tr>");
    for c in cols {
        match c.strip_prefix('#') {
            Some(id) => _ = write!(o, "<th class=\"n\">{}</th>", escape(&w.t(id))),
            None => _ = write!(o, "<th>{}</th>", escape(&w.t(c))),
        }
    }
    o.push_str("</tr>\n");
}

fn row(o: &mut String, cells: &[Cell]) {
    o.push_str("<tr>");
    for (html, number) in cells {
        let class = if *number { " class=\"n\"" } else { "" };
        let _ = write!(o, "<td{class}>{html}</td>");
    }
    o.push_str("</tr>\n");
}

fn link(file: &str) -> String {
    format!("<a href=\"{0}\">{0}</a>", escape(file))
}

fn code(s: &str) -> String {
    format!("<code>{}</code>", escape(s))
}

/// The charts by name, numbered in the order the page shows them.
struct Numbered<'a> {
    charts: &'a [Chart],
    number: usize,
}

impl Numbered<'_> {
    fn put(&mut self, o: &mut String, w: &Words, name: &str) {
        let Some(c) = self.charts.iter().find(|c| c.name == name) else { return };
        self.number += 1;
        let svg = c.svg.trim_start_matches(|c| c != '<');
        let file = |ext: &str| format!("<a href=\"charts/{}.{ext}\">{}</a>", c.name, ext.to_uppercase());
        let caption = w.f(
            "figure-caption",
            &[
                ("n", &self.number.to_string()),
                ("title", &escape(&c.title)),
                ("svg", &file("svg")),
                ("png", &file("png")),
            ],
        );
        let _ = writeln!(o, "<figure id=\"{}\">{svg}<figcaption>{caption}</figcaption></figure>", c.name);
    }
}

/// The bytes of `report.html`.
#[must_use]
pub fn html(f: &Figures, charts: &[Chart], w: &Words) -> Vec<u8> {
    let mut o = String::new();
    let mut figs = Numbered { charts, number: 0 };
    let title = escape(&f.title);
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{title}</title><style>{STYLE}</style></head><body>\n",
        w.lang().code()
    );
    let years: Vec<String> = f.years.iter().map(ToString::to_string).collect();
    let meta = w.f(
        "meta",
        &[
            ("years", &years.join(", ")),
            ("unit", &w.unit(&f.unit, false)),
            ("date", &w.date(&f.run_date)),
            ("version", env!("CARGO_PKG_VERSION")),
        ],
    );
    let _ = writeln!(o, "<h1>{title}</h1><p class=\"meta\">{}</p>", escape(&meta));
    headline(&mut o, f, w);
    progress(&mut o, f, w, &mut figs);
    let _ = writeln!(
        o,
        "<h2>{}</h2>",
        escape(&w.f("h-parts", &[("level", &f.parts_level), ("year", &f.latest.to_string())]))
    );
    figs.put(&mut o, w, "parts");
    let _ = writeln!(o, "<h2>{}</h2>\n<div class=\"maps\">", escape(&w.t("h-per-gemeente")));
    figs.put(&mut o, w, "map");
    figs.put(&mut o, w, "change");
    o.push_str("</div>\n");
    if f.previous.is_none() {
        let _ = writeln!(o, "<p class=\"meta\">{}</p>", escape(&w.t("one-vintage")));
    }
    mobile(&mut o, f, w, &mut figs);
    predicted(&mut o, f, w, &mut figs);
    classes(&mut o, f, w);
    gaps(&mut o, f, w);
    actieplan(&mut o, f, w);
    gemeenten(&mut o, f, w);
    method(&mut o, f, w);
    let footer = w.f("footer", &[("json", &code("figures.json"))]);
    let _ = writeln!(o, "<p class=\"meta\">{footer}</p>\n</body></html>");
    o.into_bytes()
}

fn headline(o: &mut String, f: &Figures, w: &Words) {
    o.push_str("<div class=\"headline\">");
    if let Some(s) = f.series.last() {
        let share = format!("<strong id=\"headline-share\">{}</strong>", w.pct(s.share_pct));
        let unit = escape(&w.unit(&f.unit, false));
        let args = [
            ("share", share.as_str()),
            ("unit", &unit),
            ("scope", &escape(&f.scope_name)),
            ("threshold", &escape(&f.threshold)),
            ("year", &s.year.to_string()),
            ("covered", &w.amount(s.covered)),
            ("universe", &w.amount(s.universe)),
            ("short", &w.amount(s.short)),
        ];
        let _ = write!(o, "<p>{}</p>", w.f("headline", &args));
    }
    if let Some(t) = &f.target {
        let (class, verdict) = match t.met {
            Some(true) => ("good", w.t("target-met")),
            Some(false) => ("bad", w.f("target-missed", &[("pp", &w.num(t.short_pp, 2))])),
            None => ("", w.t("target-no-data")),
        };
        let verdict = format!("<strong class=\"{class}\">{}</strong>", escape(&verdict));
        let args = [
            ("pct", &w.short(t.share_pct)[..]),
            ("deadline", &escape(&w.date(&t.deadline))),
            ("title", &escape(&t.title)),
            ("verdict", &verdict),
        ];
        let _ = write!(o, "<p>{}</p>", w.f("target-line", &args));
    }
    if let Some(m) = &f.mobile {
        let parts: Vec<String> = m
            .operators
            .iter()
            .map(|p| {
                let (compliant, total) = (p.compliant.to_string(), p.gemeenten.to_string());
                escape(&w.f("mobile-part", &[("operator", &p.operator), ("compliant", &compliant), ("total", &total)]))
            })
            .collect();
        let args = [
            ("date", &escape(&w.date(&m.date))[..]),
            ("mbps", &m.required_mbps.to_string()),
            ("parts", &parts.join("; ")),
        ];
        let _ = write!(o, "<p>{}</p>", w.f("mobile-line", &args));
    }
    o.push_str("</div>\n");
}

fn progress(o: &mut String, f: &Figures, w: &Words, figs: &mut Numbered<'_>) {
    let _ = writeln!(o, "<h2>{}</h2>", escape(&w.t("h-progress")));
    figs.put(o, w, "progress");
    table(o, w, &["col-year", "#col-addresses", "#col-universe", "#col-covered", "#col-without", "#col-share"]);
    for s in &f.series {
        row(
            o,
            &[
                text(&s.year.to_string()),
                num(w.count(s.addresses)),
                num(w.amount(s.universe)),
                num(w.amount(s.covered)),
                num(w.amount(s.short)),
                num(w.pct(s.share_pct)),
            ],
        );
    }
    o.push_str("</table>\n");
    if f.references.is_empty() {
        return;
    }
    let _ = write!(o, "<p>{}</p>", escape(&w.t("references-intro")));
    table(o, w, &["col-year", "col-kind", "#col-published", "#col-this-report", "#col-difference", "col-source"]);
    for r in &f.references {
        row(
            o,
            &[
                text(&r.year.to_string()),
                text(&w.kind(&r.kind)),
                num(w.pct(Some(r.share_pct))),
                num(w.pct(r.ours_pct)),
                num(w.pp(r.difference_pp)),
                text(&r.source),
            ],
        );
    }
    o.push_str("</table>\n");
}

fn mobile(o: &mut String, f: &Figures, w: &Words, figs: &mut Numbered<'_>) {
    let Some(m) = &f.mobile else { return };
    let _ = writeln!(o, "<h2>{}</h2>", escape(&w.f("h-mobile", &[("date", &w.date(&m.date))])));
    operators(o, m, w);
    o.push_str("<div class=\"maps\">");
    for p in &m.operators {
        figs.put(o, w, &format!("mobile_{}", super::charts::slug(&p.operator)));
    }
    o.push_str("</div>\n");
    figs.put(o, w, "mobile_shortfall");
}

/// The obligation judged on predicted coverage: what it is, the table per operator, the map.
fn predicted(o: &mut String, f: &Figures, w: &Words, figs: &mut Numbered<'_>) {
    let Some(p) = &f.predicted else { return };
    let _ = writeln!(o, "<h2>{}</h2>", escape(&w.f("h-predicted", &[("date", &w.date(&p.date))])));
    let _ = writeln!(o, "<p>{}</p>", escape(&w.t("predicted-text")));
    operators(o, p, w);
    figs.put(o, w, "predicted");
}

/// The latest vintage's addresses by service class: the scheme, then a row for the scope and
/// one per part.
fn classes(o: &mut String, f: &Figures, w: &Words) {
    let Some(c) = &f.classes else { return };
    let _ = writeln!(o, "<h2>{}</h2>", escape(&w.f("h-classes", &[("year", &c.year.to_string())])));
    let args =
        [("title", &escape(&c.title)[..]), ("source", &escape(&c.source)[..]), ("file", &code("classes.csv")[..])];
    let _ = writeln!(o, "<p>{}</p>", w.f("classes-text", &args));
    o.push_str("<table><tr>");
    let _ = write!(o, "<th>{}</th><th class=\"n\">{}</th>", escape(&w.t("col-area")), escape(&w.t("col-addresses")));
    for name in &c.columns {
        let _ = write!(o, "<th class=\"n\">{}</th>", escape(name));
    }
    o.push_str("</tr>\n");
    for r in &c.rows {
        let mut cells: Vec<Cell> = vec![(escape(&r.name), false), (w.count(r.addresses), true)];
        cells.extend(r.counts.iter().map(|n| (w.count(*n), true)));
        row(o, &cells);
    }
    o.push_str("</table>\n");
}

/// The table of gemeenten compliant per operator.
fn operators(o: &mut String, m: &super::figures::MobileFigures, w: &Words) {
    let cols = ["col-operator", "#col-gemeenten", "#col-compliant", "#col-not-compliant", "#col-ontheffing"];
    table(o, w, &[&cols[..], &["#col-shortfall-km2"]].concat());
    for p in &m.operators {
        row(
            o,
            &[
                text(&p.operator),
                num(w.count(p.gemeenten)),
                num(w.count(p.compliant)),
                num(w.count(p.not_compliant)),
                num(w.count(p.under_ontheffing)),
                num(w.num(p.shortfall_km2, 2)),
            ],
        );
    }
    o.push_str("</table>\n");
}

fn gaps(o: &mut String, f: &Figures, w: &Words) {
    let Some(g) = &f.gaps else { return };
    let args = [
        ("addresses", &w.count(g.addresses)[..]),
        ("scope", &escape(&f.scope_name)),
        ("threshold", &escape(&f.threshold)),
        ("year", &f.latest.to_string()),
        ("located", &w.count(g.with_coordinates)),
        ("geojson", &link("gaps.geojson")),
        ("gpkg", &link("gaps.gpkg")),
        ("csv", &link("gaps.csv")),
        ("pc4", &link("gaps_postcode4.csv")),
    ];
    let _ = writeln!(o, "<h2>{}</h2><p>{}</p>", escape(&w.t("h-gaps")), w.f("gaps-text", &args));
    table(o, w, &["col-gemeente", "#col-addresses-without"]);
    for (code, name, n) in &g.by_gemeente {
        row(o, &[text(&format!("{name} ({code})")), num(w.count(*n))]);
    }
    o.push_str("</table>\n");
}

fn actieplan(o: &mut String, f: &Figures, w: &Words) {
    let _ = writeln!(o, "<h2>{}</h2>\n<p>{}</p>", escape(&w.t("h-actieplan")), escape(&w.t("actieplan-intro")));
    table(o, w, &["col-thema", "col-actie", "col-wie", "col-measured", "col-status"]);
    for a in &f.actieplan {
        row(o, &[text(&a.thema), text(&a.actie), text(&a.wie), text(&a.measured), text(&a.status)]);
    }
    o.push_str("</table>\n");
}

fn gemeenten(o: &mut String, f: &Figures, w: &Words) {
    let _ = writeln!(o, "<h2>{}</h2>", escape(&w.f("h-gemeenten", &[("year", &f.latest.to_string())])));
    table(o, w, &["col-gemeente", "col-provincie", "#col-addresses", "#col-without", "#col-share", "#col-change"]);
    for g in &f.gemeenten {
        row(
            o,
            &[
                text(&format!("{} ({})", g.now.name, g.now.code)),
                text(&g.provincie_name),
                num(w.count(g.now.addresses)),
                num(w.amount(g.now.short)),
                num(w.pct(g.now.share_pct)),
                num(w.pp(g.change_pp)),
            ],
        );
    }
    o.push_str("</table>\n");
}

/// How coverage was decided in the latest vintage, in words, with its addresses located by code
/// and by point.
pub(super) fn method_text(f: &Figures, w: &Words) -> Option<String> {
    let p = &f.inputs.last()?.provenance;
    let (by_code, by_point) = (w.count(p.located.0), w.count(p.located.1));
    let unit = w.unit(&f.unit, false);
    Some(w.f("method", &[("unit", &unit), ("by-code", &by_code), ("by-point", &by_point)]))
}

fn method(o: &mut String, f: &Figures, w: &Words) {
    let _ = writeln!(o, "<h2>{}</h2>", escape(&w.t("h-method")));
    if let (Some(p), Some(method)) = (f.inputs.last().map(|v| &v.provenance), method_text(f, w)) {
        let (file, given) = &p.universe_file;
        let universe = w.f(if *given { "universe-file" } else { "universe-records" }, &[("file", &code(file))]);
        let _ = writeln!(o, "<p>{}</p><p>{}</p>", escape(&method), w.f("universe-label", &[("text", &universe)]));
    }
    let m = &f.mapping;
    let remapped = if m.remapped.is_empty() {
        w.t("no-remaps")
    } else {
        let items: Vec<String> = m
            .remapped
            .iter()
            .map(|r| {
                let args = [
                    ("year", &r.year.to_string()[..]),
                    ("old", &r.old_code),
                    ("new", &r.new_code),
                    ("addresses", &w.count(r.addresses)),
                ];
                w.f("remap-item", &args)
            })
            .collect();
        w.f("remaps", &[("list", &items.join("; "))])
    };
    let args = [
        ("file", &code(&m.file)[..]),
        ("mergers", &w.count(m.mergers)),
        ("sha", &code(&m.sha256)),
        ("remapped", &escape(&remapped)),
    ];
    let _ = writeln!(o, "<p>{}</p>", w.f("mergers-text", &args));
    table(o, w, &["col-vintage", "col-file", "#col-rows-in", "#col-used", "#col-rejected", "col-sha256"]);
    for v in &f.inputs {
        for (file, c) in &v.provenance.rows {
            let sha = v.provenance.inputs.iter().find(|i| &i.path == file).map_or("", |i| i.sha256.as_str());
            let year = v.year.to_string();
            row(
                o,
                &[
                    text(&year),
                    (code(file), false),
                    num(w.count(c.rows_in)),
                    num(w.count(c.used)),
                    num(w.count(c.rejected_total())),
                    (code(sha), false),
                ],
            );
        }
        for warning in &v.provenance.warnings {
            let text = escape(&w.f("warning-row", &[("text", warning)]));
            let _ = writeln!(o, "<tr><td>{}</td><td colspan=\"5\">{text}</td></tr>", v.year);
        }
    }
    o.push_str("</table>\n");
}
