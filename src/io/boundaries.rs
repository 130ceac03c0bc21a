//! Area boundaries from GeoJSON, GeoPackage or GeoParquet ([`vector`]): gemeente polygons
//! (CBS/PDOK) in WGS84 or RD New, returned in RD New metres, merged per area code and sorted by
//! code.
//!
//! The CRS is the one the file declares (a GeoJSON `crs` member, a GeoPackage layer's SRS, a
//! GeoParquet column's CRS: `EPSG:28992` → RD New; `EPSG:4326`, `EPSG:4258` or `CRS84` → WGS84);
//! a GeoJSON without one is WGS84 unless the coordinates are clearly metres (|x| > 180 or
//! |y| > 90), in which case RD New is assumed and a warning is returned.

use std::collections::BTreeMap;
use std::path::Path;

use geo::{Coord, LineString, MultiPolygon, Polygon};
use geojson::{FeatureCollection, Value};

use crate::error::{Error, Result};
use crate::io::profile::AreaScheme;
use crate::io::vector::{self, VectorFile};
use crate::model::areas::{Boundaries, Boundary};
use crate::model::source::SourceInfo;
use dekking_crs::wgs84_to_rd;
use dekking_files::sha256_hex;

/// Property names tried for the area code, in order.
pub const CODE_KEYS: [&str; 6] = ["gemeentecode", "statcode", "GM_CODE", "code", "area_code", "GEOID"];
/// Property names tried for the area name, in order.
pub const NAME_KEYS: [&str; 6] = ["gemeentenaam", "statnaam", "GM_NAAM", "naam", "name", "area_name"];
/// Property names tried for the number of households, in order.
pub const HOUSEHOLD_KEYS: [&str; 2] = ["aantalHuishoudens", "households"];

/// Which layer of a boundary file holds the areas (`None`: the only one), and which properties
/// of its features hold the area code and name (`None`: the first of [`CODE_KEYS`] or
/// [`NAME_KEYS`] a feature has).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AreaFields {
    /// The GeoPackage layer.
    pub layer: Option<String>,
    /// The property holding the area code.
    pub code: Option<String>,
    /// The property holding the area name.
    pub name: Option<String>,
}

/// Reads a boundaries file (GeoJSON, GeoPackage, GeoParquet), the code and name from the usual
/// properties.
///
/// # Errors
/// [`Error::Io`] when unreadable; [`Error::Geometry`] for invalid GeoJSON, an unsupported CRS, a
/// feature without a code or a non-polygon geometry.
pub fn load(path: &Path, scheme: AreaScheme) -> Result<Boundaries> {
    load_with(path, scheme, &AreaFields::default())
}

/// Reads a boundaries file, its layer, code and name where `fields` says.
///
/// # Errors
/// As [`load`].
pub fn load_with(path: &Path, scheme: AreaScheme, fields: &AreaFields) -> Result<Boundaries> {
    let file = vector::read(path, fields.layer.as_deref())?;
    areas_of(path, collection(path, file)?, scheme, fields)
}

/// A parsed FeatureCollection with its CRS decided.
struct Collection {
    fc: FeatureCollection,
    rd: bool,
    warnings: Vec<String>,
    format: String,
    sha256: String,
}

fn collection(path: &Path, file: VectorFile) -> Result<Collection> {
    let VectorFile { fc, format, sha256 } = file;
    let mut warnings = Vec::new();
    let rd = match vector::declared_rd(&fc) {
        Ok(Some(rd)) => rd,
        Err(n) => {
            return Err(Error::geometry(
                path,
                format!("unsupported CRS `{n}`: reproject to WGS84 (EPSG:4326) or RD New (EPSG:28992)"),
            ))
        }
        Ok(None) => {
            let projected = fc
                .features
                .iter()
                .filter_map(|f| f.geometry.as_ref())
                .any(|g| first_coord(&g.value).is_some_and(|c| c[0].abs() > 180.0 || c[1].abs() > 90.0));
            if projected {
                warnings.push(format!(
                    "{}: no `crs` member but coordinates in metres; assuming RD New (EPSG:28992)",
                    path.display()
                ));
            }
            projected
        }
    };
    Ok(Collection { fc, rd, warnings, format, sha256 })
}

