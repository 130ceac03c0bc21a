//! Area tables: the names of the finest areas and the area each rolls up to (gemeente →
//! provincie from the CBS table; US county → state from the FIPS table).

use std::path::Path;

use crate::error::{Error, Result};
use crate::io::profile::AreaScheme;
use crate::model::areas::{AreaEntry, AreaTable};
use crate::model::source::SourceInfo;
use dekking_table::{Table, Want};

const CODE: [&str; 4] = ["GemeentecodeGM", "Gemeentecode", "gemeente_code", "code"];
const NAME: [&str; 3] = ["Gemeentenaam", "gemeente_naam", "name"];
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

/// Reads a gemeente → provincie table (CBS `gemeenten-alfabetisch` layout, or columns
/// `code,name,parent_code,parent_name`).
///
/// # Errors
/// [`Error::Table`] when a column is missing, a code is malformed or a gemeente appears twice.
pub fn parse_gemeente_table(path: &Path, bytes: Vec<u8>) -> Result<AreaTable> {
    let table = Table::from_bytes(path, bytes, None)?;
    let find = |keys: &[&str]| {
        keys.iter()
            .find_map(|k| table.header.iter().position(|h| h.eq_ignore_ascii_case(k)))
            .ok_or_else(|| Error::table(path, format!("missing column (looked for {})", keys.join(", "))))
    };
    let cols = [find(&CODE)?, find(&NAME)?, find(&PARENT)?, find(&PARENT_NAME)?];
    let v = table.read(&cols.map(|c| (c, Want::Text)))?;
    let mut out = AreaTable::default();
    for i in 0..v[0].len() {
        let row = i + 1;
        let cell = |k: usize| v[k].text(i).map(|s| s.to_string()).unwrap_or_default();
        let code = AreaScheme::Gemeente.normalise(&cell(0)).ok_or_else(|| {
            Error::table(path, format!("row {row}: malformed gemeentecode {}", dekking_table::quoted(&cell(0))))
        })?;
        let parent = provincie_code(&cell(2)).ok_or_else(|| {
            Error::table(path, format!("row {row}: malformed provinciecode {}", dekking_table::quoted(&cell(2))))
        })?;
        out.parents.insert(parent.clone(), cell(3));
        if out.areas.insert(code.clone(), AreaEntry { name: cell(1), parent }).is_some() {
            return Err(Error::table(path, format!("row {row}: gemeente {code} appears twice")));
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

/// Reads a gemeente → provincie table from a file.
///
/// # Errors
/// As [`parse_gemeente_table`], plus [`Error::Io`].
pub fn load_gemeente_table(path: &Path) -> Result<AreaTable> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    parse_gemeente_table(path, bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_cbs_layout() {
        let csv = "Gemeentecode,GemeentecodeGM,Gemeentenaam,Provinciecode,ProvinciecodePV,Provincienaam\n\
                   1680,GM1680,Aa en Hunze,22,PV22,Drenthe\n0358,GM0358,Aalsmeer,27,PV27,Noord-Holland\n";
        let t = parse_gemeente_table(Path::new("g.csv"), csv.as_bytes().to_vec()).unwrap();
        assert_eq!(t.areas["GM0358"], AreaEntry { name: "Aalsmeer".into(), parent: "PV27".into() });
        assert_eq!(t.parents["PV22"], "Drenthe");
    }

    #[test]
    fn duplicate_gemeente_is_an_error() {
        let csv = "code,name,parent_code,parent_name\nGM0001,A,20,G\n1,A,20,G\n";
        let e = parse_gemeente_table(Path::new("g.csv"), csv.as_bytes().to_vec()).unwrap_err();
        assert!(e.to_string().contains("row 2: gemeente GM0001 appears twice"), "{e}");
    }
}
