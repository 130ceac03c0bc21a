//! Cells as levels (`--by h3:R`, `grid:100m`, `grid:1km`): H3 cells of points against the `h3`
//! Python package, grid cells against the EEA codes of real RTR data placed with pyproj, and the
//! suppression of small cells by hand.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::util::{csv_rows, python_with, shared, Workdir};

/// `(area_code, addresses)` of the rows of `level` in `coverage.csv` of `dir`.
fn cells(wd: &Workdir, dir: &str, level: &str) -> BTreeMap<String, String> {
    let rows = csv_rows(&wd.read(&format!("{dir}/coverage.csv")));
    rows.iter().filter(|r| r["level"] == level).map(|r| (r["area_code"].clone(), r["addresses"].clone())).collect()
}

/// Seeded points: most in the Netherlands and Maine, some where H3 is awkward (near the poles,
/// across the antimeridian, on the equator and the prime meridian, on pentagon faces).
fn points() -> String {
    let mut s = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = move || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        (s >> 11) as f64 / (1u64 << 53) as f64
    };
    let mut text = String::from("address_id,area_code,lon,lat,down_mbps\n");
    let boxes = [
        (3.3, 7.2, 50.75, 53.55, 1600),     // the Netherlands
        (-71.1, -66.9, 43.0, 47.5, 800),    // Maine
        (-180.0, 180.0, 84.0, 90.0, 100),   // near the north pole
        (-180.0, 180.0, -90.0, -84.0, 100), // near the south pole
        (179.5, 180.0, -20.0, 20.0, 100),   // west of the antimeridian
        (-180.0, -179.5, -20.0, 20.0, 100), // east of it
        (-0.5, 0.5, -0.5, 0.5, 100),        // the equator and the prime meridian
        (-180.0, 180.0, -90.0, 90.0, 400),  // anywhere
    ];
    let mut id = 0;
    for (lon0, lon1, lat0, lat1, n) in boxes {
        for _ in 0..n {
            id += 1;
            let (lon, lat) = (lon0 + (lon1 - lon0) * next(), lat0 + (lat1 - lat0) * next());
            writeln!(text, "p{id},A,{lon},{lat},{}", (next() * 200.0).round()).unwrap();
        }
    }
    text
}

/// H3 cells of longitude/latitude points at resolutions 0, 4, 9 and 15 equal the `h3`
/// package's (the bindings of the reference C library) point for point, and the outlines in
/// `cells.geojson` are its cell boundaries (to the file's 7 decimals).
#[test]
fn h3_cells_of_points_equal_the_h3_package() {
    let Some(py) = python_with("h3", "H3 cells against the h3 package") else { return };
    let wd = Workdir::new();
    let file = wd.write("points.csv", points());
    let mut args = vec!["fixed", "--profile", "generic", "-i", file.to_str().unwrap(), "-t", "100"];
    args.extend(["--by", "h3:0", "--by", "h3:4", "--by", "h3:9", "--by", "h3:15", "--by", "total"]);
    args.extend(["--run-date", "2026-12-03", "--out", "out", "-q"]);
    wd.ok(&args);
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scripts/h3_cells.py");
    for res in ["0", "4", "9", "15"] {
        let ours = cells(&wd, "out", &format!("h3:{res}"));
        let first: Vec<&str> = ours.keys().take(5).map(String::as_str).collect();
        let out = std::process::Command::new(&py).arg(&script).arg(&file).arg(res).args(&first).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let text = String::from_utf8(out.stdout).unwrap();
        let (counts, boundaries): (Vec<&str>, Vec<&str>) = text.lines().partition(|l| !l.starts_with("boundary,"));
        let theirs: BTreeMap<String, String> = csv_rows(&counts.join("\n"))
            .into_iter()
            .map(|r| (r["area_code"].clone(), r["addresses"].clone()))
            .collect();
        assert_eq!(ours, theirs, "h3:{res}");
        if res == "0" {
            continue;
        }
        let geo: serde_json::Value = serde_json::from_str(&wd.read("out/cells.geojson")).unwrap();
        for b in boundaries {
            let (_, rest) = b.split_once(',').unwrap();
            let (cell, ring) = rest.split_once(',').unwrap();
            let feature =
                geo["features"].as_array().unwrap().iter().find(|f| f["properties"]["area_code"] == cell).unwrap();
            let ours: Vec<(f64, f64)> = feature["geometry"]["coordinates"][0]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| (p[0].as_f64().unwrap(), p[1].as_f64().unwrap()))
                .collect();
            let theirs: Vec<(f64, f64)> = ring
                .split(';')
                .map(|p| p.split_once(' ').map(|(x, y)| (x.parse().unwrap(), y.parse().unwrap())).unwrap())
                .collect();
            assert_eq!(ours.len(), theirs.len() + 1, "{cell}: a closed ring of the same vertices");
            for (o, t) in ours.iter().zip(&theirs) {
                assert!((o.0 - t.0).abs() < 1e-7 && (o.1 - t.1).abs() < 1e-7, "{cell}: {o:?} against {t:?}");
            }
        }
    }
    // Every point is in one cell of each resolution: the cells add up to the total.
    let total = csv_rows(&wd.read("out/coverage.csv")).into_iter().find(|r| r["level"] == "total").unwrap();
    let sum: u64 = cells(&wd, "out", "h3:9").values().map(|n| n.parse::<u64>().unwrap()).sum();
    assert_eq!(total["addresses"], sum.to_string());
}

