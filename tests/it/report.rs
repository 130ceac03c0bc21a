//! `dekking report`: every number checked against an independent recomputation from the input
//! files (codes mapped through the merger table, points located by geo's own point-in-polygon), merger re-aggregation conserving
//! addresses, the provincie gap list, the run file, byte-identical reruns and a headless-Chromium
//! screenshot (the notebook is run in `python.rs`, through the package).

use std::collections::BTreeMap;
use std::path::Path;

use crate::util::{csv_rows, skip, Workdir};

pub(crate) const RUN_DATE: &str = "2026-11-23";

/// Synthetic vintages 2021 (gemeentecodes of the 2021 map) and 2023 (coordinates only).
pub(crate) fn vintages(wd: &Workdir) {
    for year in ["2021", "2023"] {
        wd.ok(&[
            "demo",
            "generate",
            "--scale",
            "0.01",
            "--vintage",
            year,
            "-o",
            &format!("r{year}.csv"),
            "--universe",
            &format!("u{year}.csv"),
        ]);
    }
}

/// The report of the two vintages in English: the tables' column names are the ones a script
/// reading them asks for (the Dutch default is checked in `report_nl.rs`).
pub(crate) fn report_args(extra: &[&str]) -> Vec<String> {
    let mut a = default_args(extra);
    a.extend(["--lang".to_string(), "en".to_string()]);
    a
}

/// The report of the two vintages in the default language.
pub(crate) fn default_args(extra: &[&str]) -> Vec<String> {
    let mut a: Vec<String> = [
        "report",
        "--vintage",
        "2021=r2021.csv",
        "--universe",
        "2021=u2021.csv",
        "--vintage",
        "2023=r2023.csv",
        "--universe",
        "2023=u2023.csv",
        "--run-date",
        RUN_DATE,
        "-q",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    a.extend(extra.iter().map(|s| s.to_string()));
    a
}

pub(crate) fn run(wd: &Workdir, args: &[String]) -> std::process::Output {
    let a: Vec<&str> = args.iter().map(String::as_str).collect();
    wd.ok(&a)
}

pub(crate) fn json(wd: &Workdir, path: &str) -> serde_json::Value {
    serde_json::from_str(&wd.read(path)).unwrap()
}

/// `;`-separated file as rows of maps.
fn semicolon_rows(text: &str) -> Vec<BTreeMap<String, String>> {
    let mut rd = csv::ReaderBuilder::new().delimiter(b';').from_reader(text.as_bytes());
    let header: Vec<String> = rd.headers().unwrap().iter().map(str::to_string).collect();
    rd.records().map(|r| header.iter().cloned().zip(r.unwrap().iter().map(str::to_string)).collect()).collect()
}

/// The merger table read independently: old code → current code (chains followed).
fn mergers() -> BTreeMap<String, String> {
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds/gemeente_mergers.csv")).unwrap();
    let direct: BTreeMap<String, String> =
        csv_rows(&text).into_iter().map(|r| (r["old_code"].clone(), r["new_code"].clone())).collect();
    direct
        .keys()
        .map(|old| {
            let mut c = old.clone();
            while let Some(n) = direct.get(&c) {
                c = n.clone();
            }
            (old.clone(), c)
        })
        .collect()
}

/// Addresses with a record of at least `mbps` down, from a records file.
fn covered_ids(wd: &Workdir, records: &str, mbps: f64) -> std::collections::BTreeSet<String> {
    semicolon_rows(&wd.read(records))
        .into_iter()
        .filter(|r| r["download_mbps"].parse::<f64>().unwrap() >= mbps)
        .map(|r| r["adres_id"].clone())
        .collect()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(1.0)
}

/// The gemeente of each RD New point, found independently of dekking's own point-in-polygon:
/// geo's `Contains` on the gemeente polygons of `boundaries` (the map dekking uses, written out by
/// `dekking demo generate --boundaries`), a bounding box first; where the simplified polygons
/// overlap, the lowest code (DESIGN.md's rule); `None` outside every gemeente.
fn gemeenten_of(points: &[(f64, f64)], boundaries: &Path) -> Vec<Option<String>> {
    use geo::{BoundingRect, Contains};
    let fc: geojson::FeatureCollection = std::fs::read_to_string(boundaries).unwrap().parse().unwrap();
    let mut shapes: Vec<(String, geo::MultiPolygon<f64>, geo::Rect<f64>)> = fc
        .features
        .into_iter()
        .map(|f| {
            let code = f.property("gemeentecode").and_then(|c| c.as_str()).unwrap().to_string();
            let shape: geo::MultiPolygon<f64> = f.geometry.unwrap().try_into().unwrap();
            let bbox = shape.bounding_rect().unwrap();
            (code, shape, bbox)
        })
        .collect();
    shapes.sort_by(|a, b| a.0.cmp(&b.0));
    points
        .iter()
        .map(|&(x, y)| {
            let p = geo::Point::new(x, y);
            shapes.iter().find(|(_, shape, b)| b.contains(&p) && shape.contains(&p)).map(|(code, ..)| code.clone())
        })
        .collect()
}

/// Gemeentecode → provincie code, from the CBS table built into dekking (data/).
fn provincies() -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("data/gemeenten_provincie_2023.csv"))
        .unwrap();
    csv_rows(&text).into_iter().map(|r| (r["GemeentecodeGM"].clone(), r["ProvinciecodePV"].clone())).collect()
}

