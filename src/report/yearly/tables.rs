//! The CSV tables of the yearly report (and `gemeenten.parquet` for notebooks): the same numbers
//! as `figures.json`, one table per section.
//!
//! With `excel` the CSV files use `;`, a decimal comma and a UTF-8 byte-order mark, which is
//! what Excel with a Dutch locale opens correctly by double-click.

use geo::Geometry;
use polars::prelude::*;

use super::figures::{Figures, MobileFigures};
use crate::error::{Error, Result};
use crate::io::vector;
use crate::model::areas::{shapes_of, Boundary};
use crate::model::lang::Lang;
use crate::model::yearly::Gap;
use crate::report::format::Numbers;
use crate::report::words::Words;

/// How CSV files are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CsvStyle {
    /// `;`, decimal comma and a UTF-8 BOM.
    pub excel: bool,
    /// The language of the column names (the English names are the ones `figures.json` and
    /// `gemeenten.parquet` use).
    pub lang: Lang,
}

impl Default for CsvStyle {
    /// Commas, decimal points and English column names.
    fn default() -> CsvStyle {
        CsvStyle { excel: false, lang: Lang::En }
    }
}

impl CsvStyle {
    /// The style a report in `lang` writes by default: for Excel and in Dutch, or plain English.
    #[must_use]
    pub fn of(lang: Lang) -> CsvStyle {
        CsvStyle { excel: lang == Lang::Nl, lang }
    }

    /// A number as this style writes it (shortest round-trip form).
    #[must_use]
    pub fn num(self, v: f64) -> String {
        if self.excel { Numbers::NL } else { Numbers::EN }.short(v)
    }

    /// An optional number; empty for `None`.
    #[must_use]
    pub fn opt(self, v: Option<f64>) -> String {
        v.map(|v| self.num(v)).unwrap_or_default()
    }

    /// The bytes of a CSV file with `header` (English column names, written in the style's
    /// language) and `rows`.
    ///
    /// # Errors
    /// Only on an internal serialisation failure.
    pub fn write(self, header: &[&str], rows: &[Vec<String>]) -> Result<Vec<u8>> {
        let fail = |e: csv::Error| Error::table("<output>", format!("writing CSV: {e}"));
        let mut out = Vec::new();
        if self.excel {
            out.extend_from_slice("\u{feff}".as_bytes());
        }
        let mut w = csv::WriterBuilder::new().delimiter(if self.excel { b';' } else { b',' }).from_writer(out);
        let words = Words::new(self.lang);
        let names: Vec<String> =
            header.iter().map(|h| if self.lang == Lang::En { (*h).to_string() } else { words.column(h) }).collect();
        w.write_record(&names).map_err(fail)?;
        for r in rows {
            w.write_record(r).map_err(fail)?;
        }
        w.into_inner().map_err(|e| Error::table("<output>", format!("writing CSV: {e}")))
    }
}

