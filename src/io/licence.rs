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
pub use crate::model::mobile::Measure;

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

/// A coverage obligation: what is counted, the percentage and the speed steps.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Obligation {
    /// Identifier, required when a licence has several obligations (`area` by default).
    #[serde(default = "default_obligation_id")]
    pub id: String,
    /// Required covered share of what is counted, percent.
    pub share_pct: f64,
    /// What is counted.
    pub measure: Measure,
    /// The mask layer of a `mask_area` obligation: a path relative to the licence file, or
    /// `builtin:NAME`; GeoJSON, GeoPackage or GeoParquet polygons.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mask: Option<String>,
    /// The layer of a GeoPackage mask with several.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mask_layer: Option<String>,
    /// The column of the points file that weighs each point in a `points` obligation (e.g.
    /// `households`, `population`); each point counts once without it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight: Option<String>,
    /// Outdoor coverage.
    #[serde(default)]
    pub outdoor: bool,
    /// Where it is stated.
    pub source: String,
    /// Speed steps, in date order.
    pub speed: Vec<SpeedStep>,
}

fn default_obligation_id() -> String {
    "area".into()
}

impl Obligation {
    /// The required speed on `date`, Mbps; `None` before the first step.
    #[must_use]
    pub fn required_mbps(&self, date: Date) -> Option<f64> {
        self.speed.iter().rev().find(|s| s.from <= date).map(|s| s.down_mbps)
    }

    /// The unit of what is counted: `km2` for areas, the weight column or `points` for points.
    #[must_use]
    pub fn unit(&self) -> &str {
        match self.measure {
            Measure::Area | Measure::MaskArea => "km2",
            Measure::Points => self.weight.as_deref().unwrap_or("points"),
        }
    }
}

