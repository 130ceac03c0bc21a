//! Policy as data: the fixed-broadband targets in `seeds/targets.toml`, deserialised into typed
//! structs with `deny_unknown_fields`, so a typo in a key is an error and not a silent default.

use std::path::Path;

use crate::error::{Error, Result};
use crate::model::policy::Targets;

/// The targets file shipped with dekking, used when `--targets` is not given.
pub const DEFAULT_TARGETS: &str = include_str!("../../seeds/targets.toml");

impl Targets {
    /// Parses and validates a targets file (`path` names it in messages).
    ///
    /// # Errors
    /// [`Error::Policy`] for invalid TOML, unknown keys, a percentage outside 0–100, a negative
    /// speed, a malformed date or a duplicate id.
    pub fn parse(path: &Path, text: &str) -> Result<Targets> {
        let t: Targets = toml::from_str(text).map_err(|e| toml_error(path, text, &e))?;
        let bad = |key: String, reason: String| Error::Policy { file: path.to_path_buf(), key, reason };
        let mut ids = std::collections::BTreeSet::new();
        for (k, f) in t.fixed.iter().enumerate() {
            let key = |name: &str| format!("fixed[{k}].{name} ({})", f.id);
            if !ids.insert(&f.id) {
                return Err(bad(key("id"), "duplicate id".into()));
            }
            if !(0.0..=100.0).contains(&f.share_pct) {
                return Err(bad(key("share_pct"), format!("{} is outside 0–100", f.share_pct)));
            }
            if !(f.down_mbps >= 0.0 && f.up_mbps >= 0.0) {
                return Err(bad(key("down_mbps"), "speeds must be >= 0".into()));
            }
            if !is_date(&f.deadline) {
                return Err(bad(
                    key("deadline"),
                    format!("{} is not a YYYY-MM-DD date", dekking_table::quoted(&f.deadline)),
                ));
            }
        }
        for (k, r) in t.reference.iter().enumerate() {
            if !(0.0..=100.0).contains(&r.share_pct) || !is_date(&r.date) {
                return Err(bad(
                    format!("reference[{k}] ({})", r.id),
                    "share_pct must be 0–100 and date YYYY-MM-DD".into(),
                ));
            }
        }
        Ok(t)
    }

    /// Reads a targets file, or the built-in one when `path` is `None`.
    ///
    /// # Errors
    /// As [`Targets::parse`], plus [`Error::Io`].
    pub fn load(path: Option<&Path>) -> Result<Targets> {
        match path {
            None => Targets::parse(Path::new("seeds/targets.toml"), DEFAULT_TARGETS),
            Some(p) => Targets::parse(p, &crate::io::read_text(p)?),
        }
    }
}

/// A TOML parse error as [`Error::Policy`]: the file, the text at the error (as the key), the reason.
pub fn toml_error(path: &Path, text: &str, e: &toml::de::Error) -> Error {
    Error::Policy {
        file: path.to_path_buf(),
        key: e.span().and_then(|s| text.get(s)).map(|t| dekking_table::escaped_to(t, 40)).unwrap_or_default(),
        reason: e.message().trim().to_string(),
    }
}

/// Whether `s` is a valid `YYYY-MM-DD` date.
pub fn is_date(s: &str) -> bool {
    crate::model::date::Date::parse(s).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_targets_parse() {
        let t = Targets::load(None).unwrap();
        let adc = t.fixed.iter().find(|f| f.id == "adc-100mbps-2023").unwrap();
        assert_eq!((adc.down_mbps, adc.share_pct), (100.0, 100.0));
        assert!(t.reference.iter().any(|r| r.share_pct == 99.5));
    }

    #[test]
    fn unknown_keys_and_bad_values_are_errors() {
        let base = "[[fixed]]\nid='a'\ntitle='t'\ndown_mbps=100\nshare_pct=100\ndeadline='2023-12-31'\nscope='NL'\nsource='s'\n";
        assert!(Targets::parse(Path::new("t.toml"), base).is_ok());
        let e = Targets::parse(Path::new("t.toml"), &format!("{base}colour='red'\n")).unwrap_err().to_string();
        assert!(e.contains("unknown field"), "{e}");
        let e = Targets::parse(Path::new("t.toml"), &base.replace("share_pct=100", "share_pct=101"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("outside 0–100"), "{e}");
        let e = Targets::parse(Path::new("t.toml"), &base.replace("2023-12-31", "31-12-2023")).unwrap_err().to_string();
        assert!(e.contains("deadline"), "{e}");
    }
}
