//! The rows of dekking's own output tables, one struct per row kind, as they are written and as
//! they are read back by header name (serde): `coverage.csv`, `rejected.csv` (a
//! [`crate::model::rows::Reject`] as it is), `mobile.csv` and `drive_tests.csv`.
//!
//! The text form of every column is part of the file format and is fixed here, beside the
//! column, so that the writer in `report` and a reader in `io` cannot disagree: shares with six
//! decimals, km² with six, percentage points with four, counts as decimals of their unit,
//! `yes`/`no`/empty for judgements, and an empty cell for anything absent.

use serde::{Deserialize, Serialize};

use crate::model::date::Date;
use crate::model::fixed::{CoverageRow, Unit, Verdict};
use crate::model::mobile::{Compliance, DriveTestVerdict, Plausibility};
use crate::model::threshold::Threshold;

/// One row of `coverage.csv` (and `coverage.parquet`): an area at a level, for one threshold.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CoverageLine {
    /// Level name (gemeente, provincie, nl, county, ...).
    pub level: String,
    /// Area code.
    pub area_code: String,
    /// Area name.
    pub area_name: String,
    /// The threshold as given, e.g. `100/20@50`.
    pub threshold: String,
    /// Its download speed, Mbps.
    #[serde(with = "text::plain")]
    pub down_mbps: f64,
    /// Its upload speed, Mbps.
    #[serde(with = "text::plain")]
    pub up_mbps: f64,
    /// Its technologies, comma-separated; empty for any.
    pub technologies: String,
    /// `addresses` or `households`.
    pub unit: String,
    /// Addresses in the universe (whatever the unit); empty for a suppressed cell.
    pub addresses: Option<u64>,
    /// Universe, micro-units of the unit; empty for a suppressed cell.
    #[serde(with = "text::micro_opt")]
    pub universe: Option<u64>,
    /// Covered, micro-units of the unit; empty for a suppressed cell.
    #[serde(with = "text::micro_opt")]
    pub covered: Option<u64>,
    /// covered / universe, 0–1; empty for an empty universe or a suppressed cell.
    #[serde(with = "text::share")]
    pub share: Option<f64>,
    /// universe − covered, micro-units of the unit; empty for a suppressed cell.
    #[serde(with = "text::micro_opt")]
    pub short: Option<u64>,
    /// The applicable target's id.
    pub target_id: Option<String>,
    /// The applicable target's share, percent.
    #[serde(with = "text::plain_opt")]
    pub target_pct: Option<f64>,
    /// Whether the row meets the target.
    #[serde(with = "text::yes_no")]
    pub meets_target: Option<bool>,
}

impl CoverageLine {
    /// The line of a coverage row, its threshold, the run's unit and the row's verdict.
    #[must_use]
    pub fn new(row: &CoverageRow, t: &Threshold, unit: Unit, v: &Verdict) -> CoverageLine {
        let shown = |n: u64| (!row.suppressed).then_some(n);
        CoverageLine {
            level: row.level.to_string(),
            area_code: row.area_code.clone(),
            area_name: row.area_name.clone(),
            threshold: t.to_string(),
            down_mbps: t.down_mbps,
            up_mbps: t.up_mbps,
            technologies: t.technologies.as_ref().map(|x| x.join(",")).unwrap_or_default(),
            unit: unit.name().to_string(),
            addresses: shown(row.addresses),
            universe: shown(row.universe_micro),
            covered: shown(row.covered_micro),
            share: row.share().filter(|_| !row.suppressed),
            short: shown(row.short_micro()),
            target_id: v.target_id.clone(),
            target_pct: v.target_pct,
            meets_target: v.meets_target.filter(|_| !row.suppressed),
        }
    }
}

