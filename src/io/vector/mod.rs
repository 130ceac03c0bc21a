//! Vector layers from GeoJSON, GeoPackage or GeoParquet, read into one form: a GeoJSON
//! FeatureCollection whose `crs` member names the layer's CRS when the file declares one.
//!
//! The format is told by the file's first bytes (`SQLite format 3` → GeoPackage, `PAR1` →
//! GeoParquet, else GeoJSON text), not by its name. A GeoPackage may hold several feature
//! layers: one is chosen by name, or the only one is taken. A layer of address points is read
//! as a table ([`points`]).

mod geometry;
pub mod geoparquet;
pub mod gpkg;
pub mod points;

use std::path::{Path, PathBuf};

use geo::Geometry;
use geojson::FeatureCollection;
use polars::prelude::DataFrame;

use crate::error::{Error, Result};
use dekking_files::sha256_hex;
use dekking_table::quoted;

pub use geometry::{bounds, from_wkb, to_wkb};

/// A file's vector format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// RFC 7946 GeoJSON (or the older form with a `crs` member).
    GeoJson,
    /// OGC GeoPackage 1.x (SQLite), geometries as GeoPackage blobs.
    GeoPackage,
    /// GeoParquet 1.x, geometries as WKB.
    GeoParquet,
}

impl Format {
    /// The format of a file from its first bytes.
    #[must_use]
    pub fn sniff(head: &[u8]) -> Format {
        if head.starts_with(b"SQLite format 3\0") {
            Format::GeoPackage
        } else if head.starts_with(b"PAR1") {
            Format::GeoParquet
        } else {
            Format::GeoJson
        }
    }

    /// The format's name when a file of it holds one layer only (all but GeoPackage).
    fn single_layer(self) -> Option<&'static str> {
        match self {
            Format::GeoJson => Some("GeoJSON"),
            Format::GeoParquet => Some("GeoParquet"),
            Format::GeoPackage => None,
        }
    }
}

/// A vector layer read from a file.
#[derive(Debug, Clone)]
pub struct VectorFile {
    /// The features, with a `crs` foreign member when the file declares the CRS.
    pub fc: FeatureCollection,
    /// How it was read, e.g. `geojson` or `gpkg layer gemeenten`.
    pub format: String,
    /// SHA-256 of the file's bytes, hex.
    pub sha256: String,
}

/// The file and the layer a path names: `FILE#LAYER` chooses a layer of a GeoPackage wherever a
/// vector file is read (universes, exclusions, masks; boundaries also take `--layer`). A path
/// that exists is a file as it is, `#` and all.
///
/// ```
/// use dekking::io::vector::file_and_layer;
/// use std::path::Path;
/// assert_eq!(file_and_layer(Path::new("Cargo.toml#x")), (Path::new("Cargo.toml").into(), Some("x".into())));
/// assert_eq!(file_and_layer(Path::new("Cargo.toml")), (Path::new("Cargo.toml").into(), None));
/// assert_eq!(file_and_layer(Path::new("missing.gpkg#x")), (Path::new("missing.gpkg#x").into(), None));
/// ```
#[must_use]
pub fn file_and_layer(path: &Path) -> (PathBuf, Option<String>) {
    if !path.exists() {
        if let Some((file, layer)) = path.to_str().and_then(|s| s.rsplit_once('#')) {
            if !layer.is_empty() && Path::new(file).is_file() {
                return (PathBuf::from(file), Some(layer.to_string()));
            }
        }
    }
    (path.to_path_buf(), None)
}

/// Reads the layer of `path` (`layer` names one of a GeoPackage's layers).
///
/// # Errors
/// [`Error::Io`] when unreadable; [`Error::Geometry`] for a file of none of the three formats,
/// a layer that is not there, or a geometry that cannot be decoded.
pub fn read(path: &Path, layer: Option<&str>) -> Result<VectorFile> {
    let (file, named) = file_and_layer(path);
    let (path, layer) = match (layer, named.as_deref()) {
        (Some(a), Some(b)) if a != b => {
            return Err(Error::geometry(&file, format!("layer {} and --layer {}: give one", quoted(b), quoted(a))))
        }
        (given, named) => (file.as_path(), given.or(named)),
    };
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let sha256 = sha256_hex(&bytes);
    let format = Format::sniff(&bytes);
    if let (Some(layer), Some(kind)) = (layer, format.single_layer()) {
        let layer = dekking_table::quoted(layer);
        return Err(Error::geometry(path, format!("a {kind} file has one layer; drop --layer {layer}")));
    }
    match format {
        Format::GeoJson => {
            let text = crate::io::utf8(path, bytes)?;
            Ok(VectorFile { fc: parse_geojson(path, &text)?, format: "geojson".into(), sha256 })
        }
        Format::GeoPackage => {
            let (fc, name) = gpkg::read(path, layer)?;
            Ok(VectorFile { fc, format: format!("gpkg layer {name}"), sha256 })
        }
        Format::GeoParquet => {
            Ok(VectorFile { fc: geoparquet::read(path, bytes)?, format: "geoparquet".into(), sha256 })
        }
    }
}

