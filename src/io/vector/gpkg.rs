//! GeoPackage (OGC 12-128r18) feature layers, read and written with SQLite (bundled through
//! rusqlite, so no system library is needed).
//!
//! A geometry is a GeoPackage blob: `GP`, version, flags (byte order, envelope kind, empty),
//! the SRS id, an optional envelope, then standard WKB.

use std::path::Path;

use geo::{BoundingRect, Geometry};
use geojson::{Feature, FeatureCollection, JsonObject};
use polars::prelude::{AnyValue, DataFrame, DataType};
use rusqlite::types::{Value as SqlValue, ValueRef};
use rusqlite::{Connection, OpenFlags};
use serde_json::Value;

use super::{bounds, crs_member, from_wkb, to_wkb};
use crate::error::{Error, Result};

fn sql(path: &Path) -> impl Fn(rusqlite::Error) -> Error + '_ {
    move |e| Error::geometry(path, format!("not a readable GeoPackage ({e})"))
}

/// The feature layers of a GeoPackage, in the order of `gpkg_contents`.
///
/// # Errors
/// [`Error::Geometry`] when the file is not a GeoPackage.
pub fn layers(path: &Path) -> Result<Vec<String>> {
    let db = open(path)?;
    layer_names(path, &db)
}

fn open(path: &Path) -> Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    Connection::open_with_flags(path, flags).map_err(sql(path))
}

fn layer_names(path: &Path, db: &Connection) -> Result<Vec<String>> {
    let mut q = db
        .prepare("SELECT table_name FROM gpkg_contents WHERE data_type = 'features' ORDER BY rowid")
        .map_err(sql(path))?;
    let names = q.query_map([], |r| r.get::<_, String>(0)).map_err(sql(path))?;
    names.collect::<std::result::Result<_, _>>().map_err(sql(path))
}

/// Reads one feature layer (`layer`, or the only one) as GeoJSON features, and its name.
///
/// # Errors
/// [`Error::Geometry`] for a file that is not a GeoPackage, a missing or ambiguous layer, or a
/// geometry that cannot be decoded (naming the feature).
pub fn read(path: &Path, layer: Option<&str>) -> Result<(FeatureCollection, String)> {
    let db = open(path)?;
    let name = choose(path, layer_names(path, &db)?, layer)?;
    let (column, srs): (String, i64) = db
        .query_row("SELECT column_name, srs_id FROM gpkg_geometry_columns WHERE table_name = ?1", [&name], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .map_err(sql(path))?;
    let epsg: Option<i64> = db
        .query_row(
            "SELECT organization_coordsys_id FROM gpkg_spatial_ref_sys \
             WHERE srs_id = ?1 AND upper(organization) = 'EPSG'",
            [srs],
            |r| r.get(0),
        )
        .ok();
    let features = features(path, &db, &name, &column)?;
    let foreign_members = epsg.and_then(|c| u32::try_from(c).ok()).map(crs_member);
    Ok((FeatureCollection { bbox: None, features, foreign_members }, name))
}

/// The layer `layer` names, or the only one.
fn choose(path: &Path, names: Vec<String>, layer: Option<&str>) -> Result<String> {
    match (layer, names.as_slice()) {
        (Some(l), _) if names.iter().any(|n| n == l) => Ok(l.to_string()),
        (None, [only]) => Ok(only.clone()),
        (given, _) => {
            let what =
                given.map_or("several feature layers".into(), |l| format!("no layer {}", dekking_table::quoted(l)));
            let list: Vec<String> = names.iter().map(|n| dekking_table::quoted(n)).collect();
            let list = list.join(", ");
            Err(Error::geometry(
                path,
                format!("{what}; choose one with --layer ({list}), or as FILE#LAYER for inputs without --layer"),
            ))
        }
    }
}

/// The features of table `name`: the blobs of `column` as geometries, the other columns but the
/// integer primary key (the feature id, as GDAL reads it) as properties.
fn features(path: &Path, db: &Connection, name: &str, column: &str) -> Result<Vec<Feature>> {
    let fid: Option<String> =
        db.query_row("SELECT name FROM pragma_table_info(?1) WHERE pk = 1", [name], |r| r.get(0)).ok();
    let mut q = db.prepare(&format!("SELECT * FROM \"{}\"", name.replace('"', "\"\""))).map_err(sql(path))?;
    let columns: Vec<String> = q.column_names().map(str::to_string).collect();
    let mut rows = q.query([]).map_err(sql(path))?;
    let mut features = Vec::new();
    while let Some(row) = rows.next().map_err(sql(path))? {
        let mut properties = JsonObject::new();
        let mut geometry = None;
        for (i, c) in columns.iter().enumerate() {
            let value = row.get_ref(i).map_err(sql(path))?;
            if c == column {
                let k = features.len() + 1;
                if let ValueRef::Blob(b) = value {
                    geometry = decode(b).map_err(|e| Error::geometry(path, format!("feature {k}: {e}")))?;
                }
            } else if Some(c) != fid.as_ref() {
                properties.insert(c.clone(), json(value));
            }
        }
        let geometry = geometry.map(|g| geojson::Geometry::new(geojson::Value::from(&g)));
        features.push(Feature { geometry, properties: Some(properties), ..Feature::default() });
    }
    Ok(features)
}

fn json(v: ValueRef<'_>) -> Value {
    match v {
        ValueRef::Null | ValueRef::Blob(_) => Value::Null,
        ValueRef::Integer(i) => Value::from(i),
        ValueRef::Real(f) => serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number),
        ValueRef::Text(t) => Value::String(String::from_utf8_lossy(t).into_owned()),
    }
}