/// `[obligation]` (one) or `[[obligation]]` (several), keeping the errors inside either.
fn one_or_many<'de, D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Vec<Obligation>, D::Error> {
    use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
    struct V;
    impl<'de> serde::de::Visitor<'de> for V {
        type Value = Vec<Obligation>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("an [obligation] table or [[obligation]] tables")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(self, a: A) -> std::result::Result<Self::Value, A::Error> {
            Ok(vec![Obligation::deserialize(MapAccessDeserializer::new(a))?])
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(self, a: A) -> std::result::Result<Self::Value, A::Error> {
            Vec::deserialize(SeqAccessDeserializer::new(a))
        }
    }
    d.deserialize_any(V)
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
    /// The area's code: a gemeentecode (normalised on load) when the licence's `area_unit` is
    /// `gemeente`, else the code as the boundary file has it.
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
    /// The obligation it lowers (its id); every obligation of the licence when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub obligation: Option<String>,
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
    /// The area unit (`gemeente`, or another such as `Katastralgemeinde`).
    pub area_unit: String,
    /// Where the licence is described.
    pub source: String,
    /// The licence holders.
    #[serde(rename = "operator")]
    pub operators: Vec<Operator>,
    /// The obligations: `[obligation]` for one, `[[obligation]]` for several.
    #[serde(rename = "obligation", deserialize_with = "one_or_many")]
    pub obligations: Vec<Obligation>,
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
        check_obligations(&l.obligations, &bad)?;
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
            // Gemeentecodes are checked and normalised; other area units' codes are taken as written.
            let gemeente = if l.area_unit.eq_ignore_ascii_case("gemeente") {
                AreaScheme::Gemeente
                    .normalise(&o.gemeente)
                    .ok_or_else(|| bad(key("gemeente"), format!("`{}` is not a gemeentecode", o.gemeente)))?
            } else {
                o.gemeente.trim().to_string()
            };
            if !pct_ok(o.share_pct) {
                return Err(bad(key("share_pct"), format!("{} is outside 0–100", o.share_pct)));
            }
            if o.end < o.start {
                return Err(bad(key("end"), format!("{} is before start {}", o.end, o.start)));
            }
            if let Some(id) = o.obligation.as_deref().filter(|id| !l.obligations.iter().any(|b| b.id == *id)) {
                return Err(bad(key("obligation"), format!("`{id}` is not an obligation of this licence")));
            }
            let o = &mut l.ontheffingen[k];
            o.operator = operator;
            o.gemeente = gemeente;
        }
        for (a, x) in l.ontheffingen.iter().enumerate() {
            for (b, y) in l.ontheffingen.iter().enumerate().skip(a + 1) {
                let same = x.obligation.is_none() || y.obligation.is_none() || x.obligation == y.obligation;
                if same && x.operator == y.operator && x.gemeente == y.gemeente && x.start <= y.end && y.start <= x.end
                {
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

    /// The required speed of the first obligation on `date`, Mbps (the speed drive tests are
    /// judged at); `None` before its first step.
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
        self.obligations[0].required_mbps(date)
    }

    /// Whether the licence is one obligation over area, as the 700 MHz licence is: its
    /// `mobile.csv` has the columns in km² it always had.
    #[must_use]
    pub fn is_single_area(&self) -> bool {
        matches!(&self.obligations[..], [o] if o.measure == Measure::Area)
    }

    /// The percentage of `obligation` in force for `operator` in `gemeente` on `date`, and the
    /// ontheffing behind it when one applies (start and end inclusive).
    #[must_use]
    pub fn required_pct(
        &self,
        obligation: &Obligation,
        operator: &str,
        gemeente: &str,
        date: Date,
    ) -> (f64, Option<&Ontheffing>) {
        match self.ontheffingen.iter().find(|o| {
            o.operator == operator
                && o.gemeente == gemeente
                && o.start <= date
                && date <= o.end
                && o.obligation.as_ref().is_none_or(|id| *id == obligation.id)
        }) {
            Some(o) => (o.share_pct, Some(o)),
            None => (obligation.share_pct, None),
        }
    }

    /// A path named in the licence file: relative to the file, or `builtin:NAME` as it is.
    #[must_use]
    pub fn path_of(&self, path: &str) -> PathBuf {
        match &self.base_dir {
            Some(d) if !path.starts_with("builtin:") => d.join(path),
            _ => PathBuf::from(path),
        }
    }
}

/// Checks the obligations: ids, percentages, measures with their keys, and speed steps.
fn check_obligations(obligations: &[Obligation], bad: &dyn Fn(String, String) -> Error) -> Result<()> {
    if obligations.is_empty() {
        return Err(bad("obligation".into(), "at least one obligation is required".into()));
    }
    let several = obligations.len() > 1;
    for (k, o) in obligations.iter().enumerate() {
        let at = |name: &str| if several { format!("obligation[{k}].{name}") } else { format!("obligation.{name}") };
        if several && obligations[..k].iter().any(|b| b.id == o.id) {
            return Err(bad(at("id"), format!("`{}` is given twice; give each obligation its own id", o.id)));
        }
        if !(0.0..=100.0).contains(&o.share_pct) {
            return Err(bad(at("share_pct"), format!("{} is outside 0–100", o.share_pct)));
        }
        match (o.measure, &o.mask, &o.weight) {
            (Measure::MaskArea, None, _) => {
                return Err(bad(at("mask"), "a mask_area obligation needs the mask layer (`mask = \"FILE\"`)".into()))
            }
            (Measure::Area | Measure::Points, Some(_), _) | (Measure::Area, _, Some(_)) => {
                return Err(bad(
                    at("measure"),
                    format!("`{}` takes no mask, and only `points` a weight", o.measure.name()),
                ))
            }
            (Measure::MaskArea, _, Some(_)) => {
                return Err(bad(at("weight"), "only a `points` obligation has a weight".into()))
            }
            _ => {}
        }
        if o.mask_layer.is_some() && o.mask.is_none() {
            return Err(bad(at("mask_layer"), "names the layer of a mask; give `mask` too".into()));
        }
        if o.speed.is_empty() {
            return Err(bad(at("speed"), "at least one speed step is required".into()));
        }
        for (j, s) in o.speed.iter().enumerate() {
            if !(s.down_mbps.is_finite() && s.down_mbps >= 0.0) {
                return Err(bad(at(&format!("speed[{j}].down_mbps")), "must be >= 0".into()));
            }
            if j > 0 && s.from <= o.speed[j - 1].from {
                return Err(bad(
                    at(&format!("speed[{j}].from")),
                    format!("{} is not after the previous step ({})", s.from, o.speed[j - 1].from),
                ));
            }
        }
    }
    Ok(())
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
        assert_eq!(l.obligations.len(), 1);
        assert_eq!((l.obligations[0].share_pct, l.obligations[0].measure), (98.0, Measure::Area));
        assert!(l.is_single_area());
        assert_eq!(l.ontheffingen.len(), 8);
        assert_eq!(l.operator("t-mobile").unwrap().id, "Odido");
        assert_eq!(l.operator("Vodafone Libertel").unwrap().id, "VodafoneZiggo");
        assert!(l.exclusions.iter().any(|x| matches!(x, Exclusion::Circle { radius_m, .. } if *radius_m == 10_000.0)));
        assert_eq!(l.drive_test.pass_factor, 0.9);
    }

    #[test]
    fn ontheffing_applies_between_its_dates_only() {
        let l = Licence::load(None).unwrap();
        let pct = |op: &str, code: &str, date: &str| l.required_pct(&l.obligations[0], op, code, d(date)).0;
        // Gemeente Gooise Meren, Vodafone: 97.5 % for six months from 2022-06-30.
        assert_eq!(pct("VodafoneZiggo", "GM1942", "2022-12-29"), 97.5);
        assert_eq!(pct("VodafoneZiggo", "GM1942", "2022-12-30"), 98.0);
        assert_eq!(pct("VodafoneZiggo", "GM1942", "2022-06-29"), 98.0);
        assert_eq!(pct("KPN", "GM1942", "2022-09-01"), 98.0);
        assert_eq!(pct("VodafoneZiggo", "GM0744", "2023-01-01"), 96.66);
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

    /// Three obligations in the manner of RTR's: people, settlement area, all area, each with its
    /// percentage and speed; an ontheffing for one of them only.
    const THREE: &str = r#"
id = "at-test"
title = "t"
band = "700 MHz"
licence_start = "2020-01-01"
area_unit = "Katastralgemeinde"
source = "s"
[[operator]]
id = "A1"
licence_holder = "A1 Telekom Austria AG"
[[obligation]]
id = "population"
measure = "points"
weight = "population"
share_pct = 95.0
source = "s"
speed = [{ from = "2020-01-01", down_mbps = 30.0, source = "s" }]
[[obligation]]
id = "settlement"
measure = "mask_area"
mask = "settlement.geojson"
share_pct = 90.0
source = "s"
speed = [{ from = "2020-01-01", down_mbps = 10.0, source = "s" }, { from = "2025-01-01", down_mbps = 20.0, source = "s" }]
[[obligation]]
id = "area"
measure = "area"
share_pct = 80.0
source = "s"
speed = [{ from = "2020-01-01", down_mbps = 2.0, source = "s" }]
[[ontheffing]]
operator = "A1"
gemeente = "GM0001"
obligation = "settlement"
share_pct = 50.0
start = "2024-01-01"
end = "2024-12-31"
source = "s"
[drive_test]
pass_factor = 0.9
source = "s"
"#;

    #[test]
    fn several_obligations_each_with_measure_speed_and_percentage() {
        let l = Licence::parse(Path::new("dir/at.toml"), THREE).unwrap();
        assert!(!l.is_single_area());
        let ids: Vec<_> = l.obligations.iter().map(|o| (o.id.as_str(), o.measure, o.unit())).collect();
        assert_eq!(
            ids,
            [
                ("population", Measure::Points, "population"),
                ("settlement", Measure::MaskArea, "km2"),
                ("area", Measure::Area, "km2")
            ]
        );
        let s = &l.obligations[1];
        assert_eq!((s.required_mbps(d("2024-12-31")), s.required_mbps(d("2025-01-01"))), (Some(10.0), Some(20.0)));
        assert_eq!(l.path_of(s.mask.as_deref().unwrap()), Path::new("dir/settlement.geojson"));
        assert_eq!(l.path_of("builtin:natura2000"), Path::new("builtin:natura2000"));
        // The ontheffing lowers the settlement obligation only.
        assert_eq!(l.required_pct(s, "A1", "GM0001", d("2024-06-01")).0, 50.0);
        assert_eq!(l.required_pct(&l.obligations[2], "A1", "GM0001", d("2024-06-01")).0, 80.0);
    }

    #[test]
    fn invalid_obligations_are_refused_with_the_key() {
        let p = Path::new("at.toml");
        let cases = [
            (
                THREE.replace("id = \"area\"\nmeasure", "id = \"population\"\nmeasure"),
                "obligation[2].id",
                "given twice",
            ),
            (THREE.replace("measure = \"points\"", "measure = \"people\""), "", "unknown variant `people`"),
            (THREE.replace("mask = \"settlement.geojson\"\n", ""), "obligation[1].mask", "needs the mask layer"),
            (
                THREE.replace("measure = \"area\"", "measure = \"area\"\nweight = \"x\""),
                "obligation[2].measure",
                "only `points` a weight",
            ),
            (
                THREE.replace("obligation = \"settlement\"", "obligation = \"homes\""),
                "ontheffing[0].obligation",
                "not an obligation",
            ),
            (THREE.replace("share_pct = 90.0", "share_pct = 190.0"), "obligation[1].share_pct", "outside 0–100"),
        ];
        for (text, key, want) in cases {
            let e = Licence::parse(p, &text).unwrap_err().to_string();
            assert!(e.starts_with("at.toml: ") && e.contains(key) && e.contains(want), "{want}: {e}");
        }
    }
}
