//! Input profiles: how the columns of a real file map onto the canonical [`Field`]s, which
//! CRS its x/y are in, and how its area codes roll up.
//!
//! - `nl`: Dutch column names, RD New (EPSG:28992) x/y, gemeente → provincie → nl.
//! - `fcc-bdc`: the US FCC Broadband Data Collection availability CSV; the county is the first
//!   5 digits of `block_geoid` (zero-padded to 15), the state its first 2; county → state → us.
//! - `generic`: the canonical names themselves; area codes used as given, area → total.
//!
//! Header names are matched case-insensitively after trimming; `--column FIELD=NAME` overrides.

use std::collections::BTreeMap;

use crate::error::{Error, Result};
use crate::io::columns::Field;
use crate::model::availability::XyCrs;

/// How area codes are read, normalised and rolled up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AreaScheme {
    /// Dutch gemeenten (`GM0363`, `0363` and `363` are the same), rolled up to provincie and nl.
    Gemeente,
    /// US counties from a census block GEOID, rolled up to state and us.
    UsCounty,
    /// Codes used as given, rolled up to one total.
    Plain,
}

impl AreaScheme {
    /// The level names from finest to coarsest, e.g. `["gemeente", "provincie", "nl"]`.
    pub fn levels(self) -> [&'static str; 3] {
        match self {
            AreaScheme::Gemeente => ["gemeente", "provincie", "nl"],
            AreaScheme::UsCounty => ["county", "state", "us"],
            AreaScheme::Plain => ["area", "group", "total"],
        }
    }

    /// The (code, name) of the total all areas roll up to.
    #[must_use]
    pub fn total(self) -> (String, String) {
        match self {
            AreaScheme::Gemeente => ("NL".into(), "Nederland".into()),
            AreaScheme::UsCounty => ("US".into(), "United States (input records)".into()),
            AreaScheme::Plain => ("TOTAL".into(), "Total".into()),
        }
    }

    /// The (code, name) of the parent a finest-level `code` rolls up to when the code itself says
    /// it (a US county's state is its first two digits); `None` when a table must say it (NL)
    /// or there is none.
    ///
    /// ```
    /// use dekking::io::profile::AreaScheme;
    /// assert_eq!(AreaScheme::UsCounty.parent_of("23029"), Some(("23".to_string(), "ME".to_string())));
    /// assert_eq!(AreaScheme::Gemeente.parent_of("GM0363"), None);
    /// ```
    #[must_use]
    pub fn parent_of(self, code: &str) -> Option<(String, String)> {
        match self {
            AreaScheme::UsCounty => {
                let state = code.get(..2)?;
                Some((state.to_string(), us_state_name(state).unwrap_or(state).to_string()))
            }
            AreaScheme::Gemeente | AreaScheme::Plain => None,
        }
    }

    /// The code of an area a boundary file names: the scheme's normal form when `raw` has it
    /// (`363` → `GM0363`), else `raw` as given (trimmed), so that a map of any code scheme —
    /// wijken, a test area, another country's municipalities — keeps its own codes. `None` only
    /// for an empty code.
    ///
    /// ```
    /// use dekking::io::profile::AreaScheme;
    /// assert_eq!(AreaScheme::Gemeente.boundary_code("363").as_deref(), Some("GM0363"));
    /// assert_eq!(AreaScheme::Gemeente.boundary_code(" AT60101 ").as_deref(), Some("AT60101"));
    /// assert_eq!(AreaScheme::UsCounty.boundary_code("23029").as_deref(), Some("23029"));
    /// assert_eq!(AreaScheme::Gemeente.boundary_code(" "), None);
    /// ```
    #[must_use]
    pub fn boundary_code(self, raw: &str) -> Option<String> {
        let raw = raw.trim();
        if raw.is_empty() {
            return None;
        }
        let county = self == AreaScheme::UsCounty && raw.len() == 5 && raw.bytes().all(|b| b.is_ascii_digit());
        if county {
            return Some(raw.to_string());
        }
        Some(self.normalise(raw).unwrap_or_else(|| raw.to_string()))
    }

