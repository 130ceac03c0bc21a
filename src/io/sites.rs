//! Antenna sites for `dekking predict grid`: one row per transmitter (a sector, or an
//! omnidirectional antenna), CSV or Parquet, packed or not. Columns, case-insensitive, each with
//! its default when the column is absent or the cell empty:
//!
//! | field | names | default |
//! |---|---|---|
//! | position | `x`/`y` (RD New m) or `lon`/`lat` (WGS84) | required |
//! | operator | `operator`, `aanbieder`, `mno` | `--operator` |
//! | height, m | `height_m`, `height`, `hoogte` | 30 |
//! | direction, ° from north | `azimuth_deg`, `azimuth`, `hoofdstraalrichting` | omnidirectional (also for `0-359`, `omni`) |
//! | downtilt, ° | `tilt_deg`, `tilt`, `downtilt` | 6 |
//! | frequency, MHz | `freq_mhz`, `frequency_mhz`, `frequentie` (`773 MHz` too) | 773 (the 700 MHz downlink band) |
//! | power | `eirp_dbm`; else `tx_power_dbm` + `antenna_gain_dbi`; else `zendvermogen` (dBW, taken as EIRP) | 61 dBm EIRP (gain 15 dBi) |
//! | bandwidth, MHz | `bandwidth_mhz`, `bandwidth` | 10 |
//!
//! The installation fields of the Antenneregister (`HOOGTE`, `HOOFDSTRAALRICHTING`,
//! `FREQUENTIE`, `ZENDVERMOGEN`) are read by their own names; any field under another name is
//! mapped by `--column FIELD=NAME` ([`FIELD_NAMES`]). A row for no mobile network is
//! rejected as `not_mobile`: by its technologies (`technology`, `hoofdsoort`, `sat_code`:
//! comma-separated, mobile when one of them is 5G NR, LTE, UMTS or GSM, or 2G–5G), else by the
//! Antenneregister's `mobiele_communicatie` flag (0). A row with an unusable position or value is
//! rejected with its reason; rows in = used + rejected.

use std::path::Path;

use crate::error::{Error, Result};
use crate::io::points::{position, position_columns};
use crate::model::rows::{Reject, RejectReason, RowCounts};
use crate::model::site::Site;
use crate::model::source::SourceInfo;
use dekking_table::{Table, Values, Want};

/// Defaults for values a sites file leaves out.
pub mod defaults {
    /// Antenna height, m.
    pub const HEIGHT_M: f64 = 30.0;
    /// Downtilt, degrees.
    pub const TILT_DEG: f64 = 6.0;
    /// Downlink frequency, MHz: the middle of the 700 MHz downlink band (758–788 MHz).
    pub const FREQ_MHZ: f64 = 773.0;
    /// EIRP, dBm.
    pub const EIRP_DBM: f64 = 61.0;
    /// Antenna gain, dBi, when a transmit power is given without one.
    pub const GAIN_DBI: f64 = 15.0;
    /// Channel bandwidth, MHz.
    pub const BANDWIDTH_MHZ: f64 = 10.0;
}

/// A sites file read.
#[derive(Debug, Clone)]
pub struct Sites {
    /// The usable transmitters, in file order.
    pub sites: Vec<Site>,
    /// Rejected rows.
    pub rejects: Vec<Reject>,
    /// Row accounting.
    pub rows: RowCounts,
    /// Provenance.
    pub source: SourceInfo,
}

/// The optional value columns, in the order they are read after the position.
const FIELDS: [&[&str]; 9] = [
    &["operator", "aanbieder", "mno"],
    &["height_m", "height", "hoogte"],
    &["azimuth_deg", "azimuth", "hoofdstraalrichting"],
    &["tilt_deg", "tilt", "downtilt"],
    &["freq_mhz", "frequency_mhz", "frequentie"],
    &["eirp_dbm", "eirp"],
    &["tx_power_dbm", "power_dbm"],
    &["antenna_gain_dbi", "gain_dbi"],
    &["bandwidth_mhz", "bandwidth"],
];
/// The Antenneregister's transmit power, dBW.
const ZENDVERMOGEN: &[&str] = &["zendvermogen"];
/// The technologies of a row (comma-separated), and the Antenneregister's mobile flag.
const TECHNOLOGY: &[&str] = &["technology", "hoofdsoort", "sat_code"];
const MOBILE_FLAG: &[&str] = &["mobiele_communicatie"];
/// The technologies of mobile networks, as the Antenneregister and others name them.
const MOBILE: [&str; 9] = ["5G NR", "NR", "5G", "LTE", "4G", "UMTS", "3G", "GSM", "2G"];