impl Collection {
    fn crs(&self) -> &'static str {
        if self.rd {
            "EPSG:28992"
        } else {
            "EPSG:4326"
        }
    }

    fn source(&self, path: &Path, role: &str) -> SourceInfo {
        SourceInfo {
            role: role.into(),
            path: path.display().to_string(),
            sha256: self.sha256.clone(),
            rows: self.fc.features.len() as u64,
            format: format!("{}, {}", self.format, self.crs()),
            columns: Vec::new(),
        }
    }

    /// The polygons of feature `k` in RD New.
    fn polygons(&self, path: &Path, k: usize, label: &str) -> Result<Vec<Polygon<f64>>> {
        let Some(geometry) = &self.fc.features[k].geometry else {
            return Err(Error::geometry(path, format!("feature {}{label}: no geometry", k + 1)));
        };
        let rd = self.rd;
        let project = |c: &Vec<f64>| -> Coord<f64> {
            if rd {
                Coord { x: c[0], y: c[1] }
            } else {
                let (x, y) = wgs84_to_rd(c[0], c[1]);
                Coord { x, y }
            }
        };
        let ring = |r: &Vec<Vec<f64>>| LineString::from(r.iter().map(project).collect::<Vec<_>>());
        let polygon = |rings: &Vec<Vec<Vec<f64>>>| -> Option<Polygon<f64>> {
            let (outer, inner) = rings.split_first()?;
            Some(Polygon::new(ring(outer), inner.iter().map(ring).collect()))
        };
        match &geometry.value {
            Value::Polygon(rings) => Ok(polygon(rings).into_iter().collect()),
            Value::MultiPolygon(polys) => Ok(polys.iter().filter_map(polygon).collect()),
            other => Err(Error::geometry(
                path,
                format!(
                    "feature {}{label}: geometry is a {}, expected Polygon or MultiPolygon",
                    k + 1,
                    other.type_name()
                ),
            )),
        }
    }
}

/// Parses boundaries from GeoJSON text (`path` names it in messages and provenance), the code
/// and name from the usual properties.
///
/// # Errors
/// As [`load`].
pub fn parse(path: &Path, text: &str, scheme: AreaScheme) -> Result<Boundaries> {
    parse_with(path, text, scheme, &AreaFields::default())
}

/// Parses boundaries from GeoJSON text, the code and name from the properties `fields` names.
/// Features with the same code are merged into one area.
///
/// # Errors
/// As [`load`].
pub fn parse_with(path: &Path, text: &str, scheme: AreaScheme, fields: &AreaFields) -> Result<Boundaries> {
    areas_of(path, collection(path, geojson_text(path, text)?)?, scheme, fields)
}

fn geojson_text(path: &Path, text: &str) -> Result<VectorFile> {
    let fc = vector::parse_geojson(path, text)?;
    Ok(VectorFile { fc, format: "geojson".into(), sha256: sha256_hex(text.as_bytes()) })
}

/// The areas of a collection, merged per code.
fn areas_of(path: &Path, c: Collection, scheme: AreaScheme, fields: &AreaFields) -> Result<Boundaries> {
    let code_keys: Vec<&str> = fields.code.as_deref().map_or(CODE_KEYS.to_vec(), |k| vec![k]);
    let name_keys: Vec<&str> = fields.name.as_deref().map_or(NAME_KEYS.to_vec(), |k| vec![k]);
    let mut merged: BTreeMap<String, Boundary> = BTreeMap::new();
    for (k, feature) in c.fc.features.iter().enumerate() {
        let prop = |keys: &[&str]| keys.iter().find_map(|key| feature.property(key)).cloned();
        let text_of = |v: serde_json::Value| match v {
            serde_json::Value::String(s) => Some(s),
            serde_json::Value::Number(n) => Some(n.to_string()),
            _ => None,
        };
        let Some(raw_code) = prop(&code_keys).and_then(text_of) else {
            return Err(Error::geometry(
                path,
                format!(
                    "feature {}: no area code (looked for {}; name it with --area-code-field)",
                    k + 1,
                    code_keys.join(", ")
                ),
            ));
        };
        let code = scheme.boundary_code(&raw_code).ok_or_else(|| {
            Error::geometry(path, format!("feature {}: empty area code {}", k + 1, dekking_table::quoted(&raw_code)))
        })?;
        if fields.name.is_some() && prop(&name_keys).is_none() {
            return Err(Error::geometry(
                path,
                format!("feature {} ({code}): no property {}", k + 1, dekking_table::quoted(name_keys[0])),
            ));
        }
        let name = prop(&name_keys).and_then(text_of);
        let households = prop(&HOUSEHOLD_KEYS).and_then(|v| v.as_f64()).filter(|h| *h >= 0.0);
        let parts = c.polygons(path, k, &format!(" ({code})"))?;
        let entry = merged.entry(code.clone()).or_insert_with(|| Boundary {
            code,
            name,
            shape: MultiPolygon(Vec::new()),
            households: None,
        });
        entry.shape.0.extend(parts);
        if let Some(h) = households {
            entry.households = Some(entry.households.unwrap_or(0.0) + h);
        }
    }
    Ok(Boundaries {
        areas: merged.into_values().collect(),
        source: c.source(path, "boundaries"),
        crs: c.crs(),
        warnings: c.warnings,
    })
}