/// One row of `mobile.csv` (and `mobile.parquet`): a [`Compliance`] as written.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MobileLine {
    /// Operator id.
    pub operator: String,
    /// Gemeentecode.
    pub area_code: String,
    /// Gemeente name.
    pub area_name: String,
    /// The judging date.
    pub date: Date,
    /// Speed required on the date, Mbps.
    #[serde(with = "text::plain")]
    pub required_mbps: f64,
    /// Percentage required on the date.
    #[serde(with = "text::plain")]
    pub required_pct: f64,
    /// The ontheffing in force, if any.
    pub ontheffing: Option<String>,
    /// Gemeente area, km².
    #[serde(with = "text::km2")]
    pub area_km2: f64,
    /// Excluded area, km².
    #[serde(with = "text::km2")]
    pub excluded_km2: f64,
    /// Eligible area, km².
    #[serde(with = "text::km2")]
    pub eligible_km2: f64,
    /// Eligible area covered at the required speed, km².
    #[serde(with = "text::km2")]
    pub covered_km2: f64,
    /// Eligible area without grid data, km².
    #[serde(with = "text::km2")]
    pub nodata_km2: f64,
    /// covered / eligible, 0–1; empty when nothing is eligible.
    #[serde(with = "text::share")]
    pub share: Option<f64>,
    /// Whether the share meets the percentage.
    #[serde(with = "text::yes_no")]
    pub compliant: Option<bool>,
    /// Area short of the requirement, km².
    #[serde(with = "text::km2")]
    pub shortfall_km2: f64,
    /// Percentage points short.
    #[serde(with = "text::pp")]
    pub shortfall_pp: f64,
}

impl From<&Compliance> for MobileLine {
    fn from(r: &Compliance) -> MobileLine {
        MobileLine {
            operator: r.operator.clone(),
            area_code: r.area_code.clone(),
            area_name: r.area_name.clone(),
            date: r.date,
            required_mbps: r.required_mbps,
            required_pct: r.required_pct,
            ontheffing: r.ontheffing.clone(),
            area_km2: r.total,
            excluded_km2: r.excluded,
            eligible_km2: r.eligible,
            covered_km2: r.covered,
            nodata_km2: r.nodata,
            share: r.share,
            compliant: r.compliant,
            shortfall_km2: r.shortfall,
            shortfall_pp: r.shortfall_pp,
        }
    }
}

impl From<MobileLine> for Compliance {
    fn from(r: MobileLine) -> Compliance {
        Compliance {
            operator: r.operator,
            obligation: None,
            area_code: r.area_code,
            area_name: r.area_name,
            date: r.date,
            required_mbps: r.required_mbps,
            required_pct: r.required_pct,
            ontheffing: r.ontheffing.filter(|s| !s.is_empty()),
            total: r.area_km2,
            excluded: r.excluded_km2,
            eligible: r.eligible_km2,
            covered: r.covered_km2,
            nodata: r.nodata_km2,
            share: r.share,
            compliant: r.compliant,
            shortfall: r.shortfall_km2,
            shortfall_pp: r.shortfall_pp,
        }
    }
}

/// One row of `mobile.csv` (and `mobile.parquet`) for a licence with several obligations or one
/// that does not count area: a [`Compliance`] with its obligation, measure and unit, the
/// quantities in that unit with six decimals.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ObligationLine {
    /// Operator id.
    pub operator: String,
    /// The obligation's id.
    pub obligation: String,
    /// What it counts: `area`, `mask_area` or `points`.
    pub measure: String,
    /// The unit of the quantities: `km2`, `points` or a weight column.
    pub unit: String,
    /// Area code.
    pub area_code: String,
    /// Area name.
    pub area_name: String,
    /// The judging date.
    pub date: Date,
    /// Speed required on the date, Mbps.
    #[serde(with = "text::plain")]
    pub required_mbps: f64,
    /// Percentage required on the date.
    #[serde(with = "text::plain")]
    pub required_pct: f64,
    /// The ontheffing in force, if any.
    pub ontheffing: Option<String>,
    /// Everything counted in the area, in the unit.
    #[serde(with = "text::amount")]
    pub total: f64,
    /// Excluded, in the unit.
    #[serde(with = "text::amount")]
    pub excluded: f64,
    /// Eligible, in the unit.
    #[serde(with = "text::amount")]
    pub eligible: f64,
    /// Eligible and covered at the required speed, in the unit.
    #[serde(with = "text::amount")]
    pub covered: f64,
    /// Eligible without grid data, in the unit.
    #[serde(with = "text::amount")]
    pub nodata: f64,
    /// covered / eligible, 0–1; empty when nothing is eligible.
    #[serde(with = "text::share")]
    pub share: Option<f64>,
    /// Whether the share meets the percentage.
    #[serde(with = "text::yes_no")]
    pub compliant: Option<bool>,
    /// Short of the requirement, in the unit.
    #[serde(with = "text::amount")]
    pub shortfall: f64,
    /// Percentage points short.
    #[serde(with = "text::pp")]
    pub shortfall_pp: f64,
}

