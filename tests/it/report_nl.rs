//! The report in Dutch, the default: every text of the page, the charts, the Markdown and the
//! CSV tables is Dutch, numbers and dates are written the Dutch way, no English word is left,
//! and the figures are those of the English report.

use std::collections::BTreeSet;
use std::path::Path;

use crate::report::{default_args, json, mobile_results, run, screenshot, vintages};
use crate::util::Workdir;

/// Words both languages use: names (RD New, `dekking mobile`), loanwords and units.
#[rustfmt::skip]
const SHARED: [&str; 28] = [
    "actie", "code", "codes", "csv", "dekking", "gemeente", "gemeenten", "km²", "mbps", "met", "mhz", "mobile", "model",
    "new", "ontheffing", "operators", "opgave", "pct", "per", "postcode", "predict", "provincie", "qgis", "record",
    "records", "sha", "thema", "wie",
];

/// The words of the English messages but for [`SHARED`] (`the`, `with`, `share`, …): any of them
/// on a Dutch page is English left behind. Taken from `en.ftl` alone, so that English put into
/// `nl.ftl` is caught.
fn english_words() -> BTreeSet<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/report/words/en.ftl");
    let text = std::fs::read_to_string(path).unwrap();
    let values = text.lines().filter(|l| !l.starts_with('#')).filter_map(|l| l.split_once(" = ").map(|p| p.1));
    // Placeholders ({ $unit }) are not words of the language.
    let prose = values.map(|v| v.split('{').map(|p| p.rsplit('}').next().unwrap_or("")).collect::<String>());
    let english: BTreeSet<String> =
        prose.flat_map(|v| words_of(&v)).filter(|w| !SHARED.contains(&w.as_str())).collect();
    assert!(english.len() > 100, "{} English words", english.len());
    english
}

/// The lower-cased words of three letters or more in `text`.
fn words_of(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphabetic()).filter(|w| w.chars().count() >= 3).map(str::to_lowercase).collect()
}

/// The text a reader sees on an HTML page or in an SVG: no style, no markup, no file names
/// (`<code>`, links), entities decoded.
fn visible(page: &str) -> String {
    let mut text = page.to_string();
    for (open, close) in [("<style", "</style>"), ("<code>", "</code>"), ("<a ", "</a>")] {
        while let Some(i) = text.find(open) {
            let j = text[i..].find(close).map_or(text.len(), |j| i + j + close.len());
            text.replace_range(i..j, " ");
        }
    }
    let mut out = String::new();
    let mut in_tag = false;
    for c in text.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&amp;", "&")
}

fn english_in(text: &str, english: &BTreeSet<String>) -> Vec<String> {
    let mut found: Vec<String> = words_of(text).into_iter().filter(|w| english.contains(w)).collect();
    found.dedup();
    found
}

/// The national report with mobile results and the Utrecht report with its gap list, both in
/// the default language: no English word on any page, chart or Markdown file.
#[test]
fn dutch_report_has_no_english_left() {
    let wd = Workdir::new();
    vintages(&wd);
    mobile_results(&wd);
    run(&wd, &default_args(&["-o", "nl", "--mobile", "mob"]));
    run(&wd, &default_args(&["-o", "ut", "--provincie", "utrecht"]));
    let english = english_words();
    for sample in ["the", "with", "share", "without", "compliant", "progress", "target"] {
        assert!(english.contains(sample), "{sample}");
    }
    for dir in ["nl", "ut"] {
        let html = wd.read(&format!("{dir}/report.html"));
        assert!(html.contains("<html lang=\"nl\">"));
        assert!(!html.contains('⟦'), "a message is missing");
        assert_eq!(english_in(&visible(&html), &english), Vec::<String>::new(), "{dir}/report.html");
        let md = wd.read(&format!("{dir}/report.md"));
        // File names and image paths are not prose.
        let mut prose: String = md.split('`').step_by(2).collect();
        while let Some(i) = prose.find("](") {
            let j = prose[i..].find(')').map_or(prose.len(), |j| i + j + 1);
            prose.replace_range(i..j, " ");
        }
        assert_eq!(english_in(&prose, &english), Vec::<String>::new(), "{dir}/report.md");
        let charts = std::fs::read_dir(wd.path(&format!("{dir}/charts"))).unwrap();
        let svgs: Vec<_> = charts.map(|e| e.unwrap().path()).filter(|p| p.extension().unwrap() == "svg").collect();
        assert!(svgs.len() >= 3, "{svgs:?}");
        for svg in svgs {
            let text = visible(&std::fs::read_to_string(&svg).unwrap());
            assert_eq!(english_in(&text, &english), Vec::<String>::new(), "{}", svg.display());
        }
    }
    let ut = wd.read("ut/report.html");
    assert!(ut.contains("<h2>Adressen zonder aansluiting</h2>") && ut.contains("gaps.geojson"));
    let nl = wd.read("nl/report.html");
    for heading in
        ["Voortgang per jaar", "Mobiel: dekkingsverplichting 700 MHz op 23 november 2026", "Methode en bronnen"]
    {
        assert!(nl.contains(&format!("<h2>{heading}</h2>")), "{heading}");
    }
}