/// The geometry of a GeoPackage blob; `None` for an empty geometry.
fn decode(blob: &[u8]) -> std::result::Result<Option<Geometry<f64>>, String> {
    if blob.len() < 8 || &blob[..2] != b"GP" {
        return Err("not a GeoPackage geometry blob".into());
    }
    let flags = blob[3];
    let envelope = match (flags >> 1) & 0b111 {
        0 => 0,
        1 => 32,
        2 | 3 => 48,
        4 => 64,
        e => return Err(format!("envelope kind {e} is not defined")),
    };
    if flags & 0b1_0000 != 0 {
        return Ok(None);
    }
    let wkb = blob.get(8 + envelope..).ok_or("a geometry blob shorter than its header")?;
    from_wkb(wkb).map(Some)
}

/// A GeoPackage blob of `g`: little-endian, with its xy envelope.
fn encode(g: &Geometry<f64>, srs: u32) -> Vec<u8> {
    let mut out = vec![b'G', b'P', 0, 0b0000_0011];
    out.extend_from_slice(&srs.to_le_bytes());
    if let Some(r) = g.bounding_rect() {
        for v in [r.min().x, r.max().x, r.min().y, r.max().y] {
            out.extend_from_slice(&v.to_le_bytes());
        }
    } else {
        out[3] = 0b0001_0001;
    }
    out.extend_from_slice(&to_wkb(g));
    out
}

/// One layer to write: name, one geometry (or none) per row of `table` in EPSG:`epsg`, and the
/// table's columns as attributes (text, numbers, whole numbers and booleans; nulls kept).
#[derive(Debug, Clone, Copy)]
pub struct Layer<'a> {
    /// Table name.
    pub name: &'a str,
    /// EPSG code of the geometries (4326 or 28992).
    pub epsg: u32,
    /// One geometry per row of `table`; `None` is written as NULL.
    pub geometries: &'a [Option<Geometry<f64>>],
    /// The attributes.
    pub table: &'a DataFrame,
}

const SRS: [(u32, &str, &str); 2] = [
    (4326, "WGS 84", "GEOGCS[\"WGS 84\",DATUM[\"WGS_1984\",SPHEROID[\"WGS 84\",6378137,298.257223563]],PRIMEM[\"Greenwich\",0],UNIT[\"degree\",0.0174532925199433],AUTHORITY[\"EPSG\",\"4326\"]]"),
    (28992, "Amersfoort / RD New", "PROJCS[\"Amersfoort / RD New\",GEOGCS[\"Amersfoort\",DATUM[\"Amersfoort\",SPHEROID[\"Bessel 1841\",6377397.155,299.1528128],TOWGS84[565.2369,50.0087,465.658,-0.406857,0.350733,-1.87035,4.0812]],PRIMEM[\"Greenwich\",0],UNIT[\"degree\",0.0174532925199433],AUTHORITY[\"EPSG\",\"4289\"]],PROJECTION[\"Oblique_Stereographic\"],PARAMETER[\"latitude_of_origin\",52.1561605555556],PARAMETER[\"central_meridian\",5.38763888888889],PARAMETER[\"scale_factor\",0.9999079],PARAMETER[\"false_easting\",155000],PARAMETER[\"false_northing\",463000],UNIT[\"metre\",1],AUTHORITY[\"EPSG\",\"28992\"]]"),
];

