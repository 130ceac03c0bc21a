//! The catalogue of bad-input classes: every input dekking reads, each class with a fixture in
//! tests/fixtures/bad/ (made by make.py there) and the exact behaviour expected. Fatal problems
//! give exit code 2 and one error line naming the file; row-level problems become rejects with a
//! reason and rows still reconcile; suspicious data gives a warning, and `--strict` exit code 3.

use std::path::Path;

use crate::util::{csv_rows, fixture, Workdir};

/// What a case must do.
enum Expect {
    /// Exit 2 with one `dekking: error` line containing the text.
    Fatal(&'static str),
    /// Exit 0, `rejected.csv` lists exactly these (file, row, reason), and every other row of
    /// each input was used: rows in = used + rejected, with rejected the rows listed.
    Reject(&'static [(&'static str, u64, &'static str)]),
    /// Exit 0 with a warning containing the text; `--strict` turns it into exit 3.
    Warn(&'static str),
    /// Exit 0 and the file in the output folder contains the text.
    Ok(&'static str, &'static str),
}

use Expect::*;

/// (class, arguments after the command; {B} = tests/fixtures/bad, {M} = tests/fixtures/mobile, expectation)
const CASES: &[(&str, &str, Expect)] = &[
    // Records and universe files.
    (
        "wrong delimiter forced",
        "fixed -i {B}/wrong_delimiter.csv --delimiter ,",
        Fatal("wrong_delimiter.csv: the header is one column"),
    ),
    ("Windows-1252 text", "fixed -i {B}/cp1252.csv", Ok("coverage.json", "windows-1252")),
    ("UTF-8 byte-order mark", "fixed -i {B}/utf8_bom.csv", Ok("coverage.json", "utf-8 with BOM")),
    ("quoted commas and newlines", "fixed -i {B}/quoted.csv", Ok("coverage.json", "\"rows_in\": 3")),
    (
        "banner lines before the header",
        "fixed -i {B}/banner.csv",
        Ok("coverage.csv", "nl,NL,Nederland,100/0,100,0,,addresses,2,2,1"),
    ),
    (
        "--where on a column the file lacks",
        "fixed -i {B}/quoted.csv --where business_residential_code=R",
        Fatal("quoted.csv: no column \"business_residential_code\" for --where business_residential_code=R; the columns are adres_id, gemeentecode, download_mbps, opmerking"),
    ),
    (
        "missing required column",
        "fixed -i {B}/missing_column.csv",
        Fatal("missing_column.csv: missing column for `down_mbps`"),
    ),
    (
        "extra columns",
        "fixed -i {B}/extra_columns.csv",
        Ok("coverage.csv", "nl,NL,Nederland,100/0,100,0,,addresses,1,1,1"),
    ),
    ("renamed column", "fixed -i {B}/renamed_column.csv", Fatal("--column down_mbps=NAME")),
    ("empty file", "fixed -i {B}/empty.csv", Fatal("empty.csv: the file is empty")),
    ("header only", "fixed -i {B}/header_only.csv", Fatal("header_only.csv: no usable rows")),
    ("non-numeric speed", "fixed -i {B}/non_numeric.csv", Reject(&[("non_numeric.csv", 3, "invalid_speed")])),
    ("negative speed", "fixed -i {B}/negative.csv", Reject(&[("negative.csv", 3, "negative_speed")])),
    ("NaN speed", "fixed -i {B}/nan.csv", Reject(&[("nan.csv", 3, "invalid_speed")])),
    ("absurd speed (10^9 Mbps)", "fixed -i {B}/absurd.csv", Reject(&[("absurd.csv", 3, "implausible_speed")])),
    (
        "technology threshold without a technology column",
        "fixed -i {B}/code_forms.csv -t 100@glas",
        Fatal("code_forms.csv has no technology column; map one with --column technology=NAME"),
    ),
    (
        "0/0 speeds stay in the universe",
        "fixed -i {B}/zero_zero.csv -t 0.2/0.2",
        Ok("coverage.csv", "nl,NL,Nederland,0.2/0.2,0.2,0.2,,addresses,3,3,2"),
    ),
    (
        "duplicate rows",
        "fixed -i {B}/duplicate_rows.csv",
        Ok("coverage.csv", "nl,NL,Nederland,100/0,100,0,,addresses,2,2,1"),
    ),
    ("x/y swapped", "fixed -i {B}/xy_swapped.csv", Warn("look like x and y (or lon and lat) are swapped")),
    ("degrees where RD New is expected", "fixed -i {B}/degrees_for_rd.csv", Warn("look like degrees")),
    ("metres where lon/lat is expected", "fixed -i {B}/metres_for_lonlat.csv", Warn("look like metres")),
    (
        "points outside the Netherlands",
        "fixed -i {B}/outside_nl.csv",
        Reject(&[("outside_nl.csv", 2, "outside_all_areas")]),
    ),
    ("unknown gemeente code", "fixed -i {B}/unknown_code.csv", Reject(&[("unknown_code.csv", 3, "unknown_area")])),
    (
        "codes with and without GM and zeros",
        "fixed -i {B}/code_forms.csv",
        Ok("coverage.csv", "gemeente,GM0014,Groningen,100/0,100,0,,addresses,4,4,4"),
    ),
    (
        "malformed gemeente code",
        "fixed -i {B}/malformed_code.csv",
        Reject(&[("malformed_code.csv", 3, "bad_area_code"), ("malformed_code.csv", 4, "bad_area_code")]),
    ),
    ("missing address id", "fixed -i {B}/missing_id.csv", Reject(&[("missing_id.csv", 3, "missing_address_id")])),
    ("no location at all", "fixed -i {B}/no_location.csv", Reject(&[("no_location.csv", 3, "no_location")])),
    (
        "duplicate address in the universe",
        "fixed -i {B}/duplicate_rows.csv --universe {B}/universe_dup.csv",
        Reject(&[("universe_dup.csv", 3, "duplicate_in_universe")]),
    ),
    (
        "record not in the universe",
        "fixed -i {B}/not_in_universe.csv --universe {B}/universe_dup.csv",
        Reject(&[("universe_dup.csv", 3, "duplicate_in_universe"), ("not_in_universe.csv", 3, "not_in_universe")]),
    ),
    (
        "invalid weight",
        "fixed -i {B}/bad_weight.csv",
        Reject(&[("bad_weight.csv", 2, "invalid_weight"), ("bad_weight.csv", 3, "invalid_weight")]),
    ),
    ("truncated Parquet", "fixed -i {B}/truncated.parquet", Fatal("truncated.parquet: not a readable Parquet file")),
    ("gzip-packed CSV", "fixed -i {B}/packed.csv.gz", Ok("coverage.json", "delimiter ';' (gzip)")),
    ("zip of two tables", "fixed -i {B}/packed_two.zip", Fatal("packed_two.zip: a zip file of 2 files")),
    ("truncated gzip", "fixed -i {B}/packed_truncated.csv.gz", Fatal("packed_truncated.csv.gz: a corrupt gzip file")),
    (
        "row with more fields than the header",
        "fixed -i {B}/ragged.csv",
        Fatal("ragged.csv: line 4 has 6 fields where the header has 4; fix or remove that line"),
    ),
    ("many rows rejected", "fixed -i {B}/many_rejected.csv", Warn("% of rows rejected")),
    // Boundaries and area tables.
    (
        "boundaries: invalid GeoJSON",
        "fixed -i {B}/points_rd.csv --boundaries {B}/bnd_invalid.geojson",
        Fatal("bnd_invalid.geojson: not valid GeoJSON"),
    ),
    (
        "boundaries: RD coordinates without crs",
        "fixed -i {B}/points_rd.csv --boundaries {B}/bnd_no_crs_rd.geojson",
        Warn("assuming RD New"),
    ),
    (
        "boundaries: unsupported CRS",
        "fixed -i {B}/points_rd.csv --boundaries {B}/bnd_epsg3857.geojson",
        Fatal("unsupported CRS `EPSG:3857`"),
    ),
    (
        "boundaries: self-intersecting polygon",
        "fixed -i {B}/points_bowtie.csv --boundaries {B}/bnd_bowtie.geojson",
        Reject(&[("points_bowtie.csv", 3, "outside_all_areas"), ("points_bowtie.csv", 4, "outside_all_areas")]),
    ),
    (
        "boundaries: unclosed ring",
        "fixed -i {B}/points_rd.csv --boundaries {B}/bnd_unclosed.geojson",
        Ok("coverage.csv", "gemeente,GM0014,Groningen,100/0,100,0,,addresses,2,2,2"),
    ),
    (
        "boundaries: point in a hole",
        "fixed -i {B}/points_hole.csv --boundaries {B}/bnd_hole.geojson",
        Reject(&[("points_hole.csv", 2, "outside_all_areas")]),
    ),
    (
        "boundaries: multipolygon",
        "fixed -i {B}/points_rd.csv --boundaries {B}/bnd_multi.geojson",
        Ok("coverage.csv", "gemeente,GM0014,Groningen,100/0,100,0,,addresses,3,3,3"),
    ),
    (
        "boundaries: point geometry",
        "fixed -i {B}/points_rd.csv --boundaries {B}/bnd_point.geojson",
        Fatal("geometry is a Point"),
    ),
    (
        "boundaries: --layer on a GeoJSON",
        "fixed -i {B}/points_rd.csv --boundaries {B}/bnd_multi.geojson --layer gemeenten",
        Fatal("bnd_multi.geojson: a GeoJSON file has one layer; drop --layer \"gemeenten\""),
    ),
    (
        "boundaries: truncated GeoParquet",
        "fixed -i {B}/points_rd.csv --boundaries {B}/truncated.parquet",
        Fatal("truncated.parquet: not a readable Parquet file"),
    ),
    (
        "area table: duplicate area",
        "fixed -i {B}/code_forms.csv --provincies {B}/prov_dup.csv",
        Fatal("prov_dup.csv: row 2: area GM0014 appears twice"),
    ),
    (
        "area table: missing column",
        "fixed -i {B}/code_forms.csv --provincies {B}/prov_missing.csv",
        Fatal("prov_missing.csv: missing column"),
    ),
    // Policy files.
    (
        "targets: unknown key",
        "fixed -i {B}/code_forms.csv --targets {B}/targets_unknown_key.toml",
        Fatal("unknown field `kleur`"),
    ),
    (
        "licence: unknown key",
        "mobile --grid KPN={M}/grid.csv --licence {B}/licence_unknown_key.toml",
        Fatal("unknown field `dekking`"),
    ),
    (
        "licence: overlapping ontheffingen",
        "mobile --grid KPN={M}/grid.csv --licence {B}/licence_overlap.toml",
        Fatal("overlaps ontheffing"),
    ),
    (
        "licence: end before start",
        "mobile --grid KPN={M}/grid.csv --licence {B}/licence_end_before_start.toml",
        Fatal("is before start"),
    ),
    (
        "licence: percentage out of range",
        "mobile --grid KPN={M}/grid.csv --licence {B}/licence_pct.toml",
        Fatal("outside 0–100"),
    ),
    (
        "licence: unknown measure",
        "mobile --grid KPN={M}/grid.csv --licence {B}/licence_measure.toml",
        Fatal("unknown variant `population`, expected one of `area`, `mask_area`, `points`"),
    ),
    (
        "licence: mask_area without its mask",
        "mobile --grid KPN={M}/grid.csv --licence {B}/licence_no_mask.toml",
        Fatal("`obligation.mask`: a mask_area obligation needs the mask layer"),
    ),
    // Points of obligations that count households.
    (
        "points needed and not given",
        "mobile --grid KPN={M}/grid.csv --boundaries {M}/gemeenten_rd.geojson --licence {B}/licence_households.toml",
        Fatal("counts points: give them with --points FILE"),
    ),
    (
        "points given and not needed",
        "mobile --grid KPN={M}/grid.csv --boundaries {M}/gemeenten_rd.geojson --points {B}/points_households.csv",
        Fatal("no obligation of nl-700mhz-2020 counts points; leave --points out"),
    ),
    (
        "points without the weight column",
        "mobile --grid KPN={M}/grid.csv --boundaries {M}/gemeenten_rd.geojson --licence {B}/licence_households.toml --points {B}/points_no_weight.csv",
        Fatal("points_no_weight.csv: no `households` column"),
    ),
    (
        "points: bad weight, outside every area",
        "mobile --grid KPN={M}/grid.csv --boundaries {M}/gemeenten_rd.geojson --licence {B}/licence_households.toml --points {B}/points_households.csv",
        Reject(&[("points_households.csv", 2, "invalid_weight"), ("points_households.csv", 3, "outside_all_areas")]),
    ),
    // Antenna sites.
    (
        "sites without operators",
        "predict grid --sites {B}/sites_no_operator.csv --model free-space --extent 149000,449000,151000,451000",
        Fatal("sites_no_operator.csv: no `operator` column: name the operator of these sites with --operator"),
    ),
    (
        "site height not a number",
        "predict grid --sites {B}/sites_bad_height.csv --model free-space --extent 149000,449000,151000,451000",
        Reject(&[("sites_bad_height.csv", 2, "invalid_site_value")]),
    ),
    (
        "a register row for a fixed link",
        "predict grid --sites {B}/sites_fixed_link.csv --operator KPN --model free-space --extent 149000,449000,151000,451000",
        Reject(&[("sites_fixed_link.csv", 2, "not_mobile")]),
    ),
    // Coverage grids.
    (
        "GeoTIFF without georeference",
        "mobile --grid KPN={B}/plain.tif --boundaries {M}/gemeenten_rd.geojson",
        Fatal("plain.tif: GeoTIFF without georeference"),
    ),
    (
        "grid cells of mixed sizes",
        "mobile --grid KPN={B}/grid_mixed.csv --boundaries {M}/gemeenten_rd.geojson --cell-size 100",
        Fatal("off the 100 m lattice"),
    ),
    (
        "grid cell given twice",
        "mobile --grid KPN={B}/grid_dup.csv --boundaries {M}/gemeenten_rd.geojson",
        Reject(&[("grid_dup.csv", 3, "duplicate_cell")]),
    ),
    (
        "grid speed not a number",
        "mobile --grid KPN={B}/grid_bad_speed.csv --boundaries {M}/gemeenten_rd.geojson --cell-size 100",
        Reject(&[("grid_bad_speed.csv", 2, "invalid_speed")]),
    ),
    (
        "RTR cell code malformed",
        "mobile --grid KPN={B}/rtr_bad_code.csv --boundaries {M}/gemeenten_rd.geojson",
        Reject(&[("rtr_bad_code.csv", 2, "invalid_coordinate")]),
    ),
    // Drive tests.
    (
        "drive test outside the licence period",
        "mobile --grid KPN={M}/grid.csv --boundaries {M}/gemeenten_rd.geojson --drive-tests {B}/dt_period.csv",
        Reject(&[("dt_period.csv", 2, "outside_licence_period")]),
    ),
    (
        "drive test for an unknown operator",
        "mobile --grid KPN={M}/grid.csv --boundaries {M}/gemeenten_rd.geojson --drive-tests {B}/dt_operator.csv",
        Reject(&[("dt_operator.csv", 2, "unknown_operator")]),
    ),
    (
        "drive test without a time column",
        "mobile --grid KPN={M}/grid.csv --boundaries {M}/gemeenten_rd.geojson --drive-tests {B}/dt_columns.csv",
        Fatal("dt_columns.csv: drive-test file without a `time` column"),
    ),
    // Options and outputs.
    (
        "output directory not writable",
        "fixed -i {B}/code_forms.csv --out {B}/code_forms.csv/sub",
        Fatal("writing outputs to"),
    ),
    ("output path is also an input", "fixed -i out/coverage.csv", Fatal("is also an input")),
    (
        "output option given twice",
        "fixed -i {B}/code_forms.csv --out a --out b",
        Fatal("'--out <OUT>' cannot be used multiple times"),
    ),
    (
        "a required option missing",
        "mobile --boundaries {M}/gemeenten_rd.geojson",
        Fatal("the following required arguments were not provided: --grid <OPERATOR=FILE> (see --help)"),
    ),
    ("threshold needs an upload column", "fixed -i {B}/cp1252.csv -t 100/20", Fatal("no upload-speed column")),
    ("malformed threshold", "fixed -i {B}/code_forms.csv -t snel", Fatal("invalid threshold `snel`")),
    ("unknown profile", "fixed -i {B}/code_forms.csv --profile xx", Fatal("invalid profile `xx`")),
];

fn args(template: &str) -> Vec<String> {
    let b = fixture("bad").display().to_string();
    let m = fixture("mobile").display().to_string();
    let mut v: Vec<String> = template.split(' ').map(|a| a.replace("{B}", &b).replace("{M}", &m)).collect();
    if !template.contains("--out") {
        v.extend(["--out", "out"].map(String::from));
    }
    v.extend(["--run-date", "2026-11-23", "-q"].map(String::from));
    if v[0] == "mobile" {
        v.extend(["--date", "2026-11-23"].map(String::from));
    }
    v
}

#[test]
fn catalogue_of_bad_inputs() {
    let (mut fatal, mut reject, mut warn, mut ok) = (0, 0, 0, 0);
    let mut failures = Vec::new();
    for (class, template, expect) in CASES {
        let result = std::panic::catch_unwind(|| check(class, template, expect));
        match (result, expect) {
            (Err(e), _) => {
                failures.push(e.downcast_ref::<String>().cloned().unwrap_or_else(|| format!("{class}: failed")))
            }
            (_, Fatal(_)) => fatal += 1,
            (_, Reject(_)) => reject += 1,
            (_, Warn(_)) => warn += 1,
            (_, Ok(..)) => ok += 1,
        }
    }
    assert!(failures.is_empty(), "{} of {} classes failed:\n{}", failures.len(), CASES.len(), failures.join("\n---\n"));
    println!(
        "bad-input catalogue: {} classes checked ({fatal} fatal, {reject} rejected rows, {warn} warnings, {ok} handled)",
        CASES.len()
    );
    assert!(CASES.len() >= 40);
}

/// Every `fixed` case of the catalogue run in 3 partitions (`--partitions 3`, each a pass over
/// the files) and in 5 (the records spilled by partition, without a universe) ends as it does in
/// one pass: the same exit code and messages, and the same bytes in every table it writes.
#[test]
fn partitions_end_every_bad_input_as_one_pass() {
    let mut compared = 0;
    for (class, template, _) in CASES.iter().filter(|(_, t, _)| t.starts_with("fixed ") && !t.contains("--partitions"))
    {
        let wd = Workdir::new();
        let one = args(template);
        let run = |dir: &str, extra: &[&str]| {
            let argv: Vec<&str> =
                one.iter().map(|a| if a == "out" { dir } else { a.as_str() }).chain(extra.iter().copied()).collect();
            wd.run(&argv)
        };
        let a = run("one", &[]);
        for (dir, n) in [("three", "3"), ("fiver", "5")] {
            let b = run(dir, &["--partitions", n]);
            let shown = |o: &std::process::Output| String::from_utf8_lossy(&o.stderr).replace(dir, "one");
            assert_eq!((a.status.code(), shown(&a)), (b.status.code(), shown(&b)), "{class} in {n}");
            for file in ["coverage.csv", "coverage.json", "rejected.csv", "classes.csv"] {
                if wd.path("one").join(file).exists() {
                    assert_eq!(
                        wd.read(&format!("one/{file}")),
                        wd.read(&format!("{dir}/{file}")),
                        "{class} in {n}: {file}"
                    );
                    compared += 1;
                }
            }
        }
    }
    assert!(compared >= 120, "{compared} tables compared");
}

fn check(class: &str, template: &str, expect: &Expect) {
    {
        let wd = Workdir::new();
        if template.contains("out/coverage.csv") {
            std::fs::create_dir_all(wd.path("out")).unwrap();
            wd.write("out/coverage.csv", "adres_id;gemeentecode;download_mbps\nA1;GM0014;100\n");
        }
        let argv = args(template);
        let argv: Vec<&str> = argv.iter().map(String::as_str).collect();
        let out = wd.run(&argv);
        let stderr = String::from_utf8_lossy(&out.stderr);
        let code = out.status.code();
        match expect {
            Fatal(text) => {
                assert_eq!(code, Some(2), "{class}: expected exit 2\n{stderr}");
                let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("dekking: error")).collect();
                assert_eq!(errors.len(), 1, "{class}: one error line\n{stderr}");
                assert!(errors[0].contains(text), "{class}: `{text}` not in\n{stderr}");
            }
            Reject(expected) => {
                assert_eq!(code, Some(0), "{class}\n{stderr}");
                let name = |path: &str| Path::new(path).file_name().unwrap().to_string_lossy().into_owned();
                let rows: Vec<(String, u64, String)> = csv_rows(&wd.read("out/rejected.csv"))
                    .iter()
                    .map(|r| (name(&r["file"]), r["row"].parse().unwrap(), r["reason"].clone()))
                    .collect();
                let expected: Vec<(String, u64, String)> =
                    expected.iter().map(|(f, row, reason)| (f.to_string(), *row, reason.to_string())).collect();
                assert_eq!(rows, expected, "{class}: the rejected rows");
                let accounts: Vec<&str> = stderr.lines().filter(|l| l.contains(": rows in ")).collect();
                assert!(!accounts.is_empty(), "{class}: row accounting printed\n{stderr}");
                for line in accounts {
                    let (file, counts) = line.rsplit_once(": rows in ").unwrap();
                    let n: Vec<u64> = counts
                        .split(['=', '+', '('])
                        .take(3)
                        .map(|t| {
                            t.trim().trim_start_matches("used ").trim_start_matches("rejected ").trim().parse().unwrap()
                        })
                        .collect();
                    let listed = expected.iter().filter(|(f, ..)| *f == name(file)).count() as u64;
                    assert_eq!(
                        (n[0], n[2]),
                        (n[1] + listed, listed),
                        "{class}: rows in = used + the rows listed: {line}"
                    );
                }
            }
            Warn(text) => {
                assert_eq!(code, Some(0), "{class}\n{stderr}");
                assert!(
                    stderr.lines().any(|l| l.starts_with("warning:") && l.contains(text)),
                    "{class}: `{text}` not in\n{stderr}"
                );
                let strict_args: Vec<&str> =
                    argv.iter().map(|a| if *a == "out" { "strict" } else { a }).chain(["--strict"]).collect();
                let s = wd.run(&strict_args);
                assert_eq!(s.status.code(), Some(3), "{class}: --strict gives exit 3");
                assert!(!wd.path("strict").exists(), "{class}: --strict writes nothing");
            }
            Ok(file, text) => {
                assert_eq!(code, Some(0), "{class}\n{stderr}");
                let content = wd.read(&format!("out/{file}"));
                assert!(content.contains(text), "{class}: `{text}` not in out/{file}:\n{content}");
            }
        }
    }
}