#[test]
fn every_number_matches_an_independent_recomputation() {
    let wd = Workdir::new();
    vintages(&wd);
    run(&wd, &report_args(&["-o", "rep"]));
    let f = json(&wd, "rep/figures.json");

    // 2021: gemeente from the code column mapped by the merger table, coverage from the records.
    let map = mergers();
    let covered = covered_ids(&wd, "r2021.csv", 100.0);
    let mut per: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    let mut old_codes: BTreeMap<String, u64> = BTreeMap::new();
    let universe = semicolon_rows(&wd.read("u2021.csv"));
    for r in &universe {
        let code = &r["gemeentecode"];
        let now = map.get(code).cloned().unwrap_or_else(|| code.clone());
        if now != *code {
            *old_codes.entry(code.clone()).or_default() += 1;
        }
        let e = per.entry(now).or_default();
        e.0 += 1;
        e.1 += u64::from(covered.contains(&r["adres_id"]));
    }
    assert!(!old_codes.is_empty(), "the 2021 vintage should carry codes of the 2021 map");
    let s2021 = &f["series"][0];
    assert_eq!(s2021["year"], 2021);
    let (n, c): (u64, u64) = per.values().fold((0, 0), |(n, c), v| (n + v.0, c + v.1));
    assert_eq!(s2021["addresses"].as_u64().unwrap(), n, "every 2021 address counted once on the 2023 map");
    assert_eq!(n, universe.len() as u64);
    assert!(close(s2021["share_pct"].as_f64().unwrap(), c as f64 / n as f64 * 100.0));
    for g in f["gemeenten"].as_array().unwrap() {
        let (n, c) = per[g["code"].as_str().unwrap()];
        assert!(close(g["previous_share_pct"].as_f64().unwrap(), c as f64 / n as f64 * 100.0), "{}", g["code"]);
        assert!(close(
            g["change_pp"].as_f64().unwrap(),
            g["share_pct"].as_f64().unwrap() - g["previous_share_pct"].as_f64().unwrap()
        ));
    }
    // The re-aggregated codes, with their address counts.
    let remapped = csv_rows(&wd.read("rep/remapped.csv"));
    let listed: BTreeMap<String, u64> = remapped
        .iter()
        .filter(|r| r["year"] == "2021")
        .map(|r| (r["old_code"].clone(), r["addresses"].parse().unwrap()))
        .collect();
    assert_eq!(listed, old_codes);

    // 2023 (coordinates only): each address's gemeente by an independent point-in-polygon on
    // the boundaries dekking uses, provincies from the CBS table, coverage from the records.
    wd.ok(&["demo", "generate", "--scale", "0.0001", "-o", "unused.csv", "--boundaries", "gemeenten_rd.geojson"]);
    let universe = semicolon_rows(&wd.read("u2023.csv"));
    let points: Vec<(f64, f64)> = universe.iter().map(|r| (r["x"].parse().unwrap(), r["y"].parse().unwrap())).collect();
    let located = gemeenten_of(&points, &wd.path("gemeenten_rd.geojson"));
    let covered = covered_ids(&wd, "r2023.csv", 100.0);
    let provincie = provincies();
    let mut per: BTreeMap<(&str, String), (u64, u64)> = BTreeMap::new();
    for (r, g) in universe.iter().zip(&located) {
        let Some(g) = g else { continue };
        let c = u64::from(covered.contains(&r["adres_id"]));
        for key in [("gemeente", g.clone()), ("provincie", provincie[g].clone()), ("nl", "NL".to_string())] {
            let e = per.entry(key).or_default();
            (e.0, e.1) = (e.0 + 1, e.1 + c);
        }
    }
    let check = |level: &str, a: &serde_json::Value| {
        let (n, c) = per.get(&(level, a["code"].as_str().unwrap().to_string())).copied().unwrap_or_default();
        assert_eq!(
            (a["addresses"].as_u64().unwrap(), a["covered"].as_f64().unwrap()),
            (n, c as f64),
            "{level} {}",
            a["code"]
        );
        assert!(close(a["share_pct"].as_f64().unwrap(), c as f64 / n as f64 * 100.0), "{level} {}", a["code"]);
    };
    check("nl", &f["series"][1]);
    f["parts"].as_array().unwrap().iter().for_each(|p| check("provincie", p));
    f["gemeenten"].as_array().unwrap().iter().for_each(|g| check("gemeente", g));
    assert_eq!(f["gemeenten"].as_array().unwrap().len(), 342);
    assert!(located.iter().filter(|g| g.is_some()).count() > universe.len() * 99 / 100, "nearly every point located");

    // The page shows the same numbers.
    let html = wd.read("rep/report.html");
    let headline = format!("{:.2} %", f["series"][1]["share_pct"].as_f64().unwrap());
    assert!(html.contains(&format!("<strong id=\"headline-share\">{headline}</strong>")), "headline {headline}");
    for p in f["parts"].as_array().unwrap() {
        assert!(html.contains(&format!("{:.2} %", p["share_pct"].as_f64().unwrap())), "{}", p["name"]);
    }
    assert!(
        !html.contains("<script") && !html.contains("src=\"http") && !html.contains("href=\"http"),
        "self-contained"
    );
    for chart in ["progress", "parts", "map", "change"] {
        for ext in ["svg", "png"] {
            assert!(wd.path(&format!("rep/charts/{chart}.{ext}")).exists(), "{chart}.{ext}");
        }
        assert!(html.contains(&format!("<figure id=\"{chart}\"><svg")), "{chart} inline");
    }
    let md = wd.read("rep/report.md");
    assert!(md.contains(&format!("**{headline}**")));
    // The CSV tables carry the same figures.
    let series = csv_rows(&wd.read("rep/series.csv"));
    assert_eq!(series[1]["share_pct"].parse::<f64>().unwrap(), f["series"][1]["share_pct"].as_f64().unwrap());
}

