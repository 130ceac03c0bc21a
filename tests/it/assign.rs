use dekking::assign::pip::AreaIndex;
use dekking::io::boundaries;
use dekking::io::embedded::gemeenten_2023;
use dekking::io::profile::AreaScheme;
use dekking_crs::wgs84_to_rd;
use geo::coordinate_position::CoordPos;
use geo::{Coord, CoordinatePosition, InteriorPoint};
use rand::{Rng, SeedableRng};

use crate::util::shared;

fn index_of(b: &dekking::model::areas::Boundaries) -> AreaIndex {
    AreaIndex::new(b.areas.iter().enumerate().map(|(k, a)| (k as u32, &a.shape)))
}

/// Well-known places, located on the built-in map (WGS84 from public gazetteers).
#[test]
fn landmarks_land_in_their_gemeente() {
    let b = gemeenten_2023().unwrap();
    let idx = index_of(&b);
    let places = [
        ("Dam, Amsterdam", 4.8926, 52.3731, "GM0363"),
        ("Martinitoren, Groningen", 6.5682, 53.2194, "GM0014"),
        ("Domtoren, Utrecht", 5.1217, 52.0908, "GM0344"),
        ("Vrijthof, Maastricht", 5.6889, 50.8489, "GM0935"),
        ("Den Burg, Texel", 4.7972, 53.0542, "GM0448"),
        ("Oost-Vlieland", 5.0723, 53.2965, "GM0096"),
        ("Markt, Middelburg", 3.6136, 51.4988, "GM0687"),
        ("Oude Markt, Enschede", 6.8937, 52.2215, "GM0153"),
        ("Binnenhof, Den Haag", 4.3127, 52.0799, "GM0518"),
        ("Markthal, Rotterdam", 4.4868, 51.9200, "GM0599"),
    ];
    for (name, lon, lat, code) in places {
        let (x, y) = wgs84_to_rd(lon, lat);
        let got = idx.locate(x, y).map(|k| b.areas[k as usize].code.as_str());
        assert_eq!(got, Some(code), "{name}");
    }
    // Offshore (North Sea) and abroad (Germany): nowhere.
    for (lon, lat) in [(3.0, 53.5), (7.5, 51.5)] {
        let (x, y) = wgs84_to_rd(lon, lat);
        assert_eq!(idx.locate(x, y), None);
    }
}

/// The expected area by an independent algorithm (geo's coordinate position): the lowest code
/// whose shape has the point inside; `None` when the point is on some boundary (ambiguous by
/// design and covered by the unit tests) or in no area.
fn expected(b: &dekking::model::areas::Boundaries, x: f64, y: f64) -> Option<Option<u32>> {
    let c = Coord { x, y };
    let mut found = None;
    for (k, a) in b.areas.iter().enumerate() {
        match a.shape.coordinate_position(&c) {
            CoordPos::OnBoundary => return None,
            CoordPos::Inside if found.is_none() => found = Some(k as u32),
            _ => {}
        }
    }
    Some(found)
}

/// Real CBS 2023 boundaries from ../shared/data: random points over the country, points 2 m
/// either side of every 5th vertex, the inside of every hole and a point in every part of the
/// multi-part gemeenten (about 35,000 points) agree with geo's independent containment test.
#[test]
fn cbs_2023_boundaries_agree_with_geo() {
    let Some(path) = shared("cbs_wijkenbuurten_gemeenten/gemeenten_2023_wgs84_simplified.geojson") else { return };
    let b = boundaries::load(&path, AreaScheme::Gemeente).unwrap();
    assert_eq!(b.areas.len(), 343, "342 gemeenten and GM0998 Buitenland");
    let idx = index_of(&b);
    let mut points: Vec<(f64, f64, &str)> = Vec::new();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(42);
    for _ in 0..20_000 {
        points.push((rng.random_range(0.0..290_000.0), rng.random_range(300_000.0..625_000.0), "random"));
    }
    let (mut holes, mut parts) = (0, 0);
    for a in &b.areas {
        for poly in &a.shape.0 {
            for (i, c) in poly.exterior().0.iter().enumerate().step_by(5) {
                let _ = i;
                for (dx, dy) in [(2.0, 0.0), (-2.0, 0.0), (0.0, 2.0), (0.0, -2.0)] {
                    points.push((c.x + dx, c.y + dy, "near a border"));
                }
            }
            for hole in poly.interiors() {
                let p = geo::Polygon::new(hole.clone(), vec![]).interior_point().unwrap();
                points.push((p.x(), p.y(), "in a hole"));
                holes += 1;
            }
            if a.shape.0.len() > 1 {
                let p = poly.interior_point().unwrap();
                points.push((p.x(), p.y(), "in one part of a multi-part gemeente"));
                parts += 1;
            }
        }
    }
    assert!(holes >= 9 && parts >= 50, "holes {holes}, parts {parts}");
    let (mut checked, mut inside) = (0, 0);
    for (x, y, kind) in &points {
        let Some(want) = expected(&b, *x, *y) else { continue };
        let got = idx.locate(*x, *y);
        assert_eq!(got, want, "{kind} point ({x}, {y})");
        checked += 1;
        inside += usize::from(got.is_some());
    }
    eprintln!("{checked} points checked against geo, {inside} inside a gemeente");
    assert!(checked > 30_000 && inside > 18_000, "{checked} checked, {inside} inside");
}

/// A real RD New GeoJSON (CRS declared in the file) whose features carry only names is refused
/// with a message naming the file, the feature and the properties looked for.
#[test]
fn boundaries_without_codes_are_refused_clearly() {
    let Some(path) = shared("certegis_cbs_pc4/geo_gemeenten_rd.geojson") else { return };
    let e = boundaries::load(&path, AreaScheme::Gemeente).unwrap_err().to_string();
    assert!(e.contains("geo_gemeenten_rd.geojson: feature 1: no area code (looked for gemeentecode"), "{e}");
}
