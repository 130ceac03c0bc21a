//! The canonical input contract: every field `dekking` reads, named once.
//!
//! Profiles ([`crate::io::profile`]) map the header names of real files onto these fields;
//! no other module spells out a raw column name.

use std::fmt;

/// A canonical input field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Field {
    /// Address identifier (any string; compared after trimming).
    AddressId,
    /// Area code of the address (gemeentecode, or a US census block GEOID for `fcc-bdc`).
    AreaCode,
    /// Easting in metres in the profile's projected CRS (RD New for `nl`).
    X,
    /// Northing in metres in the profile's projected CRS (RD New for `nl`).
    Y,
    /// Longitude in degrees (WGS84).
    Lon,
    /// Latitude in degrees (WGS84).
    Lat,
    /// Maximum download speed in Mbps.
    DownMbps,
    /// Maximum upload speed in Mbps.
    UpMbps,
    /// Access technology (free text or a code such as FCC `50`).
    Technology,
    /// Weight of the address in the chosen unit (e.g. households); 1 when absent.
    Weight,
    /// Postcode (kept for gap lists; not used in the figures).
    Postcode,
    /// H3 cell index of the address as 15 hexadecimal digits (FCC `h3_res8_id`), for `--by h3:R`.
    H3Cell,
}

impl Field {
    /// Every field, in a fixed order.
    pub const ALL: [Field; 12] = [
        Field::AddressId,
        Field::AreaCode,
        Field::X,
        Field::Y,
        Field::Lon,
        Field::Lat,
        Field::DownMbps,
        Field::UpMbps,
        Field::Technology,
        Field::Weight,
        Field::Postcode,
        Field::H3Cell,
    ];

    /// The canonical name, as used by `--column FIELD=NAME` and by the `generic` profile.
    pub fn name(self) -> &'static str {
        match self {
            Field::AddressId => "address_id",
            Field::AreaCode => "area_code",
            Field::X => "x",
            Field::Y => "y",
            Field::Lon => "lon",
            Field::Lat => "lat",
            Field::DownMbps => "down_mbps",
            Field::UpMbps => "up_mbps",
            Field::Technology => "technology",
            Field::Weight => "weight",
            Field::Postcode => "postcode",
            Field::H3Cell => "h3_cell",
        }
    }

    /// Parses a canonical name (case-insensitive).
    pub fn from_name(name: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|f| f.name().eq_ignore_ascii_case(name.trim()))
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for f in Field::ALL {
            assert_eq!(Field::from_name(f.name()), Some(f));
            assert_eq!(Field::from_name(&f.name().to_uppercase()), Some(f));
        }
        assert_eq!(Field::from_name("speed"), None);
    }
}