impl From<&Compliance> for ObligationLine {
    fn from(r: &Compliance) -> ObligationLine {
        let (id, measure, unit) = match &r.obligation {
            Some(o) => (o.id.clone(), o.measure.name().to_string(), o.unit.clone()),
            None => ("area".into(), "area".into(), "km2".into()),
        };
        ObligationLine {
            operator: r.operator.clone(),
            obligation: id,
            measure,
            unit,
            area_code: r.area_code.clone(),
            area_name: r.area_name.clone(),
            date: r.date,
            required_mbps: r.required_mbps,
            required_pct: r.required_pct,
            ontheffing: r.ontheffing.clone(),
            total: r.total,
            excluded: r.excluded,
            eligible: r.eligible,
            covered: r.covered,
            nodata: r.nodata,
            share: r.share,
            compliant: r.compliant,
            shortfall: r.shortfall,
            shortfall_pp: r.shortfall_pp,
        }
    }
}

/// One row of `plausibility.csv`: a [`Plausibility`] as written, km² with six decimals.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PlausibilityLine {
    /// Operator id.
    pub operator: String,
    /// Area code.
    pub area_code: String,
    /// Area name.
    pub area_name: String,
    /// The speed compared, Mbps.
    #[serde(with = "text::plain")]
    pub required_mbps: f64,
    /// Eligible area, km².
    #[serde(with = "text::km2")]
    pub eligible_km2: f64,
    /// Claimed covered at the speed, km².
    #[serde(with = "text::km2")]
    pub claimed_km2: f64,
    /// Predicted covered at the speed, km².
    #[serde(with = "text::km2")]
    pub predicted_km2: f64,
    /// Claimed but not predicted, km².
    #[serde(with = "text::km2")]
    pub claimed_not_predicted_km2: f64,
    /// Predicted but not claimed, km².
    #[serde(with = "text::km2")]
    pub predicted_not_claimed_km2: f64,
}

impl From<&Plausibility> for PlausibilityLine {
    fn from(p: &Plausibility) -> PlausibilityLine {
        PlausibilityLine {
            operator: p.operator.clone(),
            area_code: p.area_code.clone(),
            area_name: p.area_name.clone(),
            required_mbps: p.required_mbps,
            eligible_km2: p.eligible_km2,
            claimed_km2: p.claimed_km2,
            predicted_km2: p.predicted_km2,
            claimed_not_predicted_km2: p.claimed_not_predicted_km2,
            predicted_not_claimed_km2: p.predicted_not_claimed_km2,
        }
    }
}

/// One row of `drive_tests.csv`: a [`DriveTestVerdict`] as written.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DriveTestLine {
    /// Operator id.
    pub operator: String,
    /// Gemeentecode.
    pub area_code: String,
    /// Gemeente name.
    pub area_name: String,
    /// Download attempts.
    pub attempts: u64,
    /// Attempts reaching the required speed.
    pub successes: u64,
    /// successes / attempts.
    #[serde(with = "text::fraction")]
    pub success_rate: f64,
    /// Wilson 95 % interval, low end.
    #[serde(with = "text::fraction")]
    pub ci_low: f64,
    /// Wilson 95 % interval, high end.
    #[serde(with = "text::fraction")]
    pub ci_high: f64,
    /// The percentage in force on the judging date.
    #[serde(with = "text::plain")]
    pub required_pct: f64,
    /// The pass threshold, 0–1.
    #[serde(with = "text::fraction")]
    pub threshold: f64,
    /// Whether the success rate reaches the threshold.
    #[serde(with = "text::yes_no")]
    pub pass: Option<bool>,
}

