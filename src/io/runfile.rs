//! The report run file: a small TOML file listing a report's inputs, so a scheduled job is one
//! command (`dekking report --run report.toml`). Relative paths are relative to the run file.
//!
//! ```toml
//! out = "report-2023"
//! run_date = "2024-03-01"      # optional; default today
//! provincie = "Utrecht"         # optional: limit to one provincie
//! mobile = "mobile-2023"        # optional: a `dekking mobile` output folder
//! predicted = "predicted-2023"  # optional: `dekking mobile` over `dekking predict` grids
//! classify = "classes.toml"     # optional: service classes of the latest vintage (or bead-us)
//! csv_excel = false             # optional
//! columns = ["down_mbps=Download"]   # optional, as --column
//!
//! [[vintage]]
//! year = 2022
//! records = "data/2022.csv"
//! universe = "data/adressen_2022.csv"   # optional
//! ```

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::{Error, Result};
use crate::io::policy::toml_error;

/// One vintage in a run file.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunVintage {
    /// The year the data describe.
    pub year: i32,
    /// Availability records.
    pub records: PathBuf,
    /// Address universe.
    pub universe: Option<PathBuf>,
}

/// A report run file, paths resolved against its folder.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunFile {
    /// Output folder.
    pub out: Option<PathBuf>,
    /// Run date, `YYYY-MM-DD`.
    pub run_date: Option<String>,
    /// Column profile (default `nl`).
    pub profile: Option<String>,
    /// Column overrides, `FIELD=NAME`.
    #[serde(default)]
    pub columns: Vec<String>,
    /// Forced CSV delimiter.
    pub delimiter: Option<String>,
    /// Count addresses even with a households column.
    #[serde(default)]
    pub unweighted: bool,
    /// Gemeente boundaries.
    pub boundaries: Option<PathBuf>,
    /// The GeoPackage layer of the boundaries.
    pub layer: Option<String>,
    /// The boundary feature property holding the area code.
    pub area_code_field: Option<String>,
    /// The boundary feature property holding the area name.
    pub area_name_field: Option<String>,
    /// Gemeente → provincie table.
    pub provincies: Option<PathBuf>,
    /// Merger table.
    pub mergers: Option<PathBuf>,
    /// Targets file.
    pub targets: Option<PathBuf>,
    /// Action-plan file.
    pub actieplan: Option<PathBuf>,
    /// `dekking mobile` result.
    pub mobile: Option<PathBuf>,
    /// A `dekking mobile` result over predicted grids (`dekking predict grid`).
    pub predicted: Option<PathBuf>,
    /// A service-class scheme for the latest vintage: `bead-us` or a scheme file.
    pub classify: Option<String>,
    /// Limit to one provincie.
    pub provincie: Option<String>,
    /// Excel-style CSV.
    #[serde(default)]
    pub csv_excel: bool,
    /// The report's language, `nl` or `en`.
    pub lang: Option<String>,
    /// The vintages.
    #[serde(rename = "vintage", default)]
    pub vintages: Vec<RunVintage>,
}

impl RunFile {
    /// Reads a run file and resolves its paths against its folder.
    ///
    /// # Errors
    /// [`Error::Io`] when unreadable; [`Error::Policy`] naming the key for invalid TOML, an
    /// unknown key or no vintage.
    pub fn load(path: &Path) -> Result<RunFile> {
        let text = crate::io::read_text(path)?;
        let mut r: RunFile = toml::from_str(&text).map_err(|e| toml_error(path, &text, &e))?;
        if r.vintages.is_empty() {
            return Err(Error::Policy {
                file: path.to_path_buf(),
                key: "vintage".into(),
                reason: "no [[vintage]] table; list at least one with year and records".into(),
            });
        }
        let base = path.parent().unwrap_or(Path::new(""));
        let fix = |p: &mut PathBuf| {
            if p.is_relative() {
                *p = base.join(&*p);
            }
        };
        for p in [
            &mut r.out,
            &mut r.boundaries,
            &mut r.provincies,
            &mut r.mergers,
            &mut r.targets,
            &mut r.actieplan,
            &mut r.mobile,
            &mut r.predicted,
        ]
        .into_iter()
        .flatten()
        {
            fix(p);
        }
        if let Some(c) = r.classify.as_mut().filter(|c| *c != "bead-us" && Path::new(c.as_str()).is_relative()) {
            *c = base.join(&*c).display().to_string();
        }
        for v in &mut r.vintages {
            fix(&mut v.records);
            if let Some(u) = &mut v.universe {
                fix(u);
            }
        }
        Ok(r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_relative_to_the_run_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("run.toml");
        std::fs::write(&p, "out = \"o\"\n[[vintage]]\nyear = 2022\nrecords = \"r.csv\"\n").unwrap();
        let r = RunFile::load(&p).unwrap();
        assert_eq!(r.out.unwrap(), dir.path().join("o"));
        assert_eq!(r.vintages[0].records, dir.path().join("r.csv"));
        std::fs::write(&p, "outt = \"o\"\n").unwrap();
        assert!(RunFile::load(&p).unwrap_err().to_string().contains("outt"));
        std::fs::write(&p, "out = \"o\"\n").unwrap();
        assert!(RunFile::load(&p).unwrap_err().to_string().contains("vintage"));
    }
}
