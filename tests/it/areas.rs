use crate::util::{cov, csv_rows, Workdir};

/// A rectangle feature in RD New metres with the given properties.
fn rect(props: &str, x0: u32, y0: u32, x1: u32, y1: u32) -> String {
    format!(
        r#"{{"type":"Feature","properties":{{{props}}},"geometry":{{"type":"Polygon","coordinates":[[[{x0},{y0}],[{x1},{y0}],[{x1},{y1}],[{x0},{y1}],[{x0},{y0}]]]}}}}"#
    )
}

/// A GeoJSON FeatureCollection in RD New of `features`.
fn collection(features: &[String]) -> String {
    format!(
        r#"{{"type":"FeatureCollection","crs":{{"type":"name","properties":{{"name":"urn:ogc:def:crs:EPSG::28992"}}}},"features":[{}]}}"#,
        features.join(",")
    )
}

/// Two areas CBS never issued, side by side in RD New: GM9999 "Proefpolder" [100000, 100300] ×
/// [400000, 400200] and AT60101 "Graz-Test" [100300, 100500] × [400000, 400200], their code and
/// name in the properties `CODE` and `NAAM`.
fn test_areas() -> String {
    collection(&[
        rect(r#""CODE":"GM9999","NAAM":"Proefpolder""#, 100_000, 400_000, 100_300, 400_200),
        rect(r#""CODE":"AT60101","NAAM":"Graz-Test""#, 100_300, 400_000, 100_500, 400_200),
    ])
}

/// Records by point: four addresses in GM9999 (two at 200 Mbps, one at 50, one at 0/0), one
/// in AT60101 at 1000, one outside both.
const RECORDS: &str = "adres_id,x,y,download_mbps,upload_mbps\n\
    A1,100050,400050,200,20\nA2,100150,400150,200,20\nA3,100250,400050,50,5\nA4,100290,400190,0,0\n\
    B1,100400,400100,1000,100\nC1,100700,400100,1000,100\n";

fn fixed(wd: &Workdir, extra: &[&str]) -> (Vec<std::collections::BTreeMap<String, String>>, String) {
    wd.write("areas.geojson", test_areas());
    wd.write("records.csv", RECORDS);
    let mut args = vec![
        "fixed",
        "-i",
        "records.csv",
        "--boundaries",
        "areas.geojson",
        "--area-code-field",
        "CODE",
        "--area-name-field",
        "NAAM",
        "-t",
        "100",
        "--out",
        "out",
        "--run-date",
        "2026-12-01",
    ];
    args.extend_from_slice(extra);
    let out = wd.ok(&args);
    (csv_rows(&wd.read("out/coverage.csv")), String::from_utf8_lossy(&out.stderr).into_owned())
}

/// Hand-computed: GM9999 holds A1–A4 (2 of 4 at 100 Mbps), AT60101 holds B1 (1 of 1); C1 lies
/// outside both and is rejected. Neither area has a provincie, so NL counts none of them.
#[test]
fn fixed_reports_areas_cbs_never_issued_under_their_own_codes() {
    let wd = Workdir::new();
    let (rows, stderr) = fixed(&wd, &[]);
    let row = |code: &str| cov(&rows, code, "100/0");
    assert_eq!(
        (row("GM9999")["area_name"].as_str(), row("GM9999")["universe"].as_str(), row("GM9999")["covered"].as_str()),
        ("Proefpolder", "4", "2")
    );
    assert_eq!(row("GM9999")["share"], "0.500000");
    assert_eq!((row("AT60101")["area_name"].as_str(), row("AT60101")["covered"].as_str()), ("Graz-Test", "1"));
    assert_eq!(row("AT60101")["level"], "gemeente");
    assert_eq!((row("NL")["universe"].as_str(), row("NL")["covered"].as_str()), ("0", "0"));
    assert!(stderr.contains("rows in 6 = used 5 + rejected 1 (outside_all_areas 1)"), "{stderr}");
    assert!(
        stderr.contains("2 area(s) have no provincie in the area table and are left out of the provincie and nl figures: AT60101, GM9999"),
        "{stderr}"
    );
}

/// With `--parents`, GM9999 rolls up to Noord-Holland and NL; AT60101 to a parent of its own.
#[test]
fn fixed_rolls_areas_up_where_a_parents_file_places_them() {
    let wd = Workdir::new();
    wd.write("parents.csv", "code,parent_code,parent_name\nGM9999,27,\nAT60101,AT6,Steiermark\n");
    let (rows, stderr) = fixed(&wd, &["--parents", "parents.csv"]);
    let row = |code: &str| cov(&rows, code, "100/0");
    let nh = row("PV27");
    assert_eq!((nh["area_name"].as_str(), nh["level"].as_str()), ("Noord-Holland", "provincie"));
    assert_eq!((nh["universe"].as_str(), nh["covered"].as_str()), ("4", "2"));
    assert_eq!((row("AT6")["area_name"].as_str(), row("AT6")["universe"].as_str()), ("Steiermark", "1"));
    assert_eq!((row("NL")["universe"].as_str(), row("NL")["covered"].as_str()), ("5", "3"));
    assert!(!stderr.contains("no provincie"), "{stderr}");
    let provenance = wd.read("out/coverage.json");
    assert!(provenance.contains("\"role\": \"parents\""), "{provenance}");
}

#[test]
fn a_missing_code_field_is_an_error_naming_the_flag() {
    let wd = Workdir::new();
    wd.write("areas.geojson", test_areas());
    wd.write("records.csv", RECORDS);
    let out = wd.run(&["fixed", "-i", "records.csv", "--boundaries", "areas.geojson", "--out", "out"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains("areas.geojson: feature 1: no area code (looked for gemeentecode"), "{stderr}");
    assert!(stderr.contains("--area-code-field"), "{stderr}");
    let out = wd.run(&[
        "fixed",
        "-i",
        "records.csv",
        "--boundaries",
        "areas.geojson",
        "--area-code-field",
        "CODE",
        "--area-name-field",
        "NAME",
        "--out",
        "out",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("feature 1 (GM9999): no property \"NAME\""), "{stderr}");
}

/// Hand-computed: a 100 m grid from (100000, 400000) at 12 Mbps but the cell [100100, 100200] ×
/// [400100, 400200] at 5. GM9999 = 300 × 200 m = 0.06 km², of which that one cell (0.01 km²) is
/// below 8 Mbps: 0.05 km² covered, 83.3333 % < 98 %. AT60101 = 200 × 200 m, all covered.
#[test]
fn mobile_judges_every_area_of_the_boundary_file() {
    let wd = Workdir::new();
    wd.write("areas.geojson", test_areas());
    let mut grid = String::from("x,y,dl_mbps\n");
    for row in 0..2 {
        for col in 0..5 {
            let slow = (row, col) == (1, 1);
            grid += &format!("{},{},{}\n", 100_050 + 100 * col, 400_050 + 100 * row, if slow { 5 } else { 12 });
        }
    }
    wd.write("grid.csv", grid);
    wd.ok(&[
        "mobile",
        "--grid",
        "KPN=grid.csv",
        "--boundaries",
        "areas.geojson",
        "--area-code-field",
        "CODE",
        "--area-name-field",
        "NAAM",
        "--no-licence-exclusions",
        "--date",
        "2025-01-01",
        "--out",
        "out",
        "--run-date",
        "2026-12-01",
    ]);
    let rows = csv_rows(&wd.read("out/mobile.csv"));
    assert_eq!(rows.len(), 2, "{rows:?}");
    let get = |code: &str| rows.iter().find(|r| r["area_code"] == code).unwrap();
    let g = get("GM9999");
    assert_eq!(
        (g["area_name"].as_str(), g["area_km2"].as_str(), g["covered_km2"].as_str()),
        ("Proefpolder", "0.060000", "0.050000")
    );
    assert_eq!((g["share"].as_str(), g["compliant"].as_str()), ("0.833333", "no"));
    let a = get("AT60101");
    assert_eq!(
        (a["area_name"].as_str(), a["covered_km2"].as_str(), a["compliant"].as_str()),
        ("Graz-Test", "0.040000", "yes")
    );
}

/// Python with GeoPandas, pyogrio and pyarrow, or `None`.
fn python_with_geopandas() -> Option<std::path::PathBuf> {
    crate::util::python_with("geopandas, pyogrio, pyarrow", "GeoPackage and GeoParquet")
}

/// The real CBS 2023 gemeenten and Natura 2000 written as a GeoPackage (two layers, by GDAL) and
/// as GeoParquet (by GeoPandas): `fixed` and `mobile` give byte-identical tables from each of
/// the three formats.
#[test]
fn geopackage_and_geoparquet_give_the_tables_of_the_geojson() {
    let (Some(gem), Some(nat)) = (
        crate::util::shared("cbs_wijkenbuurten_gemeenten/gemeenten_2023_wgs84_simplified.geojson"),
        crate::util::shared("natura2000_inspire_2013/natura2000_nl_2013_etrs89.geojson"),
    ) else {
        return;
    };
    let Some(py) = python_with_geopandas() else { return };
    let wd = Workdir::new();
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scripts/to_gpkg_geoparquet.py");
    let out = std::process::Command::new(py)
        .arg(script)
        .arg(wd.path("cbs.gpkg"))
        .arg(format!("gemeenten={}", gem.display()))
        .arg(format!("natura2000={}", nat.display()))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "gemeenten 343 4326\nnatura2000 165 4326\n");
    wd.ok(&["demo", "generate", "--scale", "0.01", "--vintage", "2023", "-o", "r.csv", "--universe", "u.csv"]);
    let grid = crate::util::fixture("mobile/grid.csv");
    let inputs = [
        ("geojson", gem.display().to_string(), vec![], nat.display().to_string()),
        ("gpkg", wd.path("cbs.gpkg").display().to_string(), vec!["--layer", "gemeenten"], String::new()),
        (
            "parquet",
            wd.path("gemeenten.parquet").display().to_string(),
            vec![],
            wd.path("natura2000.parquet").display().to_string(),
        ),
    ];
    for (name, boundaries, layer, _) in &inputs {
        let mut args = vec!["fixed", "-i", "r.csv", "--universe", "u.csv", "--boundaries", boundaries.as_str()];
        args.extend(layer);
        args.extend(["-t", "100", "--run-date", "2026-12-01", "-q", "--layers", "--out", name]);
        wd.ok(&args);
    }
    for table in ["coverage.csv", "rejected.csv"] {
        let geojson = wd.read(&format!("geojson/{table}"));
        assert!(geojson.lines().count() > 1 || table == "rejected.csv");
        assert_eq!(wd.read(&format!("gpkg/{table}")), geojson, "{table} from the GeoPackage");
        assert_eq!(wd.read(&format!("parquet/{table}")), geojson, "{table} from the GeoParquet");
    }
    // The coverage table with the gemeenten's polygons, read back by GeoPandas: every row, the
    // 342 gemeente rows (of the one threshold) with a geometry, the 12 provincies and NL without.
    let py = python_with_geopandas().unwrap();
    let lines =
        crate::util::read_geo_outputs(&py, &[wd.path("gpkg/coverage.gpkg"), wd.path("gpkg/coverage_geo.parquet")]);
    let coverage = wd.read("geojson/coverage.csv");
    let rows = (coverage.lines().count() - 1).to_string();
    let header = coverage.lines().next().unwrap();
    for (line, file) in lines.iter().zip(["coverage.gpkg", "coverage_geo.parquet"]) {
        let f: Vec<&str> = line.split(' ').collect();
        assert_eq!(f, [file, rows.as_str(), "342", "EPSG:28992", header], "{line}");
    }

    // The GeoPackage holds two layers: without --layer it must be told which.
    let out = wd.run(&["fixed", "-i", "r.csv", "--boundaries", "cbs.gpkg", "--out", "x", "-q"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("several feature layers; choose one with --layer (\"gemeenten\", \"natura2000\")"), "{err}");

    // Mobile: boundaries and the Natura 2000 exclusions from each format (a one-layer GeoPackage
    // for the exclusions, since --exclusions takes a file's only layer).
    let out = std::process::Command::new(python_with_geopandas().unwrap())
        .arg(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scripts/to_gpkg_geoparquet.py"))
        .arg(wd.path("natura.gpkg"))
        .arg(format!("natura2000={}", nat.display()))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let natura_gpkg = wd.path("natura.gpkg").display().to_string();
    for (name, boundaries, layer, natura) in &inputs {
        let natura = if natura.is_empty() { natura_gpkg.as_str() } else { natura.as_str() };
        let grid = format!("KPN={}", grid.display());
        let mut args = vec!["mobile", "--grid", grid.as_str(), "--boundaries", boundaries.as_str()];
        args.extend(layer);
        args.extend(["--no-licence-exclusions", "--exclusions", natura, "--date", "2026-11-23", "-q"]);
        let dir = format!("m-{name}");
        args.extend(["--out", dir.as_str()]);
        wd.ok(&args);
    }
    let geojson = wd.read("m-geojson/mobile.csv");
    assert_eq!(geojson.lines().count(), 343, "342 gemeenten and the header");
    assert_eq!(wd.read("m-gpkg/mobile.csv"), geojson, "mobile.csv from the GeoPackage");
    assert_eq!(wd.read("m-parquet/mobile.csv"), geojson, "mobile.csv from the GeoParquet");
    // The exclusions as one layer of the two-layer GeoPackage, chosen as FILE#LAYER.
    let grid_arg = format!("KPN={}", grid.display());
    let (bnd, natura) =
        (wd.path("cbs.gpkg").display().to_string(), format!("{}#natura2000", wd.path("cbs.gpkg").display()));
    wd.ok(&[
        "mobile",
        "--grid",
        &grid_arg,
        "--boundaries",
        &bnd,
        "--layer",
        "gemeenten",
        "--no-licence-exclusions",
        "--exclusions",
        &natura,
        "--date",
        "2026-11-23",
        "-q",
        "--out",
        "m-hash",
    ]);
    assert_eq!(wd.read("m-hash/mobile.csv"), geojson, "mobile.csv with the exclusions as cbs.gpkg#natura2000");

    // The results with their areas, as GeoPackage and GeoParquet, read back by GeoPandas: every
    // row, in RD New, each polygon of the area its row names.
    let lines =
        crate::util::read_geo_outputs(&py, &[wd.path("m-gpkg/mobile.gpkg"), wd.path("m-gpkg/mobile_geo.parquet")]);
    let columns = geojson.lines().next().unwrap();
    for (line, file) in lines.iter().zip(["mobile.gpkg", "mobile_geo.parquet"]) {
        let f: Vec<&str> = line.split(' ').collect();
        assert_eq!(&f[..5], [file, "342", "342", "EPSG:28992", columns], "{line}");
        assert!(f[5].parse::<f64>().unwrap() < 1e-3, "{line}: a polygon's area differs from area_km2");
    }
}

/// An address universe as a GeoPackage point layer and as GeoParquet (written by GeoPandas) gives
/// the coverage table of the same addresses as CSV, and its own file's checksum in provenance.
#[test]
fn address_points_from_geopackage_and_geoparquet() {
    let Some(py) = python_with_geopandas() else { return };
    let wd = Workdir::new();
    wd.ok(&["demo", "generate", "--scale", "0.01", "--vintage", "2023", "-o", "r.csv", "--universe", "u.csv"]);
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scripts/points_layer.py");
    let out = std::process::Command::new(py)
        .arg(script)
        .args([wd.path("u.csv"), wd.path("u.gpkg"), wd.path("u.parquet")])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let n: usize = String::from_utf8_lossy(&out.stdout).trim().parse().unwrap();
    assert!(n > 5_000, "{n} addresses");
    for universe in ["u.csv", "u.gpkg", "u.parquet"] {
        wd.ok(&[
            "fixed",
            "-i",
            "r.csv",
            "--universe",
            universe,
            "-t",
            "100",
            "--run-date",
            "2026-12-01",
            "-q",
            "--out",
            &format!("o-{universe}"),
        ]);
    }
    let csv = wd.read("o-u.csv/coverage.csv");
    assert_eq!(wd.read("o-u.gpkg/coverage.csv"), csv);
    assert_eq!(wd.read("o-u.parquet/coverage.csv"), csv);
    let sha = |file: &str| dekking_files::sha256_hex(&std::fs::read(wd.path(file)).unwrap());
    for (dir, file) in [("o-u.gpkg", "u.gpkg"), ("o-u.parquet", "u.parquet")] {
        let json: serde_json::Value = serde_json::from_str(&wd.read(&format!("{dir}/coverage.json"))).unwrap();
        let inputs = json["provenance"]["inputs"].as_array().unwrap();
        let universe = inputs.iter().find(|i| i["role"] == "universe").unwrap();
        assert_eq!(universe["sha256"].as_str(), Some(sha(file).as_str()), "{dir}");
        let rows = &json["provenance"]["rows"];
        assert!(rows.to_string().contains(&format!("\"rows_in\":{n}")), "{rows}");
    }
}