impl From<&DriveTestVerdict> for DriveTestLine {
    fn from(v: &DriveTestVerdict) -> DriveTestLine {
        DriveTestLine {
            operator: v.operator.clone(),
            area_code: v.area_code.clone(),
            area_name: v.area_name.clone(),
            attempts: v.attempts,
            successes: v.successes,
            success_rate: v.success_rate,
            ci_low: v.ci_low,
            ci_high: v.ci_high,
            required_pct: v.required_pct,
            threshold: v.threshold,
            pass: Some(v.pass),
        }
    }
}

/// The header of a row kind: its field names in declaration order, which is the order serde
/// writes them in (found by asking the type to deserialise itself from a deserialiser that only
/// notes the names it is told).
///
/// ```
/// use dekking::model::outputs::{header, DriveTestLine};
/// assert_eq!(header::<DriveTestLine>()[..3], ["operator", "area_code", "area_name"]);
/// ```
#[must_use]
pub fn header<'de, T: Deserialize<'de>>() -> &'static [&'static str] {
    use serde::de::{Deserializer, Visitor};

    /// Stops the deserialisation once the field names are noted.
    #[derive(Debug)]
    struct Noted;
    impl std::fmt::Display for Noted {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("field names noted")
        }
    }
    impl std::error::Error for Noted {}
    impl serde::de::Error for Noted {
        fn custom<M: std::fmt::Display>(_: M) -> Noted {
            Noted
        }
    }
    struct Names<'a>(&'a mut &'static [&'static str]);
    impl<'de> Deserializer<'de> for Names<'_> {
        type Error = Noted;
        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Noted> {
            Err(Noted)
        }
        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Noted> {
            *self.0 = fields;
            Err(Noted)
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option unit
            unit_struct newtype_struct seq tuple tuple_struct map enum identifier ignored_any
        }
    }
    let mut fields: &'static [&'static str] = &[];
    let _ = T::deserialize(Names(&mut fields));
    fields
}

/// The text form of each kind of column, as `serde(with = ...)` modules.
pub mod text {
    use serde::de::Error as _;
    use serde::{Deserialize, Deserializer, Serializer};

