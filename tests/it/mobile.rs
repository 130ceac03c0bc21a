use std::collections::BTreeMap;

use crate::util::{csv_rows, fixture, shared, Workdir};

/// Runs `dekking mobile` on the hand-made fixture for VodafoneZiggo on `date`; returns rows by code.
fn run_fixture(wd: &Workdir, date: &str, extra: &[&str]) -> BTreeMap<String, BTreeMap<String, String>> {
    let f = |n: &str| fixture(&format!("mobile/{n}")).to_str().unwrap().to_string();
    let out = format!("out-{date}");
    let mut args = vec![
        "mobile".to_string(),
        "--grid".into(),
        format!("Vodafone={}", f("grid.csv")),
        "--boundaries".into(),
        f("gemeenten_rd.geojson"),
        "--exclusions".into(),
        f("exclusions_rd.geojson"),
        "--no-licence-exclusions".into(),
        "--date".into(),
        date.into(),
        "--out".into(),
        out.clone(),
        "--run-date".into(),
        "2026-11-23".into(),
        "-q".into(),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    let argv: Vec<&str> = args.iter().map(String::as_str).collect();
    wd.ok(&argv);
    csv_rows(&wd.read(&format!("{out}/mobile.csv"))).into_iter().map(|r| (r["area_code"].clone(), r)).collect()
}

/// Expected values worked out by hand (tests/fixtures/mobile, RD metres, 100 m cells from
/// (100000, 400000)):
/// GM1942 = 400 × 214 m = 85,600 m²; exclusions A [300,500]×[0,100] and B [250,350]×[0,200]
/// (relative) overlap on 5,000 m², so 10,000 + 20,000 − 5,000 = 25,000 m² excluded, 60,600 eligible.
/// The top-row cells lie 14 m inside: cell (2,0) at 5 Mbps leaves 1,400 m² uncovered, cell (2,1)
/// at 9 Mbps another 1,400 m² once 10 Mbps is required.
/// GM0014 = 300 × 300 minus a 100 × 100 hole, plus a 100 × 100 part straddling four cells
/// (2,500 m² each): 90,000 m²; one straddled cell has no data, another is at 5 Mbps.
#[test]
fn hand_computed_areas_speed_switch_and_ontheffing() {
    let wd = Workdir::new();
    let before = run_fixture(&wd, "2022-12-29", &[]);
    let g = &before["GM1942"];
    assert_eq!(g["area_name"], "Gooise Meren");
    assert_eq!(
        (g["area_km2"].as_str(), g["excluded_km2"].as_str(), g["eligible_km2"].as_str()),
        ("0.085600", "0.025000", "0.060600")
    );
    assert_eq!(g["covered_km2"], "0.059200");
    assert_eq!(g["share"], "0.976898");
    assert_eq!((g["required_mbps"].as_str(), g["required_pct"].as_str()), ("8", "97.5"));
    assert!(g["ontheffing"].starts_with("97.5% 2022-06-30 to 2022-12-29"));
    assert_eq!(g["compliant"], "yes");
    let m = &before["GM0014"];
    assert_eq!(
        (m["area_km2"].as_str(), m["excluded_km2"].as_str(), m["covered_km2"].as_str()),
        ("0.090000", "0.000000", "0.085000")
    );
    assert_eq!(m["nodata_km2"], "0.002500");
    assert_eq!(
        (m["compliant"].as_str(), m["shortfall_km2"].as_str(), m["shortfall_pp"].as_str()),
        ("no", "0.003200", "3.5556")
    );

    // The day after the ontheffing ends: 98 % applies.
    let after = run_fixture(&wd, "2022-12-30", &[]);
    let g = &after["GM1942"];
    assert_eq!((g["required_pct"].as_str(), g["ontheffing"].as_str(), g["compliant"].as_str()), ("98", "", "no"));
    assert_eq!((g["shortfall_km2"].as_str(), g["shortfall_pp"].as_str()), ("0.000188", "0.3102"));

    // 8 Mbps up to 2026-07-27, 10 Mbps from 2026-07-28.
    let eight = run_fixture(&wd, "2026-07-27", &[]);
    let ten = run_fixture(&wd, "2026-07-28", &[]);
    assert_eq!((eight["GM1942"]["required_mbps"].as_str(), eight["GM1942"]["covered_km2"].as_str()), ("8", "0.059200"));
    assert_eq!((ten["GM1942"]["required_mbps"].as_str(), ten["GM1942"]["covered_km2"].as_str()), ("10", "0.057800"));
}

#[test]
fn drive_tests_with_wilson_interval_and_rejects() {
    let wd = Workdir::new();
    let dt = fixture("mobile/drive_tests.csv");
    run_fixture(&wd, "2026-11-23", &["--drive-tests", dt.to_str().unwrap()]);
    let rows = csv_rows(&wd.read("out-2026-11-23/drive_tests.csv"));
    let v = rows.iter().find(|r| r["operator"] == "VodafoneZiggo").unwrap();
    assert_eq!((v["area_code"].as_str(), v["attempts"].as_str(), v["successes"].as_str()), ("GM1942", "100", "98"));
    // Wilson 95 % for 98 of 100: [0.9300, 0.9945].
    assert_eq!((v["ci_low"].as_str(), v["ci_high"].as_str()), ("0.929988", "0.994498"));
    assert_eq!((v["threshold"].as_str(), v["pass"].as_str()), ("0.882000", "yes"));
    let k = rows.iter().find(|r| r["operator"] == "KPN").unwrap();
    assert_eq!(
        (k["area_code"].as_str(), k["attempts"].as_str(), k["successes"].as_str(), k["pass"].as_str()),
        ("GM0014", "1", "0", "no")
    );
    let rejects: Vec<String> = csv_rows(&wd.read("out-2026-11-23/rejected.csv"))
        .into_iter()
        .filter(|r| r["file"].ends_with("drive_tests.csv"))
        .map(|r| format!("{} {}", r["row"], r["reason"]))
        .collect();
    assert_eq!(
        rejects,
        ["101 unknown_operator", "102 outside_licence_period", "103 outside_all_areas", "104 invalid_coordinate"]
    );
}

#[test]
fn unknown_operator_and_early_date_are_errors() {
    let wd = Workdir::new();
    let grid = fixture("mobile/grid.csv");
    let out = wd.run(&["mobile", "--grid", &format!("Ben={}", grid.display()), "--date", "2024-01-01"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains("`Ben` is not an operator of nl-700mhz-2020 (KPN, VodafoneZiggo, Odido)"));
    let out = wd.run(&["mobile", "--grid", &format!("KPN={}", grid.display()), "--date", "2021-01-01"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("not in force before 2022-07-28"));
}

/// The RTR sample: every cell code parses, cells are 100 m EPSG:3035 squares, and all of them
/// land in Styria (Austria) when converted back to longitude/latitude.
#[test]
fn rtr_sample_lands_in_austria() {
    let Some(path) = shared("rtr_versorgungskarte_sample/GrazNewRadio_Versorgungskarte.csv") else { return };
    let g = dekking::io::grids::load(&path, &dekking::io::grids::GridOptions::default()).unwrap();
    assert_eq!(g.crs, dekking::model::grid::GridCrs::Laea);
    assert_eq!(g.spec.cell, 100.0);
    assert_eq!(g.rows.rows_in, 18_475);
    assert!(g.rows.reconciles());
    let mut cells = 0;
    for r in 0..g.spec.rows {
        for c in 0..g.spec.cols {
            if g.get(r, c).is_nan() {
                continue;
            }
            cells += 1;
            let (e, n) = (g.spec.x0 + (c as f64 + 0.5) * 100.0, g.spec.y0 + (r as f64 + 0.5) * 100.0);
            let (lon, lat) = dekking_crs::laea_to_lonlat(e, n);
            assert!((46.9..47.61).contains(&lat) && (14.1..15.76).contains(&lon), "({lon}, {lat})");
        }
    }
    assert_eq!(
        cells as u64,
        g.rows.used - g.rows.rejected.get(&dekking::model::rows::RejectReason::DuplicateCell).copied().unwrap_or(0)
    );
    // Graz Hauptplatz lies in cell 100mN26770E47339, which is in the file.
    let (c, r) = (((4_733_900.0 - g.spec.x0) / 100.0) as usize, ((2_677_000.0 - g.spec.y0) / 100.0) as usize);
    assert!(!g.get(r, c).is_nan());
    // The first row of the file: 100mN26593E47365, 60,000,000 bit/s normal downlink = 60 Mbps.
    let (c, r) = (((4_736_500.0 - g.spec.x0) / 100.0) as usize, ((2_659_300.0 - g.spec.y0) / 100.0) as usize);
    assert_eq!(g.get(r, c), 60.0);
}

fn python_with_shapely() -> Option<std::path::PathBuf> {
    crate::util::python_with("shapely", "the shapely cross-check")
}

/// Real Natura 2000 (full resolution) on the real CBS 2023 gemeenten: the excluded area per
/// gemeente and its national total against an independent shapely computation
/// (tests/scripts/natura_excluded.py).
#[test]
fn natura2000_excluded_area_matches_shapely() {
    let (Some(gem), Some(nat)) = (
        shared("cbs_wijkenbuurten_gemeenten/gemeenten_2023_wgs84_simplified.geojson"),
        shared("natura2000_inspire_2013/natura2000_nl_2013_etrs89.geojson"),
    ) else {
        return;
    };
    let Some(py) = python_with_shapely() else { return };
    let wd = Workdir::new();
    let grid = fixture("mobile/grid.csv");
    wd.ok(&[
        "mobile",
        "--grid",
        &format!("KPN={}", grid.display()),
        "--boundaries",
        gem.to_str().unwrap(),
        "--no-licence-exclusions",
        "--exclusions",
        nat.to_str().unwrap(),
        "--date",
        "2026-11-23",
        "--out",
        "o",
        "-q",
    ]);
    let ours: BTreeMap<String, (f64, f64)> = csv_rows(&wd.read("o/mobile.csv"))
        .into_iter()
        .map(|r| (r["area_code"].clone(), (r["area_km2"].parse().unwrap(), r["excluded_km2"].parse().unwrap())))
        .collect();
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scripts/natura_excluded.py");
    let out = std::process::Command::new(py).arg(script).arg(&gem).arg(&nat).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let theirs = csv_rows(&String::from_utf8(out.stdout).unwrap());
    assert_eq!(theirs.len(), 342);
    assert_eq!(ours.len(), 342);
    let (mut total_ours, mut total_theirs) = (0.0, 0.0);
    for t in &theirs {
        let (area, excluded) = ours[&t["area_code"]];
        let (t_area, t_excl) =
            (t["area_m2"].parse::<f64>().unwrap() / 1e6, t["excluded_m2"].parse::<f64>().unwrap() / 1e6);
        // Sub-hectare differences come from self-intersecting rings that GEOS and i_overlay repair differently.
        assert!((area - t_area).abs() < 0.005 + 1e-4 * t_area, "{}: area {area} vs {t_area}", t["area_code"]);
        assert!(
            (excluded - t_excl).abs() < 0.005 + 1e-4 * t_excl,
            "{}: excluded {excluded} vs {t_excl}",
            t["area_code"]
        );
        total_ours += excluded;
        total_theirs += t_excl;
    }
    eprintln!("Natura 2000 excluded land: dekking {total_ours:.4} km², shapely {total_theirs:.4} km²");
    assert!((total_ours - total_theirs).abs() < 1e-4 * total_theirs);
    assert!((3_500.0..3_700.0).contains(&total_theirs));
}

/// A uniform 12 Mbps grid in EPSG:3035 over the fixture: the gemeenten are reprojected to LAEA,
/// everything eligible is covered, and the areas agree with RD New to within the RD scale error.
#[test]
fn laea_geotiff_grid_over_rd_gemeenten() {
    use dekking::io::grids::write_geotiff;
    use dekking::model::grid::GridCrs;
    use dekking::model::grid::GridSpec;
    use dekking_crs::{lonlat_to_laea, rd_to_wgs84};
    let wd = Workdir::new();
    let (lon, lat) = rd_to_wgs84(100_000.0, 400_000.0);
    let (e, n) = lonlat_to_laea(lon, lat);
    let spec = GridSpec {
        x0: (e / 25.0).floor() * 25.0 - 500.0,
        y0: (n / 25.0).floor() * 25.0 - 500.0,
        cell: 25.0,
        cols: 100,
        rows: 80,
    };
    let tif = wd.path("laea.tif");
    write_geotiff(&tif, &spec, GridCrs::Laea, &vec![12.0; spec.cols * spec.rows], -1.0).unwrap();
    let rows = run_fixture(&wd, "2026-11-23", &[]);
    let f = |n: &str| fixture(&format!("mobile/{n}")).to_str().unwrap().to_string();
    wd.ok(&[
        "mobile",
        "--grid",
        &format!("KPN={}", tif.display()),
        "--boundaries",
        &f("gemeenten_rd.geojson"),
        "--exclusions",
        &f("exclusions_rd.geojson"),
        "--no-licence-exclusions",
        "--date",
        "2026-11-23",
        "--out",
        "laea",
        "-q",
    ]);
    for r in csv_rows(&wd.read("laea/mobile.csv")) {
        let rd: f64 = rows[&r["area_code"]]["eligible_km2"].parse().unwrap();
        let (eligible, covered): (f64, f64) = (r["eligible_km2"].parse().unwrap(), r["covered_km2"].parse().unwrap());
        assert!((eligible - rd).abs() < 1e-3 * rd, "{}: {eligible} vs {rd}", r["area_code"]);
        assert!((covered - eligible).abs() < 1e-9 && r["nodata_km2"] == "0.000000" && r["compliant"] == "yes", "{r:?}");
    }
}

#[test]
fn mobile_outputs_are_identical_across_thread_counts() {
    let wd = Workdir::new();
    let f = |n: &str| fixture(&format!("mobile/{n}")).to_str().unwrap().to_string();
    let grid = format!("KPN={}", f("grid.csv"));
    for (out, threads) in [("a", "1"), ("b", "2")] {
        let o = wd
            .command(&[
                "mobile",
                "--grid",
                &grid,
                "--boundaries",
                &f("gemeenten_rd.geojson"),
                "--date",
                "2026-11-23",
                "--run-date",
                "2026-11-23",
                "--out",
                out,
                "-q",
            ])
            .env("RAYON_NUM_THREADS", threads)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    for name in ["mobile.csv", "mobile.parquet", "mobile.json", "rejected.csv"] {
        assert_eq!(
            std::fs::read(wd.path(&format!("a/{name}"))).unwrap(),
            std::fs::read(wd.path(&format!("b/{name}"))).unwrap(),
            "{name}"
        );
    }
}

/// Three operators' grids: two GeoTIFFs in RD New with the same cells and other speeds, and one
/// in LAEA (other cells). Each grid's provenance carries its own file's SHA-256, and each
/// operator's rows equal those of a run on its grid alone.
#[test]
fn several_grids_keep_their_own_hashes_and_figures() {
    use dekking::io::grids::write_geotiff;
    use dekking::model::grid::GridCrs;
    use dekking::model::grid::GridSpec;
    use dekking_crs::{lonlat_to_laea, rd_to_wgs84};
    use dekking_files::sha256_hex;
    let wd = Workdir::new();
    let rd = GridSpec { x0: 99_500.0, y0: 399_500.0, cell: 25.0, cols: 80, rows: 60 };
    let (lon, lat) = rd_to_wgs84(100_000.0, 400_000.0);
    let (e, n) = lonlat_to_laea(lon, lat);
    let laea = GridSpec {
        x0: (e / 25.0).floor() * 25.0 - 500.0,
        y0: (n / 25.0).floor() * 25.0 - 500.0,
        cell: 25.0,
        cols: 100,
        rows: 80,
    };
    let speeds = |spec: &GridSpec, step: usize| {
        (0..spec.cols * spec.rows).map(|i| ((i * step) % 23) as f32).collect::<Vec<f32>>()
    };
    let grids = [
        ("KPN", "a.tif", rd, GridCrs::RdNew, 7),
        ("VodafoneZiggo", "b.tif", rd, GridCrs::RdNew, 11),
        ("Odido", "c.tif", laea, GridCrs::Laea, 5),
    ];
    for (_, file, spec, crs, step) in &grids {
        write_geotiff(&wd.path(file), spec, *crs, &speeds(spec, *step), -1.0).unwrap();
    }
    let f = |n: &str| fixture(&format!("mobile/{n}")).to_str().unwrap().to_string();
    let run = |out: &str, which: &[usize]| {
        let mut args: Vec<String> = vec![
            "mobile".into(),
            "--boundaries".into(),
            f("gemeenten_rd.geojson"),
            "--exclusions".into(),
            f("exclusions_rd.geojson"),
        ];
        for &k in which {
            args.extend(["--grid".into(), format!("{}={}", grids[k].0, wd.path(grids[k].1).display())]);
        }
        args.extend(
            ["--no-licence-exclusions", "--date", "2026-11-23", "--run-date", "2026-11-23", "--out", out, "-q"]
                .map(String::from),
        );
        wd.ok(&args.iter().map(String::as_str).collect::<Vec<_>>());
        csv_rows(&wd.read(&format!("{out}/mobile.csv")))
    };
    let all = run("all", &[0, 1, 2]);
    let json: serde_json::Value = serde_json::from_str(&wd.read("all/mobile.json")).unwrap();
    let inputs = json["provenance"]["inputs"].as_array().unwrap();
    for (_, file, ..) in &grids {
        let path = wd.path(file).display().to_string();
        let listed =
            inputs.iter().find(|i| i["path"] == path.as_str()).unwrap_or_else(|| panic!("{path} not in {inputs:?}"));
        assert_eq!(listed["sha256"], sha256_hex(&std::fs::read(&path).unwrap()).as_str(), "{path}");
    }
    for (k, (operator, ..)) in grids.iter().enumerate() {
        let alone = run(&format!("alone{k}"), &[k]);
        let mine: Vec<_> = all.iter().filter(|r| r["operator"] == *operator).cloned().collect();
        assert!(!alone.is_empty() && alone.iter().any(|r| r["covered_km2"] != "0.000000"), "{operator}: {alone:?}");
        assert_eq!(mine, alone, "{operator}");
    }
}

/// The parallel stages advance their progress once per gemeente, from whichever thread did it.
#[test]
fn parallel_stages_advance_once_per_gemeente() {
    use dekking::pipeline::mobile::{run_mobile, MobileJob};
    use dekking::progress::{Progress, Ticker};
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::Arc;
    /// Counts the units each stage was advanced by, through `advance` or a ticker.
    #[derive(Default)]
    struct Counting {
        stages: Vec<(String, Option<u64>, Arc<AtomicU64>)>,
    }
    impl Progress for Counting {
        fn stage(&mut self, name: &str, total: Option<u64>) {
            self.stages.push((name.to_string(), total, Arc::default()));
        }
        fn advance(&mut self, n: u64) {
            if let Some((.., done)) = self.stages.last() {
                done.fetch_add(n, Ordering::Relaxed);
            }
        }
        fn ticker(&self) -> Ticker {
            let done = self.stages.last().map(|s| s.2.clone()).unwrap_or_default();
            Box::new(move |n| {
                done.fetch_add(n, Ordering::Relaxed);
            })
        }
    }
    let f = |n: &str| fixture(&format!("mobile/{n}"));
    let job = MobileJob {
        grids: vec![("KPN".into(), f("grid.csv")), ("Odido".into(), f("grid.csv"))],
        grid_options: Default::default(),
        licence: dekking::io::licence::Licence::load(None).unwrap(),
        boundaries: Some(f("gemeenten_rd.geojson")),
        area_fields: Default::default(),
        areas: None,
        exclusions: vec![f("exclusions_rd.geojson")],
        licence_exclusions: false,
        date: "2026-11-23".parse().unwrap(),
        drive_tests: None,
        points: None,
        predicted: Vec::new(),
        run_date: "2026-11-23".into(),
    };
    let mut progress = Counting::default();
    run_mobile(&job, &mut progress).unwrap();
    let with_totals: Vec<_> = progress
        .stages
        .iter()
        .filter(|s| s.1.is_some())
        .map(|(name, total, done)| (name.as_str(), *total, done.load(Ordering::Relaxed)))
        .collect();
    assert_eq!(with_totals.len(), 4, "{with_totals:?}"); // eligible area, cells (once: the same grid), two coverages
    for (name, total, done) in with_totals {
        assert_eq!(Some(done), total, "{name}");
    }
}

/// The Parquet tables have the columns of the CSV tables, in the same order: the names of the
/// row structs the CSV is written (and read back) through.
#[test]
fn parquet_tables_have_the_columns_of_the_csv_tables() {
    use dekking::model::outputs::{header, CoverageLine, MobileLine};
    use polars::prelude::*;
    let wd = Workdir::new();
    run_fixture(&wd, "2026-11-23", &[]);
    let codes = fixture("bad/code_forms.csv");
    wd.ok(&["fixed", "-i", codes.to_str().unwrap(), "-o", "fx", "--run-date", "2026-11-23", "-q"]);
    for (file, names) in
        [("out-2026-11-23/mobile.parquet", header::<MobileLine>()), ("fx/coverage.parquet", header::<CoverageLine>())]
    {
        let df = ParquetReader::new(std::fs::File::open(wd.path(file)).unwrap()).finish().unwrap();
        let got: Vec<String> = df.get_column_names().iter().map(|n| n.to_string()).collect();
        assert_eq!(got, names, "{file}");
        let csv = csv_rows(&wd.read(&file.replace(".parquet", ".csv")));
        assert_eq!(df.height(), csv.len(), "{file}: as many rows as the CSV");
    }
}