#[test]
fn reports_are_byte_identical_across_runs_and_thread_counts() {
    let wd = Workdir::new();
    vintages(&wd);
    for (dir, threads) in [("a", "1"), ("b", "2")] {
        let mut args = report_args(&["-o", dir, "--provincie", "PV26"]);
        args.push("--csv-excel".into());
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = wd.command(&a).env("RAYON_NUM_THREADS", threads).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    let mut files = Vec::new();
    for e in walk(&wd.path("a")) {
        let rel = e.strip_prefix(wd.path("a")).unwrap().to_path_buf();
        let (x, y) = (std::fs::read(&e).unwrap(), std::fs::read(wd.path("b").join(&rel)).unwrap());
        assert!(x == y, "{} differs between runs", rel.display());
        files.push(rel);
    }
    assert!(files.len() >= 20, "{files:?}");
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out.sort();
    out
}

#[test]
fn provincie_report_with_gap_list_for_qgis_and_excel() {
    let wd = Workdir::new();
    vintages(&wd);
    let mut args = report_args(&["-o", "ut", "--provincie", "utrecht"]);
    args.push("--csv-excel".into());
    run(&wd, &args);
    let f = json(&wd, "ut/figures.json");
    assert_eq!(f["scope_code"], "PV26");
    let table =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("data/gemeenten_provincie_2023.csv"))
            .unwrap();
    let utrecht = table.lines().filter(|l| l.contains("PV26")).count();
    let gemeenten = f["gemeenten"].as_array().unwrap();
    assert_eq!(gemeenten.len(), utrecht);
    assert!(gemeenten.iter().all(|g| g["provincie_code"] == "PV26"));
    let short: f64 = gemeenten.iter().map(|g| g["short"].as_f64().unwrap()).sum();
    assert_eq!(f["series"][1]["short"].as_f64().unwrap(), short);

    // gaps.csv: Excel style, one row per address short, none of them covered in the records.
    let bytes = std::fs::read(wd.path("ut/gaps.csv")).unwrap();
    assert!(bytes.starts_with("\u{feff}address_id;postcode;".as_bytes()));
    let gaps = semicolon_rows(std::str::from_utf8(&bytes[3..]).unwrap());
    assert_eq!(gaps.len() as f64, short);
    assert_eq!(f["gaps"]["addresses"].as_u64().unwrap(), gaps.len() as u64);
    let covered = covered_ids(&wd, "r2023.csv", 100.0);
    assert!(gaps.iter().all(|g| !covered.contains(&g["address_id"])));
    assert!(gaps.iter().all(|g| g["lon"].contains(',') && g["postcode"].len() == 7));
    // GeoJSON points inside the provincie's bounding box.
    let geo = json(&wd, "ut/gaps.geojson");
    let features = geo["features"].as_array().unwrap();
    assert_eq!(features.len(), gaps.len());
    for ft in features {
        let c = &ft["geometry"]["coordinates"];
        let (lon, lat) = (c[0].as_f64().unwrap(), c[1].as_f64().unwrap());
        assert!((4.7..5.7).contains(&lon) && (51.8..52.35).contains(&lat), "{lon} {lat}");
    }
    // Per postcode-4: sums to the list.
    let pc4 = std::fs::read_to_string(wd.path("ut/gaps_postcode4.csv")).unwrap();
    let total: u64 =
        semicolon_rows(pc4.trim_start_matches('\u{feff}')).iter().map(|r| r["addresses"].parse::<u64>().unwrap()).sum();
    assert_eq!(total, gaps.len() as u64);
    // The map shows only the provincie's gemeenten.
    let svg = wd.read("ut/charts/map.svg");
    assert!(svg.matches("<polygon").count() >= utrecht && svg.matches("<polygon").count() < 100);
}