/// Dutch numbers (99,70 %; 8.270) and dates (23 november 2026) on the page and in the tables,
/// which are written for Excel with Dutch column names; figures.json holds the same numbers as
/// the English report's.
#[test]
fn dutch_report_writes_numbers_and_dates_the_dutch_way() {
    let wd = Workdir::new();
    vintages(&wd);
    run(&wd, &default_args(&["-o", "nl"]));
    let mut en = default_args(&["-o", "en"]);
    en.extend(["--lang".to_string(), "en".to_string()]);
    run(&wd, &en);
    let (f, f_en) = (json(&wd, "nl/figures.json"), json(&wd, "en/figures.json"));
    for key in ["series", "gemeenten", "parts"] {
        assert_eq!(f[key], f_en[key], "{key}");
    }
    // The published figures are the same; only their source is cited in the report's language.
    let numbers = |f: &serde_json::Value| -> Vec<Vec<serde_json::Value>> {
        let refs = f["references"].as_array().unwrap();
        refs.iter()
            .map(|r| ["id", "year", "share_pct", "ours_pct", "difference_pp"].map(|k| r[k].clone()).to_vec())
            .collect()
    };
    assert_eq!(numbers(&f), numbers(&f_en));
    assert_eq!(numbers(&f).len(), 3);
    assert_eq!((f["lang"].as_str(), f_en["lang"].as_str()), (Some("nl"), Some("en")));
    let now = &f["series"][1];
    let share = now["share_pct"].as_f64().unwrap();
    let universe = now["universe"].as_f64().unwrap() as u64;
    assert!(universe >= 1_000, "the fixture has thousands of addresses: {universe}");
    let grouped = format!("{}.{:03}", universe / 1000, universe % 1000);
    let html = wd.read("nl/report.html");
    let headline = format!("<strong id=\"headline-share\">{}</strong>", format!("{share:.2} %").replace('.', ","));
    assert!(html.contains(&headline), "{headline}");
    assert!(html.contains(&format!("{grouped} adressen")), "{grouped}");
    assert!(html.contains("rundatum 23 november 2026"));
    assert!(html.contains("uiterlijk 31 december 2023"));
    let html_en = wd.read("en/report.html");
    assert!(html_en.contains(&format!("{share:.2} %")) && html_en.contains("run date 2026-11-23"));

    let bytes = std::fs::read(wd.path("nl/series.csv")).unwrap();
    let text = std::str::from_utf8(&bytes).unwrap().strip_prefix('\u{feff}').expect("a byte-order mark for Excel");
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("gebiedscode;gebiedsnaam;jaar;adressen;universum;gedekt;tekort;aandeel_pct"));
    let last: Vec<&str> = lines.last().unwrap().split(';').collect();
    assert_eq!(last[2], "2023");
    assert_eq!(last[7], share.to_string().replace('.', ","));
    let md = wd.read("nl/report.md");
    assert!(md.starts_with("# Connectiviteitsrapport 2023 — Nederland\n"));
    assert!(md.contains(&format!("**{}**", format!("{share:.2} %").replace('.', ","))));
}

/// The Dutch report in headless Chromium: the page shows text and charts.
#[test]
fn dutch_report_in_headless_chromium() {
    let wd = Workdir::new();
    vintages(&wd);
    mobile_results(&wd);
    run(&wd, &default_args(&["-o", "nl", "--mobile", "mob"]));
    let Some((size, dark, blue)) = screenshot(&wd, &wd.path("nl/report.html"), "report-screenshot-nl") else {
        return;
    };
    assert_eq!(size, (1200, 2400));
    assert!(dark > 0.005, "text: {dark} of the pixels dark");
    assert!(blue > 0.01, "charts: {blue} of the pixels blue");
}
