//! Gemeente mergers (herindelingen): old gemeentecode → the current one, with the date, from
//! `seeds/gemeente_mergers.csv`, so older vintages can be re-aggregated on the current map.
//! Whole-gemeente mergers only; codes not in the table are current.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use dekking_files::sha256_hex;

use crate::error::{Error, Result};
use crate::io::profile::AreaScheme;
use crate::model::date::Date;
use crate::model::source::SourceInfo;
use dekking_table::{Table, Want};

/// The built-in merger table (2021 → 2023 map).
pub const DEFAULT_MERGERS: &str = include_str!("../../seeds/gemeente_mergers.csv");

/// One merger step: an old gemeente that became part of a new one on a date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Merger {
    /// The gemeente that ceased to exist.
    pub old_code: String,
    /// The gemeente it became part of.
    pub new_code: String,
    /// The day the new indeling took effect.
    pub date: Date,
}

/// Old code → merger, by old code.
#[derive(Debug, Clone, Default)]
pub struct Mergers {
    by_old: BTreeMap<String, Merger>,
}

impl Mergers {
    /// Parses a merger table (`old_code,old_name,new_code,new_name,date,source`).
    ///
    /// # Errors
    /// [`Error::Table`] for a missing column, a malformed code or date, an old code listed twice,
    /// or a chain that loops.
    pub fn parse(path: &Path, bytes: Vec<u8>) -> Result<Mergers> {
        let t = Table::from_bytes(path, bytes, None)?;
        let col = |name: &str| {
            t.header
                .iter()
                .position(|h| h == name)
                .ok_or_else(|| Error::table(path, format!("missing column `{name}`")))
        };
        let v =
            t.read(&[(col("old_code")?, Want::Text), (col("new_code")?, Want::Text), (col("date")?, Want::Text)])?;
        let mut by_old = BTreeMap::new();
        for i in 0..v[0].len() {
            let row = i + 1;
            let code = |k: usize| {
                let raw = v[k].text(i).unwrap_or_default();
                AreaScheme::Gemeente.normalise(&raw).ok_or_else(|| {
                    Error::table(path, format!("row {row}: malformed gemeentecode {}", dekking_table::quoted(&raw)))
                })
            };
            let (old_code, new_code) = (code(0)?, code(1)?);
            let raw = v[2].text(i).unwrap_or_default();
            let date = Date::parse(&raw).ok_or_else(|| {
                Error::table(path, format!("row {row}: date {} is not YYYY-MM-DD", dekking_table::quoted(&raw)))
            })?;
            if by_old.insert(old_code.clone(), Merger { old_code: old_code.clone(), new_code, date }).is_some() {
                return Err(Error::table(path, format!("row {row}: {old_code} is listed twice")));
            }
        }
        let m = Mergers { by_old };
        for old in m.by_old.keys() {
            m.follow(old, None).ok_or_else(|| Error::table(path, format!("the mergers of {old} loop")))?;
        }
        Ok(m)
    }

    /// Reads a merger table, or the built-in one when `path` is `None`, with its provenance.
    ///
    /// # Errors
    /// As [`Mergers::parse`], plus [`Error::Io`].
    pub fn load(path: Option<&Path>) -> Result<(Mergers, SourceInfo)> {
        let (path, bytes) = match path {
            Some(p) => (p.to_path_buf(), std::fs::read(p).map_err(|e| Error::io(p, e))?),
            None => (PathBuf::from("seeds/gemeente_mergers.csv"), DEFAULT_MERGERS.as_bytes().to_vec()),
        };
        let sha256 = sha256_hex(&bytes);
        let m = Mergers::parse(&path, bytes)?;
        let info = SourceInfo {
            role: "mergers".into(),
            path: path.display().to_string(),
            sha256,
            rows: m.iter().count() as u64,
            format: "csv".into(),
            columns: Vec::new(),
        };
        Ok((m, info))
    }

    /// The built-in table.
    ///
    /// # Errors
    /// Never for the shipped file; the `Result` is that of the parser.
    pub fn built_in() -> Result<Mergers> {
        Mergers::parse(Path::new("seeds/gemeente_mergers.csv"), DEFAULT_MERGERS.as_bytes().to_vec())
    }

    /// The gemeente `code` belongs to on `on` (all mergers up to and including that date;
    /// `None` = all known mergers), following chains; `None` only for a loop.
    fn follow(&self, code: &str, on: Option<Date>) -> Option<String> {
        let mut current = code.to_string();
        for _ in 0..=self.by_old.len() {
            match self.by_old.get(&current) {
                Some(m) if on.is_none_or(|d| m.date <= d) => current = m.new_code.clone(),
                _ => return Some(current),
            }
        }
        None
    }

    /// The current gemeentecode of `code` on date `on` (`None` = after every known merger).
    ///
    /// ```
    /// use dekking::{io::mergers::Mergers, model::Date};
    /// let m = Mergers::built_in().unwrap();
    /// assert_eq!(m.current("GM0457", None), "GM0363"); // Weesp → Amsterdam
    /// assert_eq!(m.current("GM0501", Date::parse("2022-06-30")), "GM0501"); // Brielle still existed
    /// assert_eq!(m.current("GM0014", None), "GM0014");
    /// ```
    #[must_use]
    pub fn current(&self, code: &str, on: Option<Date>) -> String {
        self.follow(code, on).unwrap_or_else(|| code.to_string())
    }

    /// Every merger, by old code.
    pub fn iter(&self) -> impl Iterator<Item = &Merger> {
        self.by_old.values()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chains_and_loops() {
        let t = "old_code,new_code,date\nGM0001,GM0002,2020-01-01\nGM0002,GM0003,2021-01-01\n";
        let m = Mergers::parse(Path::new("m.csv"), t.as_bytes().to_vec()).unwrap();
        assert_eq!(m.current("GM0001", None), "GM0003");
        assert_eq!(m.current("GM0001", Date::parse("2020-06-01")), "GM0002");
        let looped = "old_code,new_code,date\nGM0001,GM0002,2020-01-01\nGM0002,GM0001,2021-01-01\n";
        assert!(Mergers::parse(Path::new("m.csv"), looped.as_bytes().to_vec())
            .unwrap_err()
            .to_string()
            .contains("loop"));
        let twice = "old_code,new_code,date\nGM0001,GM0002,2020-01-01\n1,GM0003,2021-01-01\n";
        assert!(Mergers::parse(Path::new("m.csv"), twice.as_bytes().to_vec())
            .unwrap_err()
            .to_string()
            .contains("listed twice"));
    }
}
