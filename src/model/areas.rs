//! Areas: a run's areas at three levels, the area each address was assigned to, the area tables
//! and the boundaries as read.

use std::collections::BTreeMap;

use geo::{Geometry, MultiPolygon};

use crate::model::availability::XyCrs;
use crate::model::rows::RejectReason;
use crate::model::source::SourceInfo;

/// Why an address has no area (and is rejected).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unassigned {
    /// Its area code is not in the run's areas.
    UnknownCode,
    /// It has coordinates but the run has no boundaries to locate them.
    NoBoundaries,
    /// Its point lies outside every area polygon.
    Outside,
}

/// The area an address counts in: an index into [`AreaSet::areas`], or why it has none. Four
/// bytes, like the bare index: the reasons take the three largest values.
///
/// ```
/// use dekking::model::areas::{Assignment, Unassigned};
/// assert_eq!(Assignment::area(5).get(), Ok(5));
/// assert_eq!(Assignment::none(Unassigned::Outside).get(), Err(Unassigned::Outside));
/// ```
#[repr(transparent)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Assignment(u32);

impl Assignment {
    /// The largest area index (the values above it stand for the reasons).
    pub const MAX_AREA: u32 = u32::MAX - 3;

    /// The area at `index` of [`AreaSet::areas`] (at most [`Assignment::MAX_AREA`]).
    #[inline]
    #[must_use]
    pub const fn area(index: u32) -> Assignment {
        debug_assert!(index <= Assignment::MAX_AREA);
        Assignment(index)
    }

    /// No area, for `why`.
    #[inline]
    #[must_use]
    pub const fn none(why: Unassigned) -> Assignment {
        Assignment(match why {
            Unassigned::UnknownCode => u32::MAX,
            Unassigned::NoBoundaries => u32::MAX - 1,
            Unassigned::Outside => u32::MAX - 2,
        })
    }

    /// The area's index, or why there is none.
    ///
    /// # Errors
    /// The [`Unassigned`] reason for an address without an area.
    #[inline]
    pub const fn get(self) -> Result<u32, Unassigned> {
        match self.0 {
            u32::MAX => Err(Unassigned::UnknownCode),
            0xFFFF_FFFE => Err(Unassigned::NoBoundaries),
            0xFFFF_FFFD => Err(Unassigned::Outside),
            a => Ok(a),
        }
    }

    /// The area's index, or `None` for an address without an area.
    #[inline]
    #[must_use]
    pub const fn index(self) -> Option<usize> {
        if self.0 <= Assignment::MAX_AREA {
            Some(self.0 as usize)
        } else {
            None
        }
    }
}

/// One finest-level area of a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AreaInfo {
    /// Normalised code (`GM0363`, `23029`).
    pub code: String,
    /// Name.
    pub name: String,
    /// Index into [`AreaSet::parents`], when the area rolls up.
    pub parent: Option<u32>,
}

/// The areas figures are computed for, at three levels: finest, parent and total.
#[derive(Debug, Clone)]
pub struct AreaSet {
    /// Level names, finest first (e.g. gemeente, provincie, nl).
    pub levels: [&'static str; 3],
    /// Finest areas, sorted by code.
    pub areas: Vec<AreaInfo>,
    /// Parent areas as (code, name), sorted by code.
    pub parents: Vec<(String, String)>,
    /// The total's (code, name), e.g. (`NL`, `Nederland`).
    pub total: (String, String),
}

impl AreaSet {
    /// The index of an area code, if it is in the set.
    pub fn find(&self, code: &str) -> Option<u32> {
        self.areas.binary_search_by(|a| a.code.as_str().cmp(code)).ok().map(|k| k as u32)
    }
}

/// The area of every address.
#[derive(Debug, Clone, Default)]
pub struct Assigned {
    /// The area of each address, or why it has none (it is then rejected).
    pub area: Vec<Assignment>,
    /// Addresses located by point-in-polygon.
    pub by_point: u64,
    /// Addresses located by their area code.
    pub by_code: u64,
    /// Addresses rejected (index, reason, detail), in address order.
    pub rejected_addresses: Vec<(u32, RejectReason, String)>,
    /// Points whose coordinates look wrong for their CRS.
    pub suspicious: Suspicious,
}

/// Counts of points whose coordinates look like another CRS than the declared one, or like x
/// and y swapped.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Suspicious {
    /// Points seen.
    pub points: u64,
    /// RD New points that look like degrees.
    pub degrees: u64,
    /// Longitude/latitude points that look like metres.
    pub metres: u64,
    /// Points that look like x and y (or lon and lat) swapped.
    pub swapped: u64,
}

