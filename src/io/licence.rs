//! Licence conditions as data: operators, the coverage percentage, speed steps with start dates,
//! exclusion layers, ontheffingen (temporary lower percentages) and the drive-test rule, read
//! from a TOML file such as `seeds/licences/nl-700mhz-2020.toml` (the built-in default).
//!
//! Unknown keys, percentages outside 0–100, speed steps out of order, an ontheffing that ends
//! before it starts or overlaps another for the same operator and gemeente are errors naming
//! the file and key.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::io::policy::toml_error;
use crate::io::profile::AreaScheme;
use crate::model::date::Date;

/// The built-in 700 MHz licence file.
pub const DEFAULT_LICENCE: &str = include_str!("../../seeds/licences/nl-700mhz-2020.toml");

/// A licence holder.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Operator {
    /// The id used in outputs and in `--grid ID=FILE`.
    pub id: String,
    /// The legal licence holder.
    pub licence_holder: String,
    /// The frequency blocks held.
    #[serde(default)]
    pub blocks: String,
    /// Other names accepted on input (case-insensitive).
    #[serde(default)]
    pub aliases: Vec<String>,
}

/// A required speed from a date on.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SpeedStep {
    /// First day the speed applies.
    pub from: Date,
    /// Required download speed, Mbps.
    pub down_mbps: f64,
    /// Where it is stated.
    pub source: String,
}

/// The coverage obligation.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Obligation {
    /// Required covered share of the eligible area, percent.
    pub share_pct: f64,
    /// What is covered: `area` (the only measure implemented).
    pub measure: String,
    /// Outdoor coverage.
    #[serde(default)]
    pub outdoor: bool,
    /// Where it is stated.
    pub source: String,
    /// Speed steps, in date order.
    pub speed: Vec<SpeedStep>,
}

/// An exclusion layer: areas that do not count towards the obligation.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase", deny_unknown_fields)]
pub enum Exclusion {
    /// Polygons from a GeoJSON file (`builtin:NAME` for a layer shipped with dekking).
    File {
        /// Identifier.
        id: String,
        /// Path, relative to the licence file, or `builtin:NAME`.
        path: String,
        /// Where it is stated.
        source: String,
    },
    /// A circle around a point.
    Circle {
        /// Identifier.
        id: String,
        /// Centre latitude, degrees WGS84.
        lat: f64,
        /// Centre longitude, degrees WGS84.
        lon: f64,
        /// Radius, metres.
        radius_m: f64,
        /// Where it is stated.
        source: String,
    },
}

impl Exclusion {
    /// The layer's id.
    pub fn id(&self) -> &str {
        match self {
            Exclusion::File { id, .. } | Exclusion::Circle { id, .. } => id,
        }
    }
}

/// A temporary lower percentage for one operator in one gemeente.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Ontheffing {
    /// Operator id.
    pub operator: String,
    /// Gemeentecode (normalised on load).
    pub gemeente: String,
    /// Gemeente name, for people.
    #[serde(default)]
    pub name: String,
    /// The percentage in force during the period.
    pub share_pct: f64,
    /// First day.
    pub start: Date,
    /// Last day (inclusive).
    pub end: Date,
    /// Where it is granted.
    pub source: String,
}

/// The drive-test verification rule.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DriveTestRule {
    /// A gemeente passes when its success rate ≥ pass_factor × the percentage in force.
    pub pass_factor: f64,
    /// Confidence level of the reported interval (e.g. 0.95).
    #[serde(default = "default_confidence")]
    pub confidence: f64,
    /// Where it is stated.
    pub source: String,
}

fn default_confidence() -> f64 {
    0.95
}

/// A licence file.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Licence {
    /// Identifier.
    pub id: String,
    /// Title.
    pub title: String,
    /// Frequency band.
    pub band: String,
    /// First day of the licence.
    pub licence_start: Date,
    /// Last day of the licence, if known.
    #[serde(default)]
    pub licence_end: Option<Date>,
    /// The area unit (`gemeente`).
    pub area_unit: String,
    /// Where the licence is described.
    pub source: String,
    /// The licence holders.
    #[serde(rename = "operator")]
    pub operators: Vec<Operator>,
    /// The obligation.
    pub obligation: Obligation,
    /// Exclusion layers.
    #[serde(default, rename = "exclusion")]
    pub exclusions: Vec<Exclusion>,
    /// Ontheffingen.
    #[serde(default, rename = "ontheffing")]
    pub ontheffingen: Vec<Ontheffing>,
    /// Drive-test rule.
    pub drive_test: DriveTestRule,
    /// The directory relative paths are resolved against.
    #[serde(skip)]
    pub base_dir: Option<PathBuf>,
}

