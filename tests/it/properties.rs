//! Property tests: parsers never panic, whatever the bytes; and the aggregation invariants hold
//! for random data (covered ≤ universe, monotone in the threshold, levels add up, independent of
//! row order and of the number of threads).

use std::path::Path;

use dekking::io::profile::Profile;
use dekking::io::records::InputSpec;
use dekking::measure::fixed::{covered_bits, measure};
use dekking::model::areas::{AreaInfo, AreaSet, Assigned};
use dekking::model::availability::Records;
use dekking::model::fixed::{Coverage, Unit};
use dekking::model::threshold::Threshold;
use proptest::prelude::*;

use crate::util::fixture;

fn mutate(base: &[u8], edits: &[(usize, u8, u8)]) -> Vec<u8> {
    let mut v = base.to_vec();
    for &(pos, byte, op) in edits {
        if v.is_empty() {
            v.push(byte);
            continue;
        }
        let p = pos % v.len();
        match op % 3 {
            0 => v[p] = byte,
            1 => v.insert(p, byte),
            _ => {
                v.remove(p);
            }
        }
    }
    v
}

fn spec(records: &Path, universe: Option<&Path>) -> InputSpec {
    InputSpec {
        records: vec![records.to_path_buf()],
        universe: universe.map(Path::to_path_buf),
        profile: Profile::built_in("nl").unwrap(),
        delimiter: None,
        use_weights: true,
        filters: Vec::new(),
        condition: None,
        partition: None,
        frames: Default::default(),
        spilled: None,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    /// Random bytes into every text parser: a result, never a panic.
    #[test]
    fn parsers_do_not_panic_on_random_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let p = Path::new("random.csv");
        if let Ok(t) = dekking_table::Table::from_bytes(p, bytes.clone(), None) {
            let cols: Vec<_> = (0..t.header.len().min(4)).map(|i| (i, dekking_table::Want::Number)).collect();
            if let Ok(v) = t.read(&cols) {
                for c in &v {
                    for i in 0..c.len() {
                        let _ = c.number(i);
                        let _ = c.text(i);
                    }
                }
            }
        }
        let text = String::from_utf8_lossy(&bytes);
        let _ = dekking::io::boundaries::parse(Path::new("r.geojson"), &text, dekking::io::profile::AreaScheme::Gemeente);
        let _ = dekking::io::licence::Licence::parse(Path::new("r.toml"), &text);
        let _ = dekking::model::policy::Targets::parse(Path::new("r.toml"), &text);
        let _ = dekking::io::areas::parse_area_table(Path::new("r.csv"), bytes.clone(), dekking::io::profile::AreaScheme::Gemeente);
        let _ = dekking::model::threshold::Threshold::parse(&text);
        let _ = dekking::io::grids::parse_cell_code(&text);
    }

    /// Mutations of the valid records/universe fixtures, through the whole fixed pipeline: a
    /// result, never a panic, and when it runs, rows reconcile.
    #[test]
    fn mutated_fixtures_never_panic_and_rows_reconcile(
        edits in proptest::collection::vec((any::<usize>(), any::<u8>(), any::<u8>()), 1..6),
        which in 0u8..2,
    ) {
        let dir = tempfile::tempdir().unwrap();
        let records = std::fs::read(fixture("fixed/records.csv")).unwrap();
        let universe = std::fs::read(fixture("fixed/universe.csv")).unwrap();
        let (r, u) = if which == 0 { (mutate(&records, &edits), universe) } else { (records, mutate(&universe, &edits)) };
        let (rp, up) = (dir.path().join("r.csv"), dir.path().join("u.csv"));
        std::fs::write(&rp, r).unwrap();
        std::fs::write(&up, u).unwrap();
        let job = dekking::pipeline::FixedJob {
            input: spec(&rp, Some(&up)),
            boundaries: None,
            area_fields: Default::default(),
            areas: None,
            parents: None,
            thresholds: vec![Threshold::down(100.0)],
            levels: vec![],
            targets: dekking::model::policy::Targets::load(None).unwrap(),
            run_date: "2026-11-23".into(),
            mergers: None,
            keep_addresses: false,
            layers: false,
            classify: None,
            class_locations: false,
            min_count: None,
            partitions: Some(1),
            memory: None,
            spill: Default::default(),
        };
        if let Ok(report) = dekking::pipeline::run_fixed(&job, &mut dekking::progress::Silent) {
            for (_, c) in &report.provenance.rows {
                prop_assert!(c.reconciles(), "{c:?}");
            }
        }
    }

}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    /// Mutations of a valid GeoJSON, the licence TOML and a GeoTIFF: a result, never a panic.
    #[test]
    fn mutated_geometry_policy_and_geotiff_never_panic(edits in proptest::collection::vec((any::<usize>(), any::<u8>(), any::<u8>()), 1..6)) {
        let geojson = mutate(&std::fs::read(fixture("mobile/gemeenten_rd.geojson")).unwrap(), &edits);
        let text = String::from_utf8_lossy(&geojson);
        let _ = dekking::io::boundaries::parse(Path::new("g.geojson"), &text, dekking::io::profile::AreaScheme::Gemeente);
        let _ = dekking::io::boundaries::parse_layer(Path::new("g.geojson"), &text, "exclusion");
        let licence = mutate(dekking::io::licence::DEFAULT_LICENCE.as_bytes(), &edits);
        let _ = dekking::io::licence::Licence::parse(Path::new("l.toml"), &String::from_utf8_lossy(&licence));
        let dir = tempfile::tempdir().unwrap();
        let tif = dir.path().join("g.tif");
        let spec = dekking::model::grid::GridSpec { x0: 100_000.0, y0: 400_000.0, cell: 100.0, cols: 4, rows: 3 };
        dekking::io::grids::write_geotiff(&tif, &spec, dekking::model::grid::GridCrs::RdNew, &[12.0; 12], -1.0).unwrap();
        let bytes = mutate(&std::fs::read(&tif).unwrap(), &edits);
        std::fs::write(&tif, bytes).unwrap();
        let _ = dekking::io::grids::load(&tif, &dekking::io::grids::GridOptions::default());
    }

    /// Mutated grid and drive-test files: a result, never a panic. (This found a real bug: one
    /// stray coordinate used to make the dense lattice gigabytes large.)
    #[test]
    fn mutated_grids_never_panic(edits in proptest::collection::vec((any::<usize>(), any::<u8>(), any::<u8>()), 1..6)) {
        let dir = tempfile::tempdir().unwrap();
        for name in ["mobile/grid.csv", "mobile/drive_tests.csv", "bad/rtr_bad_code.csv"] {
            let p = dir.path().join("f.csv");
            std::fs::write(&p, mutate(&std::fs::read(fixture(name)).unwrap(), &edits)).unwrap();
            let _ = dekking::io::grids::load(&p, &dekking::io::grids::GridOptions::default());
            let _ = dekking::io::drive_tests::load(&p);
        }
    }
}

