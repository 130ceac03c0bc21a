//! The compact text shown on stdout: the headline per judged threshold and a small table.

use std::fmt::Write;

use crate::model::fixed::FixedReport;
use crate::report::format;

/// The headline lines: share at the total level against each target, addresses short, and how
/// many finest-level areas meet it.
#[must_use]
pub fn headline(report: &FixedReport) -> String {
    let c = &report.coverage;
    let unit = c.unit.name();
    let mut s = String::new();
    for sum in &report.summaries {
        let t = &c.thresholds[sum.threshold];
        let verdict = match sum.total_meets {
            Some(true) => "met",
            Some(false) => "not met",
            None => "no data",
        };
        let finest = format::plural(&sum.finest);
        let _ = writeln!(
            s,
            "{share} of {unit} have >= {down} Mbps down{up}: target {pct} % by {deadline} ({id}) {verdict}; \
             {short} {unit} short; {m} of {n} {finest} meet the target",
            share = format::pct(sum.total_share),
            down = t.down_mbps,
            up = if t.up_mbps > 0.0 { format!(" / {} up", t.up_mbps) } else { String::new() },
            pct = sum.target.share_pct,
            deadline = sum.target.deadline,
            id = sum.target.id,
            short = format::micro_rounded(sum.total_short_micro),
            m = sum.areas_meeting,
            n = sum.areas_with_data,
        );
    }
    s
}

/// A table of the coarser levels (everything but the finest) with one column per threshold.
#[must_use]
pub fn table(report: &FixedReport) -> String {
    let c = &report.coverage;
    let finest = c.rows.first().map_or("", |r| r.level);
    let mut s = String::new();
    let _ = write!(s, "{:<10} {:<8} {:<24} {:>12}", "level", "code", "name", c.unit.name());
    for t in &c.thresholds {
        let _ = write!(s, " {:>12}", format!(">={t}"));
    }
    s.push('\n');
    let n = c.thresholds.len();
    let cell = |level: &str| crate::model::cells::CellScheme::is_cell_level(level);
    for chunk in c.rows.chunks(n).filter(|ch| ch[0].level != finest && !cell(ch[0].level)) {
        let r = &chunk[0];
        let name: String = r.area_name.chars().take(24).collect();
        let _ = write!(
            s,
            "{:<10} {:<8} {:<24} {:>12}",
            r.level,
            r.area_code,
            name,
            format::micro_rounded(r.universe_micro)
        );
        for row in chunk {
            let _ = write!(s, " {:>12}", format::pct(row.share()));
        }
        s.push('\n');
    }
    for (scheme, _) in &report.cells {
        let rows = c.rows.iter().filter(|r| r.level == scheme.level() && r.threshold == 0);
        let (cells, hidden) = rows.fold((0, 0), |(n, h), r| (n + 1, h + u64::from(r.suppressed)));
        let _ = writeln!(s, "{}: {cells} cells in coverage.csv ({hidden} suppressed)", scheme.level());
    }
    s
}