impl Licence {
    /// Parses and validates a licence file (`path` names it in messages).
    ///
    /// # Errors
    /// [`Error::Policy`] for invalid TOML, unknown keys or inconsistent values.
    pub fn parse(path: &Path, text: &str) -> Result<Licence> {
        let mut l: Licence = toml::from_str(text).map_err(|e| toml_error(path, text, &e))?;
        let bad = |key: String, reason: String| Error::Policy { file: path.to_path_buf(), key, reason };
        let pct_ok = |p: f64| (0.0..=100.0).contains(&p);
        if l.operators.is_empty() {
            return Err(bad("operator".into(), "at least one [[operator]] is required".into()));
        }
        if !pct_ok(l.obligation.share_pct) {
            return Err(bad("obligation.share_pct".into(), format!("{} is outside 0–100", l.obligation.share_pct)));
        }
        if l.obligation.measure != "area" {
            return Err(bad(
                "obligation.measure".into(),
                format!("`{}` is not supported; use `area`", l.obligation.measure),
            ));
        }
        if l.obligation.speed.is_empty() {
            return Err(bad("obligation.speed".into(), "at least one speed step is required".into()));
        }
        for (k, s) in l.obligation.speed.iter().enumerate() {
            if !(s.down_mbps.is_finite() && s.down_mbps >= 0.0) {
                return Err(bad(format!("obligation.speed[{k}].down_mbps"), "must be >= 0".into()));
            }
            if k > 0 && s.from <= l.obligation.speed[k - 1].from {
                return Err(bad(
                    format!("obligation.speed[{k}].from"),
                    format!("{} is not after the previous step ({})", s.from, l.obligation.speed[k - 1].from),
                ));
            }
        }
        for x in &l.exclusions {
            if let Exclusion::Circle { id, lat, lon, radius_m, .. } = x {
                if !(radius_m.is_finite() && *radius_m > 0.0 && lat.abs() <= 90.0 && lon.abs() <= 180.0) {
                    return Err(bad(format!("exclusion {id}"), "needs a radius_m > 0 and a valid lat/lon".into()));
                }
            }
        }
        let ids: Vec<String> = l.operators.iter().map(|o| o.id.clone()).collect();
        for k in 0..l.ontheffingen.len() {
            let key = |name: &str| format!("ontheffing[{k}].{name}");
            let o = &l.ontheffingen[k];
            let operator = l.operator(&o.operator).map(|op| op.id.clone()).ok_or_else(|| {
                bad(
                    key("operator"),
                    format!("`{}` is not an operator of this licence ({})", o.operator, ids.join(", ")),
                )
            })?;
            let gemeente = AreaScheme::Gemeente
                .normalise(&o.gemeente)
                .ok_or_else(|| bad(key("gemeente"), format!("`{}` is not a gemeentecode", o.gemeente)))?;
            if !pct_ok(o.share_pct) {
                return Err(bad(key("share_pct"), format!("{} is outside 0–100", o.share_pct)));
            }
            if o.end < o.start {
                return Err(bad(key("end"), format!("{} is before start {}", o.end, o.start)));
            }
            let o = &mut l.ontheffingen[k];
            o.operator = operator;
            o.gemeente = gemeente;
        }
        for (a, x) in l.ontheffingen.iter().enumerate() {
            for (b, y) in l.ontheffingen.iter().enumerate().skip(a + 1) {
                if x.operator == y.operator && x.gemeente == y.gemeente && x.start <= y.end && y.start <= x.end {
                    return Err(bad(
                        format!("ontheffing[{b}]"),
                        format!("overlaps ontheffing[{a}] for {} in {}", x.operator, x.gemeente),
                    ));
                }
            }
        }
        let (f, c) = (l.drive_test.pass_factor, l.drive_test.confidence);
        // `contains` is false for NaN too.
        if f == 0.0 || !(0.0..=1.0).contains(&f) || c == 0.5 || !(0.5..1.0).contains(&c) {
            return Err(bad("drive_test".into(), "pass_factor must be in (0, 1] and confidence in (0.5, 1)".into()));
        }
        l.base_dir = path.parent().map(Path::to_path_buf);
        Ok(l)
    }

    /// Reads a licence file, or the built-in 700 MHz licence when `path` is `None`.
    ///
    /// # Errors
    /// As [`Licence::parse`], plus [`Error::Io`].
    pub fn load(path: Option<&Path>) -> Result<Licence> {
        match path {
            None => {
                let mut l = Licence::parse(Path::new("seeds/licences/nl-700mhz-2020.toml"), DEFAULT_LICENCE)?;
                l.base_dir = None;
                Ok(l)
            }
            Some(p) => Licence::parse(p, &crate::io::read_text(p)?),
        }
    }

