//! Each address's cell at a cell scheme: the H3 cell (h3o) of its point or the parent of the
//! cell its row names, or its EEA reference-grid cell (EPSG:3035), with the cells' codes and
//! outlines.
//!
//! Points in RD New are taken to ETRS89 with the RD polynomials, then (for the grid) to
//! EPSG:3035; longitude/latitude columns are used as ETRS89 (WGS84 differs by under a metre in
//! Europe). A grid cell is identified by its lower-left corner: `100mN26593E47365` is the cell
//! whose corner is at N 2 659 300 m, E 4 736 500 m, as in the EEA and RTR codes.

use geo::{LineString, Polygon};
use h3o::{CellIndex, LatLng, Resolution};
use rayon::prelude::*;

use crate::model::availability::XyCrs;
use crate::model::cells::{CellPlace, CellScheme, CellsOf};

/// Longitude and latitude (°, ETRS89) of a point place.
fn lon_lat(x: f64, y: f64, crs: XyCrs) -> Option<(f64, f64)> {
    let (lon, lat) = match crs {
        XyCrs::Wgs84 => (x, y),
        XyCrs::RdNew => dekking_crs::rd_to_wgs84(x, y),
    };
    (lon.is_finite() && lat.is_finite() && lon.abs() <= 180.0 && lat.abs() <= 90.0).then_some((lon, lat))
}

/// The cell of `place` at `scheme`, as a number: an H3 index, or the grid's row (high 32 bits)
/// and column (low 32 bits); `None` without a usable place, for an H3 column cell coarser than
/// the resolution asked, or for a point west or south of the grid's origin.
///
/// ```
/// use dekking::assign::cells::{cell, code};
/// use dekking::model::availability::XyCrs;
/// use dekking::model::cells::{CellPlace, CellScheme};
/// let h3 = cell(CellPlace::H3(0x882b1c6a91fffff), CellScheme::H3(7)).unwrap();
/// assert_eq!(code(CellScheme::H3(7), h3), "872b1c6a9ffffff");
/// // Not a longitude and latitude: no cell.
/// assert_eq!(cell(CellPlace::Point(4_736_512.0, 2_659_388.0, XyCrs::Wgs84), CellScheme::H3(8)), None);
/// ```
#[must_use]
pub fn cell(place: CellPlace, scheme: CellScheme) -> Option<u64> {
    match (scheme, place) {
        (_, CellPlace::Missing) => None,
        (CellScheme::H3(r), CellPlace::H3(raw)) => {
            let c = CellIndex::try_from(raw).ok()?;
            c.parent(Resolution::try_from(r).ok()?).map(u64::from)
        }
        (CellScheme::H3(r), CellPlace::Point(x, y, crs)) => {
            let (lon, lat) = lon_lat(x, y, crs)?;
            let at = LatLng::new(lat, lon).ok()?;
            Some(u64::from(at.to_cell(Resolution::try_from(r).ok()?)))
        }
        (CellScheme::Grid(_), CellPlace::H3(_)) => None,
        (CellScheme::Grid(size), CellPlace::Point(x, y, crs)) => {
            let (lon, lat) = lon_lat(x, y, crs)?;
            let (e, n) = dekking_crs::lonlat_to_laea(lon, lat);
            grid_cell(e, n, size)
        }
    }
}

/// The grid cell (row << 32 | column) of EPSG:3035 easting `e` and northing `n` (m) in cells of
/// `size` metres; `None` for a negative or non-finite coordinate.
///
/// ```
/// use dekking::assign::cells::grid_cell;
/// assert_eq!(grid_cell(4_736_599.9, 2_659_300.0, 100), Some(26_593 << 32 | 47_365));
/// assert_eq!(grid_cell(-1.0, 2_659_300.0, 100), None);
/// ```
#[must_use]
pub fn grid_cell(e: f64, n: f64, size: u32) -> Option<u64> {
    let index = |v: f64| {
        let k = (v / f64::from(size)).floor();
        (k.is_finite() && (0.0..f64::from(u32::MAX)).contains(&k)).then_some(k as u64)
    };
    Some(index(n)? << 32 | index(e)?)
}

