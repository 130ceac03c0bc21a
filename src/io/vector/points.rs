//! A point layer (GeoPackage or GeoParquet) as a table the records and universe loaders read:
//! every attribute as a text column, and the point's coordinates as two number columns named
//! as the profile names x/y (RD New) or lon/lat (WGS84).

use std::io::Cursor;
use std::path::Path;

use polars::prelude::*;
use serde_json::Value;

use super::{read, Format};
use crate::error::{Error, Result};

/// The column names the point's coordinates get: `(x, y)` for RD New, `(lon, lat)` for WGS84.
#[derive(Debug, Clone, Copy)]
pub struct PointNames<'a> {
    /// Names for RD New metres.
    pub rd: Option<(&'a str, &'a str)>,
    /// Names for WGS84 degrees.
    pub wgs84: Option<(&'a str, &'a str)>,
}

/// Whether `path` holds a vector layer rather than a plain table: a GeoPackage, or a Parquet file
/// with GeoParquet metadata (only its footer is read).
///
/// # Errors
/// [`Error::Io`] when the file cannot be opened.
pub fn is_layer(path: &Path) -> Result<bool> {
    use std::io::Read as _;
    let mut head = [0u8; 16];
    let (path, _) = super::file_and_layer(path);
    let path = path.as_path();
    let mut file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let n = file.read(&mut head).map_err(|e| Error::io(path, e))?;
    Ok(match Format::sniff(&head[..n]) {
        Format::GeoPackage => true,
        Format::GeoParquet => ParquetReader::new(file)
            .get_metadata()
            .ok()
            .and_then(|m| m.key_value_metadata().as_ref().map(|kv| kv.iter().any(|k| k.key == "geo")))
            .unwrap_or(false),
        Format::GeoJson => false,
    })
}