/// The bytes of a GeoPackage holding `layers` (in EPSG:4326 or 28992). The same layers give the
/// same bytes.
///
/// # Errors
/// A layer in another CRS, or an internal SQLite failure.
pub fn write(layers: &[Layer<'_>]) -> Result<Vec<u8>> {
    let fail = |e: rusqlite::Error| Error::table("<output>.gpkg", format!("writing GeoPackage: {e}"));
    let dir = tempfile::tempdir().map_err(|e| Error::io("<temporary folder>", e))?;
    let file = dir.path().join("out.gpkg");
    {
        let db = Connection::open(&file).map_err(fail)?;
        db.execute_batch(SCHEMA).map_err(fail)?;
        for (id, name, wkt) in SRS {
            db.execute(
                "INSERT INTO gpkg_spatial_ref_sys VALUES (?1, ?2, 'EPSG', ?2, ?3, NULL)",
                rusqlite::params![name, id, wkt],
            )
            .map_err(fail)?;
        }
        for layer in layers {
            if !SRS.iter().any(|s| s.0 == layer.epsg) {
                return Err(Error::table("<output>.gpkg", format!("no definition of EPSG:{}", layer.epsg)));
            }
            write_layer(&db, layer).map_err(fail)?;
        }
    }
    std::fs::read(&file).map_err(|e| Error::io(&file, e))
}

const SCHEMA: &str = "
PRAGMA application_id = 1196444487; PRAGMA user_version = 10400; PRAGMA journal_mode = OFF;
CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY, organization TEXT NOT NULL,
  organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT);
INSERT INTO gpkg_spatial_ref_sys VALUES ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', NULL),
  ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', NULL);
CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE,
  description TEXT DEFAULT '', last_change DATETIME NOT NULL DEFAULT '1970-01-01T00:00:00.000Z', min_x DOUBLE, min_y DOUBLE,
  max_x DOUBLE, max_y DOUBLE, srs_id INTEGER REFERENCES gpkg_spatial_ref_sys(srs_id));
CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL,
  srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL, PRIMARY KEY (table_name, column_name));
";

fn write_layer(db: &Connection, layer: &Layer<'_>) -> rusqlite::Result<()> {
    let quote = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    let columns = layer.table.columns();
    let mut defs = vec!["fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL".to_string(), "geom GEOMETRY".to_string()];
    defs.extend(columns.iter().map(|c| format!("{} {}", quote(c.name()), sql_type(c.dtype()))));
    db.execute_batch(&format!("CREATE TABLE {} ({})", quote(layer.name), defs.join(", ")))?;
    let b = bounds(layer.geometries).unwrap_or([f64::MAX, f64::MAX, f64::MIN, f64::MIN]);
    db.execute(
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, min_x, min_y, max_x, max_y, srs_id) \
         VALUES (?1, 'features', ?1, ?2, ?3, ?4, ?5, ?6)",
        rusqlite::params![layer.name, b[0], b[1], b[2], b[3], layer.epsg],
    )?;
    db.execute(
        "INSERT INTO gpkg_geometry_columns VALUES (?1, 'geom', ?2, ?3, 0, 0)",
        rusqlite::params![layer.name, geometry_type(layer.geometries), layer.epsg],
    )?;
    let names: Vec<String> =
        std::iter::once("geom".to_string()).chain(columns.iter().map(|c| quote(c.name()))).collect();
    let marks: Vec<String> = (1..=names.len()).map(|i| format!("?{i}")).collect();
    let sql = format!("INSERT INTO {} ({}) VALUES ({})", quote(layer.name), names.join(", "), marks.join(", "));
    let mut insert = db.prepare(&sql)?;
    db.execute_batch("BEGIN")?;
    for (i, g) in layer.geometries.iter().enumerate() {
        let mut values: Vec<SqlValue> = vec![g.as_ref().map_or(SqlValue::Null, |g| encode(g, layer.epsg).into())];
        for c in columns {
            values.push(c.get(i).map_or(SqlValue::Null, sql_value));
        }
        insert.execute(rusqlite::params_from_iter(values))?;
    }
    db.execute_batch("COMMIT")
}