/// The code of cell `id` at `scheme`: 15 lowercase hexadecimal digits for H3, `100mN…E…` or
/// `1kmN…E…` for the grid.
///
/// ```
/// use dekking::assign::cells::code;
/// use dekking::model::cells::CellScheme;
/// assert_eq!(code(CellScheme::Grid(100), 26_593 << 32 | 47_365), "100mN26593E47365");
/// assert_eq!(code(CellScheme::Grid(1000), 2_659 << 32 | 4_736), "1kmN2659E4736");
/// ```
#[must_use]
pub fn code(scheme: CellScheme, id: u64) -> String {
    match scheme {
        CellScheme::H3(_) => format!("{id:015x}"),
        CellScheme::Grid(size) => {
            let name = if size == 1000 { "1km" } else { "100m" };
            format!("{name}N{}E{}", id >> 32, id & u64::from(u32::MAX))
        }
    }
}

/// The outline of cell `id` at `scheme` in longitude/latitude (°), closed: the H3 cell's
/// boundary, or the grid square's four corners taken back from EPSG:3035 (a side of 1 km bends
/// by well under a millimetre in degrees).
#[must_use]
pub fn outline(scheme: CellScheme, id: u64) -> Polygon<f64> {
    let ring: Vec<(f64, f64)> = match scheme {
        CellScheme::H3(_) => CellIndex::try_from(id)
            .map(|c| c.boundary().iter().map(|p| (p.lng(), p.lat())).collect())
            .unwrap_or_default(),
        CellScheme::Grid(size) => {
            let s = f64::from(size);
            let (e0, n0) = ((id & u64::from(u32::MAX)) as f64 * s, (id >> 32) as f64 * s);
            let corners = [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0), (0.0, 0.0)];
            corners.iter().map(|(u, v)| dekking_crs::laea_to_lonlat(e0 + u * s, n0 + v * s)).collect()
        }
    };
    Polygon::new(LineString::from(ring), Vec::new())
}