/// The CSV tables of `f` as (file name, bytes).
///
/// # Errors
/// Only on an internal serialisation failure.
pub fn tables(f: &Figures, style: CsvStyle) -> Result<Vec<super::OutputFile>> {
    let n = |v: f64| style.num(v);
    let o = |v: Option<f64>| style.opt(v);
    let mut out = Vec::new();
    let series: Vec<Vec<String>> = f
        .series
        .iter()
        .map(|s| {
            vec![
                s.code.clone(),
                s.name.clone(),
                s.year.to_string(),
                s.addresses.to_string(),
                n(s.universe),
                n(s.covered),
                n(s.short),
                o(s.share_pct),
            ]
        })
        .collect();
    let area_header = ["area_code", "area_name", "year", "addresses", "universe", "covered", "short", "share_pct"];
    out.push(("series.csv".to_string(), style.write(&area_header, &series)?));
    if f.parts_level == "provincie" {
        let parts: Vec<Vec<String>> = f
            .parts
            .iter()
            .map(|s| {
                vec![
                    s.code.clone(),
                    s.name.clone(),
                    s.year.to_string(),
                    s.addresses.to_string(),
                    n(s.universe),
                    n(s.covered),
                    n(s.short),
                    o(s.share_pct),
                ]
            })
            .collect();
        out.push(("provincies.csv".to_string(), style.write(&area_header, &parts)?));
    }
    let g: Vec<Vec<String>> = f
        .gemeenten
        .iter()
        .map(|g| {
            vec![
                g.now.code.clone(),
                g.now.name.clone(),
                g.provincie_code.clone(),
                g.provincie_name.clone(),
                g.now.year.to_string(),
                g.now.addresses.to_string(),
                n(g.now.universe),
                n(g.now.covered),
                n(g.now.short),
                o(g.now.share_pct),
                o(g.previous_share_pct),
                o(g.change_pp),
            ]
        })
        .collect();
    out.push(("gemeenten.csv".to_string(), style.write(&GEMEENTE_HEADER, &g)?));
    let refs: Vec<Vec<String>> = f
        .references
        .iter()
        .map(|r| {
            vec![
                r.id.clone(),
                r.year.to_string(),
                r.kind.clone(),
                n(r.share_pct),
                o(r.ours_pct),
                o(r.difference_pp),
                r.source.clone(),
            ]
        })
        .collect();
    out.push((
        "references.csv".into(),
        style.write(&["id", "year", "kind", "published_pct", "ours_pct", "difference_pp", "source"], &refs)?,
    ));
    let actions: Vec<Vec<String>> = f
        .actieplan
        .iter()
        .map(|a| {
            vec![
                a.thema.clone(),
                a.opgave.clone(),
                a.actie.clone(),
                a.wie.clone(),
                a.metric.clone().unwrap_or_default(),
                a.measured.clone(),
                a.status.clone(),
            ]
        })
        .collect();
    out.push((
        "actieplan.csv".into(),
        style.write(&["thema", "opgave", "actie", "wie", "metric", "measured", "status"], &actions)?,
    ));
    let remaps: Vec<Vec<String>> = f
        .mapping
        .remapped
        .iter()
        .map(|r| vec![r.year.to_string(), r.old_code.clone(), r.new_code.clone(), r.addresses.to_string()])
        .collect();
    out.push(("remapped.csv".into(), style.write(&["year", "old_code", "new_code", "addresses"], &remaps)?));
    if let Some(m) = &f.mobile {
        out.push(("mobile_operators.csv".into(), operator_table(m, style)?));
        let short: Vec<Vec<String>> = m
            .shortfalls
            .iter()
            .map(|s| {
                vec![
                    s.operator.clone(),
                    s.code.clone(),
                    s.name.clone(),
                    o(s.share_pct),
                    n(s.required_pct),
                    n(s.shortfall_pp),
                    n(s.shortfall_km2),
                    s.ontheffing.clone().unwrap_or_default(),
                ]
            })
            .collect();
        out.push((
            "mobile_shortfalls.csv".into(),
            style.write(
                &[
                    "operator",
                    "area_code",
                    "area_name",
                    "share_pct",
                    "required_pct",
                    "shortfall_pp",
                    "shortfall_km2",
                    "ontheffing",
                ],
                &short,
            )?,
        ));
    }
    if let Some(p) = &f.predicted {
        out.push(("predicted_operators.csv".into(), operator_table(p, style)?));
    }
    if let Some(c) = &f.classes {
        let rows: Vec<Vec<String>> = c
            .rows
            .iter()
            .map(|r| {
                let head = [r.code.clone(), r.name.clone(), c.year.to_string(), r.addresses.to_string()];
                head.into_iter().chain(r.counts.iter().map(u64::to_string)).collect()
            })
            .collect();
        let header: Vec<&str> = ["area_code", "area_name", "year", "addresses"]
            .into_iter()
            .chain(c.columns.iter().map(String::as_str))
            .collect();
        out.push(("classes.csv".into(), style.write(&header, &rows)?));
    }
    Ok(out)
}

const GEMEENTE_HEADER: [&str; 12] = [
    "area_code",
    "area_name",
    "provincie_code",
    "provincie_name",
    "year",
    "addresses",
    "universe",
    "covered",
    "short",
    "share_pct",
    "previous_share_pct",
    "change_pp",
];

/// `gemeenten.parquet`: every gemeente of the scope in the latest year, with the change.
///
/// # Errors
/// Only on an internal serialisation failure.
pub fn gemeenten_parquet(f: &Figures) -> Result<Vec<u8>> {
    let mut df = gemeenten_frame(f)?;
    let mut buf = Vec::new();
    ParquetWriter::new(&mut buf).finish(&mut df).map_err(|e| Error::table("gemeenten.parquet", e.to_string()))?;
    Ok(buf)
}