/// Whether row `i` is for a mobile network: by its technologies when the file names them (any
/// of [`MOBILE`]), else by the mobile flag (1), else yes; `Err` names what it is for instead.
fn mobile(technology: Option<&Values>, flag: Option<&Values>, i: usize) -> std::result::Result<(), String> {
    if let Some(t) = technology {
        let text = t.text(i).unwrap_or_default();
        let text = text.trim();
        let is_mobile = text.split(',').any(|s| MOBILE.iter().any(|m| s.trim().eq_ignore_ascii_case(m)));
        return if is_mobile { Ok(()) } else { Err(format!("technology = {text:?}")) };
    }
    match flag.and_then(|f| f.text(i)) {
        Some(v) if v.trim().parse::<f64>().is_ok_and(|n| n == 0.0) => {
            Err(format!("mobiele_communicatie = {}", v.trim()))
        }
        _ => Ok(()),
    }
}

/// A cell as a number: `None` for an empty cell, an error text for one that is not a number
/// (a unit after it, as in `773 MHz`, is allowed).
fn number(v: Option<&Values>, i: usize) -> std::result::Result<Option<f64>, String> {
    let Some(text) = v.and_then(|v| v.text(i)) else { return Ok(None) };
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    let head = t.split_whitespace().next().unwrap_or(t).replace(',', ".");
    head.parse::<f64>().ok().filter(|n| n.is_finite()).map(Some).ok_or_else(|| format!("{t:?}"))
}

/// The fields `--column FIELD=NAME` may map, as named there.
pub const FIELD_NAMES: [&str; 14] = [
    "x",
    "y",
    "lon",
    "lat",
    "operator",
    "height_m",
    "azimuth_deg",
    "tilt_deg",
    "freq_mhz",
    "eirp_dbm",
    "tx_power_dbm",
    "antenna_gain_dbi",
    "bandwidth_mhz",
    "technology",
];

/// `header` with the columns `columns` names (field, column) renamed to their fields, and any
/// other column already holding such a field's name renamed out of its way.
///
/// # Errors
/// [`Error::Argument`] for an unknown field or a column the file lacks.
fn mapped(path: &Path, header: &[String], columns: &[(String, String)]) -> Result<Vec<String>> {
    let mut out = header.to_vec();
    for (field, column) in columns {
        let given = format!("{field}={column}");
        if !FIELD_NAMES.contains(&field.as_str()) {
            return Err(Error::argument(
                "column",
                &given,
                format!("unknown field; expected one of {}", FIELD_NAMES.join(", ")),
            ));
        }
        let Some(i) = header.iter().position(|h| h == column) else {
            let what = format!("{} has no column {column:?}; its columns are {}", path.display(), header.join(", "));
            return Err(Error::argument("column", &given, what));
        };
        for h in out.iter_mut().filter(|h| h.eq_ignore_ascii_case(field)) {
            h.insert(0, '~');
        }
        out[i].clone_from(field);
    }
    Ok(out)
}