    /// Why an area a boundary file names is not an area of the scheme at all, if it is not:
    /// CBS's maps hold `GM0998` "Buitenland", the land abroad inside the map (Baarle-Hertog's
    /// Belgian enclaves), which no Dutch obligation covers.
    ///
    /// ```
    /// use dekking::io::profile::AreaScheme;
    /// assert!(AreaScheme::Gemeente.not_an_area("GM0998").is_some());
    /// assert!(AreaScheme::Gemeente.not_an_area("GM0363").is_none());
    /// ```
    #[must_use]
    pub fn not_an_area(self, code: &str) -> Option<&'static str> {
        match (self, code) {
            (AreaScheme::Gemeente, "GM0998") => Some("CBS's code for land abroad (Buitenland), not a gemeente"),
            _ => None,
        }
    }

    /// Normalises a raw area value to the code of the finest level, or `None` if it is malformed.
    ///
    /// ```
    /// use dekking::io::profile::AreaScheme;
    /// assert_eq!(AreaScheme::Gemeente.normalise("363").as_deref(), Some("GM0363"));
    /// assert_eq!(AreaScheme::Gemeente.normalise("gm0014").as_deref(), Some("GM0014"));
    /// assert_eq!(AreaScheme::UsCounty.normalise("230299555003028").as_deref(), Some("23029"));
    /// assert_eq!(AreaScheme::UsCounty.normalise("10019555003028").as_deref(), Some("01001"));
    /// assert_eq!(AreaScheme::Gemeente.normalise("GM12345"), None);
    /// ```
    #[must_use]
    pub fn normalise(self, raw: &str) -> Option<String> {
        self.normal_form(raw).map(std::borrow::Cow::into_owned)
    }

    /// [`AreaScheme::normalise`] without a copy where the code is a part of `raw` as it is (a
    /// 15-digit block code's county, a code already in its normal form).
    #[must_use]
    pub fn normal_form(self, raw: &str) -> Option<std::borrow::Cow<'_, str>> {
        use std::borrow::Cow;
        let raw = raw.trim();
        if self == AreaScheme::UsCounty && raw.len() == 15 && raw.bytes().all(|b| b.is_ascii_digit()) {
            return Some(Cow::Borrowed(&raw[..5]));
        }
        self.normalise_owned(raw).map(Cow::Owned)
    }

    /// The normal form of a trimmed code, as a new string.
    fn normalise_owned(self, raw: &str) -> Option<String> {
        match self {
            AreaScheme::Gemeente => {
                let digits = raw
                    .strip_prefix("GM")
                    .or_else(|| raw.strip_prefix("gm"))
                    .or_else(|| raw.strip_prefix("Gm"))
                    .unwrap_or(raw);
                if digits.is_empty() || digits.len() > 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                Some(format!("GM{digits:0>4}"))
            }
            AreaScheme::UsCounty => {
                if raw.is_empty() || raw.len() > 15 || !raw.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                let padded = format!("{raw:0>15}");
                Some(padded[..5].to_string())
            }
            AreaScheme::Plain => (!raw.is_empty()).then(|| raw.to_string()),
        }
    }
}