/// The areas of `b` that are areas of `scheme`: those the scheme says are not (CBS's `GM0998`
/// Buitenland, land abroad inside the map) are left out, each named in a warning, since no
/// obligation covers them and a point inside them is outside every area.
#[must_use]
pub fn without_non_areas(mut b: Boundaries, scheme: AreaScheme) -> Boundaries {
    let file = b.source.path.clone();
    let warnings = &mut b.warnings;
    b.areas.retain(|a| match scheme.not_an_area(&a.code) {
        Some(why) => {
            let name = a.name.as_deref().map(|n| format!(" {}", dekking_table::quoted(n))).unwrap_or_default();
            warnings.push(format!("{file}: area {}{name} left out: {why}", a.code));
            false
        }
        None => true,
    });
    b
}

/// Polygons of any GeoJSON layer (e.g. exclusions), in RD New, one shape per feature.
#[derive(Debug, Clone)]
pub struct Layer {
    /// One shape per feature, RD New metres.
    pub shapes: Vec<MultiPolygon<f64>>,
    /// Provenance.
    pub source: SourceInfo,
    /// Things a user should know.
    pub warnings: Vec<String>,
}

/// Parses a polygon layer from GeoJSON text; properties are ignored.
///
/// # Errors
/// [`Error::Geometry`] for invalid GeoJSON, an unsupported CRS or a non-polygon feature.
pub fn parse_layer(path: &Path, text: &str, role: &str) -> Result<Layer> {
    layer_of(path, collection(path, geojson_text(path, text)?)?, role)
}

fn layer_of(path: &Path, c: Collection, role: &str) -> Result<Layer> {
    let shapes = (0..c.fc.features.len()).map(|k| c.polygons(path, k, "").map(MultiPolygon)).collect::<Result<_>>()?;
    Ok(Layer { shapes, source: c.source(path, role), warnings: c.warnings })
}

/// Reads a polygon layer from a GeoJSON, GeoPackage (its only feature layer) or GeoParquet file.
///
/// # Errors
/// As [`parse_layer`], plus [`Error::Io`].
pub fn load_layer(path: &Path, role: &str) -> Result<Layer> {
    load_layer_named(path, None, role)
}

/// [`load_layer`], with the layer of a GeoPackage chosen by name.
///
/// # Errors
/// As [`load_layer`], and for a layer the GeoPackage does not have.
pub fn load_layer_named(path: &Path, layer: Option<&str>, role: &str) -> Result<Layer> {
    layer_of(path, collection(path, vector::read(path, layer)?)?, role)
}

/// Areas as a GeoJSON FeatureCollection in RD New (EPSG:28992, named in a `crs` member), with
/// `gemeentecode` and `gemeentenaam`: exactly the polygons dekking locates points in, for other
/// tools to use (coordinates in shortest round-trip form, so they read back bit-identical).
///
/// # Errors
/// Only on an internal serialisation failure.
pub fn to_rd_geojson(areas: &[Boundary]) -> Result<Vec<u8>> {
    let ring = |l: &LineString<f64>| l.0.iter().map(|c| serde_json::json!([c.x, c.y])).collect::<Vec<_>>();
    let features: Vec<serde_json::Value> = areas
        .iter()
        .map(|a| {
            let polys: Vec<serde_json::Value> = a
                .shape
                .0
                .iter()
                .map(|p| {
                    serde_json::Value::Array(
                        std::iter::once(p.exterior())
                            .chain(p.interiors())
                            .map(|r| serde_json::Value::Array(ring(r)))
                            .collect(),
                    )
                })
                .collect();
            serde_json::json!({
                "type": "Feature",
                "properties": { "gemeentecode": a.code, "gemeentenaam": a.name.as_deref().unwrap_or(&a.code) },
                "geometry": { "type": "MultiPolygon", "coordinates": polys },
            })
        })
        .collect();
    let doc = serde_json::json!({
        "type": "FeatureCollection",
        "crs": { "type": "name", "properties": { "name": "urn:ogc:def:crs:EPSG::28992" } },
        "features": features,
    });
    let mut out = serde_json::to_vec(&doc).map_err(|e| Error::geometry("<output>", e.to_string()))?;
    out.push(b'\n');
    Ok(out)
}

