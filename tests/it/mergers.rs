use std::collections::BTreeMap;

use dekking::io::areas::load_area_table;
use dekking::io::boundaries;
use dekking::io::mergers::Mergers;
use dekking::io::profile::AreaScheme;
use geo::{Area, InteriorPoint};

use crate::util::shared;

/// Every gemeente of 2021 maps onto the 2023 map, and every 2023 gemeente is reached.
#[test]
fn mapping_covers_the_2021_and_2023_tables() {
    let (Some(t21), Some(t23)) = (
        shared("cbs_gemeenten_provincie_2023/gemeenten-alfabetisch-2021.csv"),
        shared("cbs_gemeenten_provincie_2023/gemeenten-alfabetisch-2023.csv"),
    ) else {
        return;
    };
    let m = Mergers::built_in().unwrap();
    let (old, new) =
        (load_area_table(&t21, AreaScheme::Gemeente).unwrap(), load_area_table(&t23, AreaScheme::Gemeente).unwrap());
    assert_eq!((old.areas.len(), new.areas.len()), (352, 342));
    let mut reached = std::collections::BTreeSet::new();
    for code in old.areas.keys() {
        let now = m.current(code, None);
        assert!(new.areas.contains_key(&now), "{code} maps to {now}, which is not a 2023 gemeente");
        reached.insert(now);
    }
    assert_eq!(reached.len(), 342, "every 2023 gemeente is the successor of some 2021 gemeente");
    for merger in m.iter() {
        assert!(old.areas.contains_key(&merger.old_code) && !new.areas.contains_key(&merger.old_code), "{merger:?}");
    }
}

/// The 2022 map (345 gemeenten) re-aggregated on the 2023 map: the interior point of each 2022
/// gemeente's largest land part lies in the 2023 gemeente the table maps it to (so Weesp lies in
/// Amsterdam, Brielle in Voorne aan Zee), and household totals are conserved.
#[test]
fn mapping_agrees_with_the_2022_and_2023_geometry() {
    let (Some(g22), Some(g23)) = (
        shared("cbs_wijkenbuurten_gemeenten/gemeenten_2022_landwater_wgs84_simplified.geojson"),
        shared("cbs_wijkenbuurten_gemeenten/gemeenten_2023_wgs84_simplified.geojson"),
    ) else {
        return;
    };
    let m = Mergers::built_in().unwrap();
    // The 2022 file also holds the open-water parts (`water` = JA) that the 2023 polygons leave out.
    let mut fc: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&g22).unwrap()).unwrap();
    fc["features"].as_array_mut().unwrap().retain(|f| f["properties"]["water"] == "NEE");
    let b22 = boundaries::parse(&g22, &fc.to_string(), AreaScheme::Gemeente).unwrap();
    let b23 = boundaries::load(&g23, AreaScheme::Gemeente).unwrap();
    let idx = dekking::assign::pip::AreaIndex::new(b23.areas.iter().enumerate().map(|(k, a)| (k as u32, &a.shape)));
    let (mut before, mut after) = (0.0, BTreeMap::<String, f64>::new());
    let mut checked = 0;
    for a in b22.areas.iter().filter(|a| a.code != "GM0998") {
        let now = m.current(&a.code, None);
        // The largest land part must lie in the mapped gemeente; small slivers can move between
        // neighbours by boundary corrections (grenscorrecties), which are not mergers.
        let largest = a.shape.0.iter().max_by(|p, q| p.unsigned_area().total_cmp(&q.unsigned_area())).unwrap();
        let p = largest.interior_point().unwrap();
        let found = idx.locate(p.x(), p.y()).map(|k| b23.areas[k as usize].code.clone());
        assert_eq!(found.as_deref(), Some(now.as_str()), "{} ({:?}) maps to {now}", a.code, a.name);
        checked += 1;
        let h = a.households.unwrap_or(0.0);
        before += h;
        *after.entry(now).or_default() += h;
    }
    assert_eq!(checked, 345);
    assert!(after.keys().all(|c| b23.areas.iter().any(|a| &a.code == c)));
    assert_eq!(after.values().sum::<f64>(), before, "households conserved");
    assert_eq!(before, 8_138_591.0, "CBS 2022 households");
}