#[test]
fn run_file_gives_the_same_report_as_the_options() {
    let wd = Workdir::new();
    vintages(&wd);
    run(&wd, &report_args(&["-o", "cli"]));
    wd.write(
        "run.toml",
        format!(
            "out = \"fromfile\"\nlang = \"en\"\nrun_date = \"{RUN_DATE}\"\n\n[[vintage]]\nyear = 2023\nrecords = \"r2023.csv\"\nuniverse = \"u2023.csv\"\n\n[[vintage]]\nyear = 2021\nrecords = \"r2021.csv\"\nuniverse = \"u2021.csv\"\n"
        ),
    );
    wd.ok(&["report", "--run", "run.toml", "-q"]);
    assert_eq!(wd.read("cli/figures.json"), wd.read("fromfile/figures.json"));
    assert_eq!(wd.read("cli/report.html"), wd.read("fromfile/report.html"));
}

/// The gap list and the gemeenten of a provincie report as GeoPackage and GeoParquet, read back by
/// GeoPandas: every row of gaps.csv as a WGS84 point, every gemeente as RD New polygons.
#[test]
fn report_layers_open_in_geopandas() {
    let Some(py) = crate::util::python_with("geopandas, pyogrio, pyarrow", "the report's GeoPackage and GeoParquet")
    else {
        return;
    };
    let wd = Workdir::new();
    vintages(&wd);
    run(&wd, &report_args(&["-o", "ut", "--provincie", "utrecht"]));
    let gaps = csv_rows(&wd.read("ut/gaps.csv")).len();
    let gemeenten = json(&wd, "ut/figures.json")["gemeenten"].as_array().unwrap().len();
    let files = ["gaps.gpkg", "gaps_geo.parquet", "gemeenten.gpkg", "gemeenten_geo.parquet"];
    let stdout = crate::util::read_geo_outputs(&py, &files.map(|f| wd.path(&format!("ut/{f}"))));
    let lines: Vec<Vec<&str>> = stdout.iter().map(|l| l.split(' ').collect()).collect();
    let gap_columns = "address_id,postcode,gemeente_code,gemeente_name,source_row";
    for (line, file) in lines.iter().zip(files) {
        let (n, crs, columns) = if file.starts_with("gaps") {
            // GeoParquet writes longitude/latitude as its default, OGC:CRS84.
            (gaps, if file.ends_with(".gpkg") { "EPSG:4326" } else { "OGC:CRS84" }, gap_columns)
        } else {
            (gemeenten, "EPSG:28992", "area_code,area_name,provincie_code,provincie_name,year,addresses,universe,covered,short,share_pct,previous_share_pct,change_pp")
        };
        assert_eq!(&line[..5], [file, &n.to_string(), &n.to_string(), crs, columns], "{stdout:?}");
    }
    assert!(gaps > 10 && gemeenten == 26, "{gaps} gaps, {gemeenten} gemeenten");
}