fn first_coord(v: &Value) -> Option<&Vec<f64>> {
    match v {
        Value::Polygon(r) => r.first()?.first(),
        Value::MultiPolygon(p) => p.first()?.first()?.first(),
        Value::Point(c) => Some(c),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TWO: &str = r#"{"type":"FeatureCollection","features":[
      {"type":"Feature","properties":{"gemeentecode":"GM0002","gemeentenaam":"B"},
       "geometry":{"type":"Polygon","coordinates":[[[5.0,52.0],[5.01,52.0],[5.01,52.01],[5.0,52.01],[5.0,52.0]]]}},
      {"type":"Feature","properties":{"gemeentecode":"1","gemeentenaam":"A","aantalHuishoudens":10},
       "geometry":{"type":"MultiPolygon","coordinates":[[[[5.1,52.0],[5.11,52.0],[5.11,52.01],[5.1,52.0]]]]}}]}"#;

    #[test]
    fn wgs84_features_become_sorted_rd_areas() {
        let b = parse(Path::new("t.geojson"), TWO, AreaScheme::Gemeente).unwrap();
        assert_eq!(b.crs, "EPSG:4326");
        let codes: Vec<_> = b.areas.iter().map(|a| a.code.as_str()).collect();
        assert_eq!(codes, ["GM0001", "GM0002"]);
        assert_eq!(b.areas[0].households, Some(10.0));
        // (5°E, 52°N) is RD (128 410, 445 806) to within a metre.
        let c = b.areas[1].shape.0[0].exterior().0[0];
        assert!((c.x - 128_410.0).abs() < 2.0 && (c.y - 445_806.0).abs() < 2.0, "{c:?}");
    }

    #[test]
    fn land_abroad_is_left_out_with_a_warning_naming_it() {
        let abroad = TWO.replace(
            r#""gemeentecode":"1","gemeentenaam":"A""#,
            r#""gemeentecode":"GM0998","gemeentenaam":"Buitenland""#,
        );
        let b = parse(Path::new("t.geojson"), &abroad, AreaScheme::Gemeente).unwrap();
        assert_eq!(b.areas.len(), 2, "the file's areas, as it says");
        let b = without_non_areas(b, AreaScheme::Gemeente);
        let codes: Vec<_> = b.areas.iter().map(|a| a.code.as_str()).collect();
        assert_eq!(codes, ["GM0002"]);
        assert_eq!(
            b.warnings,
            ["t.geojson: area GM0998 \"Buitenland\" left out: CBS's code for land abroad (Buitenland), not a gemeente"]
        );
        // The same code among plain codes is an area like any other.
        let plain = parse(Path::new("t.geojson"), &abroad, AreaScheme::Plain).unwrap();
        assert_eq!(without_non_areas(plain, AreaScheme::Plain).areas.len(), 2);
    }

    #[test]
    fn rd_crs_member_is_honoured_and_missing_crs_with_metres_warns() {
        let rd = r#"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::28992"}},"features":[
          {"type":"Feature","properties":{"code":"GM0001"},"geometry":{"type":"Polygon","coordinates":[[[0,300000],[10,300000],[10,300010],[0,300000]]]}}]}"#;
        let b = parse(Path::new("rd.geojson"), rd, AreaScheme::Gemeente).unwrap();
        assert_eq!(b.crs, "EPSG:28992");
        assert!(b.warnings.is_empty());
        let bare = rd.replace(r#""crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::28992"}},"#, "");
        let b = parse(Path::new("rd.geojson"), &bare, AreaScheme::Gemeente).unwrap();
        assert_eq!(b.crs, "EPSG:28992");
        assert_eq!(b.warnings.len(), 1);
    }

    #[test]
    fn bad_files_name_the_feature() {
        let e = parse(Path::new("x.geojson"), "{", AreaScheme::Gemeente).unwrap_err().to_string();
        assert!(e.starts_with("x.geojson: not valid GeoJSON"), "{e}");
        let point = r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"GM1"},"geometry":{"type":"Point","coordinates":[5,52]}}]}"#;
        let e = parse(Path::new("x.geojson"), point, AreaScheme::Gemeente).unwrap_err().to_string();
        assert!(e.contains("feature 1 (GM0001): geometry is a Point"), "{e}");
        let epsg =
            r#"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"EPSG:3857"}},"features":[]}"#;
        assert!(parse(Path::new("x.geojson"), epsg, AreaScheme::Gemeente)
            .unwrap_err()
            .to_string()
            .contains("unsupported CRS"));
    }
}