    /// The operator with this id or alias (case-insensitive).
    pub fn operator(&self, name: &str) -> Option<&Operator> {
        let n = name.trim();
        self.operators
            .iter()
            .find(|o| o.id.eq_ignore_ascii_case(n) || o.aliases.iter().any(|a| a.eq_ignore_ascii_case(n)))
    }

    /// The required speed on `date`, Mbps; `None` before the first step.
    ///
    /// ```
    /// use dekking::{io::licence::Licence, model::Date};
    /// let l = Licence::load(None).unwrap();
    /// assert_eq!(l.required_mbps(Date::parse("2026-07-27").unwrap()), Some(8.0));
    /// assert_eq!(l.required_mbps(Date::parse("2026-07-28").unwrap()), Some(10.0));
    /// assert_eq!(l.required_mbps(Date::parse("2021-01-01").unwrap()), None);
    /// ```
    #[must_use]
    pub fn required_mbps(&self, date: Date) -> Option<f64> {
        self.obligation.speed.iter().rev().find(|s| s.from <= date).map(|s| s.down_mbps)
    }

    /// The percentage in force for `operator` in `gemeente` on `date`, and the ontheffing behind
    /// it when one applies (start and end inclusive).
    #[must_use]
    pub fn required_pct(&self, operator: &str, gemeente: &str, date: Date) -> (f64, Option<&Ontheffing>) {
        match self
            .ontheffingen
            .iter()
            .find(|o| o.operator == operator && o.gemeente == gemeente && o.start <= date && date <= o.end)
        {
            Some(o) => (o.share_pct, Some(o)),
            None => (self.obligation.share_pct, None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    #[test]
    fn built_in_licence_has_the_policy_facts() {
        let l = Licence::load(None).unwrap();
        assert_eq!(l.operators.len(), 3);
        assert_eq!(l.obligation.share_pct, 98.0);
        assert_eq!(l.ontheffingen.len(), 8);
        assert_eq!(l.operator("t-mobile").unwrap().id, "Odido");
        assert_eq!(l.operator("Vodafone Libertel").unwrap().id, "VodafoneZiggo");
        assert!(l.exclusions.iter().any(|x| matches!(x, Exclusion::Circle { radius_m, .. } if *radius_m == 10_000.0)));
        assert_eq!(l.drive_test.pass_factor, 0.9);
    }

    #[test]
    fn ontheffing_applies_between_its_dates_only() {
        let l = Licence::load(None).unwrap();
        // Gemeente Gooise Meren, Vodafone: 97.5 % for six months from 2022-06-30.
        assert_eq!(l.required_pct("VodafoneZiggo", "GM1942", d("2022-12-29")).0, 97.5);
        assert_eq!(l.required_pct("VodafoneZiggo", "GM1942", d("2022-12-30")).0, 98.0);
        assert_eq!(l.required_pct("VodafoneZiggo", "GM1942", d("2022-06-29")).0, 98.0);
        assert_eq!(l.required_pct("KPN", "GM1942", d("2022-09-01")).0, 98.0);
        assert_eq!(l.required_pct("VodafoneZiggo", "GM0744", d("2023-01-01")).0, 96.66);
    }

    fn with(replace: &str, by: &str) -> String {
        assert!(DEFAULT_LICENCE.contains(replace), "{replace}");
        DEFAULT_LICENCE.replacen(replace, by, 1)
    }

    #[test]
    fn invalid_files_are_refused_with_the_key() {
        let p = Path::new("l.toml");
        let cases = [
            (with("share_pct = 98.0", "share_pct = 98.0\ncolour = \"red\""), "unknown field"),
            (with("share_pct = 98.0", "share_pct = 198.0"), "outside 0–100"),
            (with("from = \"2026-07-28\"", "from = \"2021-07-28\""), "is not after the previous step"),
            (with("end = \"2023-06-29\"", "end = \"2021-06-29\""), "is before start"),
            (
                with("operator = \"KPN\"\ngemeente = \"GM1652\"", "operator = \"KPN\"\ngemeente = \"GM1945\""),
                "overlaps",
            ),
            (
                with("operator = \"KPN\"\ngemeente = \"GM1945\"", "operator = \"Ben\"\ngemeente = \"GM1945\""),
                "not an operator",
            ),
            (with("from = \"2022-07-28\"", "from = \"2022-13-28\""), "not a YYYY-MM-DD date"),
            (with("radius_m = 10000.0", "radius_m = -1.0"), "radius_m > 0"),
            (with("pass_factor = 0.9", "pass_factor = 1.9"), "pass_factor"),
        ];
        for (text, want) in cases {
            let e = Licence::parse(p, &text).unwrap_err().to_string();
            assert!(e.starts_with("l.toml: ") && e.contains(want), "{want}: {e}");
        }
    }
}
