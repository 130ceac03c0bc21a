//! `dekking predict`: the link-level commands print CSV that equals published test values.

use crate::util::{csv_rows, Workdir};

/// The losses `dekking predict pathloss` prints for `model` at 869 or 5,000 MHz (`freq`), the base
/// at `tx` m and the receiver at `rx` (its default 1.5 m when `None`), at each distance.
fn pathloss(wd: &Workdir, model: &str, freq: &str, tx: &str, rx: Option<&str>, distances: &[&str]) -> Vec<f64> {
    let mut args = vec!["predict", "pathloss", "--model", model, "--freq-mhz", freq, "--tx-height-m", tx];
    if let Some(rx) = rx {
        args.extend(["--rx-height-m", rx]);
    }
    for d in distances {
        args.extend(["--distance-m", d]);
    }
    let rows = csv_rows(&String::from_utf8(wd.ok(&args).stdout).unwrap());
    let shown: Vec<&str> = rows.iter().map(|r| r["distance_m"].as_str()).collect();
    assert_eq!(shown, distances);
    rows.iter().map(|r| r["pathloss_db"].parse().unwrap()).collect()
}

/// ns-3's Okumura–Hata reference values (869 MHz, hb 30 m, hm 1 m, 2 km) and TR 38.901 values
/// (5 GHz, the receiver at its default 1.5 m) through the command line, and TR 36.942's
/// attenuated Shannon bound at three SINRs.
#[test]
fn pathloss_and_spectral_efficiency_on_the_command_line() {
    let wd = Workdir::new();
    for (model, want) in [("hata-urban-large", 137.93), ("hata-urban-small", 137.88), ("hata-suburban", 128.03)] {
        let got = pathloss(&wd, model, "869", "30", Some("1"), &["2000", "4000"]);
        assert!((got[0] - want).abs() < 0.01, "{model}: {got:?} != {want}");
        // Doubling the distance adds (44.9 − 6.55·log10 30)·log10 2 = 10.6038 dB in every Hata variant.
        assert!((got[1] - got[0] - 10.6038).abs() < 1e-3, "{model}: {got:?}");
    }
    for (model, tx, d, want) in [("38901-rma-nlos", "35", "1000", 133.5223), ("38901-uma-los", "25", "5000", 137.6794)]
    {
        let got = pathloss(&wd, model, "5000", tx, None, &[d]);
        assert!((got[0] - want).abs() < 0.01, "{model}: {got:?} != {want}");
    }
    let out = wd.ok(&["predict", "spectral-efficiency", "--sinr-db", "-11", "--sinr-db", "10", "--sinr-db", "25"]);
    let rows = csv_rows(&String::from_utf8(out.stdout).unwrap());
    let se: Vec<&str> = rows.iter().map(|r| r["bps_per_hz"].as_str()).collect();
    assert_eq!(se, ["0.000000", "2.075659", "4.400000"]);
    // Outside a model's range, and an unknown model: exit 2 with one line saying what to do.
    let out = wd.run(&[
        "predict",
        "pathloss",
        "--model",
        "hata-open",
        "--freq-mhz",
        "2600",
        "--tx-height-m",
        "30",
        "--distance-m",
        "2000",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("freq_mhz = 2600 is outside the range of hata-open (150 to 1500)"), "{err}");
    assert!(out.stdout.is_empty());
    let out = wd.run(&[
        "predict",
        "pathloss",
        "--model",
        "okumura",
        "--freq-mhz",
        "869",
        "--tx-height-m",
        "30",
        "--distance-m",
        "2000",
    ]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown --model `okumura`: use one of free-space"));
}

/// The hand-built scene of `predict::grid`'s unit test through `dekking predict grid`: site A at
/// (100050, 400050) facing east and B 2 km east of it facing west, both 1.5 m high, 60 dBm EIRP,
/// 800 MHz, 10 MHz, free space. At cell centres 500 m east of A: 19.9316 Mbps (SINR 9); 1 km east
/// and 1 km north: 6 Mbps (SINR 1); 500 m behind A: 32.1452 Mbps (B serves, SINR 40). The
/// GeoTIFF is then judged by `dekking mobile` as it is: the covered km² of an area on whole
/// cells is the number of its cells at 10 Mbps or more times 0.01.
#[test]
fn predicted_grid_by_hand_and_judged_by_mobile() {
    let wd = Workdir::new();
    wd.write(
        "sites.csv",
        "x,y,operator,height_m,azimuth_deg,tilt_deg,freq_mhz,eirp_dbm,bandwidth_mhz\n\
         100050,400050,KPN,1.5,90,0,800,60,10\n102050,400050,KPN,1.5,270,0,800,60,10\n\
         100050,400050,KPN,-3,90,0,800,60,10\n",
    );
    let out = wd.ok(&[
        "predict",
        "grid",
        "--sites",
        "sites.csv",
        "--model",
        "free-space",
        "--extent",
        "99000,399000,103000,402000",
        "--cell-size",
        "100",
        "--out",
        "pred",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("sites.csv: rows in 3 = used 2 + rejected 1"), "{stderr}");
    let g = dekking::io::grids::load(&wd.path("pred/grid_KPN.tif"), &Default::default()).unwrap();
    assert_eq!((g.spec.x0, g.spec.y0, g.spec.cols, g.spec.rows), (99_000.0, 399_000.0, 40, 30));
    let at = |x: f64, y: f64| g.get(((y - g.spec.y0) / 100.0) as usize, ((x - g.spec.x0) / 100.0) as usize);
    for (x, y, want) in [(100_550.0, 400_050.0, 19.9316), (101_050.0, 401_050.0, 6.0), (99_550.0, 400_050.0, 32.1452)] {
        assert!((f64::from(at(x, y)) - want).abs() < 1e-3, "({x}, {y}): {} != {want}", at(x, y));
    }
    wd.write(
        "area.geojson",
        r#"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::28992"}},"features":[{"type":"Feature","properties":{"gemeentecode":"GM9001","gemeentenaam":"Proef"},"geometry":{"type":"Polygon","coordinates":[[[99500,399500],[102500,399500],[102500,401500],[99500,401500],[99500,399500]]]}}]}"#,
    );
    // `dekking mobile` on the test area with `grids` (`--grid`, `--predicted` pairs) into `out`.
    let mobile = |grids: &[&str], out: &str| {
        let mut args = vec!["mobile"];
        args.extend(grids);
        args.extend(["--boundaries", "area.geojson", "--no-licence-exclusions", "--date", "2026-12-01"]);
        wd.ok(&[&args[..], &["--out", out, "-q"]].concat());
    };
    mobile(&["--grid", "KPN=pred/grid_KPN.tif"], "mob");
    let row = &csv_rows(&wd.read("mob/mobile.csv"))[0];
    let mut fast = 0;
    for r in 5..25 {
        for c in 5..35 {
            fast += usize::from(g.get(r, c) >= 10.0);
        }
    }
    assert!(fast > 100 && fast < 600, "{fast} of 600 cells at 10 Mbps");
    assert_eq!(row["covered_km2"], format!("{:.6}", fast as f64 * 0.01));
    assert_eq!(row["area_km2"], "6.000000");

    // The operator claims 12 Mbps in every cell of the area but 5 in the column from x 100500:
    // claimed-not-predicted are the claimed cells the prediction leaves below 10 Mbps,
    // predicted-not-claimed the predicted cells of that column.
    let mut claimed = String::from("x,y,dl_mbps\n");
    let (mut claimed_only, mut predicted_only) = (0, 0);
    for r in 5..25 {
        for c in 5..35 {
            let (x, y) = (99_050 + 100 * c, 399_050 + 100 * r);
            let slow = x / 100 == 1005;
            claimed += &format!("{x},{y},{}\n", if slow { 5 } else { 12 });
            let predicted = g.get(r, c) >= 10.0;
            claimed_only += usize::from(!slow && !predicted);
            predicted_only += usize::from(slow && predicted);
        }
    }
    wd.write("claimed.csv", claimed);
    mobile(&["--grid", "KPN=claimed.csv", "--predicted", "KPN=pred/grid_KPN.tif"], "check");
    let p = &csv_rows(&wd.read("check/plausibility.csv"))[0];
    assert_eq!((p["operator"].as_str(), p["area_code"].as_str(), p["required_mbps"].as_str()), ("KPN", "GM9001", "10"));
    assert_eq!(p["claimed_km2"], "5.800000");
    assert_eq!(p["predicted_km2"], format!("{:.6}", fast as f64 * 0.01));
    assert_eq!(p["claimed_not_predicted_km2"], format!("{:.6}", claimed_only as f64 * 0.01));
    assert_eq!(p["predicted_not_claimed_km2"], format!("{:.6}", predicted_only as f64 * 0.01));
    assert!(claimed_only > 0 && predicted_only > 0, "{claimed_only} {predicted_only}");
    // A prediction for an operator without a grid is refused.
    let out = wd.run(&[
        "mobile",
        "--grid",
        "KPN=claimed.csv",
        "--predicted",
        "Odido=pred/grid_KPN.tif",
        "--boundaries",
        "area.geojson",
        "--date",
        "2026-12-01",
        "--out",
        "x",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("`Odido` has no --grid to compare with"));
}

/// The environment from address density picks each cell's model: 5,000 addresses at one place
/// make the cells whose centres lie within 1 km of its cell's centre urban (5,000 / π = 1,592
/// per km²), so they take the urban model's value (a run with `--model 38901-uma-nlos`), and
/// every other cell the rural model's (a run with `--model 38901-rma-nlos`).
#[test]
fn environment_from_address_density_picks_the_model() {
    let wd = Workdir::new();
    wd.write("sites.csv", "x,y,operator,height_m,azimuth_deg\n150000,450000,KPN,30,\n");
    let mut addresses = String::from("x,y\n");
    for _ in 0..5000 {
        addresses += "152250,450250\n";
    }
    wd.write("addresses.csv", addresses);
    let extent = ["--extent", "146000,446000,154000,454000", "--cell-size", "500"];
    let run = |out: &str, extra: &[&str]| {
        let mut args = vec!["predict", "grid", "--sites", "sites.csv", "--out", out, "-q"];
        args.extend(extent);
        args.extend(extra);
        wd.ok(&args);
        dekking::io::grids::load(&wd.path(&format!("{out}/grid_KPN.tif")), &Default::default()).unwrap()
    };
    let mixed = run("mixed", &["--addresses", "addresses.csv"]);
    let urban = run("urban", &["--model", "38901-uma-nlos"]);
    let rural = run("rural", &["--model", "38901-rma-nlos"]);
    let (mut n_urban, mut cells) = (0, 0);
    for r in 0..mixed.spec.rows {
        for c in 0..mixed.spec.cols {
            // The addresses' cell: column (152250 − 146000) / 500 = 12, row 8.
            let near = ((c as i64 - 12).pow(2) + (r as i64 - 8).pow(2)) * 500 * 500 <= 1_000_000;
            let want = if near { urban.get(r, c) } else { rural.get(r, c) };
            let got = mixed.get(r, c);
            assert!(got == want || (got.is_nan() && want.is_nan()), "({r}, {c}): {got} != {want}");
            n_urban += usize::from(near);
            cells += 1;
        }
    }
    assert_eq!((n_urban, cells), (13, 256));
    let json: serde_json::Value = serde_json::from_str(&wd.read("mixed/predict.json")).unwrap();
    let env = &json["environment"];
    assert_eq!((env["cells"]["urban"].as_u64(), env["cells"]["rural"].as_u64()), (Some(13), Some(243)));
    assert_eq!(env["models"][0], "38901-uma-nlos");
    // Urban loses more than rural at the addresses (2.3 km from the site), so the test can tell them apart.
    assert!(urban.get(8, 12) < rural.get(8, 12), "{} {}", urban.get(8, 12), rural.get(8, 12));
    let out =
        wd.run(&["predict", "grid", "--sites", "sites.csv", "--model", "free-space", "--addresses", "addresses.csv"]);
    assert_eq!(out.status.code(), Some(2), "--model and --addresses conflict");

    // The same classes as a raster (1 urban near the addresses, 3 rural elsewhere, and one far
    // cell without a class, which counts as rural) give the same grid.
    let spec = mixed.spec;
    let classes: Vec<f32> = (0..spec.rows)
        .flat_map(|r| (0..spec.cols).map(move |c| (r, c)))
        .map(|(r, c)| match ((c as i64 - 12).pow(2) + (r as i64 - 8).pow(2)) * 250_000 <= 1_000_000 {
            true => 1.0,
            false if (r, c) == (0, 0) => 0.0,
            false => 3.0,
        })
        .collect();
    let crs = dekking::model::grid::GridCrs::RdNew;
    dekking::io::grids::write_geotiff(&wd.path("classes.tif"), &spec, crs, &classes, -1.0).unwrap();
    let from_raster = run("raster", &["--environment-raster", "classes.tif"]);
    assert_eq!(from_raster.mbps.len(), mixed.mbps.len());
    assert!(from_raster.mbps.iter().zip(&mixed.mbps).all(|(a, b)| a == b || (a.is_nan() && b.is_nan())));
    let json: serde_json::Value = serde_json::from_str(&wd.read("raster/predict.json")).unwrap();
    let cells = &json["environment"]["cells"];
    let counts = (cells["urban"].as_u64(), cells["rural"].as_u64(), cells["unclassified"].as_u64());
    assert_eq!(counts, (Some(13), Some(243), Some(1)));
}

/// The real Antenneregister sample (53 location rows): the rows for fixed links and radio
/// amateurs are rejected as `not_mobile`, counted independently here from the technologies of
/// `HOOFDSOORT`; the mobile ones are used, and the grid covers them with the reach around.
#[test]
fn antenneregister_sample_keeps_the_mobile_rows() {
    let Some(sample) = crate::util::shared("antenneregister_sample/antennes_sample_53rows.csv") else { return };
    let mut reader = csv::Reader::from_path(&sample).unwrap();
    let headers = reader.headers().unwrap().clone();
    let tech = headers.iter().position(|h| h == "HOOFDSOORT").unwrap();
    let (mut mobile, mut not_mobile, mut xs) = (0u64, Vec::new(), Vec::new());
    for (k, r) in reader.records().enumerate() {
        let r = r.unwrap();
        if r[tech].split(',').any(|t| ["5G NR", "LTE", "UMTS", "GSM"].contains(&t.trim())) {
            mobile += 1;
            xs.push(r[1].parse::<f64>().unwrap());
        } else {
            not_mobile.push((k + 1).to_string());
        }
    }
    assert!(mobile > 0 && !not_mobile.is_empty());
    let wd = Workdir::new();
    let s = sample.to_str().unwrap();
    wd.ok(&[
        "predict",
        "grid",
        "--sites",
        s,
        "--operator",
        "R",
        "--cell-size",
        "500",
        "-o",
        "p",
        "--run-date",
        "2026-12-01",
        "-q",
    ]);
    let json: serde_json::Value = serde_json::from_str(&wd.read("p/predict.json")).unwrap();
    assert_eq!(json["rows"]["rows_in"], 53);
    assert_eq!(json["rows"]["used"].as_u64().unwrap(), mobile);
    let rejected = csv_rows(&wd.read("p/rejected.csv"));
    assert!(rejected.iter().all(|r| r["reason"] == "not_mobile"));
    assert_eq!(rejected.iter().map(|r| r["row"].clone()).collect::<Vec<_>>(), not_mobile);
    assert_eq!(json["operators"][0]["transmitters"].as_u64().unwrap(), mobile);
    let west = xs.iter().copied().fold(f64::MAX, f64::min);
    let x0 = json["grid"]["x0"].as_f64().unwrap();
    assert!(x0 <= west - 10_000.0 && x0 > west - 10_500.0, "{x0} {west}");
}