/// US state FIPS code → postal abbreviation, for naming the `state` level.
///
/// ```
/// use dekking::io::profile::us_state_name;
/// assert_eq!(us_state_name("23"), Some("ME"));
/// assert_eq!(us_state_name("99"), None);
/// ```
#[must_use]
pub fn us_state_name(fips: &str) -> Option<&'static str> {
    const STATES: [(&str, &str); 56] = [
        ("01", "AL"),
        ("02", "AK"),
        ("04", "AZ"),
        ("05", "AR"),
        ("06", "CA"),
        ("08", "CO"),
        ("09", "CT"),
        ("10", "DE"),
        ("11", "DC"),
        ("12", "FL"),
        ("13", "GA"),
        ("15", "HI"),
        ("16", "ID"),
        ("17", "IL"),
        ("18", "IN"),
        ("19", "IA"),
        ("20", "KS"),
        ("21", "KY"),
        ("22", "LA"),
        ("23", "ME"),
        ("24", "MD"),
        ("25", "MA"),
        ("26", "MI"),
        ("27", "MN"),
        ("28", "MS"),
        ("29", "MO"),
        ("30", "MT"),
        ("31", "NE"),
        ("32", "NV"),
        ("33", "NH"),
        ("34", "NJ"),
        ("35", "NM"),
        ("36", "NY"),
        ("37", "NC"),
        ("38", "ND"),
        ("39", "OH"),
        ("40", "OK"),
        ("41", "OR"),
        ("42", "PA"),
        ("44", "RI"),
        ("45", "SC"),
        ("46", "SD"),
        ("47", "TN"),
        ("48", "TX"),
        ("49", "UT"),
        ("50", "VT"),
        ("51", "VA"),
        ("53", "WA"),
        ("54", "WV"),
        ("55", "WI"),
        ("56", "WY"),
        ("60", "AS"),
        ("66", "GU"),
        ("69", "MP"),
        ("72", "PR"),
        ("78", "VI"),
    ];
    STATES.iter().find(|(f, _)| *f == fips).map(|(_, n)| *n)
}

/// A named mapping from real header names to canonical fields.
#[derive(Debug, Clone)]
pub struct Profile {
    /// The profile name as given on the command line.
    pub name: String,
    /// Candidate header names per field, tried in order.
    pub aliases: BTreeMap<Field, Vec<String>>,
    /// The CRS of the `x`/`y` fields.
    pub xy_crs: XyCrs,
    /// How area codes are read and rolled up.
    pub area: AreaScheme,
}

fn aliases(pairs: &[(Field, &[&str])]) -> BTreeMap<Field, Vec<String>> {
    pairs.iter().map(|(f, names)| (*f, names.iter().map(|s| s.to_string()).collect())).collect()
}