fn sql_type(dtype: &DataType) -> &'static str {
    match dtype {
        DataType::Boolean => "BOOLEAN",
        d if d.is_float() => "REAL",
        d if d.is_integer() => "INTEGER",
        _ => "TEXT",
    }
}

fn sql_value(v: AnyValue<'_>) -> SqlValue {
    match v {
        AnyValue::Null => SqlValue::Null,
        AnyValue::Boolean(b) => SqlValue::Integer(i64::from(b)),
        AnyValue::String(s) => SqlValue::Text(s.to_string()),
        AnyValue::StringOwned(s) => SqlValue::Text(s.to_string()),
        AnyValue::Float32(f) => SqlValue::Real(f64::from(f)),
        AnyValue::Float64(f) => SqlValue::Real(f),
        v => v.extract::<i64>().map_or_else(|| SqlValue::Text(v.to_string()), SqlValue::Integer),
    }
}

/// The GeoPackage geometry type name of a layer: the features' common type, else GEOMETRY.
fn geometry_type(geometries: &[Option<Geometry<f64>>]) -> &'static str {
    let name = |g: &Geometry<f64>| match g {
        Geometry::Point(_) => "POINT",
        Geometry::Polygon(_) => "POLYGON",
        Geometry::MultiPolygon(_) => "MULTIPOLYGON",
        _ => "GEOMETRY",
    };
    let mut names = geometries.iter().flatten().map(name);
    let first = names.next().unwrap_or("GEOMETRY");
    if names.all(|n| n == first) {
        first
    } else {
        "GEOMETRY"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{polygon, Point};

    #[test]
    fn a_written_layer_reads_back_with_its_crs_and_properties() {
        let square =
            polygon![(x: 0.0, y: 300_000.0), (x: 10.0, y: 300_000.0), (x: 10.0, y: 300_010.0), (x: 0.0, y: 300_000.0)];
        let geometries = [Some(Geometry::Polygon(square.clone())), None];
        let table = DataFrame::new(
            2,
            vec![
                polars::prelude::Column::new("code".into(), [Some("GM9999"), None]),
                polars::prelude::Column::new("share".into(), [Some(0.5), None]),
                polars::prelude::Column::new("n".into(), [3i64, 4]),
                polars::prelude::Column::new("ok".into(), [true, false]),
            ],
        )
        .unwrap();
        let layer = Layer { name: "areas", epsg: 28992, geometries: &geometries, table: &table };
        let bytes = write(&[layer]).unwrap();
        assert_eq!(write(&[layer]).unwrap(), bytes, "the same layers, the same bytes");
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.gpkg");
        std::fs::write(&path, &bytes).unwrap();
        assert_eq!(layers(&path).unwrap(), ["areas"]);
        let (fc, name) = read(&path, None).unwrap();
        assert_eq!(name, "areas");
        assert_eq!(fc.features.len(), 2);
        let f = &fc.features[0];
        assert_eq!(f.property("code"), Some(&Value::from("GM9999")));
        assert_eq!(f.property("n"), Some(&Value::from(3)));
        assert_eq!(fc.features[1].property("ok"), Some(&Value::from(0)));
        assert_eq!(fc.features[1].property("share"), Some(&Value::Null));
        let back: Geometry<f64> = f.geometry.clone().unwrap().value.try_into().unwrap();
        assert_eq!(back, Geometry::Polygon(square));
        assert!(fc.features[1].geometry.is_none());
        let crs = fc.foreign_members.unwrap()["crs"]["properties"]["name"].clone();
        assert_eq!(crs, "urn:ogc:def:crs:EPSG::28992");
        let err = read(&path, Some("wijken")).unwrap_err().to_string();
        assert!(err.contains("no layer \"wijken\"; choose one with --layer (\"areas\")"), "{err}");
    }

    #[test]
    fn blobs_with_envelopes_and_empty_geometries() {
        let p = Geometry::Point(Point::new(1.5, 2.5));
        let blob = encode(&p, 4326);
        assert_eq!(&blob[..4], [b'G', b'P', 0, 3]);
        assert_eq!(decode(&blob).unwrap(), Some(p));
        let mut empty = blob[..8].to_vec();
        empty[3] = 0b0001_0001;
        assert_eq!(decode(&empty).unwrap(), None);
        assert!(decode(b"XX").is_err());
    }
}
