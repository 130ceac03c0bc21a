//! The action-plan table (Bijlage 2 of the Nederlandse Digitaliseringsstrategie 2020) as data:
//! `seeds/actieplan.toml`, one `[[row]]` per action, some linked to a figure dekking measures.

use std::path::Path;

use crate::error::{Error, Result};
use crate::io::policy::toml_error;
use crate::model::policy::{Actieplan, METRICS};

/// The built-in action-plan table.
pub const DEFAULT_ACTIEPLAN: &str = include_str!("../../seeds/actieplan.toml");

impl Actieplan {
    /// Parses an action-plan file.
    ///
    /// # Errors
    /// [`Error::Policy`] for invalid TOML, unknown keys, an empty action or an unknown metric.
    pub fn parse(path: &Path, text: &str) -> Result<Actieplan> {
        let a: Actieplan = toml::from_str(text).map_err(|e| toml_error(path, text, &e))?;
        for (k, r) in a.rows.iter().enumerate() {
            if r.thema.is_empty() || r.actie.is_empty() {
                return Err(Error::Policy {
                    file: path.to_path_buf(),
                    key: format!("row[{k}]"),
                    reason: "thema and actie are required".into(),
                });
            }
            if let Some(m) = r.metric.as_deref().filter(|m| !METRICS.contains(m)) {
                return Err(Error::Policy {
                    file: path.to_path_buf(),
                    key: format!("row[{k}].metric"),
                    reason: format!("`{m}` is not one of {}", METRICS.join(", ")),
                });
            }
        }
        Ok(a)
    }

    /// The built-in table.
    ///
    /// # Errors
    /// Never for the shipped file; the `Result` is that of the parser.
    pub fn built_in() -> Result<Actieplan> {
        Actieplan::parse(Path::new("seeds/actieplan.toml"), DEFAULT_ACTIEPLAN)
    }

    /// Reads an action-plan file, or the built-in table when `path` is `None`.
    ///
    /// # Errors
    /// As [`Actieplan::parse`], plus [`Error::Io`].
    pub fn load(path: Option<&Path>) -> Result<Actieplan> {
        match path {
            None => Actieplan::built_in(),
            Some(p) => Actieplan::parse(p, &crate::io::read_text(p)?),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_table_has_the_connectivity_rows() {
        let a = Actieplan::built_in().unwrap();
        assert_eq!(a.rows.len(), 41);
        assert!(a.rows.iter().any(|r| r.actie.starts_with("Veiling frequenties van de 700, 1400 en 2100 MHz")
            && r.metric.as_deref() == Some("mobile_700mhz_compliance")));
        assert!(a.rows.iter().any(|r| r.actie.starts_with("Publicatie van een breedbandkaart")
            && r.metric.as_deref() == Some("fixed_100mbps_share")));
        assert!(
            a.rows.iter().any(|r| r.actie.contains("3,5 GHz")) && a.rows.iter().any(|r| r.actie.contains("26 GHz"))
        );
    }

    #[test]
    fn unknown_metric_is_refused() {
        let bad = "source = 's'\n[[row]]\nthema = 't'\nopgave = 'o'\nactie = 'a'\nmetric = 'speed'\n";
        assert!(Actieplan::parse(Path::new("a.toml"), bad).unwrap_err().to_string().contains("not one of"));
    }
}
