//! Well-known binary (ISO 19125) to and from geo's geometries, through the georust `wkb` crate.

use geo::Geometry;
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
