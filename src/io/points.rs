//! Points for obligations that count addresses, households or people (`dekking mobile
//! --points`): a CSV or Parquet table, or a GeoPackage/GeoParquet layer of points, with `x`/`y`
//! (RD New metres) or `lon`/`lat` (WGS84 degrees), and the weight columns the licence's
//! obligations name (e.g. `households`, `population`). Rows with an unusable position or weight
//! are rejected with their reason; rows in = used + rejected.

use std::collections::BTreeMap;
use std::path::Path;

use crate::error::{Error, Result};
use crate::io::vector::points::{is_layer, point_table, PointNames};
use crate::model::rows::{Reject, RejectReason, RowCounts};
use crate::model::source::SourceInfo;
use dekking_table::{shown, Table, Want};

/// The names accepted for RD New x and y.
pub const RD_NAMES: (&[&str], &[&str]) = (&["x", "rd_x"], &["y", "rd_y"]);
/// The names accepted for longitude and latitude.
pub const WGS84_NAMES: (&[&str], &[&str]) = (&["lon", "longitude", "lng"], &["lat", "latitude"]);

/// The usable points of a file.
#[derive(Debug, Clone)]
pub struct Points {
    /// 1-based data row of each point.
    pub row: Vec<u64>,
    /// Position of each point, RD New metres (converted from WGS84 where given so).
    pub xy: Vec<(f64, f64)>,
    /// Each weight column asked for, one value per point.
    pub weights: BTreeMap<String, Vec<f64>>,
    /// Rejected rows.
    pub rejects: Vec<Reject>,
    /// Row accounting.
    pub rows: RowCounts,
    /// Provenance.
    pub source: SourceInfo,
}

/// The first column of `header` with one of `names` (case-insensitive).
#[must_use]
pub fn position(header: &[String], names: &[&str]) -> Option<usize> {
    names.iter().find_map(|n| header.iter().position(|h| h.eq_ignore_ascii_case(n)))
}

/// The position columns of `header`: `(x, y)` and true for RD New, else `(lon, lat)` and false.
///
/// # Errors
/// [`Error::Table`] naming `what` when neither pair is there.
pub fn position_columns(path: &Path, header: &[String], what: &str) -> Result<((usize, usize), bool)> {
    if let (Some(x), Some(y)) = (position(header, RD_NAMES.0), position(header, RD_NAMES.1)) {
        return Ok(((x, y), true));
    }
    match (position(header, WGS84_NAMES.0), position(header, WGS84_NAMES.1)) {
        (Some(lon), Some(lat)) => Ok(((lon, lat), false)),
        _ => Err(Error::table(path, format!("{what} without `x`/`y` (RD New) or `lon`/`lat` (WGS84) columns"))),
    }
}

/// Reads a points file, with the weight columns `weights` (each must be there).
///
/// # Errors
/// [`Error::Table`] for a missing position or weight column or an unreadable table;
/// [`Error::Geometry`] for a layer that is not of points.
pub fn load(path: &Path, weights: &[&str]) -> Result<Points> {
    let t = if is_layer(path)? {
        let names = PointNames { rd: Some(("x", "y")), wgs84: Some(("lon", "lat")) };
        let (parquet, sha256) = point_table(path, names)?;
        Table::converted(path, parquet, sha256)?
    } else {
        Table::open(path, None)?
    };
    let ((cx, cy), rd) = position_columns(path, &t.header, "points file")?;
    let mut cols = vec![(cx, Want::Number), (cy, Want::Number)];
    for w in weights {
        let c = position(&t.header, &[w]).ok_or_else(|| {
            Error::table(
                path,
                format!("no `{w}` column, which the licence weighs the points by; add it or give another points file"),
            )
        })?;
        cols.push((c, Want::Number));
    }
    let v = t.read(&cols)?;
    let file = path.display().to_string();
    let mut rows = RowCounts { rows_in: v[0].len() as u64, ..RowCounts::default() };
    let (mut rejects, mut used, mut xy) = (Vec::new(), Vec::new(), Vec::new());
    let mut ws: Vec<Vec<f64>> = vec![Vec::new(); weights.len()];
    'rows: for i in 0..v[0].len() {
        let row = i as u64 + 1;
        let (x, y) = match (v[0].number(i), v[1].number(i)) {
            (Ok(a), Ok(b)) if a.is_finite() && b.is_finite() && (rd || (a.abs() <= 180.0 && b.abs() <= 90.0)) => {
                if rd {
                    (a, b)
                } else {
                    dekking_crs::wgs84_to_rd(a, b)
                }
            }
            (a, b) => {
                let detail = format!("position = {}, {}", shown(&a), shown(&b));
                rows.reject(&mut rejects, &file, row, RejectReason::InvalidCoordinate, detail);
                continue;
            }
        };
        let mut these = Vec::with_capacity(weights.len());
        for (k, w) in weights.iter().enumerate() {
            match v[2 + k].number(i) {
                Ok(n) if n.is_finite() && n >= 0.0 => these.push(n),
                bad => {
                    let detail = format!("{w} = {}", shown(&bad));
                    rows.reject(&mut rejects, &file, row, RejectReason::InvalidWeight, detail);
                    continue 'rows;
                }
            }
        }
        ws.iter_mut().zip(these).for_each(|(c, n)| c.push(n));
        rows.used += 1;
        used.push(row);
        xy.push((x, y));
    }
    let source = SourceInfo {
        role: "points".into(),
        path: file,
        sha256: t.sha256().to_string(),
        rows: rows.rows_in,
        format: if rd { "points, RD New".into() } else { "points, WGS84".into() },
        columns: Vec::new(),
    };
    let weights = weights.iter().map(|w| w.to_string()).zip(ws).collect();
    Ok(Points { row: used, xy, weights, rejects, rows, source })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(name: &str, text: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("dekking-points-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    #[test]
    fn rows_in_are_used_plus_rejected_with_reasons() {
        let p = write("p.csv", "X,y,households\n10,20,2\n,5,1\n30,40,-1\n50,60,abc\n70,80,0\n");
        let pts = load(&p, &["households"]).unwrap();
        assert_eq!(pts.xy, vec![(10.0, 20.0), (70.0, 80.0)]);
        assert_eq!(pts.weights["households"], vec![2.0, 0.0]);
        assert_eq!(pts.row, vec![1, 5]);
        assert_eq!((pts.rows.rows_in, pts.rows.used, pts.rows.rejected_total()), (5, 2, 3));
        let reasons: Vec<_> = pts.rejects.iter().map(|r| (r.row, r.reason)).collect();
        assert_eq!(
            reasons,
            [(2, RejectReason::InvalidCoordinate), (3, RejectReason::InvalidWeight), (4, RejectReason::InvalidWeight)]
        );
        let e = load(&p, &["population"]).unwrap_err().to_string();
        assert!(e.contains("no `population` column"), "{e}");
    }

    #[test]
    fn wgs84_points_go_to_rd_and_out_of_range_degrees_are_rejected() {
        let p = write("w.csv", "lon,lat\n5.387206,52.155174\n200,52\n");
        let pts = load(&p, &[]).unwrap();
        assert_eq!(pts.xy.len(), 1);
        assert!((pts.xy[0].0 - 155_000.0).abs() < 1.0 && (pts.xy[0].1 - 463_000.0).abs() < 1.0);
        assert_eq!(pts.rejects[0].reason, RejectReason::InvalidCoordinate);
    }
}