/// Hand-made `mob/mobile.csv`: two operators, three gemeenten, one ontheffing.
pub(crate) fn mobile_results(wd: &Workdir) {
    let header = "operator,area_code,area_name,date,required_mbps,required_pct,ontheffing,area_km2,excluded_km2,eligible_km2,covered_km2,nodata_km2,share,compliant,shortfall_km2,shortfall_pp\n";
    let rows = [
        "KPN,GM0014,Groningen,2026-11-23,10,98,,100,0,100,99,0,0.990000,yes,0,0",
        "KPN,GM0034,Almere,2026-11-23,10,98,,100,0,100,95,0,0.950000,no,3,3",
        "KPN,GM0363,Amsterdam,2026-11-23,10,98,,100,0,100,97.5,0,0.975000,no,0.5,0.5",
        "Odido,GM0014,Groningen,2026-11-23,10,98,,100,0,100,100,0,1.000000,yes,0,0",
        "Odido,GM0034,Almere,2026-11-23,10,90,90% until 2027-01-01 (test),100,0,100,91,0,0.910000,yes,0,0",
        "Odido,GM0363,Amsterdam,2026-11-23,10,98,,100,0,100,90,0,0.900000,no,8,8",
    ];
    std::fs::create_dir_all(wd.path("mob")).unwrap();
    wd.write("mob/mobile.csv", format!("{header}{}\n", rows.join("\n")));
}