/// Reads a sites file; `operator` names the operator of every site when the file has no
/// operator column; `columns` maps fields to other column names (`--column FIELD=NAME`).
///
/// # Errors
/// [`Error::Table`] for a file without positions, or without operators when `operator` is
/// `None`; an unreadable file.
pub fn load(path: &Path, operator: Option<&str>, columns: &[(String, String)]) -> Result<Sites> {
    let t = Table::open(path, None)?;
    let header = mapped(path, &t.header, columns)?;
    let ((cx, cy), rd) = position_columns(path, &header, "sites file")?;
    let found: Vec<Option<usize>> =
        FIELDS.iter().chain([&ZENDVERMOGEN, &TECHNOLOGY, &MOBILE_FLAG]).map(|n| position(&header, n)).collect();
    if found[0].is_none() && operator.is_none() {
        return Err(Error::table(path, "no `operator` column: name the operator of these sites with --operator"));
    }
    let mut cols = vec![(cx, Want::Number), (cy, Want::Number)];
    cols.extend(found.iter().flatten().map(|&c| (c, Want::Text)));
    let v = t.read(&cols)?;
    let mut next = 2;
    let col: Vec<Option<&Values>> = found
        .iter()
        .map(|f| {
            f.map(|_| {
                next += 1;
                &v[next - 1]
            })
        })
        .collect();
    let file = path.display().to_string();
    let mut rows = RowCounts { rows_in: v[0].len() as u64, ..RowCounts::default() };
    let (mut rejects, mut sites) = (Vec::new(), Vec::new());
    for i in 0..v[0].len() {
        let row = i as u64 + 1;
        let (x, y) = match (v[0].number(i), v[1].number(i)) {
            (Ok(a), Ok(b)) if rd => (a, b),
            (Ok(lon), Ok(lat)) if lon.abs() <= 180.0 && lat.abs() <= 90.0 => dekking_crs::wgs84_to_rd(lon, lat),
            (a, b) => {
                let detail = format!("position = {}, {}", dekking_table::shown(&a), dekking_table::shown(&b));
                rows.reject(&mut rejects, &file, row, RejectReason::InvalidCoordinate, detail);
                continue;
            }
        };
        if let Err(detail) = mobile(col[10], col[11], i) {
            rows.reject(&mut rejects, &file, row, RejectReason::NotMobile, detail);
            continue;
        }
        let op = col[0].and_then(|c| c.text(i)).map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
        match site_values(&col, i) {
            Ok(mut site) => {
                site.row = row;
                (site.x, site.y) = (x, y);
                site.operator = op.or_else(|| operator.map(str::to_string)).unwrap_or_default();
                rows.used += 1;
                sites.push(site);
            }
            Err(detail) => rows.reject(&mut rejects, &file, row, RejectReason::InvalidSiteValue, detail),
        }
    }
    let format = if rd { "sites, RD New" } else { "sites, WGS84" };
    let source = SourceInfo {
        role: "sites".into(),
        path: file,
        sha256: t.sha256().to_string(),
        rows: rows.rows_in,
        format: format.into(),
        columns: Vec::new(),
    };
    Ok(Sites { sites, rejects, rows, source })
}