impl Suspicious {
    /// The counts of one point in `crs` (none suspicious without a CRS).
    pub fn of(crs: Option<XyCrs>, x: f64, y: f64) -> Suspicious {
        let (degrees, metres, swapped) = match crs {
            Some(XyCrs::RdNew) if x.abs() <= 180.0 && y.abs() <= 90.0 => (1, 0, 0),
            Some(XyCrs::RdNew) if !dekking_crs::in_rd_box(x, y) && dekking_crs::in_rd_box(y, x) => (0, 0, 1),
            Some(XyCrs::Wgs84) if x.abs() > 180.0 || y.abs() > 90.0 => (0, 1, 0),
            Some(XyCrs::Wgs84) if (50.0..54.0).contains(&x) && (3.0..8.0).contains(&y) => (0, 0, 1),
            _ => (0, 0, 0),
        };
        Suspicious { points: 1, degrees, metres, swapped }
    }

    /// The warnings these counts give for the points of `file`.
    #[must_use]
    pub fn warnings(&self, file: &str) -> Vec<String> {
        let Suspicious { points: n, degrees, metres, swapped } = *self;
        let mut w = Vec::new();
        if degrees > 0 {
            w.push(format!("{file}: {degrees} of {n} points look like degrees where RD New metres are expected; map them with --column lon=NAME --column lat=NAME"));
        }
        if metres > 0 {
            w.push(format!("{file}: {metres} of {n} points look like metres where longitude/latitude are expected; map them with --column x=NAME --column y=NAME"));
        }
        if swapped > 0 {
            w.push(format!("{file}: {swapped} of {n} points look like x and y (or lon and lat) are swapped; swap the column mapping"));
        }
        w
    }
}

impl std::ops::Add for Suspicious {
    type Output = Suspicious;

    fn add(self, o: Suspicious) -> Suspicious {
        Suspicious {
            points: self.points + o.points,
            degrees: self.degrees + o.degrees,
            metres: self.metres + o.metres,
            swapped: self.swapped + o.swapped,
        }
    }
}

/// One finest-level area: its name and the code of the area it rolls up to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AreaEntry {
    /// Area name.
    pub name: String,
    /// Code of the parent area (e.g. `PV27`).
    pub parent: String,
}

/// Finest areas with their parents, and parent names.
#[derive(Debug, Clone, Default)]
pub struct AreaTable {
    /// Finest-level areas by normalised code.
    pub areas: BTreeMap<String, AreaEntry>,
    /// Parent names by parent code.
    pub parents: BTreeMap<String, String>,
    /// Provenance, when read from a file.
    pub source: Option<SourceInfo>,
}

/// One area: all features with the same code, merged.
#[derive(Debug, Clone, PartialEq)]
pub struct Boundary {
    /// Normalised area code (e.g. `GM0363`).
    pub code: String,
    /// Area name from the file, when it has one.
    pub name: Option<String>,
    /// The shape in RD New metres.
    pub shape: MultiPolygon<f64>,
    /// Households from the file's properties, when present.
    pub households: Option<f64>,
}

/// The shape of the area each code names, as a geometry (`None` for no code, or a code none of
/// `areas` has): one per row of an output table with geometry.
#[must_use]
pub fn shapes_of<'a>(
    areas: &[Boundary],
    codes: impl IntoIterator<Item = Option<&'a str>>,
) -> Vec<Option<Geometry<f64>>> {
    let by_code: BTreeMap<&str, &MultiPolygon<f64>> = areas.iter().map(|a| (a.code.as_str(), &a.shape)).collect();
    codes.into_iter().map(|c| by_code.get(c?).map(|s| Geometry::MultiPolygon((*s).clone()))).collect()
}

/// The boundaries of a run.
#[derive(Debug, Clone)]
pub struct Boundaries {
    /// Areas sorted by code.
    pub areas: Vec<Boundary>,
    /// Provenance of the file.
    pub source: SourceInfo,
    /// The CRS the file was read in (`EPSG:28992` or `EPSG:4326`).
    pub crs: &'static str,
    /// Things a user should know (e.g. an assumed CRS).
    pub warnings: Vec<String>,
}