#[test]
fn mobile_results_hand_computed() {
    let wd = Workdir::new();
    vintages(&wd);
    mobile_results(&wd);
    run(&wd, &report_args(&["-o", "rep", "--mobile", "mob"]));
    let f = json(&wd, "rep/figures.json");
    let m = &f["mobile"];
    assert_eq!(m["operators"][0]["operator"], "KPN");
    assert_eq!(
        (m["operators"][0]["compliant"].as_u64(), m["operators"][0]["not_compliant"].as_u64()),
        (Some(1), Some(2))
    );
    assert_eq!(
        (m["operators"][1]["compliant"].as_u64(), m["operators"][1]["under_ontheffing"].as_u64()),
        (Some(2), Some(1))
    );
    let order: Vec<(&str, f64)> = m["shortfalls"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["code"].as_str().unwrap(), s["shortfall_pp"].as_f64().unwrap()))
        .collect();
    assert_eq!(order, [("GM0363", 8.0), ("GM0034", 3.0), ("GM0363", 0.5)]);
    for chart in ["mobile_kpn", "mobile_odido", "mobile_shortfall"] {
        assert!(wd.path(&format!("rep/charts/{chart}.png")).exists(), "{chart}");
    }
    let action = f["actieplan"].as_array().unwrap().iter().find(|a| a["metric"] == "mobile_700mhz_compliance").unwrap();
    assert_eq!(action["status"], "3 operator × gemeente combination(s) short");
    let bad = wd.write("bad.csv", "operator,area_code\nKPN,GM0014\n");
    let out = wd.run(&["report", "--vintage", "2023=r2023.csv", "--mobile", bad.to_str().unwrap(), "-o", "x"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(err.contains("bad.csv") && err.contains("missing column `area_name`"), "{err}");
}

#[test]
fn report_arguments_are_checked() {
    let wd = Workdir::new();
    vintages(&wd);
    for (args, expect) in [
        (vec!["report", "--vintage", "2023"], "expected YEAR=FILE"),
        (vec!["report", "--vintage", "twenty=r2023.csv"], "not a year"),
        (vec!["report", "--vintage", "2023=r2023.csv", "--vintage", "2023=r2021.csv"], "each year once"),
        (vec!["report", "--vintage", "2023=r2023.csv", "--provincie", "Atlantis"], "PV26 Utrecht"),
        (vec!["report", "--vintage", "2023=r2023.csv", "--universe", "2022=u2021.csv"], "no --vintage has that year"),
        (vec!["report", "--vintage", "2023=missing.csv"], "missing.csv"),
        (vec!["report"], "at least one vintage"),
        (vec!["report", "--vintage", "2023=r2023.csv", "--lang", "de"], "expected nl or en"),
    ] {
        let out = wd.run(&args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        let errors: Vec<&str> = err.lines().filter(|l| l.starts_with("dekking: error:")).collect();
        assert!(errors.len() == 1 && errors[0].contains(expect), "{args:?}: {err}");
    }
}

/// A screenshot of `page` in headless Chromium (1200 × 2400): its size and the share of its
/// pixels that are dark (text) and blue (the charts); `None` when Chromium is not installed.
pub(crate) fn screenshot(wd: &Workdir, page: &Path, name: &str) -> Option<((u32, u32), f64, f64)> {
    let Some(chromium) = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].into_iter().find(|p| Path::new(p).exists())
    else {
        skip("chromium not installed (apt-get install chromium; .ci/run installs it)");
        return None;
    };
    let shot = wd.path(&format!("{name}.png"));
    let out = std::process::Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--window-size=1200,2400",
        ])
        .arg(format!("--user-data-dir={}", wd.path("chromium-profile").display()))
        .arg(format!("--screenshot={}", shot.display()))
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    assert!(shot.exists(), "no screenshot: {}", String::from_utf8_lossy(&out.stderr));
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&shot).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    let px = info.color_type.samples();
    let pixels = &buf[..info.buffer_size()];
    let n = (pixels.len() / px) as f64;
    let dark = pixels.chunks(px).filter(|p| p[..3].iter().map(|&v| u32::from(v)).sum::<u32>() < 300).count();
    let blue = pixels.chunks(px).filter(|p| p[2] > 100 && p[0] < 60 && p[1] < 120).count();
    let _ = std::fs::copy(&shot, Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("{name}.png")));
    Some(((info.width, info.height), dark as f64 / n, blue as f64 / n))
}

