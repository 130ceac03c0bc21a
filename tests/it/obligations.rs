//! Licences with several obligations, each with its own measure, percentage and speed: the
//! share of an area, of the area inside a mask layer, and of points (each once or weighted by
//! households or population). Hand-computed on a small RD New scene, and on the real RTR sample
//! grid around Graz with a three-tier licence of the Austrian kind, against an independent
//! reading of the raw file.

use std::collections::{BTreeMap, HashMap};

use crate::util::{csv_rows, shared, Workdir};

/// A GeoJSON FeatureCollection of rectangles `(properties, x0, y0, x1, y1)`, in RD New when
/// `rd`, else with the corners as given (longitude/latitude).
fn rectangles(rects: &[(&str, [f64; 4])], rd: bool) -> String {
    let features: Vec<String> = rects
        .iter()
        .map(|(props, [x0, y0, x1, y1])| {
            format!(
                r#"{{"type":"Feature","properties":{{{props}}},"geometry":{{"type":"Polygon","coordinates":[[[{x0},{y0}],[{x1},{y0}],[{x1},{y1}],[{x0},{y1}],[{x0},{y0}]]]}}}}"#
            )
        })
        .collect();
    let crs = r#""crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::28992"}},"#;
    format!(r#"{{"type":"FeatureCollection",{}"features":[{}]}}"#, if rd { crs } else { "" }, features.join(","))
}

/// The scene's origin in RD New: every coordinate below is relative to it.
const X0: f64 = 100_000.0;
const Y0: f64 = 400_000.0;

/// `[x0, y0, x1, y1]` relative to the origin.
fn rd(x0: f64, y0: f64, x1: f64, y1: f64) -> [f64; 4] {
    [X0 + x0, Y0 + y0, X0 + x1, Y0 + y1]
}

/// A licence of four obligations over the scene, with an ontheffing for the area obligation in
/// GM9002 (60 % through 2026).
const LICENCE: &str = r#"
id = "test-four"
title = "Four obligations"
band = "700 MHz"
licence_start = "2020-01-01"
area_unit = "gemeente"
source = "hand-made for the tests"

[[operator]]
id = "KPN"
licence_holder = "KPN B.V."

[[obligation]]
id = "households"
measure = "points"
weight = "households"
share_pct = 95.0
source = "t"
speed = [{ from = "2020-01-01", down_mbps = 10.0, source = "t" }]

[[obligation]]
id = "addresses"
measure = "points"
share_pct = 60.0
source = "t"
speed = [{ from = "2020-01-01", down_mbps = 10.0, source = "t" }]

[[obligation]]
id = "settlement"
measure = "mask_area"
mask = "settlement.geojson"
share_pct = 90.0
source = "t"
speed = [{ from = "2020-01-01", down_mbps = 8.0, source = "t" }]

[[obligation]]
id = "area"
measure = "area"
share_pct = 80.0
source = "t"
speed = [{ from = "2020-01-01", down_mbps = 1.0, source = "t" }, { from = "2026-01-01", down_mbps = 2.0, source = "t" }]

[[exclusion]]
id = "column3"
kind = "file"
path = "exclusion.geojson"
source = "t"

[[ontheffing]]
operator = "KPN"
gemeente = "GM9002"
obligation = "area"
share_pct = 60.0
start = "2026-01-01"
end = "2026-12-31"
source = "t"

[drive_test]
pass_factor = 0.9
source = "t"
"#;

/// Speeds of the 6 × 3 grid of 100 m cells from the origin, south row first; `None` = no row in
/// the file (no data).
const SPEEDS: [[Option<f64>; 6]; 3] = [
    [Some(9.0), Some(7.0), Some(12.0), Some(20.0), Some(15.0), Some(1.0)],
    [Some(3.0), Some(30.0), Some(30.0), Some(5.0), Some(9.0), Some(25.0)],
    [Some(0.0), Some(2.0), Some(2.0), Some(40.0), None, Some(8.0)],
];

/// Households at points relative to the origin: rows 10 (a weight that is no number) and 9
/// (outside both areas) are rejected.
const POINTS: &str = "x,y,households\n\
    100050,400050,3\n100250,400150,5\n100350,400050,4\n100150,400250,2\n100450,400150,6\n\
    100550,400050,1\n100450,400250,2\n100550,400150,10\n100700,400050,1\n100100,400100,abc\n100120,400120,0\n";

/// Writes the scene: GM9001 = [0, 400] × [0, 300], GM9002 = [400, 600] × [0, 300]; the
/// exclusion [300, 400] × [0, 300]; settlements [0, 200] × [0, 100] and [100, 350] × [0, 100]
/// (overlapping) and [400, 500] × [100, 300]; the grid; the households; the licence.
fn scene(wd: &Workdir) {
    let areas = [
        (r#""gemeentecode":"GM9001","gemeentenaam":"West""#, rd(0.0, 0.0, 400.0, 300.0)),
        (r#""gemeentecode":"GM9002","gemeentenaam":"Oost""#, rd(400.0, 0.0, 600.0, 300.0)),
    ];
    wd.write("areas.geojson", rectangles(&areas, true));
    wd.write("exclusion.geojson", rectangles(&[("", rd(300.0, 0.0, 400.0, 300.0))], true));
    let settlements =
        [("", rd(0.0, 0.0, 200.0, 100.0)), ("", rd(100.0, 0.0, 350.0, 100.0)), ("", rd(400.0, 100.0, 500.0, 300.0))];
    wd.write("settlement.geojson", rectangles(&settlements, true));
    let mut grid = String::from("x,y,dl_mbps\n");
    for (row, speeds) in SPEEDS.iter().enumerate() {
        for (col, v) in speeds.iter().enumerate() {
            if let Some(v) = v {
                grid += &format!("{},{},{v}\n", X0 + 50.0 + 100.0 * col as f64, Y0 + 50.0 + 100.0 * row as f64);
            }
        }
    }
    wd.write("grid.csv", grid);
    wd.write("points.csv", POINTS);
    wd.write("licence.toml", LICENCE);
}

fn run(wd: &Workdir, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "mobile",
        "--grid",
        "KPN=grid.csv",
        "--cell-size",
        "100",
        "--boundaries",
        "areas.geojson",
        "--licence",
        "licence.toml",
        "--date",
        "2026-06-01",
        "--run-date",
        "2026-12-03",
        "--out",
        "out",
    ];
    args.extend_from_slice(extra);
    wd.run(&args)
}

/// One expected row: obligation, area, unit, [total, excluded, eligible, covered, nodata,
/// shortfall], share, compliant.
type Want = (&'static str, &'static str, &'static str, [f64; 6], f64, &'static str);

/// Every figure by hand (quantities in the obligation's unit; areas in km²).
///
/// - `households` (10 Mbps, 95 %). GM9001: households 3 at (50, 50) in a 9 Mbps cell, 5 at
///   (250, 150) at 30, 4 at (350, 50) in the exclusion, 2 at (150, 250) at 2, 0 at (120, 120)
///   at 30: total 14, excluded 4, eligible 10, covered 5 → 0.5, short 9.5 − 5 = 4.5 (45 pp).
///   GM9002: 6 at (450, 150) at 9, 1 at (550, 50) at 1, 2 at (450, 250) without data, 10 at
///   (550, 150) at 25: total 19, covered 10, nodata 2 → 10/19, short 18.05 − 10 = 8.05.
/// - `addresses` (the same points each once, 10 Mbps, 60 %): GM9001 5 points, 1 excluded, 2 of
///   4 covered → 0.5, short 0.4 (10 pp); GM9002 1 of 4 covered, 1 without data → 0.25, short
///   1.4 (35 pp).
/// - `settlement` (8 Mbps, 90 %). GM9001: the settlements' union in it is [0, 350] × [0, 100]
///   = 0.035 km², [300, 350] of it excluded (0.005), eligible 0.03 in cells at 9, 7 and 12 →
///   0.02 covered, 2/3, short 0.027 − 0.02 = 0.007. GM9002: [400, 500] × [100, 300] = 0.02, a
///   9 Mbps cell and a cell without data → 0.01 covered, 0.01 nodata, 0.5, short 0.008.
/// - `area` (2 Mbps from 2026, 80 %). GM9001: 0.12 km², 0.03 excluded, of the 9 eligible cells
///   all but the 0 Mbps one reach 2 → 0.08, 8/9, compliant. GM9002: 0.06, cells at 15, 1, 9,
///   25, none, 8 → 0.04 covered, 0.01 nodata, 2/3: below 80 % but compliant under the
///   ontheffing of 60 %.
#[test]
fn four_obligations_by_hand() {
    let wd = Workdir::new();
    scene(&wd);
    let out = run(&wd, &["--points", "points.csv"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("points.csv: rows in 11 = used 9 + rejected 2"), "{stderr}");
    let rows = csv_rows(&wd.read("out/mobile.csv"));
    assert_eq!(rows.len(), 8);
    let header = wd.read("out/mobile.csv").lines().next().unwrap().to_string();
    assert_eq!(
        header,
        "operator,obligation,measure,unit,area_code,area_name,date,required_mbps,required_pct,ontheffing,\
         total,excluded,eligible,covered,nodata,share,compliant,shortfall,shortfall_pp"
    );
    #[rustfmt::skip]
    let want: [Want; 8] = [
        // obligation, area, unit, [total, excluded, eligible, covered, nodata, shortfall], share, compliant
        ("households", "GM9001", "households", [14.0, 4.0, 10.0, 5.0, 0.0, 4.5], 0.5, "no"),
        ("households", "GM9002", "households", [19.0, 0.0, 19.0, 10.0, 2.0, 8.05], 10.0 / 19.0, "no"),
        ("addresses", "GM9001", "points", [5.0, 1.0, 4.0, 2.0, 0.0, 0.4], 0.5, "no"),
        ("addresses", "GM9002", "points", [4.0, 0.0, 4.0, 1.0, 1.0, 1.4], 0.25, "no"),
        ("settlement", "GM9001", "km2", [0.035, 0.005, 0.03, 0.02, 0.0, 0.007], 2.0 / 3.0, "no"),
        ("settlement", "GM9002", "km2", [0.02, 0.0, 0.02, 0.01, 0.01, 0.008], 0.5, "no"),
        ("area", "GM9001", "km2", [0.12, 0.03, 0.09, 0.08, 0.0, 0.0], 8.0 / 9.0, "yes"),
        ("area", "GM9002", "km2", [0.06, 0.0, 0.06, 0.04, 0.01, 0.0], 2.0 / 3.0, "yes"),
    ];
    let columns = ["total", "excluded", "eligible", "covered", "nodata", "shortfall"];
    for (r, (obligation, code, unit, values, share, compliant)) in rows.iter().zip(want) {
        let at = format!("{obligation} {code}");
        assert_eq!(
            (r["operator"].as_str(), r["obligation"].as_str(), r["area_code"].as_str()),
            ("KPN", obligation, code)
        );
        assert_eq!(r["unit"], unit, "{at}");
        for (c, v) in columns.iter().zip(values) {
            let got: f64 = r[*c].parse().unwrap();
            assert!((got - v).abs() < 1e-6, "{at} {c}: {got} != {v}");
        }
        assert!((r["share"].parse::<f64>().unwrap() - share).abs() < 1e-6, "{at}: {}", r["share"]);
        assert_eq!(r["compliant"], compliant, "{at}");
    }
    let by = |o: &str, c: &str| rows.iter().find(|r| r["obligation"] == o && r["area_code"] == c).unwrap();
    assert_eq!(by("area", "GM9002")["required_pct"], "60");
    assert!(by("area", "GM9002")["ontheffing"].starts_with("60% 2026-01-01 to 2026-12-31"));
    assert_eq!(
        (by("area", "GM9001")["required_mbps"].as_str(), by("area", "GM9001")["required_pct"].as_str()),
        ("2", "80")
    );
    assert_eq!(by("settlement", "GM9002")["measure"], "mask_area");
    // The rejected points, with their reasons.
    let rejected = csv_rows(&wd.read("out/rejected.csv"));
    let reasons: Vec<(&str, &str)> = rejected.iter().map(|r| (r["row"].as_str(), r["reason"].as_str())).collect();
    assert_eq!(reasons, [("9", "outside_all_areas"), ("10", "invalid_weight")]);
    // The summary names each obligation.
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("KPN households (points, 10 Mbps): 0 of 2 areas compliant"), "{stdout}");
    assert!(stdout.contains("KPN area (area, 2 Mbps): 2 of 2 areas compliant"), "{stdout}");
}

/// Points are needed exactly when an obligation counts them; the 700 MHz licence gives the
/// columns it always had.
#[test]
fn points_only_with_an_obligation_that_counts_them() {
    let wd = Workdir::new();
    scene(&wd);
    let out = run(&wd, &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("counts points: give them with --points FILE"));
    let out = wd.run(&[
        "mobile",
        "--grid",
        "KPN=grid.csv",
        "--cell-size",
        "100",
        "--boundaries",
        "areas.geojson",
        "--date",
        "2026-06-01",
        "--points",
        "points.csv",
        "--out",
        "nl",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no obligation of nl-700mhz-2020 counts points"));
    wd.ok(&[
        "mobile",
        "--grid",
        "KPN=grid.csv",
        "--cell-size",
        "100",
        "--boundaries",
        "areas.geojson",
        "--date",
        "2026-06-01",
        "--out",
        "nl",
        "-q",
    ]);
    let head = wd.read("nl/mobile.csv").lines().next().unwrap().to_string();
    assert_eq!(
        head,
        "operator,area_code,area_name,date,required_mbps,required_pct,ontheffing,area_km2,excluded_km2,\
        eligible_km2,covered_km2,nodata_km2,share,compliant,shortfall_km2,shortfall_pp"
    );
    let weighted = LICENCE.replace("weight = \"households\"", "weight = \"population\"");
    wd.write("licence.toml", weighted);
    let out = run(&wd, &["--points", "points.csv"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("no `population` column"));
}

/// An RTR raster cell code, `100mN26593E47365`, as its south-west corner (easting, northing).
fn cell_corner(code: &str) -> (i64, i64) {
    let rest = code.strip_prefix("100mN").unwrap();
    let (n, e) = rest.split_once('E').unwrap();
    (e.parse::<i64>().unwrap() * 100, n.parse::<i64>().unwrap() * 100)
}

/// The RTR sample as cell corner → `dl_normal` in Mbps (the first row of a cell kept).
fn rtr_cells(path: &std::path::Path) -> HashMap<(i64, i64), f64> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(';').collect();
    let (raster, dl) =
        (header.iter().position(|h| *h == "raster").unwrap(), header.iter().position(|h| *h == "dl_normal").unwrap());
    let mut cells = HashMap::new();
    for line in lines {
        let f: Vec<&str> = line.split(';').collect();
        cells.entry(cell_corner(f[raster])).or_insert(f[dl].parse::<f64>().unwrap() / 1e6);
    }
    cells
}

/// A rectangle `[e0, e1) × [n0, n1)` in EPSG:3035 metres, as longitude/latitude corners.
type Laea = (i64, i64, i64, i64);

/// A feature's ring from an EPSG:3035 rectangle, corners converted to WGS84.
fn wgs84_ring(props: &str, (e0, n0, e1, n1): Laea) -> String {
    let corners = [(e0, n0), (e1, n0), (e1, n1), (e0, n1), (e0, n0)];
    let ring: Vec<String> = corners
        .iter()
        .map(|&(e, n)| {
            let (lon, lat) = dekking_crs::laea_to_lonlat(e as f64, n as f64);
            format!("[{lon:?},{lat:?}]")
        })
        .collect();
    format!(
        r#"{{"type":"Feature","properties":{{{props}}},"geometry":{{"type":"Polygon","coordinates":[[{}]]}}}}"#,
        ring.join(",")
    )
}

fn collection(features: &[String]) -> String {
    format!(r#"{{"type":"FeatureCollection","features":[{}]}}"#, features.join(","))
}

/// The 100 m cells (south-west corners) of a rectangle in EPSG:3035 metres.
fn cells_of((e0, n0, e1, n1): Laea) -> impl Iterator<Item = (i64, i64)> {
    (n0..n1).step_by(100).flat_map(move |n| (e0..e1).step_by(100).map(move |e| (e, n)))
}

/// The RTR sample of Holding Graz (3.5 GHz, 18,475 cells) judged against a licence of three
/// obligations per area in the manner of RTR's: population (points weighted by `population`,
/// 95 % at 30 Mbps), settlement area (a mask, 90 % at 10 Mbps) and permanently settled area
/// (a second mask, 80 % at 2 Mbps; `dl_normal`). Two test areas of 4 km × 4 km around Graz
/// Hauptplatz, aligned to the grid; masks of cell-aligned rectangles, one crossing both areas;
/// people at the centres of every 7th cell. Every figure equals an independent count over the
/// raw file: cells at or above the speed × 0.01 km², cells absent from the file without data.
#[test]
fn austrian_three_tier_licence_on_the_rtr_sample() {
    let Some(grid) = shared("rtr_versorgungskarte_sample/GrazNewRadio_Versorgungskarte.csv") else { return };
    let cells = rtr_cells(&grid);
    let wd = Workdir::new();
    let areas: [(&str, &str, Laea); 2] = [
        ("63101", "Graz-Mitte (test)", (4_732_000, 2_675_000, 4_736_000, 2_679_000)),
        ("63102", "Graz-Ost (test)", (4_736_000, 2_675_000, 4_740_000, 2_679_000)),
    ];
    let features: Vec<String> =
        areas.iter().map(|(c, n, r)| wgs84_ring(&format!(r#""KG":"{c}","KGNAME":"{n}""#), *r)).collect();
    wd.write("kg.geojson", collection(&features));
    let settlement: [Laea; 2] =
        [(4_733_000, 2_676_000, 4_735_000, 2_678_000), (4_735_500, 2_675_000, 4_736_500, 2_676_000)];
    let settled: [Laea; 1] = [(4_732_000, 2_675_000, 4_738_000, 2_678_000)];
    wd.write("siedlung.geojson", collection(&settlement.map(|r| wgs84_ring("", r))));
    wd.write("dauersiedlung.geojson", collection(&settled.map(|r| wgs84_ring("", r))));
    // People at the centre of every 7th cell, 1 + (easting / 100 mod 13) in each.
    let mut people = String::from("lon,lat,population\n");
    let mut persons: Vec<((i64, i64), f64)> = Vec::new();
    for (_, _, r) in &areas {
        for (e, n) in cells_of(*r).filter(|(e, n)| (e / 100 + n / 100) % 7 == 0) {
            let w = 1.0 + ((e / 100) % 13) as f64;
            let (lon, lat) = dekking_crs::laea_to_lonlat(e as f64 + 50.0, n as f64 + 50.0);
            people += &format!("{lon:?},{lat:?},{w}\n");
            persons.push(((e, n), w));
        }
    }
    wd.write("people.csv", people);
    wd.write("at.toml", AUSTRIAN);
    let g = grid.display().to_string();
    wd.ok(&[
        "mobile",
        "--grid",
        &format!("HGRAZ={g}"),
        "--licence",
        "at.toml",
        "--boundaries",
        "kg.geojson",
        "--area-code-field",
        "KG",
        "--area-name-field",
        "KGNAME",
        "--points",
        "people.csv",
        "--date",
        "2026-12-03",
        "--run-date",
        "2026-12-03",
        "--out",
        "out",
        "-q",
    ]);
    let rows = csv_rows(&wd.read("out/mobile.csv"));
    assert_eq!(rows.len(), 6);
    let speed = |c: (i64, i64)| cells.get(&c).copied();
    let inside = |c: (i64, i64), r: &Laea| c.0 >= r.0 && c.0 < r.2 && c.1 >= r.1 && c.1 < r.3;
    let mut seen = BTreeMap::new();
    for (code, _, area) in &areas {
        // Masked area: the cells of the area in any mask rectangle, each once.
        let masked = |masks: &[Laea], mbps: f64| {
            let in_mask: Vec<(i64, i64)> = cells_of(*area).filter(|c| masks.iter().any(|m| inside(*c, m))).collect();
            let covered = in_mask.iter().filter(|c| speed(**c).is_some_and(|v| v >= mbps)).count();
            let nodata = in_mask.iter().filter(|c| speed(**c).is_none()).count();
            (in_mask.len() as f64 * 0.01, covered as f64 * 0.01, nodata as f64 * 0.01)
        };
        let mine: Vec<&((i64, i64), f64)> = persons.iter().filter(|(c, _)| inside(*c, area)).collect();
        let total: f64 = mine.iter().map(|p| p.1).sum();
        let covered: f64 = mine.iter().filter(|(c, _)| speed(*c).is_some_and(|v| v >= 30.0)).map(|p| p.1).sum();
        let nodata: f64 = mine.iter().filter(|(c, _)| speed(*c).is_none()).map(|p| p.1).sum();
        let want = [
            ("population", (total, covered, nodata)),
            ("siedlung", masked(&settlement, 10.0)),
            ("dauersiedlung", masked(&settled, 2.0)),
        ];
        for (obligation, (eligible, covered, nodata)) in want {
            let r = rows.iter().find(|r| r["area_code"] == *code && r["obligation"] == obligation).unwrap();
            let got = |c: &str| r[c].parse::<f64>().unwrap();
            let at = format!("{code} {obligation}");
            // Areas to 1e-6 km² (the corners went through WGS84 and back); people exactly.
            assert!((got("eligible") - eligible).abs() < 1e-6, "{at}: eligible {} != {eligible}", got("eligible"));
            assert!((got("covered") - covered).abs() < 1e-6, "{at}: covered {} != {covered}", got("covered"));
            assert!((got("nodata") - nodata).abs() < 1e-6, "{at}: nodata {} != {nodata}", got("nodata"));
            let pct: f64 = r["required_pct"].parse().unwrap();
            let share = covered / eligible;
            assert_eq!(r["compliant"], if share * 100.0 >= pct { "yes" } else { "no" }, "{at}: {share}");
            seen.insert(at, (eligible, covered, share));
        }
    }
    // The scene is not degenerate: both verdicts occur, and some of every measure is covered.
    assert!(seen.values().all(|(e, c, _)| *e > 0.0 && *c > 0.0), "{seen:?}");
    let verdicts: Vec<&str> = rows.iter().map(|r| r["compliant"].as_str()).collect();
    assert!(verdicts.contains(&"yes") && verdicts.contains(&"no"), "{seen:?}");
    eprintln!("RTR three-tier figures (eligible, covered, share): {seen:?}");
}

/// Three obligations per Katastralgemeinde in the manner of RTR's coverage obligations:
/// population, settlement area (Siedlungsraum), permanently settled area (Dauersiedlungsraum).
/// The percentages and speeds are this test's, not a decision's.
const AUSTRIAN: &str = r#"
id = "at-test-3500"
title = "Austrian-style three-tier obligation (test values)"
band = "3.5 GHz"
licence_start = "2020-01-01"
area_unit = "Katastralgemeinde"
source = "test values in the manner of RTR's coverage obligations"

[[operator]]
id = "HGRAZ"
licence_holder = "Holding Graz - Kommunale Dienstleistungen GmbH"

[[obligation]]
id = "population"
measure = "points"
weight = "population"
share_pct = 95.0
source = "test"
speed = [{ from = "2020-01-01", down_mbps = 30.0, source = "test" }]

[[obligation]]
id = "siedlung"
measure = "mask_area"
mask = "siedlung.geojson"
share_pct = 90.0
source = "test"
speed = [{ from = "2020-01-01", down_mbps = 10.0, source = "test" }]

[[obligation]]
id = "dauersiedlung"
measure = "mask_area"
mask = "dauersiedlung.geojson"
share_pct = 80.0
source = "test"
speed = [{ from = "2020-01-01", down_mbps = 2.0, source = "test" }]

[drive_test]
pass_factor = 0.9
source = "test"
"#;

/// The households as a GeoPackage and a GeoParquet point layer (written by GeoPandas) give the
/// same `mobile.csv` and `rejected.csv` rows as the CSV, byte for byte.
#[test]
fn households_from_point_layers() {
    let Some(py) = crate::util::python_with("geopandas, pyogrio, pyarrow", "the point-layer households") else {
        return;
    };
    let wd = Workdir::new();
    scene(&wd);
    wd.write("points_semicolon.csv", POINTS.replace(',', ";"));
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scripts/points_layer.py");
    let out = std::process::Command::new(py)
        .arg(script)
        .args([wd.path("points_semicolon.csv"), wd.path("points.gpkg"), wd.path("points_geo.parquet")])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(run(&wd, &["--points", "points.csv", "-q"]).status.success());
    let want = wd.read("out/mobile.csv");
    for layer in ["points.gpkg", "points_geo.parquet"] {
        let out = run(&wd, &["--points", layer, "-q"]);
        assert!(out.status.success(), "{layer}: {}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(wd.read("out/mobile.csv"), want, "{layer}");
        let reasons: Vec<String> =
            csv_rows(&wd.read("out/rejected.csv")).iter().map(|r| format!("{} {}", r["row"], r["reason"])).collect();
        assert_eq!(reasons, ["9 outside_all_areas", "10 invalid_weight"], "{layer}");
    }
}