impl Profile {
    /// The names of the built-in profiles.
    pub const BUILT_IN: [&'static str; 3] = ["nl", "fcc-bdc", "generic"];

    /// Looks up a built-in profile by name.
    ///
    /// # Errors
    /// [`Error::Argument`] for an unknown name.
    pub fn built_in(name: &str) -> Result<Profile> {
        let p = match name {
            "nl" => Profile {
                name: "nl".into(),
                aliases: aliases(&[
                    (
                        Field::AddressId,
                        &["adres_id", "adresid", "bag_id", "adresseerbaarobject_id", "vbo_id", "address_id", "id"],
                    ),
                    (Field::AreaCode, &["gemeentecode", "gemeente_code", "gm_code", "gemeente", "area_code"]),
                    (Field::X, &["x", "rd_x", "x_rd", "xcoord"]),
                    (Field::Y, &["y", "rd_y", "y_rd", "ycoord"]),
                    (Field::Lon, &["lon", "lng", "longitude", "lengtegraad"]),
                    (Field::Lat, &["lat", "latitude", "breedtegraad"]),
                    (
                        Field::DownMbps,
                        &["download_mbps", "max_download_mbps", "download", "snelheid_down", "down_mbps"],
                    ),
                    (Field::UpMbps, &["upload_mbps", "max_upload_mbps", "upload", "snelheid_up", "up_mbps"]),
                    (Field::Technology, &["technologie", "technology", "techniek"]),
                    (Field::Weight, &["huishoudens", "aantal_huishoudens", "weight", "gewicht"]),
                    (Field::Postcode, &["postcode", "pc6", "pc4"]),
                    (Field::H3Cell, &["h3_cell", "h3"]),
                ]),
                xy_crs: XyCrs::RdNew,
                area: AreaScheme::Gemeente,
            },
            "fcc-bdc" => Profile {
                name: "fcc-bdc".into(),
                aliases: aliases(&[
                    (Field::AddressId, &["location_id"]),
                    (Field::AreaCode, &["block_geoid", "block_fips", "geoid"]),
                    (Field::Lon, &["longitude"]),
                    (Field::Lat, &["latitude"]),
                    (Field::DownMbps, &["max_advertised_download_speed"]),
                    (Field::UpMbps, &["max_advertised_upload_speed"]),
                    (Field::Technology, &["technology"]),
                    (Field::H3Cell, &["h3_res8_id"]),
                ]),
                xy_crs: XyCrs::Wgs84,
                area: AreaScheme::UsCounty,
            },
            "generic" => Profile {
                name: "generic".into(),
                aliases: Field::ALL.iter().map(|f| (*f, vec![f.name().to_string()])).collect(),
                xy_crs: XyCrs::RdNew,
                area: AreaScheme::Plain,
            },
            other => {
                return Err(Error::argument(
                    "profile",
                    other,
                    format!("expected one of {}", Profile::BUILT_IN.join(", ")),
                ))
            }
        };
        Ok(p)
    }

    /// Replaces the aliases of `field` by exactly `column` (from `--column FIELD=NAME`).
    pub fn set_column(&mut self, field: Field, column: &str) {
        self.aliases.insert(field, vec![column.to_string()]);
    }

    /// Finds, for each field the profile knows, the index of its column in `header`.
    ///
    /// Fields without a matching header are absent from the result; callers decide which are
    /// required.
    #[must_use]
    pub fn resolve(&self, header: &[String]) -> BTreeMap<Field, usize> {
        let mut out = BTreeMap::new();
        for (field, names) in &self.aliases {
            let found = names.iter().find_map(|n| header.iter().position(|h| h.trim().eq_ignore_ascii_case(n.trim())));
            if let Some(i) = found {
                out.insert(*field, i);
            }
        }
        out
    }

    /// The header names tried for `field`, for error messages.
    pub fn looked_for(&self, field: Field) -> String {
        self.aliases
            .get(&field)
            .map(|v| v.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", "))
            .unwrap_or_else(|| "nothing".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gemeente_codes_with_and_without_prefix() {
        let s = AreaScheme::Gemeente;
        assert_eq!(s.normalise("GM0363").as_deref(), Some("GM0363"));
        assert_eq!(s.normalise(" 0363 ").as_deref(), Some("GM0363"));
        assert_eq!(s.normalise("363").as_deref(), Some("GM0363"));
        assert_eq!(s.normalise("14").as_deref(), Some("GM0014"));
        assert_eq!(s.normalise(""), None);
        assert_eq!(s.normalise("GM"), None);
        assert_eq!(s.normalise("Amsterdam"), None);
    }

    #[test]
    fn fcc_geoid_is_padded_before_taking_the_county() {
        let s = AreaScheme::UsCounty;
        assert_eq!(s.normalise("230299555003028").as_deref(), Some("23029"));
        // A 14-digit GEOID lost its leading zero (state FIPS < 10).
        assert_eq!(s.normalise("60371234001000").as_deref(), Some("06037"));
        assert_eq!(s.normalise("23029A"), None);
    }

    #[test]
    fn resolve_is_case_insensitive_and_override_wins() {
        let mut p = Profile::built_in("nl").unwrap();
        let header: Vec<String> =
            ["Adres_ID", "GemeenteCode", "Download_Mbps", "speed_up"].iter().map(|s| s.to_string()).collect();
        let r = p.resolve(&header);
        assert_eq!(r[&Field::AddressId], 0);
        assert_eq!(r[&Field::AreaCode], 1);
        assert_eq!(r[&Field::DownMbps], 2);
        assert!(!r.contains_key(&Field::UpMbps));
        p.set_column(Field::UpMbps, "speed_up");
        assert_eq!(p.resolve(&header)[&Field::UpMbps], 3);
    }

    #[test]
    fn unknown_profile_is_an_error() {
        assert!(Profile::built_in("xx").is_err());
    }
}