/// The English report in headless Chromium: the page shows text and charts.
#[test]
fn headless_chromium_renders_the_report() {
    let wd = Workdir::new();
    vintages(&wd);
    run(&wd, &report_args(&["-o", "rep"]));
    let Some((size, dark, blue)) = screenshot(&wd, &wd.path("rep/report.html"), "report-screenshot-en") else {
        return;
    };
    assert_eq!(size, (1200, 2400));
    assert!(dark > 0.005, "text: {dark} of the pixels dark");
    assert!(blue > 0.01, "charts: {blue} of the pixels blue");
}

/// Households per gemeentecode from a CBS gemeenten GeoJSON (summed over its land and water parts).
fn cbs_households(path: &Path) -> BTreeMap<String, f64> {
    let doc: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut out = BTreeMap::new();
    for f in doc["features"].as_array().unwrap() {
        let p = &f["properties"];
        let code = p["gemeentecode"].as_str().unwrap().to_string();
        if code == "GM0998" {
            continue; // Buitenland: no gemeente
        }
        *out.entry(code).or_insert(0.0) += p["aantalHuishoudens"].as_f64().filter(|h| *h >= 0.0).unwrap_or(0.0);
    }
    out
}

/// Real CBS households of 2022 (on the 2022 map, 345 gemeenten) and 2023 (342) as two vintages,
/// one universe row per gemeente weighted by its households: the 2022 vintage is re-aggregated on
/// the 2023 map with every household kept, and the codes re-aggregated are exactly those that
/// disappeared between the two real maps.
#[test]
fn real_households_2022_reaggregated_on_the_2023_map() {
    let (Some(p22), Some(p23)) = (
        crate::util::shared("cbs_wijkenbuurten_gemeenten/gemeenten_2022_landwater_wgs84_simplified.geojson"),
        crate::util::shared("cbs_wijkenbuurten_gemeenten/gemeenten_2023_wgs84_simplified.geojson"),
    ) else {
        return;
    };
    let wd = Workdir::new();
    let (h22, h23) = (cbs_households(&p22), cbs_households(&p23));
    assert_eq!((h22.len(), h23.len()), (345, 342));
    // Covered: gemeenten with an even code number (an arbitrary but checkable pattern).
    let covered = |code: &str| code[2..].parse::<u32>().unwrap() % 2 == 0;
    for (year, h) in [("2022", &h22), ("2023", &h23)] {
        let mut u = String::from("adres_id;gemeentecode;huishoudens\n");
        let mut r = String::from("adres_id;gemeentecode;download_mbps\n");
        for (code, n) in h {
            u.push_str(&format!("{code};{code};{n}\n"));
            r.push_str(&format!("{code};{code};{}\n", if covered(code) { 100 } else { 20 }));
        }
        wd.write(&format!("u{year}.csv"), u);
        wd.write(&format!("r{year}.csv"), r);
    }
    wd.ok(&[
        "report",
        "--vintage",
        "2022=r2022.csv",
        "--universe",
        "2022=u2022.csv",
        "--vintage",
        "2023=r2023.csv",
        "--universe",
        "2023=u2023.csv",
        "-o",
        "rep",
        "-q",
        "--lang",
        "en",
        "--run-date",
        RUN_DATE,
    ]);
    let f = json(&wd, "rep/figures.json");
    assert_eq!(f["unit"], "households");
    let total22: f64 = h22.values().sum();
    assert_eq!(total22, 8_138_591.0, "CBS 2022 households");
    assert_eq!(f["series"][0]["universe"].as_f64().unwrap(), total22, "households conserved through the mergers");
    assert_eq!(f["series"][0]["addresses"].as_u64().unwrap(), 345);
    assert_eq!(f["series"][1]["universe"].as_f64().unwrap(), h23.values().sum::<f64>());
    // The re-aggregated codes are exactly the 2022 codes absent from the 2023 map.
    let gone: Vec<&String> = h22.keys().filter(|c| !h23.contains_key(*c)).collect();
    let remapped: Vec<String> =
        csv_rows(&wd.read("rep/remapped.csv")).into_iter().map(|r| r["old_code"].clone()).collect();
    assert_eq!(remapped.iter().collect::<Vec<_>>(), gone, "Weesp, Brielle, Hellevoetsluis and Westvoorne");
    // Each 2023 gemeente's 2022 share is the household-weighted share of what became it.
    let map = mergers();
    let mut per: BTreeMap<String, (f64, f64)> = BTreeMap::new();
    for (code, n) in &h22 {
        let e = per.entry(map.get(code).cloned().unwrap_or_else(|| code.clone())).or_default();
        e.0 += n;
        e.1 += if covered(code) { *n } else { 0.0 };
    }
    for g in f["gemeenten"].as_array().unwrap() {
        let (n, c) = per[g["code"].as_str().unwrap()];
        let expect = c / n * 100.0;
        assert!(
            close(g["previous_share_pct"].as_f64().unwrap(), expect),
            "{}: {} vs {expect}",
            g["code"],
            g["previous_share_pct"]
        );
    }
}

