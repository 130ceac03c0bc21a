//! `report.md`: the report as Markdown, charts linked as PNG files.

use std::fmt::Write as _;

use super::figures::Figures;
use super::html::{count, pct, pp};
use crate::report::charts::Chart;
use crate::report::format::thousands;

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// The bytes of `report.md`.
#[must_use]
pub fn markdown(f: &Figures, charts: &[Chart]) -> Vec<u8> {
    let mut o = String::new();
    let _ = writeln!(o, "# {}\n", f.title);
    let years: Vec<String> = f.years.iter().map(ToString::to_string).collect();
    let _ = writeln!(
        o,
        "Vintages {} · unit: {} · run date {} · dekking {}\n",
        years.join(", "),
        f.unit,
        f.run_date,
        env!("CARGO_PKG_VERSION")
    );
    if let Some(s) = f.series.last() {
        let _ = writeln!(
            o,
            "**{}** of {} in {} could get at least {} at the end of {}: {} of {}; {} without.\n",
            pct(s.share_pct),
            f.unit,
            f.scope_name,
            f.threshold,
            s.year,
            count(s.covered),
            count(s.universe),
            count(s.short)
        );
    }
    if let Some(t) = &f.target {
        let verdict = match t.met {
            Some(true) => "met".to_string(),
            Some(false) => format!("not met ({:.2} percentage points short)", t.short_pp),
            None => "not judged (no data)".into(),
        };
        let _ = writeln!(o, "Target {} % by {}: **{verdict}**.\n", t.share_pct, t.deadline);
    }
    for c in charts {
        let _ = writeln!(o, "![{}](charts/{}.png)\n", cell(&c.title), c.name);
    }
    o.push_str("## Progress per year\n\n| Year | Addresses | Covered | Without | Share |\n|---|--:|--:|--:|--:|\n");
    for s in &f.series {
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} | {} |",
            s.year,
            thousands(s.addresses),
            count(s.covered),
            count(s.short),
            pct(s.share_pct)
        );
    }
    if !f.references.is_empty() {
        o.push_str("\n| Year | Kind | Published | This report | Difference |\n|---|---|--:|--:|--:|\n");
        for r in &f.references {
            let _ = writeln!(
                o,
                "| {} | {} | {} | {} | {} |",
                r.year,
                r.kind,
                pct(Some(r.share_pct)),
                pct(r.ours_pct),
                pp(r.difference_pp)
            );
        }
    }
    let _ = writeln!(
        o,
        "\n## Per {} ({})\n\n| Area | Addresses | Without | Share |\n|---|--:|--:|--:|",
        f.parts_level, f.latest
    );
    for p in &f.parts {
        let _ = writeln!(
            o,
            "| {} ({}) | {} | {} | {} |",
            cell(&p.name),
            p.code,
            thousands(p.addresses),
            count(p.short),
            pct(p.share_pct)
        );
    }
    if let Some(m) = &f.mobile {
        let _ = writeln!(o, "\n## Mobile: 700 MHz obligation on {}\n\n| Operator | Gemeenten | Compliant | Not compliant | Under an ontheffing |\n|---|--:|--:|--:|--:|", m.date);
        for p in &m.operators {
            let _ = writeln!(
                o,
                "| {} | {} | {} | {} | {} |",
                p.operator, p.gemeenten, p.compliant, p.not_compliant, p.under_ontheffing
            );
        }
    }
    if let Some(g) = &f.gaps {
        let _ = writeln!(
            o,
            "\n## Gap list\n\n{} addresses without ≥ {}: `gaps.geojson`, `gaps.csv`, `gaps_postcode4.csv`.",
            thousands(g.addresses),
            f.threshold
        );
    }
    o.push_str("\n## Action plan\n\n| Thema | Actie | Measured | Status |\n|---|---|---|---|\n");
    for a in &f.actieplan {
        let _ =
            writeln!(o, "| {} | {} | {} | {} |", cell(&a.thema), cell(&a.actie), cell(&a.measured), cell(&a.status));
    }
    let _ = writeln!(o, "\n## Method\n\nGemeenten on the current map; merger table `{}` (SHA-256 `{}`), {} code(s) re-aggregated (see `remapped.csv`). Every number is in `figures.json` and the CSV tables.", f.mapping.file, f.mapping.sha256, f.mapping.remapped.len());
    if let Some(p) = f.inputs.last() {
        let _ = writeln!(o, "\n{}", p.provenance.method);
    }
    o.into_bytes()
}
