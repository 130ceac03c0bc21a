//! Reads the compliance table that `dekking mobile` wrote (`mobile.csv`), for the yearly report.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::model::mobile::Compliance;
use crate::model::outputs::{header, MobileLine};
use crate::model::source::SourceInfo;
use dekking_files::sha256_hex;

/// `mobile.csv` inside `path` when it is a directory, else `path` itself.
#[must_use]
pub fn resolve(path: &Path) -> PathBuf {
    if path.is_dir() {
        path.join("mobile.csv")
    } else {
        path.to_path_buf()
    }
}

/// Reads a `mobile.csv` of `dekking mobile` (a directory holding one may be given): each row
/// as a [`MobileLine`], its columns found by name.
///
/// # Errors
/// [`Error::Io`] when unreadable; [`Error::Table`] naming the row and column for a missing
/// column or a value that is not what `dekking mobile` writes.
pub fn load(path: &Path) -> Result<(Vec<Compliance>, SourceInfo)> {
    let file = resolve(path);
    let bytes = std::fs::read(&file).map_err(|e| Error::io(&file, e))?;
    let mut r = csv::ReaderBuilder::new().from_reader(&bytes[..]);
    let names = r.headers().map_err(|e| Error::table(&file, format!("header: {e}")))?.clone();
    if names.iter().any(|h| h == "obligation") {
        let what = "the compliance table of a licence with several obligations or one not over area; the yearly \
                    report charts a licence of one area obligation (as the 700 MHz licence): give that mobile.csv";
        return Err(Error::table(&file, what));
    }
    if let Some(name) = header::<MobileLine>().iter().find(|n| !names.iter().any(|h| h == **n)) {
        let what = format!("missing column `{name}`; give the mobile.csv (or its folder) that `dekking mobile` wrote");
        return Err(Error::table(&file, what));
    }
    let mut rows = Vec::new();
    for (i, record) in r.records().enumerate() {
        let row = i + 1;
        let record = record.map_err(|e| Error::table(&file, format!("row {row}: {e}")))?;
        let line: MobileLine = record.deserialize(Some(&names)).map_err(|e| {
            let csv::ErrorKind::Deserialize { err, .. } = e.kind() else {
                return Error::table(&file, format!("row {row}: {e}"));
            };
            let column = err.field().and_then(|k| names.get(k as usize)).unwrap_or("?");
            let value = err.field().and_then(|k| record.get(k as usize)).unwrap_or("");
            let what = match err.kind() {
                csv::DeserializeErrorKind::Message(m) => m.clone(),
                kind => format!("{}: {kind}", dekking_table::quoted(value)),
            };
            let what = format!("row {row}, column `{column}`: {what}; give the mobile.csv that `dekking mobile` wrote");
            Error::table(&file, what)
        })?;
        rows.push(Compliance::from(line));
    }
    if rows.is_empty() {
        return Err(Error::table(&file, "no rows; give the mobile.csv of a `dekking mobile` run"));
    }
    let info = SourceInfo {
        role: "mobile".into(),
        path: file.display().to_string(),
        sha256: sha256_hex(&bytes),
        rows: rows.len() as u64,
        format: "csv (dekking mobile)".into(),
        columns: Vec::new(),
    };
    Ok((rows, info))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_of_several_obligations_is_refused_with_the_reason() {
        let dir = std::env::temp_dir().join(format!("dekking-compliance-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("mobile.csv");
        std::fs::write(&p, "operator,obligation,measure,unit,area_code\nKPN,households,points,households,GM0001\n")
            .unwrap();
        let e = load(&dir).unwrap_err().to_string();
        assert!(e.contains("mobile.csv: the compliance table of a licence with several obligations"), "{e}");
        std::fs::write(&p, "operator,area_code\nKPN,GM0001\n").unwrap();
        assert!(load(&p).unwrap_err().to_string().contains("missing column `area_name`"));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