/// `gemeenten.gpkg` and `gemeenten_geo.parquet`: the table of `gemeenten.parquet` with each
/// gemeente's polygons from `areas` (RD New, EPSG:28992), for QGIS.
///
/// # Errors
/// Only on an internal serialisation failure.
pub fn gemeenten_geo(f: &Figures, areas: &[Boundary]) -> Result<[super::OutputFile; 2]> {
    let shapes = shapes_of(areas, f.gemeenten.iter().map(|g| Some(g.now.code.as_str())));
    let (gpkg, geoparquet) = vector::layer_files("gemeenten", 28992, gemeenten_frame(f)?, &shapes)?;
    Ok([("gemeenten.gpkg".into(), gpkg), ("gemeenten_geo.parquet".into(), geoparquet)])
}

/// The gemeenten of the scope in the latest year, with the change, as a typed table.
fn gemeenten_frame(f: &Figures) -> Result<DataFrame> {
    let g = &f.gemeenten;
    let text = |name: &str, v: Vec<String>| Column::new(name.into(), v);
    DataFrame::new(
        g.len(),
        vec![
            text("area_code", g.iter().map(|g| g.now.code.clone()).collect()),
            text("area_name", g.iter().map(|g| g.now.name.clone()).collect()),
            text("provincie_code", g.iter().map(|g| g.provincie_code.clone()).collect()),
            text("provincie_name", g.iter().map(|g| g.provincie_name.clone()).collect()),
            Column::new("year".into(), g.iter().map(|g| g.now.year).collect::<Vec<i32>>()),
            Column::new("addresses".into(), g.iter().map(|g| g.now.addresses).collect::<Vec<u64>>()),
            Column::new("universe".into(), g.iter().map(|g| g.now.universe).collect::<Vec<f64>>()),
            Column::new("covered".into(), g.iter().map(|g| g.now.covered).collect::<Vec<f64>>()),
            Column::new("short".into(), g.iter().map(|g| g.now.short).collect::<Vec<f64>>()),
            Column::new("share_pct".into(), g.iter().map(|g| g.now.share_pct).collect::<Vec<Option<f64>>>()),
            Column::new(
                "previous_share_pct".into(),
                g.iter().map(|g| g.previous_share_pct).collect::<Vec<Option<f64>>>(),
            ),
            Column::new("change_pp".into(), g.iter().map(|g| g.change_pp).collect::<Vec<Option<f64>>>()),
        ],
    )
    .map_err(|e| Error::table("gemeenten.parquet", e.to_string()))
}

/// The gap list as CSV (`gaps.csv`) and per postcode-4 (`gaps_postcode4.csv`).
///
/// # Errors
/// Only on an internal serialisation failure.
pub fn gap_tables(f: &Figures, gaps: &[Gap], style: CsvStyle) -> Result<Vec<super::OutputFile>> {
    let rows: Vec<Vec<String>> = gaps
        .iter()
        .map(|g| {
            vec![
                g.id.clone(),
                g.postcode.clone(),
                g.gemeente_code.clone(),
                g.gemeente_name.clone(),
                style.opt(g.lonlat.map(|p| (p.0 * 1e6).round() / 1e6)),
                style.opt(g.lonlat.map(|p| (p.1 * 1e6).round() / 1e6)),
                g.row.to_string(),
            ]
        })
        .collect();
    let mut out = vec![(
        "gaps.csv".to_string(),
        style
            .write(&["address_id", "postcode", "gemeente_code", "gemeente_name", "lon", "lat", "source_row"], &rows)?,
    )];
    if let Some(s) = &f.gaps {
        let pc: Vec<Vec<String>> = s.by_postcode4.iter().map(|(p, n)| vec![p.clone(), n.to_string()]).collect();
        out.push(("gaps_postcode4.csv".into(), style.write(&["postcode4", "addresses"], &pc)?));
        let gm: Vec<Vec<String>> =
            s.by_gemeente.iter().map(|(c, name, n)| vec![c.clone(), name.clone(), n.to_string()]).collect();
        out.push(("gaps_gemeente.csv".into(), style.write(&["gemeente_code", "gemeente_name", "addresses"], &gm)?));
    }
    Ok(out)
}

