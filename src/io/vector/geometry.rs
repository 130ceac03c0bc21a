//! Well-known binary (ISO 19125) to and from geo's geometries, through the georust `wkb` crate.

use geo::{BoundingRect, Geometry};
use geo_traits::to_geo::ToGeoGeometry;

/// The geometry of WKB bytes (2D; a Z or M coordinate is dropped).
///
/// # Errors
/// The decoder's message for bytes that are not WKB.
pub fn from_wkb(bytes: &[u8]) -> std::result::Result<Geometry<f64>, String> {
    let wkb = wkb::reader::read_wkb(bytes).map_err(|e| e.to_string())?;
    wkb.try_to_geometry().ok_or_else(|| "a geometry type geo cannot hold".to_string())
}

/// The little-endian WKB bytes of `g`.
#[must_use]
pub fn to_wkb(g: &Geometry<f64>) -> Vec<u8> {
    let mut out = Vec::new();
    // Writing into a Vec cannot fail.
    let _ = wkb::writer::write_geometry(&mut out, g, &wkb::writer::WriteOptions::default());
    out
}

/// The `[min x, min y, max x, max y]` box around every geometry given; `None` when there is none
/// with a coordinate.
#[must_use]
pub fn bounds(geometries: &[Option<Geometry<f64>>]) -> Option<[f64; 4]> {
    let rects = geometries.iter().flatten().filter_map(BoundingRect::bounding_rect);
    rects
        .map(|r| [r.min().x, r.min().y, r.max().x, r.max().y])
        .reduce(|a, b| [a[0].min(b[0]), a[1].min(b[1]), a[2].max(b[2]), a[3].max(b[3])])
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{polygon, MultiPolygon, Point};

    #[test]
    fn a_point_has_the_published_bytes_and_polygons_round_trip() {
        // The example of the OGC Simple Features standard: POINT(2 4), little-endian.
        let bytes = to_wkb(&Geometry::Point(Point::new(2.0, 4.0)));
        assert_eq!(bytes, [1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 64, 0, 0, 0, 0, 0, 0, 16, 64]);
        let square = polygon![(x: 0.0, y: 0.0), (x: 2.0, y: 0.0), (x: 2.0, y: 2.0), (x: 0.0, y: 0.0)];
        let g = Geometry::MultiPolygon(MultiPolygon(vec![square]));
        assert_eq!(from_wkb(&to_wkb(&g)).unwrap(), g);
        assert!(from_wkb(&[1, 99, 0]).is_err());
    }
}