/// The values of row `i` (position and operator left to the caller), or what is wrong with them.
fn site_values(col: &[Option<&Values>], i: usize) -> std::result::Result<Site, String> {
    let get = |k: usize, name: &str| number(col[k], i).map_err(|v| format!("{name} = {v}"));
    let azimuth = match col[2].and_then(|c| c.text(i)).map(|s| s.trim().to_ascii_lowercase()) {
        Some(s) if s.is_empty() || s == "0-359" || s == "omni" => None,
        _ => get(2, "azimuth_deg")?.map(|a| a.rem_euclid(360.0)),
    };
    let height_m = get(1, "height_m")?.unwrap_or(defaults::HEIGHT_M);
    let freq_mhz = get(4, "freq_mhz")?.unwrap_or(defaults::FREQ_MHZ);
    let bandwidth_mhz = get(8, "bandwidth_mhz")?.unwrap_or(defaults::BANDWIDTH_MHZ);
    if !(height_m > 0.0 && freq_mhz > 0.0 && bandwidth_mhz > 0.0) {
        return Err(format!(
            "height {height_m} m, frequency {freq_mhz} MHz and bandwidth {bandwidth_mhz} MHz must be above 0"
        ));
    }
    let eirp_dbm = match (get(5, "eirp_dbm")?, get(6, "tx_power_dbm")?, get(9, "zendvermogen")?) {
        (Some(eirp), _, _) => eirp,
        (None, Some(p), _) => p + get(7, "antenna_gain_dbi")?.unwrap_or(defaults::GAIN_DBI),
        (None, None, Some(dbw)) => dbw + 30.0,
        (None, None, None) => defaults::EIRP_DBM,
    };
    Ok(Site {
        row: 0,
        operator: String::new(),
        x: 0.0,
        y: 0.0,
        height_m,
        azimuth_deg: azimuth,
        tilt_deg: get(3, "tilt_deg")?.unwrap_or(defaults::TILT_DEG),
        freq_mhz,
        eirp_dbm,
        bandwidth_mhz,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generic_and_antenneregister_names_with_defaults_and_rejects() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("sites.csv");
        std::fs::write(
            &p,
            "X;Y;HOOGTE;HOOFDSTRAALRICHTING;FREQUENTIE;ZENDVERMOGEN\n\
             155000;463000;42;120;773 MHz;30\n\
             156000;463000;;0-359;;\n\
             157000;463000;hoog;90;773 MHz;30\n\
             ;463000;30;90;773;30\n\
             158000;463000;25;-30;1800 MHz;\n",
        )
        .unwrap();
        let s = load(&p, Some("KPN"), &[]).unwrap();
        assert_eq!((s.rows.rows_in, s.rows.used, s.rows.rejected_total()), (5, 3, 2));
        let a = &s.sites[0];
        assert_eq!(
            (a.operator.as_str(), a.x, a.height_m, a.azimuth_deg, a.freq_mhz, a.eirp_dbm),
            ("KPN", 155_000.0, 42.0, Some(120.0), 773.0, 60.0)
        );
        let b = &s.sites[1];
        assert_eq!((b.height_m, b.azimuth_deg, b.tilt_deg, b.eirp_dbm, b.bandwidth_mhz), (30.0, None, 6.0, 61.0, 10.0));
        assert_eq!((s.sites[2].azimuth_deg, s.sites[2].freq_mhz, s.sites[2].row), (Some(330.0), 1800.0, 5));
        let reasons: Vec<_> = s.rejects.iter().map(|r| (r.row, r.reason, r.detail.as_str())).collect();
        assert_eq!(reasons[0], (3, RejectReason::InvalidSiteValue, "height_m = \"hoog\""));
        assert_eq!((reasons[1].0, reasons[1].1), (4, RejectReason::InvalidCoordinate));
        let e = load(&p, None, &[]).unwrap_err().to_string();
        assert!(e.contains("name the operator of these sites with --operator"), "{e}");
        // A transmit power with a gain; an operator column.
        let q = dir.path().join("g.csv");
        std::fs::write(&q, "lon,lat,operator,tx_power_dbm,antenna_gain_dbi\n5.387206,52.155174,Odido,46,18\n").unwrap();
        let g = load(&q, None, &[]).unwrap();
        assert_eq!((g.sites[0].operator.as_str(), g.sites[0].eirp_dbm), ("Odido", 64.0));
        assert!((g.sites[0].x - 155_000.0).abs() < 1.0);
    }

    #[test]
    fn rows_for_no_mobile_network_are_rejected() {
        let dir = tempfile::tempdir().unwrap();
        let load_text = |name: &str, text: &str| {
            let p = dir.path().join(name);
            std::fs::write(&p, text).unwrap();
            load(&p, Some("A"), &[]).unwrap()
        };
        // By technology: any mobile one among several counts; case and spaces do not matter.
        let t = load_text("t.csv", "x,y,sat_code\n1,2,LTE\n1,2,vv\n1,2,\"VV, 5g nr\"\n1,2,\n");
        assert_eq!((t.rows.rows_in, t.rows.used), (4, 2));
        let why: Vec<(u64, &str)> = t.rejects.iter().map(|r| (r.row, r.detail.as_str())).collect();
        assert_eq!(why, [(2, "technology = \"vv\""), (4, "technology = \"\"")]);
        assert!(t.rejects.iter().all(|r| r.reason == RejectReason::NotMobile));
        // By the register's flag when no technology is named; without either, every row counts.
        let f = load_text("f.csv", "X,Y,MOBIELE_COMMUNICATIE\n1,2,1.0\n1,2,0.0\n");
        assert_eq!((f.rows.used, f.rejects[0].row), (1, 2));
        assert_eq!(load_text("n.csv", "x,y\n1,2\n").rows.used, 1);
    }

    /// `--column` maps fields to other names; a column already holding a mapped field's name
    /// gives way; an unknown field or a column the file lacks is an error naming both.
    #[test]
    fn columns_mapped_by_name() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("s.csv");
        std::fs::write(&p, "rd_x,rd_y,height_m,mast_m,net\n155000,463000,99,42,B\n").unwrap();
        let map = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
            pairs.iter().map(|(f, c)| (f.to_string(), c.to_string())).collect()
        };
        let cols = map(&[("x", "rd_x"), ("y", "rd_y"), ("height_m", "mast_m"), ("operator", "net")]);
        let s = load(&p, None, &cols).unwrap();
        assert_eq!((s.sites[0].x, s.sites[0].height_m, s.sites[0].operator.as_str()), (155_000.0, 42.0, "B"));
        let e = load(&p, None, &map(&[("x", "rd_x"), ("hoogte", "mast_m")])).unwrap_err().to_string();
        assert!(e.contains("unknown field") && e.contains("height_m"), "{e}");
        let e = load(&p, None, &map(&[("x", "east")])).unwrap_err().to_string();
        assert!(e.contains("no column \"east\"") && e.contains("rd_x"), "{e}");
    }
}
