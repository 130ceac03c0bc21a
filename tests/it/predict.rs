//! `dekking predict`: the link-level commands print CSV that equals published test values.

use crate::util::{csv_rows, Workdir};

/// ns-3's Okumura–Hata reference values (869 MHz, hb 30 m, hm 1 m, 2 km) and TR 38.901 values
/// through the command line (the receiver at its default 1.5 m), and TR 36.942's attenuated Shannon bound at three SINRs.
#[test]
fn pathloss_and_spectral_efficiency_on_the_command_line() {
    let wd = Workdir::new();
    for (model, want) in [("hata-urban-large", 137.93), ("hata-urban-small", 137.88), ("hata-suburban", 128.03)] {
        let out = wd.ok(&[
            "predict",
            "pathloss",
            "--model",
            model,
            "--freq-mhz",
            "869",
            "--tx-height-m",
            "30",
            "--rx-height-m",
            "1",
            "--distance-m",
            "2000",
            "--distance-m",
            "4000",
        ]);
        let rows = csv_rows(&String::from_utf8(out.stdout).unwrap());
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0]["distance_m"], "2000");
        let got: f64 = rows[0]["pathloss_db"].parse().unwrap();
        assert!((got - want).abs() < 0.01, "{model}: {got} != {want}");
        // Doubling the distance adds (44.9 − 6.55·log10 30)·log10 2 = 10.6038 dB in every Hata variant.
        let twice: f64 = rows[1]["pathloss_db"].parse().unwrap();
        assert!((twice - got - 10.6038).abs() < 1e-3, "{model}: {twice} - {got}");
    }
    // TR 38.901 RMa NLOS and UMa LOS at 5 GHz against ns-3's reference values.
    for (model, hbs, d, want) in [("38901-rma-nlos", "35", "1000", 133.5223), ("38901-uma-los", "25", "5000", 137.6794)]
    {
        let out = wd.ok(&[
            "predict",
            "pathloss",
            "--model",
            model,
            "--freq-mhz",
            "5000",
            "--tx-height-m",
            hbs,
            "--distance-m",
            d,
        ]);
        let got: f64 = csv_rows(&String::from_utf8(out.stdout).unwrap())[0]["pathloss_db"].parse().unwrap();
        assert!((got - want).abs() < 0.01, "{model}: {got} != {want}");
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