    /// Reads a cell as text.
    fn cell<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
        String::deserialize(d)
    }

    /// Parses a number, naming the text when it is not one.
    fn number<E: serde::de::Error>(s: &str) -> Result<f64, E> {
        s.trim().parse::<f64>().map_err(|_| E::custom(format!("{s:?} is not a number")))
    }

    /// A number in its shortest exact form (`10`, `97.5`).
    pub mod plain {
        use super::*;

        /// Writes `v`.
        pub fn serialize<S: Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
            s.collect_str(v)
        }

        /// Reads a number.
        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
            number(&cell(d)?)
        }
    }

    /// As [`plain`], empty for none.
    pub mod plain_opt {
        use super::*;

        /// Writes `v`, or nothing.
        pub fn serialize<S: Serializer>(v: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
            match v {
                Some(v) => s.collect_str(v),
                None => s.serialize_str(""),
            }
        }

        /// Reads a number, or none from an empty cell.
        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
            let t = cell(d)?;
            if t.is_empty() {
                Ok(None)
            } else {
                number(&t).map(Some)
            }
        }
    }

    /// Fixed decimals, written with a given precision.
    macro_rules! fixed {
        ($name:ident, $digits:literal, $doc:literal) => {
            #[doc = $doc]
            pub mod $name {
                use super::*;

                /// Writes `v`.
                pub fn serialize<S: Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
                    s.collect_str(&format_args!("{:.*}", $digits, v))
                }

                /// Reads a number.
                pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
                    number(&cell(d)?)
                }
            }
        };
    }
    fixed!(km2, 6, "An area in km² with six decimals (1 m²).");
    fixed!(fraction, 6, "A fraction 0–1 with six decimals.");
    fixed!(amount, 6, "A quantity in its unit (km², points or their weight) with six decimals.");
    fixed!(pp, 4, "Percentage points with four decimals.");

    /// A share 0–1 with six decimals; empty for none.
    pub mod share {
        use super::*;

        /// Writes `v`, or nothing.
        pub fn serialize<S: Serializer>(v: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
            match v {
                Some(v) => s.collect_str(&format_args!("{v:.6}")),
                None => s.serialize_str(""),
            }
        }

        /// Reads a share, or none from an empty cell.
        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
            super::plain_opt::deserialize(d)
        }
    }

    /// `yes`, `no` or empty.
    pub mod yes_no {
        use super::*;

        /// Writes `yes`, `no` or nothing.
        pub fn serialize<S: Serializer>(v: &Option<bool>, s: S) -> Result<S::Ok, S::Error> {
            s.serialize_str(match v {
                Some(true) => "yes",
                Some(false) => "no",
                None => "",
            })
        }

        /// Reads `yes`, `no` or an empty cell.
        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
            match cell(d)?.as_str() {
                "yes" => Ok(Some(true)),
                "no" => Ok(Some(false)),
                "" => Ok(None),
                other => Err(D::Error::custom(format!("{other:?} is not yes, no or empty"))),
            }
        }
    }

    /// An amount in micro-units written as a decimal of the unit with up to six decimals, trailing
    /// zeros dropped (a whole number of addresses has none), read back exactly.
    pub mod micro {
        use super::*;

        /// Writes `m` micro-units.
        pub fn serialize<S: Serializer>(m: &u64, s: S) -> Result<S::Ok, S::Error> {
            let (int, frac) = (m / 1_000_000, m % 1_000_000);
            if frac == 0 {
                return s.collect_str(&int);
            }
            let f = format!("{frac:06}");
            s.collect_str(&format_args!("{int}.{}", f.trim_end_matches('0')))
        }

        /// Reads a decimal with up to six decimals as micro-units.
        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
            parse(&cell(d)?).map_err(D::Error::custom)
        }

        /// A decimal with up to six decimals as micro-units.
        pub(super) fn parse(t: &str) -> Result<u64, String> {
            let (int, frac) = t.split_once('.').unwrap_or((t, ""));
            let bad = || format!("{t:?} is not an amount with up to six decimals");
            if frac.len() > 6 || !frac.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad());
            }
            let int: u64 = int.parse().map_err(|_| bad())?;
            let frac: u64 = if frac.is_empty() { 0 } else { format!("{frac:0<6}").parse().map_err(|_| bad())? };
            int.checked_mul(1_000_000).and_then(|m| m.checked_add(frac)).ok_or_else(bad)
        }
    }

    /// [`micro`] or an empty cell.
    pub mod micro_opt {
        use super::*;

        /// Writes `m` micro-units, or nothing.
        pub fn serialize<S: Serializer>(m: &Option<u64>, s: S) -> Result<S::Ok, S::Error> {
            match m {
                Some(m) => micro::serialize(m, s),
                None => s.serialize_str(""),
            }
        }

        /// Reads micro-units, or none from an empty cell.
        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
            let t = cell(d)?;
            if t.is_empty() {
                return Ok(None);
            }
            micro::parse(&t).map(Some).map_err(D::Error::custom)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Written and read back: equal, and written again byte for byte the same.
    fn round_trip<T: Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug>(rows: &[T]) -> String {
        let mut w = csv::Writer::from_writer(Vec::new());
        rows.iter().for_each(|r| w.serialize(r).unwrap());
        let text = String::from_utf8(w.into_inner().unwrap()).unwrap();
        let back: Vec<T> = csv::Reader::from_reader(text.as_bytes()).deserialize().map(Result::unwrap).collect();
        assert_eq!(back, rows);
        text
    }

    #[test]
    fn mobile_lines_read_back_by_name() {
        let line = MobileLine {
            operator: "KPN".into(),
            area_code: "GM0363".into(),
            area_name: "Amsterdam, de".into(),
            date: Date::parse("2026-07-28").unwrap(),
            required_mbps: 10.0,
            required_pct: 97.5,
            ontheffing: None,
            area_km2: 219.4925,
            excluded_km2: 0.0,
            eligible_km2: 12.5,
            covered_km2: 12.25,
            nodata_km2: 0.125,
            share: Some(0.98),
            compliant: Some(true),
            shortfall_km2: 0.0,
            shortfall_pp: 0.0,
        };
        let text = round_trip(&[line.clone(), MobileLine { share: None, compliant: None, ..line }]);
        let mut lines = text.lines();
        assert_eq!(lines.next().unwrap().split(',').collect::<Vec<_>>(), header::<MobileLine>());
        assert_eq!(lines.next().unwrap(), "KPN,GM0363,\"Amsterdam, de\",2026-07-28,10,97.5,,219.492500,0.000000,12.500000,12.250000,0.125000,0.980000,yes,0.000000,0.0000");
        assert!(lines.next().unwrap().ends_with(",,,0.000000,0.0000"));
        // Read by name: the columns in another order give the same rows.
        let mut r = csv::Reader::from_reader(text.as_bytes());
        let h = r.headers().unwrap().clone();
        let swapped: Vec<String> = r
            .records()
            .map(|rec| {
                let rec = rec.unwrap();
                let mut f: Vec<&str> = rec.iter().collect();
                f.swap(0, 15);
                f.join(";")
            })
            .collect();
        let mut names: Vec<&str> = h.iter().collect();
        names.swap(0, 15);
        let text2 = format!("{}\n{}\n", names.join(";"), swapped.join("\n")).replace("Amsterdam, de", "Amsterdam de");
        let back: Vec<MobileLine> = csv::ReaderBuilder::new()
            .delimiter(b';')
            .from_reader(text2.as_bytes())
            .deserialize()
            .map(Result::unwrap)
            .collect();
        assert_eq!((back[0].operator.as_str(), back[0].shortfall_pp, back[1].share), ("KPN", 0.0, None));
    }

    #[test]
    fn amounts_are_exact_decimals_of_the_unit() {
        let line = CoverageLine {
            universe: Some(8_270_244_000_000),
            covered: Some(2_500_000),
            short: Some(1),
            share: Some(0.5),
            ..CoverageLine::default()
        };
        let text = round_trip(&[line]);
        assert!(text.lines().nth(1).unwrap().contains(",8270244,2.5,0.500000,0.000001,"), "{text}");
        let bad = "level,area_code,area_name,threshold,down_mbps,up_mbps,technologies,unit,addresses,universe,covered,share,short,target_id,target_pct,meets_target\nnl,NL,Nederland,100/0,100,0,,addresses,3,3,1.0000001,0.3,2,,,maybe\n";
        let err = csv::Reader::from_reader(bad.as_bytes()).deserialize::<CoverageLine>().next().unwrap().unwrap_err();
        assert!(err.to_string().contains("\"1.0000001\" is not an amount"), "{err}");
    }

    #[test]
    fn judgements_are_yes_no_or_empty() {
        let lines: Vec<DriveTestLine> = [Some(true), Some(false), None]
            .into_iter()
            .map(|pass| DriveTestLine { pass, ..DriveTestLine::default() })
            .collect();
        let text = round_trip(&lines);
        let ends: Vec<&str> = text.lines().skip(1).map(|l| l.rsplit(',').next().unwrap()).collect();
        assert_eq!(ends, ["yes", "no", ""]);
    }
}