/// The same layer as GeoPackage bytes (layer `name`) and as GeoParquet bytes: the rows of `table`,
/// each with its geometry (or none) in EPSG:`epsg` (4326 or 28992).
///
/// # Errors
/// As [`gpkg::write`] and [`geoparquet::write`].
pub fn layer_files(
    name: &str,
    epsg: u32,
    table: DataFrame,
    geometries: &[Option<Geometry<f64>>],
) -> Result<(Vec<u8>, Vec<u8>)> {
    let gpkg = gpkg::write(&[gpkg::Layer { name, epsg, geometries, table: &table }])?;
    Ok((gpkg, geoparquet::write(table, geometries, epsg)?))
}

/// The bytes of a GeoJSON FeatureCollection (RFC 7946: longitude/latitude, WGS84): a feature per
/// row of `table`, its columns as properties (nulls as null), with its geometry (or none), the
/// coordinates to 7 decimals (about a centimetre). Written feature by feature, so a large layer
/// is never held as a JSON tree.
///
/// # Errors
/// Only on an internal serialisation failure.
pub fn geojson_bytes(table: &DataFrame, geometries: &[Option<Geometry<f64>>]) -> Result<Vec<u8>> {
    use geo::MapCoords;
    let fail = |e: &dyn std::fmt::Display| Error::table("<output>.geojson", e.to_string());
    let round = |v: f64| (v * 1e7).round() / 1e7;
    let mut bytes = b"{\"type\":\"FeatureCollection\",\"features\":[".to_vec();
    for (i, g) in geometries.iter().enumerate().take(table.height()) {
        let mut properties = geojson::JsonObject::new();
        for c in table.columns() {
            properties.insert(c.name().to_string(), geoparquet::json(c.get(i).map_err(|e| fail(&e))?));
        }
        let geometry = g.as_ref().map(|g| {
            let g = g.map_coords(|c| geo::Coord { x: round(c.x), y: round(c.y) });
            geojson::Geometry::new(geojson::Value::from(&g))
        });
        let feature = geojson::Feature { geometry, properties: Some(properties), ..geojson::Feature::default() };
        if i > 0 {
            bytes.push(b',');
        }
        serde_json::to_writer(&mut bytes, &feature).map_err(|e| fail(&e))?;
    }
    bytes.extend_from_slice(b"]}\n");
    Ok(bytes)
}

/// Parses GeoJSON text into a FeatureCollection.
///
/// # Errors
/// [`Error::Geometry`] for text that is not a GeoJSON FeatureCollection.
pub fn parse_geojson(path: &Path, text: &str) -> Result<FeatureCollection> {
    let geojson: geojson::GeoJson = text.parse().map_err(|e| {
        Error::geometry(path, format!("not valid GeoJSON ({e}); give a GeoJSON, GeoPackage or GeoParquet file"))
    })?;
    FeatureCollection::try_from(geojson)
        .map_err(|_| Error::geometry(path, "expected a FeatureCollection of (Multi)Polygons"))
}

/// Whether the CRS a collection declares in its `crs` member is RD New (`Some(true)`) or WGS84
/// (`Some(false)`; ETRS89 and CRS84 too); `None` when it declares none.
///
/// # Errors
/// The declared name when it is neither.
pub fn declared_rd(fc: &FeatureCollection) -> std::result::Result<Option<bool>, String> {
    let name = fc.foreign_members.as_ref().and_then(|m| m.get("crs")?.pointer("/properties/name")?.as_str());
    match name {
        None => Ok(None),
        Some(n) if n.contains("28992") => Ok(Some(true)),
        Some(n) if n.contains("4326") || n.contains("CRS84") || n.contains("4258") => Ok(Some(false)),
        Some(n) => Err(n.to_string()),
    }
}

/// The `crs` member GeoJSON used before RFC 7946 for `EPSG:code`, which the readers of this
/// crate understand.
#[must_use]
pub fn crs_member(code: u32) -> geojson::JsonObject {
    let mut m = geojson::JsonObject::new();
    m.insert(
        "crs".into(),
        serde_json::json!({"type": "name", "properties": {"name": format!("urn:ogc:def:crs:EPSG::{code}")}}),
    );
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_told_by_their_first_bytes_and_a_layer_needs_a_geopackage() {
        assert_eq!(Format::sniff(b"SQLite format 3\0rest"), Format::GeoPackage);
        assert_eq!(Format::sniff(b"PAR1...."), Format::GeoParquet);
        assert_eq!(Format::sniff(b"{\"type\":"), Format::GeoJson);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.gpkg");
        std::fs::write(&path, r#"{"type":"FeatureCollection","features":[]}"#).unwrap();
        let file = read(&path, None).unwrap();
        assert_eq!((file.format.as_str(), file.fc.features.len()), ("geojson", 0), "a GeoJSON, whatever its name");
        let err = read(&path, Some("gemeenten")).unwrap_err().to_string();
        assert!(err.contains("a GeoJSON file has one layer; drop --layer \"gemeenten\""), "{err}");
    }
}