/// The cells of the RTR coverage raster of Graz (real EEA-grid codes such as
/// `100mN26593E47365`), their centres taken to longitude/latitude by pyproj: each centre is in
/// the `grid:100m` cell of its code, and each `grid:1km` cell holds the 100 m cells whose
/// indices are ten times its own.
#[test]
fn grid_cells_of_rtr_raster_centres_have_their_codes() {
    let Some(raster) = shared("rtr_versorgungskarte_sample/GrazNewRadio_Versorgungskarte.csv") else { return };
    let Some(py) = python_with("pyproj", "grid cells against RTR codes placed with pyproj") else { return };
    let wd = Workdir::new();
    let place = "import csv, sys, pyproj\n\
        t = pyproj.Transformer.from_crs(3035, 4326, always_xy=True)\n\
        w = csv.writer(sys.stdout, lineterminator='\\n'); w.writerow(['address_id', 'area_code', 'lon', 'lat', 'down_mbps'])\n\
        for r in csv.DictReader(open(sys.argv[1]), delimiter=';'):\n\
        \x20   code = r['raster']; n, e = code[5:].split('E')\n\
        \x20   lon, lat = t.transform(int(e) * 100 + 50, int(n) * 100 + 50)\n\
        \x20   w.writerow([code, 'AT', repr(lon), repr(lat), int(r['dl_normal']) / 1e6])\n";
    let out = std::process::Command::new(&py).args(["-c", place]).arg(&raster).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let file = wd.write("centres.csv", out.stdout);
    let mut args = vec!["fixed", "--profile", "generic", "-i", file.to_str().unwrap(), "-t", "30"];
    args.extend(["--by", "grid:100m", "--by", "grid:1km", "--run-date", "2026-12-03", "--out", "out", "-q"]);
    wd.ok(&args);
    let codes: Vec<String> = csv_rows(&wd.read("centres.csv")).into_iter().map(|r| r["address_id"].clone()).collect();
    assert_eq!(codes.len(), 18_475);
    let expected: BTreeMap<String, String> = codes.iter().map(|c| (c.clone(), "1".to_string())).collect();
    assert_eq!(cells(&wd, "out", "grid:100m"), expected);
    let mut km: BTreeMap<String, u64> = BTreeMap::new();
    for c in &codes {
        let (n, e) = c[5..].split_once('E').unwrap();
        let (n, e): (u64, u64) = (n.parse().unwrap(), e.parse().unwrap());
        *km.entry(format!("1kmN{}E{}", n / 10, e / 10)).or_default() += 1;
    }
    let km: BTreeMap<String, String> = km.into_iter().map(|(k, v)| (k, v.to_string())).collect();
    assert_eq!(cells(&wd, "out", "grid:1km"), km);
}

