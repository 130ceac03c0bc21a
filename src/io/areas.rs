//! Area tables: the names of the finest areas and the area each rolls up to (gemeente →
//! provincie from the CBS table, or any code → parent from a `--parents` file).

use std::path::Path;

use crate::error::{Error, Result};
use crate::io::profile::AreaScheme;
use crate::model::areas::{AreaEntry, AreaTable};
use crate::model::source::SourceInfo;
use dekking_table::{quoted, Table, Want};

const CODE: [&str; 5] = ["GemeentecodeGM", "Gemeentecode", "gemeente_code", "area_code", "code"];
const NAME: [&str; 4] = ["Gemeentenaam", "gemeente_naam", "area_name", "name"];
const PARENT: [&str; 4] = ["ProvinciecodePV", "Provinciecode", "provincie_code", "parent_code"];
const PARENT_NAME: [&str; 3] = ["Provincienaam", "provincie_naam", "parent_name"];

/// Normalises a provincie code: `PV27`, `27` → `PV27`.
///
/// ```
/// assert_eq!(dekking::io::areas::provincie_code("27").as_deref(), Some("PV27"));
/// assert_eq!(dekking::io::areas::provincie_code("pv20").as_deref(), Some("PV20"));
/// ```
#[must_use]
pub fn provincie_code(raw: &str) -> Option<String> {
    let t = raw.trim();
    let digits = if t.len() > 2 && t[..2].eq_ignore_ascii_case("PV") { &t[2..] } else { t };
    (!digits.is_empty() && digits.len() <= 2 && digits.bytes().all(|b| b.is_ascii_digit()))
        .then(|| format!("PV{digits:0>2}"))
}

/// Normalises a parent code: a provincie code when the scheme is gemeenten and `raw` is one
/// (`27` → `PV27`), else `raw` trimmed. `None` for an empty code.
fn parent_code(scheme: AreaScheme, raw: &str) -> Option<String> {
    let given = (!raw.trim().is_empty()).then(|| raw.trim().to_string());
    match scheme {
        AreaScheme::Gemeente => provincie_code(raw).or(given),
        AreaScheme::UsCounty | AreaScheme::Plain => given,
    }
}

/// Reads an area table: for each finest area its code, parent code and optionally its name and
/// the parent's name (CBS `gemeenten-alfabetisch` layout, or columns
/// `code,name,parent_code,parent_name`). Codes of the scheme's form are normalised (`363` →
/// `GM0363`, `27` → `PV27`), other codes kept as given, so a table may hold wijken, test areas
/// or another country's codes.
///
/// # Errors
/// [`Error::Table`] when the code or parent column is missing, a code is empty, an area appears
/// twice or a parent is given two names.
pub fn parse_area_table(path: &Path, bytes: Vec<u8>, scheme: AreaScheme) -> Result<AreaTable> {
    let table = Table::from_bytes(path, bytes, None)?;
    let find = |keys: &[&str]| keys.iter().find_map(|k| table.header.iter().position(|h| h.eq_ignore_ascii_case(k)));
    let need = |keys: &[&str]| {
        find(keys).ok_or_else(|| Error::table(path, format!("missing column (looked for {})", keys.join(", "))))
    };
    let (code, parent) = (need(&CODE)?, need(&PARENT)?);
    let optional = [find(&NAME), find(&PARENT_NAME)];
    let cols: Vec<usize> = [code, parent].into_iter().chain(optional.into_iter().flatten()).collect();
    let v = table.read(&cols.iter().map(|&c| (c, Want::Text)).collect::<Vec<_>>())?;
    let column = |c: Option<usize>| c.and_then(|c| cols.iter().position(|&k| k == c));
    let (name_at, parent_name_at) = (column(optional[0]), column(optional[1]));
    let mut out = AreaTable::default();
    for i in 0..v[0].len() {
        let row = i + 1;
        let cell = |k: usize| v[k].text(i).map(|s| s.trim().to_string()).unwrap_or_default();
        let empty = |what: &str| Error::table(path, format!("row {row}: empty {what}; every row needs one"));
        let code = scheme.boundary_code(&cell(0)).ok_or_else(|| empty("area code"))?;
        let parent = parent_code(scheme, &cell(1)).ok_or_else(|| empty("parent code"))?;
        // A parent without a name in this row is named by its code until a row names it.
        match (parent_name_at.map(cell).filter(|n| !n.is_empty()), out.parents.get(&parent)) {
            (Some(named), Some(known)) if *known != named && *known != parent => {
                return Err(Error::table(
                    path,
                    format!("row {row}: parent {parent} is named both {} and {}", quoted(known), quoted(&named)),
                ))
            }
            (Some(named), _) => {
                out.parents.insert(parent.clone(), named);
            }
            (None, _) => {
                out.parents.entry(parent.clone()).or_insert_with(|| parent.clone());
            }
        }
        let name = name_at.map(cell).filter(|n| !n.is_empty()).unwrap_or_else(|| code.clone());
        if out.areas.insert(code.clone(), AreaEntry { name, parent }).is_some() {
            return Err(Error::table(path, format!("row {row}: area {code} appears twice")));
        }
    }
    out.source = Some(SourceInfo {
        role: "areas".into(),
        path: path.display().to_string(),
        sha256: table.sha256().to_string(),
        rows: out.areas.len() as u64,
        format: "csv".into(),
        columns: Vec::new(),
    });
    Ok(out)
}

