//! `report.md`: the report as Markdown in the report's language, charts linked as PNG files.

use std::fmt::Write as _;

use super::figures::Figures;
use crate::report::charts::Chart;
use crate::report::words::Words;

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// A table header: message ids, a leading `#` marking a right-aligned number column.
fn header(o: &mut String, w: &Words, cols: &[&str]) {
    let names: Vec<String> = cols.iter().map(|c| cell(&w.t(c.trim_start_matches('#')))).collect();
    let rule: Vec<&str> = cols.iter().map(|c| if c.starts_with('#') { "--:" } else { "---" }).collect();
    let _ = writeln!(o, "| {} |\n|{}|", names.join(" | "), rule.join("|"));
}

fn row(o: &mut String, cells: &[String]) {
    let cells: Vec<String> = cells.iter().map(|c| cell(c)).collect();
    let _ = writeln!(o, "| {} |", cells.join(" | "));
}

/// The bytes of `report.md`.
#[must_use]
pub fn markdown(f: &Figures, charts: &[Chart], w: &Words) -> Vec<u8> {
    let mut o = String::new();
    let _ = writeln!(o, "# {}\n", f.title);
    let years: Vec<String> = f.years.iter().map(ToString::to_string).collect();
    let meta = [
        ("years", &years.join(", ")[..]),
        ("unit", &w.unit(&f.unit, false)),
        ("date", &w.date(&f.run_date)),
        ("version", env!("CARGO_PKG_VERSION")),
    ];
    let _ = writeln!(o, "{}\n", w.f("meta", &meta));
    headline(&mut o, f, w);
    for c in charts {
        let _ = writeln!(o, "![{}](charts/{}.png)\n", cell(&c.title), c.name);
    }
    progress(&mut o, f, w);
    parts(&mut o, f, w);
    if let Some(m) = &f.mobile {
        let _ = writeln!(o, "\n## {}\n", w.f("h-mobile", &[("date", &w.date(&m.date))]));
        operators(&mut o, m, w);
    }
    if let Some(p) = &f.predicted {
        let _ =
            writeln!(o, "\n## {}\n\n{}\n", w.f("h-predicted", &[("date", &w.date(&p.date))]), w.t("predicted-text"));
        operators(&mut o, p, w);
    }
    if let Some(c) = &f.classes {
        let args = [("title", &c.title[..]), ("source", &c.source[..]), ("file", "`classes.csv`")];
        let _ = writeln!(
            o,
            "\n## {}\n\n{}\n",
            w.f("h-classes", &[("year", &c.year.to_string())]),
            w.f("classes-text", &args)
        );
        let names: Vec<String> =
            [w.t("col-area"), w.t("col-addresses")].into_iter().chain(c.columns.iter().cloned()).collect();
        let rule: Vec<&str> = names.iter().enumerate().map(|(k, _)| if k == 0 { "---" } else { "--:" }).collect();
        let names: Vec<String> = names.iter().map(|n| cell(n)).collect();
        let _ = writeln!(o, "| {} |\n|{}|", names.join(" | "), rule.join("|"));
        for r in &c.rows {
            let cells: Vec<String> = [r.name.clone(), w.count(r.addresses)]
                .into_iter()
                .chain(r.counts.iter().map(|n| w.count(*n)))
                .collect();
            row(&mut o, &cells);
        }
    }
    if let Some(g) = &f.gaps {
        let files = "`gaps.geojson`, `gaps.csv`, `gaps_postcode4.csv`";
        let args = [("addresses", &w.count(g.addresses)[..]), ("threshold", &f.threshold), ("files", files)];
        let _ = writeln!(o, "\n## {}\n\n{}", w.t("h-gaps"), w.f("gaps-text-short", &args));
    }
    let _ = writeln!(o, "\n## {}\n", w.t("h-actieplan"));
    header(&mut o, w, &["col-thema", "col-actie", "col-measured", "col-status"]);
    for a in &f.actieplan {
        row(&mut o, &[a.thema.clone(), a.actie.clone(), a.measured.clone(), a.status.clone()]);
    }
    let m = &f.mapping;
    let args = [
        ("file", &format!("`{}`", m.file)[..]),
        ("sha", &format!("`{}`", m.sha256)),
        ("codes", &w.count(m.remapped.len() as u64)),
        ("list", "`remapped.csv`"),
        ("json", "`figures.json`"),
    ];
    let _ = writeln!(o, "\n## {}\n\n{}", w.t("h-method-short"), w.f("mergers-short", &args));
    if let Some(method) = super::html::method_text(f, w) {
        let _ = writeln!(o, "\n{method}");
    }
    o.into_bytes()
}

fn headline(o: &mut String, f: &Figures, w: &Words) {
    if let Some(s) = f.series.last() {
        let args = [
            ("share", &format!("**{}**", w.pct(s.share_pct))[..]),
            ("unit", &w.unit(&f.unit, false)),
            ("scope", &f.scope_name),
            ("threshold", &f.threshold),
            ("year", &s.year.to_string()),
            ("covered", &w.amount(s.covered)),
            ("universe", &w.amount(s.universe)),
            ("short", &w.amount(s.short)),
        ];
        let _ = writeln!(o, "{}\n", w.f("headline", &args));
    }
    if let Some(t) = &f.target {
        let verdict = match t.met {
            Some(true) => w.t("target-met"),
            Some(false) => w.f("target-missed", &[("pp", &w.num(t.short_pp, 2))]),
            None => w.t("target-no-data"),
        };
        let args = [
            ("pct", &w.short(t.share_pct)[..]),
            ("deadline", &w.date(&t.deadline)),
            ("verdict", &format!("**{verdict}**")),
        ];
        let _ = writeln!(o, "{}\n", w.f("target-line-short", &args));
    }
}

fn progress(o: &mut String, f: &Figures, w: &Words) {
    let _ = writeln!(o, "## {}\n", w.t("h-progress"));
    header(o, w, &["col-year", "#col-addresses", "#col-covered", "#col-without", "#col-share"]);
    for s in &f.series {
        let cells =
            [s.year.to_string(), w.count(s.addresses), w.amount(s.covered), w.amount(s.short), w.pct(s.share_pct)];
        row(o, &cells);
    }
    if f.references.is_empty() {
        return;
    }
    o.push('\n');
    header(o, w, &["col-year", "col-kind", "#col-published", "#col-this-report", "#col-difference"]);
    for r in &f.references {
        let cells =
            [r.year.to_string(), w.kind(&r.kind), w.pct(Some(r.share_pct)), w.pct(r.ours_pct), w.pp(r.difference_pp)];
        row(o, &cells);
    }
}

fn parts(o: &mut String, f: &Figures, w: &Words) {
    let _ = writeln!(o, "\n## {}\n", w.f("h-parts", &[("level", &f.parts_level), ("year", &f.latest.to_string())]));
    header(o, w, &["col-area", "#col-addresses", "#col-without", "#col-share"]);
    for p in &f.parts {
        let cells = [format!("{} ({})", p.name, p.code), w.count(p.addresses), w.amount(p.short), w.pct(p.share_pct)];
        row(o, &cells);
    }
}

/// The table of gemeenten compliant per operator.
fn operators(o: &mut String, m: &super::figures::MobileFigures, w: &Words) {
    header(o, w, &["col-operator", "#col-gemeenten", "#col-compliant", "#col-not-compliant", "#col-ontheffing"]);
    for p in &m.operators {
        let counts = [p.gemeenten, p.compliant, p.not_compliant, p.under_ontheffing].map(|n| w.count(n));
        row(o, &[&[p.operator.clone()][..], &counts].concat());
    }
}
