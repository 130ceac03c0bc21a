//! GeoParquet 1.1: a Parquet file whose `geo` metadata names the geometry column (WKB) and its
//! CRS (PROJJSON; absent means OGC:CRS84, longitude/latitude), read and written with polars.

use std::io::Cursor;
use std::path::Path;

use geo::Geometry;
use geojson::{Feature, FeatureCollection, JsonObject};
use polars::prelude::*;
use serde_json::Value;

use super::{bounds, crs_member, from_wkb, to_wkb};
use crate::error::{Error, Result};

/// Reads a GeoParquet file's features; `bytes` are the file's.
///
/// # Errors
/// [`Error::Geometry`] for a Parquet file without `geo` metadata, a geometry column that is not
/// WKB, or a geometry that cannot be decoded (naming the feature).
pub fn read(path: &Path, bytes: Vec<u8>) -> Result<FeatureCollection> {
    let fail = |e: PolarsError| Error::geometry(path, format!("not a readable Parquet file ({e})"));
    let mut reader = ParquetReader::new(Cursor::new(bytes));
    let mut meta = (**reader.get_metadata().map_err(fail)?).clone();
    // The Arrow schema some writers add types the geometry column as a `geoarrow.wkb` extension,
    // which polars cannot hold: the Parquet schema types it as the binary it is.
    if let Some(kv) = meta.key_value_metadata.as_mut() {
        kv.retain(|k| k.key != "ARROW:schema");
    }
    reader.set_metadata(std::sync::Arc::new(meta.clone()));
    let geo = meta
        .key_value_metadata()
        .as_ref()
        .and_then(|kv| kv.iter().find(|k| k.key == "geo"))
        .and_then(|k| k.value.as_deref())
        .ok_or_else(|| {
            Error::geometry(path, "a Parquet file without GeoParquet `geo` metadata; write it as GeoParquet")
        })?;
    let geo: Value = serde_json::from_str(geo).map_err(|e| Error::geometry(path, format!("`geo` metadata: {e}")))?;
    let column = geo["primary_column"].as_str().unwrap_or("geometry").to_string();
    let encoding = geo["columns"][&column]["encoding"].as_str().unwrap_or("WKB");
    if !encoding.eq_ignore_ascii_case("wkb") {
        let encoding = dekking_table::quoted(encoding);
        return Err(Error::geometry(path, format!("geometry encoding {encoding}; write the geometries as WKB")));
    }
    let crs = crs_of(&geo["columns"][&column]["crs"]).map_err(|e| Error::geometry(path, e))?;
    let df = reader.finish().map_err(fail)?;
    let geometries = df.column(&column).map_err(fail)?.binary().map_err(fail)?.clone();
    let others: Vec<&Column> = df.columns().iter().filter(|c| c.name().as_str() != column).collect();
    let mut features = Vec::with_capacity(df.height());
    for i in 0..df.height() {
        let geometry = match geometries.get(i) {
            Some(b) => Some(from_wkb(b).map_err(|e| Error::geometry(path, format!("feature {}: {e}", i + 1)))?),
            None => None,
        };
        let mut properties = JsonObject::new();
        for c in &others {
            properties.insert(c.name().to_string(), json(c.get(i).map_err(fail)?));
        }
        let geometry = geometry.map(|g| geojson::Geometry::new(geojson::Value::from(&g)));
        features.push(Feature { geometry, properties: Some(properties), ..Feature::default() });
    }
    Ok(FeatureCollection { bbox: None, features, foreign_members: crs.map(crs_member) })
}

/// The EPSG code of a PROJJSON CRS; `None` for OGC:CRS84 (absent) or an unknown CRS (null),
/// which is then told from the coordinates as for a GeoJSON without `crs`.
fn crs_of(crs: &Value) -> std::result::Result<Option<u32>, String> {
    if crs.is_null() {
        return Ok(None);
    }
    let id = &crs["id"];
    match (id["authority"].as_str(), id["code"].as_u64()) {
        (Some(a), _) if a.eq_ignore_ascii_case("OGC") => Ok(None),
        (Some(a), Some(code)) if a.eq_ignore_ascii_case("EPSG") => {
            u32::try_from(code).map(Some).map_err(|e| e.to_string())
        }
        _ => Err("a CRS without an EPSG id; write it with one (e.g. EPSG:4326 or EPSG:28992)".into()),
    }
}

pub(super) fn json(v: AnyValue<'_>) -> Value {
    match v {
        AnyValue::Null => Value::Null,
        AnyValue::Boolean(b) => Value::Bool(b),
        AnyValue::String(s) => Value::String(s.to_string()),
        AnyValue::StringOwned(s) => Value::String(s.to_string()),
        AnyValue::Float32(f) => serde_json::Number::from_f64(f64::from(f)).map_or(Value::Null, Value::Number),
        AnyValue::Float64(f) => serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number),
        v => match v.extract::<i64>() {
            Some(i) => Value::from(i),
            None => Value::String(v.to_string()),
        },
    }
}