/// The cells of the addresses at `places` (one per address) that `counts`, at `scheme`: the
/// distinct cells sorted by code, and each address's cell among them.
#[must_use]
pub fn cells_of(places: &[CellPlace], scheme: CellScheme, counts: impl Fn(usize) -> bool + Sync) -> CellsOf {
    let ids: Vec<Option<u64>> =
        places.par_iter().enumerate().map(|(a, &p)| if counts(a) { cell(p, scheme) } else { None }).collect();
    let unplaced = ids.iter().enumerate().filter(|(a, id)| id.is_none() && counts(*a)).count() as u64;
    let mut distinct: Vec<u64> = ids.iter().flatten().copied().collect();
    distinct.par_sort_unstable();
    distinct.dedup();
    let mut by_code: Vec<(String, u64)> = distinct.iter().map(|&id| (code(scheme, id), id)).collect();
    by_code.sort_unstable();
    // Each distinct id's place in code order, found by the id's place in `distinct`.
    let mut rank = vec![0u32; distinct.len()];
    for (k, (_, id)) in by_code.iter().enumerate() {
        if let Ok(at) = distinct.binary_search(id) {
            rank[at] = k as u32;
        }
    }
    let of_address =
        ids.par_iter().map(|id| id.and_then(|id| distinct.binary_search(&id).ok()).map(|at| rank[at])).collect();
    let (codes, ids) = by_code.into_iter().unzip();
    CellsOf { codes, ids, of_address, unplaced }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grid_cells_of_rd_points_are_those_of_their_laea_coordinates() {
        // Utrecht's RD origin: lon 5.38720621, lat 52.15517440; EPSG:3035 from the crate's
        // projection, whose IOGP example is tested there.
        let (e, n) = dekking_crs::lonlat_to_laea(5.38720621, 52.15517440);
        let expected = grid_cell(e, n, 100).unwrap();
        let got = cell(CellPlace::Point(155_000.0, 463_000.0, XyCrs::RdNew), CellScheme::Grid(100)).unwrap();
        assert_eq!(got, expected);
        // A 1 km cell holds the 100 m cell: its indices are a tenth, rounded down.
        let km = cell(CellPlace::Point(155_000.0, 463_000.0, XyCrs::RdNew), CellScheme::Grid(1000)).unwrap();
        assert_eq!((km >> 32, km & 0xFFFF_FFFF), ((got >> 32) / 10, (got & 0xFFFF_FFFF) / 10));
    }

    #[test]
    fn an_h3_column_cell_gives_its_parents_but_not_finer_cells() {
        let res8 = 0x882b1c6a91fffff_u64;
        assert_eq!(cell(CellPlace::H3(res8), CellScheme::H3(8)), Some(res8));
        assert_eq!(cell(CellPlace::H3(res8), CellScheme::H3(9)), None);
        assert_eq!(cell(CellPlace::H3(0), CellScheme::H3(8)), None);
        assert_eq!(cell(CellPlace::H3(res8), CellScheme::Grid(100)), None);
    }

    #[test]
    fn an_h3_cell_of_a_point_contains_the_point() {
        let p = CellPlace::Point(-69.7795, 44.3106, XyCrs::Wgs84); // Augusta, Maine
        let c9 = cell(p, CellScheme::H3(9)).unwrap();
        let c8 = cell(p, CellScheme::H3(8)).unwrap();
        // H3 cells are not exactly nested: the parent of the point's res-9 cell is a res-8 cell,
        // but need not be the point's own.
        let parent = CellIndex::try_from(cell(CellPlace::H3(c9), CellScheme::H3(8)).unwrap()).unwrap();
        assert_eq!(parent.resolution(), Resolution::Eight);
        assert_eq!(code(CellScheme::H3(8), c8).len(), 15);
        use geo::Contains;
        assert!(outline(CellScheme::H3(8), c8).contains(&geo::Point::new(-69.7795, 44.3106)));
        assert_eq!(cell(CellPlace::Point(f64::NAN, 44.0, XyCrs::Wgs84), CellScheme::H3(8)), None);
        assert_eq!(cell(CellPlace::Point(200.0, 44.0, XyCrs::Wgs84), CellScheme::H3(8)), None);
    }

    #[test]
    fn a_grid_outline_is_the_square_taken_back_to_degrees() {
        let id = 32_000 << 32 | 40_000;
        let ring = outline(CellScheme::Grid(100), id);
        assert_eq!(ring.exterior().0.len(), 5);
        // Every vertex goes back onto the square's sides in EPSG:3035, within a millimetre.
        for p in &ring.exterior().0 {
            let (e, n) = dekking_crs::lonlat_to_laea(p.x, p.y);
            let on_side = |v: f64, lo: f64| (v - lo).abs() < 1e-3 || (v - lo - 100.0).abs() < 1e-3;
            assert!(on_side(e, 4_000_000.0) || on_side(n, 3_200_000.0), "{e} {n}");
            assert!((4_000_000.0 - 1e-3..=4_000_100.0 + 1e-3).contains(&e));
        }
    }

    #[test]
    fn cells_are_sorted_by_code_and_addresses_point_at_theirs() {
        let at = |e: f64, n: f64| {
            let (lon, lat) = dekking_crs::laea_to_lonlat(e, n);
            CellPlace::Point(lon, lat, XyCrs::Wgs84)
        };
        // Rows 9999 and 10000 sort as text: "100mN10000…" before "100mN9999…".
        let places =
            [at(4_000_050.0, 999_950.0), at(4_000_050.0, 1_000_050.0), CellPlace::Missing, at(4_000_060.0, 999_960.0)];
        let c = cells_of(&places, CellScheme::Grid(100), |_| true);
        assert_eq!(c.codes, ["100mN10000E40000", "100mN9999E40000"]);
        assert_eq!(c.of_address, [Some(1), Some(0), None, Some(1)]);
        assert_eq!(c.unplaced, 1);
        let only_first = cells_of(&places, CellScheme::Grid(100), |a| a == 0);
        assert_eq!((only_first.codes.len(), only_first.unplaced), (1, 0));
    }
}
