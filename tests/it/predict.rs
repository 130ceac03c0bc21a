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
