use std::collections::BTreeMap;

use crate::util::{cov, csv_rows, Workdir};

#[test]
fn demo_runs_and_states_that_its_data_is_synthetic() {
    let wd = Workdir::new();
    let out = wd.ok(&["demo", "--scale", "0.02", "--out", "d", "--run-date", "2024-01-01", "--date", "2026-11-23"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("SYNTHETIC"), "{stdout}");
    assert!(stdout.contains("of addresses have >= 100 Mbps down"), "{stdout}");
    let rows = csv_rows(&wd.read("d/fixed/coverage.csv"));
    let nl = cov(&rows, "NL", "100/0");
    let share: f64 = nl["share"].parse().unwrap();
    assert!((share - 0.997).abs() < 0.0005, "2023 vintage calibrated to 99.7 %: {share}");
    let universe: u64 = nl["universe"].parse().unwrap();
    assert!((165_000..166_000).contains(&universe), "2 % of 8,270,244 households: {universe}");
    // No synthetic point falls outside the map, and the gemeente figures add up to the total.
    assert_eq!(csv_rows(&wd.read("d/fixed/rejected.csv")).len(), 0);
    let sum: u64 = rows
        .iter()
        .filter(|r| r["level"] == "gemeente" && r["threshold"] == "100/0")
        .map(|r| r["covered"].parse::<u64>().unwrap())
        .sum();
    assert_eq!(sum.to_string(), nl["covered"]);

    // The mobile part: three operators × 342 gemeenten on synthetic grids, three of them short per operator.
    assert!(stdout.contains("SYNTHETIC 100 m coverage grids"), "{stdout}");
    let mobile = csv_rows(&wd.read("d/mobile/mobile.csv"));
    assert_eq!(mobile.len(), 3 * 342);
    for op in ["KPN", "VodafoneZiggo", "Odido"] {
        let short = mobile.iter().filter(|r| r["operator"] == op && r["compliant"] == "no").count();
        assert_eq!(short, 3, "{op}");
    }
    let excluded: f64 =
        mobile.iter().filter(|r| r["operator"] == "KPN").map(|r| r["excluded_km2"].parse::<f64>().unwrap()).sum();
    assert!((3_500.0..4_100.0).contains(&excluded), "Natura 2000 and Westerbork on land: {excluded} km²");

    // The predicted part: sites for the three operators, their grids predicted and judged, the
    // operators' grids checked against them, and the report's map of the predictions.
    assert!(stdout.contains("PREDICTED 700 MHz coverage"), "{stdout}");
    let sites = csv_rows(&wd.read("d/input/sites.csv"));
    for op in ["KPN", "VodafoneZiggo", "Odido"] {
        let n = sites.iter().filter(|r| r["operator"] == op).count();
        assert!((5_000..7_000).contains(&n), "{op}: {n} transmitters");
    }
    let json: serde_json::Value = serde_json::from_str(&wd.read("d/predict/predict.json")).unwrap();
    assert_eq!(json["speed_mbps"], 10.0);
    assert_eq!(json["rows"]["rows_in"].as_u64().unwrap() as usize, sites.len());
    let predicted = csv_rows(&wd.read("d/predicted/mobile.csv"));
    assert_eq!(predicted.len(), 3 * 342);
    assert_eq!(csv_rows(&wd.read("d/mobile/plausibility.csv")).len(), 3 * 342);
    let mut met: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for r in predicted.iter().filter(|r| !r["compliant"].is_empty()) {
        let e = met.entry(&r["area_code"]).or_default();
        *e = (e.0 + usize::from(r["compliant"] == "yes"), e.1 + 1);
    }
    let all = met.values().filter(|(ok, n)| ok == n).count();
    let none = met.values().filter(|(ok, _)| *ok == 0).count();
    let some = met.len() - all - none;
    assert!(all > 0 && some > 0 && none > 0, "a map of one colour: {all} {some} {none}");
    let svg = wd.read("d/report/charts/predicted.svg");
    for (class, n) in [("allemaal", all), ("een deel", some), ("geen", none)] {
        let text = format!(">\n{class}: {n} gemeente{}\n<", if n == 1 { "" } else { "n" });
        assert!(svg.contains(&text), "{text} not in the map's legend");
    }
    let figures: serde_json::Value = serde_json::from_str(&wd.read("d/report/figures.json")).unwrap();
    for op in figures["predicted"]["operators"].as_array().unwrap() {
        let name = op["operator"].as_str().unwrap();
        let yes = predicted.iter().filter(|r| r["operator"] == name && r["compliant"] == "yes").count();
        assert_eq!(op["compliant"].as_u64().unwrap() as usize, yes, "{name}");
    }
    assert!(wd.read("d/report/report.html").contains("charts/predicted.svg"));
}

#[test]
fn generated_parquet_and_csv_give_identical_figures() {
    let wd = Workdir::new();
    for ext in ["csv", "parquet"] {
        wd.ok(&[
            "demo",
            "generate",
            "--scale",
            "0.005",
            "--seed",
            "9",
            "--vintage",
            "2019",
            "--out",
            &format!("r.{ext}"),
            "--universe",
            &format!("u.{ext}"),
        ]);
        wd.ok(&[
            "fixed",
            "-i",
            &format!("r.{ext}"),
            "--universe",
            &format!("u.{ext}"),
            "--out",
            ext,
            "--run-date",
            "2024-01-01",
            "-q",
        ]);
    }
    assert_eq!(wd.read("csv/coverage.csv"), wd.read("parquet/coverage.csv"));
    let rows = csv_rows(&wd.read("csv/coverage.csv"));
    let share: f64 = cov(&rows, "NL", "100/0")["share"].parse().unwrap();
    assert!((share - 0.97).abs() < 0.001, "2019 vintage calibrated to 97 %: {share}");
}

#[test]
fn synthetic_points_are_assigned_to_the_gemeente_they_were_drawn_in() {
    let s = dekking::demo::synthesize(0.01, 3, 2023).unwrap();
    let b = dekking::io::embedded::gemeenten_2023().unwrap();
    let idx = dekking::assign::pip::AreaIndex::new(b.areas.iter().enumerate().map(|(k, a)| (k as u32, &a.shape)));
    let same = s.addresses.iter().filter(|a| idx.locate(a.x, a.y) == Some(a.gemeente)).count();
    // Simplified neighbours overlap slightly; overlaps go to the lower code.
    assert!(same as f64 / s.addresses.len() as f64 > 0.995, "{same} of {}", s.addresses.len());
}