/// The point layer of `path` as Parquet bytes for the table reader, and the SHA-256 of the file.
///
/// # Errors
/// [`Error::Geometry`] for a layer that is not of points, in a CRS other than RD New or WGS84, or
/// whose CRS the profile has no column names for.
pub fn point_table(path: &Path, names: PointNames<'_>) -> Result<(Vec<u8>, String)> {
    let file = read(path, None)?;
    let mut xy: Vec<(Option<f64>, Option<f64>)> = Vec::with_capacity(file.fc.features.len());
    for (k, f) in file.fc.features.iter().enumerate() {
        let point = match f.geometry.as_ref().map(|g| &g.value) {
            None => (None, None),
            Some(geojson::Value::Point(c)) if c.len() >= 2 => (Some(c[0]), Some(c[1])),
            Some(_) => {
                return Err(Error::geometry(path, format!("feature {}: not a point; give address points", k + 1)))
            }
        };
        xy.push(point);
    }
    let rd = match super::declared_rd(&file.fc) {
        Ok(Some(rd)) => rd,
        Err(n) => {
            let n = dekking_table::quoted(&n);
            return Err(Error::geometry(
                path,
                format!("CRS {n}: reproject the points to RD New (EPSG:28992) or WGS84"),
            ));
        }
        Ok(None) => xy.iter().any(|(x, y)| x.is_some_and(|x| x.abs() > 180.0) || y.is_some_and(|y| y.abs() > 90.0)),
    };
    let Some((nx, ny)) = (if rd { names.rd } else { names.wgs84 }) else {
        let crs = if rd { "RD New" } else { "WGS84" };
        return Err(Error::geometry(path, format!("points in {crs}, for which the profile has no coordinate columns")));
    };
    let mut keys: Vec<String> = Vec::new();
    for f in &file.fc.features {
        for key in f.properties.iter().flat_map(|p| p.keys()) {
            if !keys.contains(key) {
                keys.push(key.clone());
            }
        }
    }
    let text = |v: Option<&Value>| match v {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(v) => Some(v.to_string()),
    };
    let mut columns: Vec<Column> = keys
        .iter()
        .map(|k| Column::new(k.into(), file.fc.features.iter().map(|f| text(f.property(k))).collect::<Vec<_>>()))
        .collect();
    columns.push(Column::new(nx.into(), xy.iter().map(|p| p.0).collect::<Vec<_>>()));
    columns.push(Column::new(ny.into(), xy.iter().map(|p| p.1).collect::<Vec<_>>()));
    let fail = |e: PolarsError| Error::geometry(path, format!("as a table: {e}"));
    let mut df = DataFrame::new(xy.len(), columns).map_err(fail)?;
    let mut bytes = Cursor::new(Vec::new());
    ParquetWriter::new(&mut bytes).finish(&mut df).map_err(fail)?;
    Ok((bytes.into_inner(), file.sha256))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::vector::gpkg;
    use geo::{polygon, Geometry, Point};

    fn layer(dir: &Path, geometry: Geometry<f64>, epsg: u32) -> std::path::PathBuf {
        let table = DataFrame::new(1, vec![Column::new("adres_id".into(), ["A1"])]).unwrap();
        let geometries = [Some(geometry)];
        let bytes = gpkg::write(&[gpkg::Layer { name: "a", epsg, geometries: &geometries, table: &table }]).unwrap();
        std::fs::create_dir_all(dir).unwrap();
        let path = dir.join(format!("{epsg}.gpkg"));
        std::fs::write(&path, bytes).unwrap();
        path
    }

    #[test]
    fn points_become_named_columns_and_other_shapes_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        let names = PointNames { rd: Some(("x", "y")), wgs84: Some(("lon", "lat")) };
        let rd = layer(dir.path(), Geometry::Point(Point::new(155_000.0, 463_000.0)), 28992);
        assert!(is_layer(&rd).unwrap());
        let (parquet, sha) = point_table(&rd, names).unwrap();
        assert_eq!(sha, dekking_files::sha256_hex(&std::fs::read(&rd).unwrap()));
        let df = ParquetReader::new(Cursor::new(parquet)).finish().unwrap();
        let header: Vec<&str> = df.get_column_names().into_iter().map(|n| n.as_str()).collect();
        assert_eq!(header, ["adres_id", "x", "y"]);
        let wgs84 = layer(dir.path(), Geometry::Point(Point::new(5.0, 52.0)), 4326);
        let no_lonlat = PointNames { rd: Some(("x", "y")), wgs84: None };
        let err = point_table(&wgs84, no_lonlat).unwrap_err().to_string();
        assert!(err.contains("points in WGS84, for which the profile has no coordinate columns"), "{err}");
        let square = polygon![(x: 0.0, y: 0.0), (x: 1.0, y: 0.0), (x: 1.0, y: 1.0), (x: 0.0, y: 0.0)];
        let areas = layer(&dir.path().join("areas"), Geometry::Polygon(square), 28992);
        let err = point_table(&areas, names).unwrap_err().to_string();
        assert!(err.contains("feature 1: not a point; give address points"), "{err}");
    }

    /// A GeoPackage of two layers (addresses and areas, as PDOK's downloads hold several): the
    /// address layer chosen as `FILE#LAYER`; without it, an error naming both.
    #[test]
    fn a_layer_of_several_is_chosen_as_file_hash_layer() {
        let dir = tempfile::tempdir().unwrap();
        let table = DataFrame::new(1, vec![Column::new("adres_id".into(), ["A1"])]).unwrap();
        let point = [Some(Geometry::Point(Point::new(155_000.0, 463_000.0)))];
        let square = [Some(Geometry::Polygon(polygon![(x: 0.0, y: 0.0), (x: 1.0, y: 0.0), (x: 1.0, y: 1.0)]))];
        let bytes = gpkg::write(&[
            gpkg::Layer { name: "vlakken", epsg: 28992, geometries: &square, table: &table },
            gpkg::Layer { name: "adressen", epsg: 28992, geometries: &point, table: &table },
        ])
        .unwrap();
        let path = dir.path().join("bag.gpkg");
        std::fs::write(&path, bytes).unwrap();
        let names = PointNames { rd: Some(("x", "y")), wgs84: None };
        let chosen = dir.path().join("bag.gpkg#adressen");
        assert!(is_layer(&chosen).unwrap());
        let (parquet, sha) = point_table(&chosen, names).unwrap();
        assert_eq!(sha, dekking_files::sha256_hex(&std::fs::read(&path).unwrap()));
        assert_eq!(ParquetReader::new(Cursor::new(parquet)).finish().unwrap().height(), 1);
        let err = point_table(&path, names).unwrap_err().to_string();
        assert!(
            err.contains(
                "several feature layers; choose one with --layer (\"vlakken\", \"adressen\"), or as FILE#LAYER"
            ),
            "{err}"
        );
        let err = point_table(&dir.path().join("bag.gpkg#vlakken"), names).unwrap_err().to_string();
        assert!(err.contains("not a point"), "{err}");
    }
}