/// The bytes of a GeoParquet 1.1 file: `df`'s columns and a `geometry` column of `geometries`
/// (WKB; `None` is null) in EPSG:`epsg` (28992, or 4326 as OGC:CRS84), with the `geo` metadata
/// naming it.
///
/// # Errors
/// Only on an internal serialisation failure.
pub fn write(mut df: DataFrame, geometries: &[Option<Geometry<f64>>], epsg: u32) -> Result<Vec<u8>> {
    let fail = |e: PolarsError| Error::table("<output>.parquet", format!("writing GeoParquet: {e}"));
    let wkb: Vec<Option<Vec<u8>>> = geometries.iter().map(|g| g.as_ref().map(to_wkb)).collect();
    df.with_column(Column::new("geometry".into(), wkb.iter().map(Option::as_deref).collect::<Vec<Option<&[u8]>>>()))
        .map_err(fail)?;
    let mut types: Vec<&str> = geometries.iter().flatten().map(type_name).collect();
    types.sort_unstable();
    types.dedup();
    let mut column = serde_json::json!({"encoding": "WKB", "geometry_types": types});
    if let Some(crs) = projjson(epsg)? {
        column["crs"] = crs;
    }
    if let Some(b) = bounds(geometries) {
        column["bbox"] = serde_json::json!(b);
    }
    let geo = serde_json::json!({"version": "1.1.0", "primary_column": "geometry", "columns": {"geometry": column}});
    let kv = KeyValueMetadata::from_static(vec![("geo".into(), geo.to_string())]);
    let mut bytes = Vec::new();
    ParquetWriter::new(&mut bytes)
        .with_compression(ParquetCompression::Zstd(None))
        .with_key_value_metadata(Some(kv))
        .finish(&mut df)
        .map_err(fail)?;
    Ok(bytes)
}

/// EPSG:28992 in PROJJSON (from PROJ 9.5's EPSG database), as GeoParquet requires.
const RD_NEW: &str = include_str!("epsg28992.projjson");

/// The `crs` of a GeoParquet column in EPSG:`epsg`: PROJJSON for RD New; none for WGS84, whose
/// longitude/latitude is OGC:CRS84, the spec's meaning of a column without `crs`.
fn projjson(epsg: u32) -> Result<Option<Value>> {
    match epsg {
        28992 => serde_json::from_str(RD_NEW).map(Some).map_err(|e| Error::table("<output>.parquet", e.to_string())),
        4326 => Ok(None),
        other => Err(Error::table("<output>.parquet", format!("no PROJJSON for EPSG:{other}"))),
    }
}

fn type_name(g: &Geometry<f64>) -> &'static str {
    match g {
        Geometry::Point(_) => "Point",
        Geometry::Polygon(_) => "Polygon",
        Geometry::MultiPolygon(_) => "MultiPolygon",
        Geometry::LineString(_) => "LineString",
        _ => "GeometryCollection",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::Point;

    #[test]
    fn a_written_file_reads_back_with_its_crs_and_columns() {
        let df = DataFrame::new(
            2,
            vec![Column::new("code".into(), ["GM9999", "GM0001"]), Column::new("share".into(), [0.5, 1.0])],
        )
        .unwrap();
        let points = [None, Some(Geometry::Point(Point::new(5.2, 52.1)))];
        let bytes = write(df.clone(), &points, 4326).unwrap();
        assert!(bytes.starts_with(b"PAR1"));
        let fc = read(Path::new("t.parquet"), bytes).unwrap();
        assert_eq!(fc.features.len(), 2);
        assert_eq!(fc.features[0].property("code"), Some(&Value::from("GM9999")));
        assert_eq!(fc.features[1].property("share"), Some(&Value::from(1.0)));
        let back: Geometry<f64> = fc.features[1].geometry.clone().unwrap().value.try_into().unwrap();
        assert_eq!(Some(back), points[1]);
        assert!(fc.features[0].geometry.is_none());
        assert_eq!(fc.foreign_members, None, "longitude/latitude: OGC:CRS84");
        let fc = read(Path::new("t.parquet"), write(df, &points, 28992).unwrap()).unwrap();
        assert_eq!(fc.foreign_members.unwrap()["crs"]["properties"]["name"], "urn:ogc:def:crs:EPSG::28992");
    }

    #[test]
    fn crs84_is_no_epsg_code_and_other_authorities_are_errors() {
        assert_eq!(crs_of(&Value::Null), Ok(None));
        assert_eq!(crs_of(&serde_json::json!({"id": {"authority": "OGC", "code": "CRS84"}})), Ok(None));
        assert_eq!(crs_of(&serde_json::json!({"id": {"authority": "EPSG", "code": 28992}})), Ok(Some(28992)));
        assert!(crs_of(&serde_json::json!({"name": "custom"})).is_err());
    }
}