/// `--classify FILE` counts the latest vintage's addresses by service class: the scope's row of
/// `figures.json` equals a count made here from the records and the universe (each address in
/// the best class its download reaches; without a record, the lowest), the provincies add up to
/// it, and the section, `classes.csv` and the Markdown table are written.
#[test]
fn service_classes_of_the_latest_vintage() {
    let wd = Workdir::new();
    vintages(&wd);
    wd.write(
        "classes.toml",
        "name = \"speeds\"\ntitle = \"Speed classes\"\nsource = \"a hand-made test scheme\"\notherwise = \"below 30\"\n\n\
         [[class]]\nname = \"gigabit\"\ndown_mbps = 1000\nup_mbps = 0\n\n[[class]]\nname = \"100\"\ndown_mbps = 100\nup_mbps = 0\n\n\
         [[class]]\nname = \"30\"\ndown_mbps = 30\nup_mbps = 0\n",
    );
    run(&wd, &report_args(&["-o", "rep", "--classify", "classes.toml"]));
    let f = json(&wd, "rep/figures.json");
    let c = &f["classes"];
    assert_eq!(
        (c["year"].as_i64(), &c["columns"]),
        (Some(2023), &serde_json::json!(["below 30", "30", "100", "gigabit"]))
    );
    let mut best: BTreeMap<String, f64> =
        semicolon_rows(&wd.read("u2023.csv")).into_iter().map(|r| (r["adres_id"].clone(), -1.0)).collect();
    for r in semicolon_rows(&wd.read("r2023.csv")) {
        if let Some(b) = best.get_mut(&r["adres_id"]) {
            *b = b.max(r["download_mbps"].parse().unwrap());
        }
    }
    let mut counts = [0u64; 4];
    for d in best.values() {
        counts[[30.0, 100.0, 1000.0].iter().filter(|t| d >= t).count()] += 1;
    }
    let rows = c["rows"].as_array().unwrap();
    assert_eq!(rows[0]["code"], "NL");
    assert_eq!(rows[0]["counts"], serde_json::json!(counts));
    assert_eq!(rows[0]["addresses"].as_u64(), Some(best.len() as u64));
    let provincies = &rows[1..];
    assert_eq!(provincies.len(), 12);
    for k in 0..4 {
        let sum: u64 = provincies.iter().map(|p| p["counts"][k].as_u64().unwrap()).sum();
        assert_eq!(sum, counts[k], "class {k}");
    }
    assert!(wd.read("rep/report.html").contains("Addresses by service class, 2023"));
    assert!(wd.read("rep/report.md").contains("| Area | Addresses | below 30 | 30 | 100 | gigabit |"));
    let table = csv_rows(&wd.read("rep/classes.csv"));
    assert_eq!((table.len(), table[0]["gigabit"].clone()), (13, counts[3].to_string()));
}
