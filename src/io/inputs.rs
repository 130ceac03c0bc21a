//! Several files as one input: `--input` given more than once, a glob pattern (`data/*.csv.gz`,
//! `**` for any depth) or a directory (every table inside, at any depth, hive-style partition
//! folders such as `state=23/` included), expanded into the list of files read in turn.
//!
//! The partition values of hive-style folders in a file's path are columns of its table
//! ([`hive_values`]) unless the file has columns of those names itself.
//!
//! A pattern or directory gives its files in path order, so the same files are read in the same
//! order on every machine; inputs are read in the order given. A file named twice, a pattern
//! that matches nothing and a directory without tables are errors, not empty inputs.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// The name endings of the tables a directory's files are taken for.
const TABLES: [&str; 7] = [".csv", ".tsv", ".txt", ".parquet", ".gz", ".zip", ".gpkg"];

/// Whether `path` names a table dekking reads (by its ending, any case), not a hidden file.
fn is_table(path: &Path) -> bool {
    let name = path.file_name().map(|n| n.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
    !name.starts_with('.') && TABLES.iter().any(|e| name.ends_with(e))
}

/// Whether `text` is a glob pattern rather than a path.
fn is_pattern(text: &str) -> bool {
    text.contains(['*', '?', '['])
}

/// The partition values of the hive-style folders in `path` (`…/state=23/county=23001/part.csv`
/// gives `state` = `23` and `county` = `23001`), outermost first; Hive's name for a missing
/// value, `__HIVE_DEFAULT_PARTITION__`, is an empty value.
///
/// ```
/// use dekking::io::inputs::hive_values;
/// let v = hive_values(std::path::Path::new("bdc/state=23/county=23001/part.csv.gz"));
/// assert_eq!(v, [("state".to_string(), "23".to_string()), ("county".into(), "23001".into())]);
/// assert!(hive_values(std::path::Path::new("a=b.csv")).is_empty());
/// ```
#[must_use]
pub fn hive_values(path: &Path) -> Vec<(String, String)> {
    let Some(folders) = path.parent() else { return Vec::new() };
    folders
        .components()
        .filter_map(|c| {
            let text = c.as_os_str().to_str()?;
            let (name, value) = text.split_once('=')?;
            let value = if value == "__HIVE_DEFAULT_PARTITION__" { "" } else { value };
            (!name.is_empty()).then(|| (name.to_string(), value.to_string()))
        })
        .collect()
}

/// The files of `given`, each a file, a directory or a glob pattern, in order.
///
/// # Errors
/// [`Error::Argument`] naming `flag` for a bad pattern, a pattern or directory without tables,
/// or a file named twice; [`Error::Io`] for an unreadable directory.
pub fn expand(flag: &str, given: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = Vec::new();
    for g in given {
        let text = g.to_string_lossy();
        let mut found = if g.is_dir() {
            directory(g)?
        } else if is_pattern(&text) && !g.exists() {
            let paths = glob::glob(&text).map_err(|e| Error::argument(flag, &text, format!("not a pattern: {e}")))?;
            let mut v: Vec<PathBuf> = paths.filter_map(std::result::Result::ok).filter(|p| p.is_file()).collect();
            v.sort();
            v
        } else {
            vec![g.clone()]
        };
        if found.is_empty() {
            return Err(Error::argument(flag, &text, "no table files there (.csv, .parquet, .csv.gz, .zip, …)"));
        }
        files.append(&mut found);
    }
    let mut seen = std::collections::BTreeSet::new();
    if let Some(twice) = files.iter().find(|f| !seen.insert(f.canonicalize().unwrap_or_else(|_| f.to_path_buf()))) {
        let what = "this file is named twice (by two --input, or a pattern and a file): each file may be read once";
        return Err(Error::argument(flag, &twice.display().to_string(), what));
    }
    Ok(files)
}

/// The table files in `dir` at any depth, in path order.
fn directory(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.map_err(|e| {
            let path = e.path().unwrap_or(dir).to_path_buf();
            Error::io(path, e.into_io_error().unwrap_or_else(|| std::io::Error::other("a loop of links")))
        })?;
        if entry.file_type().is_file() && is_table(entry.path()) {
            out.push(entry.into_path());
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_patterns_and_directories_in_path_order() {
        let d = tempfile::tempdir().unwrap();
        let p = |s: &str| d.path().join(s);
        for f in ["state=23/b.csv.gz", "state=23/a.zip", "state=09/c.parquet", "state=09/.hidden.csv", "notes.md"] {
            std::fs::create_dir_all(p(f).parent().unwrap()).unwrap();
            std::fs::write(p(f), "x").unwrap();
        }
        let all = expand("input", &[d.path().to_path_buf()]).unwrap();
        assert_eq!(all, [p("state=09/c.parquet"), p("state=23/a.zip"), p("state=23/b.csv.gz")]);
        let pattern = p("state=*/*.*z*");
        assert_eq!(expand("input", &[pattern]).unwrap(), [p("state=23/a.zip"), p("state=23/b.csv.gz")]);
        // Inputs in the order given; a file twice, an empty match, an empty directory: errors.
        let two = expand("input", &[p("notes.md"), p("state=09/c.parquet")]).unwrap();
        assert_eq!(two, [p("notes.md"), p("state=09/c.parquet")]);
        let twice = expand("input", &[d.path().to_path_buf(), p("state=23/a.zip")]).unwrap_err().to_string();
        assert!(twice.contains("named twice"), "{twice}");
        assert!(expand("input", &[p("*.nothing")]).unwrap_err().to_string().contains("no table files"));
        std::fs::create_dir(p("empty")).unwrap();
        assert!(expand("input", &[p("empty")]).is_err());
    }
}