/// Reads an area table from a file, as [`parse_area_table`].
///
/// # Errors
/// As [`parse_area_table`], plus [`Error::Io`].
pub fn load_area_table(path: &Path, scheme: AreaScheme) -> Result<AreaTable> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    parse_area_table(path, bytes, scheme)
}

/// `table` with the areas of `extra` added (a `--parents` file): an area both know takes the
/// parent `extra` gives; names `table` knows are kept.
#[must_use]
pub fn with_parents(mut table: AreaTable, extra: AreaTable) -> AreaTable {
    for (code, name) in extra.parents {
        table.parents.entry(code).or_insert(name);
    }
    for (code, e) in extra.areas {
        let name = table.areas.get(&code).map_or(e.name, |known| known.name.clone());
        table.areas.insert(code, AreaEntry { name, parent: e.parent });
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_cbs_layout() {
        let csv = "Gemeentecode,GemeentecodeGM,Gemeentenaam,Provinciecode,ProvinciecodePV,Provincienaam\n\
                   1680,GM1680,Aa en Hunze,22,PV22,Drenthe\n0358,GM0358,Aalsmeer,27,PV27,Noord-Holland\n";
        let t = parse_area_table(Path::new("g.csv"), csv.as_bytes().to_vec(), AreaScheme::Gemeente).unwrap();
        assert_eq!(t.areas["GM0358"], AreaEntry { name: "Aalsmeer".into(), parent: "PV27".into() });
        assert_eq!(t.parents["PV22"], "Drenthe");
    }

    #[test]
    fn duplicate_gemeente_is_an_error() {
        let csv = "code,name,parent_code,parent_name\nGM0001,A,20,G\n1,A,20,G\n";
        let e = parse_area_table(Path::new("g.csv"), csv.as_bytes().to_vec(), AreaScheme::Gemeente).unwrap_err();
        assert!(e.to_string().contains("row 2: area GM0001 appears twice"), "{e}");
    }

    #[test]
    fn any_codes_roll_up_to_any_parents() {
        let csv = "code,parent_code,parent_name\nAT60101,AT6,Steiermark\nGM9999,27,\n363,PV27,Noord-Holland\n";
        let t = parse_area_table(Path::new("p.csv"), csv.as_bytes().to_vec(), AreaScheme::Gemeente).unwrap();
        assert_eq!(t.areas["AT60101"], AreaEntry { name: "AT60101".into(), parent: "AT6".into() });
        assert_eq!(t.areas["GM0363"].parent, "PV27");
        assert_eq!(t.areas["GM9999"].parent, "PV27");
        assert_eq!(t.parents["PV27"], "Noord-Holland", "a blank parent name does not clash with a given one");
        let clash = "code,parent_code,parent_name\nA,P,One\nB,P,Two\n";
        let e = parse_area_table(Path::new("p.csv"), clash.as_bytes().to_vec(), AreaScheme::Plain).unwrap_err();
        assert!(e.to_string().contains("row 2: parent P is named both \"One\" and \"Two\""), "{e}");
        let blank = "code,parent_code\nA,\n";
        let e = parse_area_table(Path::new("p.csv"), blank.as_bytes().to_vec(), AreaScheme::Plain).unwrap_err();
        assert!(e.to_string().contains("row 1: empty parent code"), "{e}");
    }

    #[test]
    fn parents_extend_a_table() {
        let base = "code,name,parent_code,parent_name\nGM0363,Amsterdam,27,Noord-Holland\n";
        let extra = "code,parent_code,parent_name\nGM9999,PV20,Groningen\nGM0363,PV20,Groningen\n";
        let read = |s: &str| parse_area_table(Path::new("t.csv"), s.as_bytes().to_vec(), AreaScheme::Gemeente).unwrap();
        let t = with_parents(read(base), read(extra));
        assert_eq!(t.areas["GM0363"], AreaEntry { name: "Amsterdam".into(), parent: "PV20".into() });
        assert_eq!(t.areas["GM9999"].parent, "PV20");
        assert_eq!(t.parents.len(), 2);
    }
}