/// `gaps.gpkg` and `gaps_geo.parquet`: the rows of `gaps.csv` as WGS84 points (EPSG:4326; no
/// geometry for an address without coordinates), for QGIS.
///
/// # Errors
/// Only on an internal serialisation failure.
pub fn gaps_geo(gaps: &[Gap]) -> Result<[super::OutputFile; 2]> {
    let points: Vec<Option<Geometry<f64>>> =
        gaps.iter().map(|g| g.lonlat.map(|(x, y)| Geometry::Point(geo::Point::new(x, y)))).collect();
    let text =
        |name: &str, f: &dyn Fn(&Gap) -> String| Column::new(name.into(), gaps.iter().map(f).collect::<Vec<_>>());
    let table = DataFrame::new(
        gaps.len(),
        vec![
            text("address_id", &|g| g.id.clone()),
            text("postcode", &|g| g.postcode.clone()),
            text("gemeente_code", &|g| g.gemeente_code.clone()),
            text("gemeente_name", &|g| g.gemeente_name.clone()),
            Column::new("source_row".into(), gaps.iter().map(|g| g.row).collect::<Vec<u64>>()),
        ],
    )
    .map_err(|e| Error::table("gaps.gpkg", e.to_string()))?;
    let (gpkg, geoparquet) = vector::layer_files("gaps", 4326, table, &points)?;
    Ok([("gaps.gpkg".into(), gpkg), ("gaps_geo.parquet".into(), geoparquet)])
}

/// The gap list as GeoJSON points (WGS84 lon/lat, RFC 7946); addresses without coordinates
/// have a null geometry.
///
/// # Errors
/// Only on an internal serialisation failure.
pub fn gaps_geojson(f: &Figures, gaps: &[Gap]) -> Result<Vec<u8>> {
    let features: Vec<serde_json::Value> = gaps
        .iter()
        .map(|g| {
            serde_json::json!({
                "type": "Feature",
                "geometry": g.lonlat.map(|(x, y)| serde_json::json!({
                    "type": "Point",
                    "coordinates": [(x * 1e6).round() / 1e6, (y * 1e6).round() / 1e6],
                })),
                "properties": {
                    "address_id": g.id,
                    "postcode": g.postcode,
                    "gemeente_code": g.gemeente_code,
                    "gemeente_name": g.gemeente_name,
                    "year": f.latest,
                    "missing": format!("≥ {}", f.threshold),
                },
            })
        })
        .collect();
    let doc = serde_json::json!({ "type": "FeatureCollection", "name": format!("gaps_{}", f.scope_code), "features": features });
    let mut bytes = serde_json::to_vec(&doc).map_err(|e| Error::table("gaps.geojson", e.to_string()))?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// One row per operator of `m`: gemeenten compliant, not, not judged, under an ontheffing, and
/// the shortfall in km².
fn operator_table(m: &MobileFigures, style: CsvStyle) -> Result<Vec<u8>> {
    let ops: Vec<Vec<String>> = m
        .operators
        .iter()
        .map(|o| {
            vec![
                o.operator.clone(),
                m.date.clone(),
                o.gemeenten.to_string(),
                o.compliant.to_string(),
                o.not_compliant.to_string(),
                o.not_judged.to_string(),
                o.under_ontheffing.to_string(),
                style.num(o.shortfall_km2),
            ]
        })
        .collect();
    style.write(
        &[
            "operator",
            "date",
            "gemeenten",
            "compliant",
            "not_compliant",
            "not_judged",
            "under_ontheffing",
            "shortfall_km2",
        ],
        &ops,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excel_style_uses_semicolons_decimal_commas_and_a_bom() {
        let s = CsvStyle::of(Lang::Nl);
        let bytes = s.write(&["area_name", "share_pct"], &[vec!["Súdwest-Fryslân".into(), s.num(99.25)]]).unwrap();
        assert_eq!(bytes, "\u{feff}gebiedsnaam;aandeel_pct\nSúdwest-Fryslân;99,25\n".as_bytes());
        let plain = CsvStyle::default();
        assert_eq!(plain.write(&["a", "b"], &[vec!["x,y".into(), plain.num(0.5)]]).unwrap(), b"a,b\n\"x,y\",0.5\n");
    }
}