/// A random national-like setup: 6 gemeenten in 2 provincies.
fn set() -> AreaSet {
    AreaSet {
        levels: ["gemeente", "provincie", "nl"],
        areas: (0..6)
            .map(|k| AreaInfo { code: format!("GM{k:04}"), name: format!("G{k}"), parent: Some(k / 3) })
            .collect(),
        parents: vec![("PV20".into(), "P".into()), ("PV21".into(), "Q".into())],
        total: ("NL".into(), "Nederland".into()),
    }
}

fn records(rows: &[(u32, u16, u16)]) -> Records {
    Records {
        address: rows.iter().map(|r| r.0).collect(),
        row: dekking::model::availability::RowNumbers::all(rows.len()),
        down_mbps: rows.iter().map(|r| f64::from(r.1)).collect(),
        up_mbps: rows.iter().map(|r| f64::from(r.2)).collect(),
        technology: vec![dekking_rows::Index::NONE; rows.len()],
        technologies: vec![],
        has_up: true,
        has_technology: true,
        qualifies: Vec::new(),
    }
}

fn run(n: usize, area: &[u32], weights: &[f64], rows: &[(u32, u16, u16)], t: &[Threshold]) -> Coverage {
    let bits = covered_bits(n, &records(rows), t).unwrap();
    let area = area.iter().map(|&a| dekking::model::areas::Assignment::area(a)).collect();
    let assigned = Assigned { area, ..Assigned::default() };
    measure(&set(), &assigned, weights, &bits, t, Unit::Households)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn aggregation_invariants(
        n in 1usize..60,
        seed_rows in proptest::collection::vec((any::<u32>(), 0u16..1200, 0u16..1200), 0..150),
        area_seed in proptest::collection::vec(0u32..6, 60),
        weight_seed in proptest::collection::vec(0u32..5000, 60),
        shuffle in any::<u64>(),
    ) {
        let rows: Vec<(u32, u16, u16)> = seed_rows.iter().map(|&(a, d, u)| (a % n as u32, d, u)).collect();
        let area = &area_seed[..n];
        let weights: Vec<f64> = weight_seed[..n].iter().map(|w| f64::from(*w) / 1000.0).collect();
        let t = [Threshold::down(30.0), Threshold::down(100.0), Threshold::parse("100/20").unwrap(), Threshold::parse("1000/100").unwrap()];
        let c = run(n, area, &weights, &rows, &t);
        // covered <= universe everywhere.
        prop_assert!(c.rows.iter().all(|r| r.covered_micro <= r.universe_micro));
        // Monotone: a stricter threshold never covers more (30 ⊇ 100 ⊇ 100/20 ⊇ 1000/100).
        for chunk in c.rows.chunks(t.len()) {
            prop_assert!(chunk.windows(2).all(|w| w[1].covered_micro <= w[0].covered_micro));
        }
        // Gemeenten add up to their provincie, provincies to NL.
        let level = |l: &str, k: usize| -> u64 { c.rows.iter().filter(|r| r.level == l && r.threshold == k).map(|r| r.covered_micro).sum() };
        for k in 0..t.len() {
            prop_assert_eq!(level("gemeente", k), level("provincie", k));
            prop_assert_eq!(level("provincie", k), level("nl", k));
        }
        // Row order does not matter.
        let mut shuffled = rows.clone();
        let len = shuffled.len();
        if len > 1 {
            for i in (1..len).rev() {
                let j = (shuffle.wrapping_mul(i as u64 + 1).rotate_left(17) % (i as u64 + 1)) as usize;
                shuffled.swap(i, j);
            }
        }
        prop_assert_eq!(&run(n, area, &weights, &shuffled, &t), &c);
        // Nor does the number of threads.
        let one = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap().install(|| run(n, area, &weights, &rows, &t));
        prop_assert_eq!(&one, &c);
    }
}