/// Suppression by hand: five addresses in one 1 km cell and two in another; with
/// `--min-count 3` the second is written with empty figures and `suppressed` = yes (CSV and
/// JSON alike), still counts in the total, and is grey on the map; without `--min-count` there
/// is no `suppressed` column.
#[test]
fn small_cells_are_suppressed_but_counted_in_the_total() {
    let wd = Workdir::new();
    // RD New points in two 1 km cells of the EEA grid near Utrecht.
    let mut text = String::from("address_id,area_code,x,y,down_mbps\n");
    for (k, (x, y, d)) in [
        (155_000, 463_000, 200),
        (155_010, 463_010, 50),
        (155_020, 463_000, 200),
        (155_000, 463_020, 0),
        (155_015, 463_015, 100),
    ]
    .iter()
    .chain(&[(175_000, 483_000, 100), (175_010, 483_010, 10)])
    .enumerate()
    {
        writeln!(text, "a{k},GM0344,{x},{y},{d}").unwrap();
    }
    let file = wd.write("addresses.csv", text);
    let run = |dir: &str, extra: &[&str]| {
        let mut args = vec!["fixed", "-i", file.to_str().unwrap(), "-t", "100", "--by", "grid:1km", "--by", "nl"];
        args.extend(extra);
        args.extend(["--run-date", "2026-12-03", "--out", dir, "-q"]);
        wd.ok(&args);
        csv_rows(&wd.read(&format!("{dir}/coverage.csv")))
    };
    let rows = run("min", &["--min-count", "3"]);
    let cells: Vec<_> = rows.iter().filter(|r| r["level"] == "grid:1km").collect();
    assert_eq!(cells.len(), 2);
    let (big, small) = if cells[0]["suppressed"] == "no" { (cells[0], cells[1]) } else { (cells[1], cells[0]) };
    assert_eq!((big["addresses"].as_str(), big["covered"].as_str(), big["share"].as_str()), ("5", "3", "0.600000"));
    assert_eq!(small["suppressed"], "yes");
    for k in ["addresses", "universe", "covered", "share", "short", "meets_target"] {
        assert_eq!(small[k], "", "{k}");
    }
    let nl = rows.iter().find(|r| r["level"] == "nl").unwrap();
    assert_eq!((nl["addresses"].as_str(), nl["covered"].as_str(), nl["suppressed"].as_str()), ("7", "4", "no"));
    let json: serde_json::Value = serde_json::from_str(&wd.read("min/coverage.json")).unwrap();
    let hidden = json["rows"].as_array().unwrap().iter().find(|r| r["suppressed"] == true).unwrap();
    assert!(hidden["addresses"].is_null() && hidden["covered"].is_null() && hidden["share"].is_null());
    // The map of the cells: one class of < 90 % (3 of 5 covered), one suppressed.
    let svg = wd.read("min/cells.svg");
    for note in ["&lt; 90 %: 1 cell", "suppressed (&lt; 3 addresses): 1 cell"] {
        assert!(svg.contains(note) && !svg.contains(&format!("{note}s")), "{note} in cells.svg");
    }
    assert!(wd.path("min/cells.png").exists());
    let plain = run("plain", &[]);
    assert!(plain.iter().all(|r| !r.contains_key("suppressed")));
    assert_eq!(plain.iter().filter(|r| r["level"] == "grid:1km" && !r["addresses"].is_empty()).count(), 2);
}

/// A cell level the run cannot place: an H3 resolution out of range is a one-line error naming
/// the option, and a file with neither coordinates nor a cell column names what it looked for.
#[test]
fn cell_levels_without_a_place_are_errors() {
    let wd = Workdir::new();
    let file = wd.write("codes.csv", "address_id,area_code,down_mbps\na,GM0344,100\n");
    let bad = wd.run(&["fixed", "-i", file.to_str().unwrap(), "--by", "h3:16", "--out", "o", "-q"]);
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(!bad.status.success() && err.contains("h3:16") && err.contains("0 to 15"), "{err}");
    let none = wd.run(&["fixed", "-i", file.to_str().unwrap(), "--by", "grid:1km", "--out", "o", "-q"]);
    let err = String::from_utf8_lossy(&none.stderr);
    assert!(!none.status.success() && err.contains("codes.csv") && err.contains("lon/lat or x/y"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
}
