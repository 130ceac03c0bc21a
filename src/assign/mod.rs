//! Stage 2, assign: every address gets the finest area it counts in.
//!
//! Input: [`Availability`] (addresses with an area code or coordinates), an [`AreaSet`] and,
//! for coordinates, an [`pip::AreaIndex`] of boundaries in RD New. Output: [`Assigned`], one area
//! per address. Rejected: unknown area codes and points outside every polygon; the rows of such
//! addresses (universe row and all record rows) become rejects, so rows still reconcile.

pub mod cellgrid;

pub mod pip;

use rayon::prelude::*;

use crate::io::addresses::{Availability, Location};
use crate::io::areas::{us_state_name, AreaTable};
use crate::io::profile::{AreaScheme, XyCrs};
use crate::io::reject::RejectReason;
use dekking_rows::compact;

/// No area: the address was rejected.
pub const UNASSIGNED: u32 = u32::MAX;

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
    /// Builds the set from an area table (NL): every gemeente in the table, with its provincie.
    #[must_use]
    pub fn from_table(scheme: AreaScheme, table: &AreaTable) -> AreaSet {
        let parents: Vec<(String, String)> = table.parents.iter().map(|(c, n)| (c.clone(), n.clone())).collect();
        let areas = table
            .areas
            .iter()
            .map(|(code, e)| AreaInfo {
                code: code.clone(),
                name: e.name.clone(),
                parent: parents.binary_search_by(|(c, _)| c.cmp(&e.parent)).ok().map(|k| k as u32),
            })
            .collect();
        AreaSet { levels: scheme.levels(), areas, parents, total: total_of(scheme) }
    }

    /// Builds the set from the codes seen in the data (FCC counties, plain codes).
    #[must_use]
    pub fn from_codes(scheme: AreaScheme, codes: &[String]) -> AreaSet {
        let mut sorted: Vec<String> = codes.to_vec();
        sorted.sort();
        sorted.dedup();
        let mut parents: Vec<(String, String)> = Vec::new();
        if scheme == AreaScheme::UsCounty {
            parents = sorted
                .iter()
                .map(|c| (c[..2].to_string(), us_state_name(&c[..2]).unwrap_or(&c[..2]).to_string()))
                .collect();
            parents.dedup();
        }
        let areas = sorted
            .into_iter()
            .map(|code| {
                let parent = if scheme == AreaScheme::UsCounty {
                    parents.binary_search_by(|(p, _)| p.as_str().cmp(&code[..2])).ok().map(|k| k as u32)
                } else {
                    None
                };
                AreaInfo { name: code.clone(), code, parent }
            })
            .collect();
        AreaSet { levels: scheme.levels(), areas, parents, total: total_of(scheme) }
    }

    /// The index of an area code, if it is in the set.
    pub fn find(&self, code: &str) -> Option<u32> {
        self.areas.binary_search_by(|a| a.code.as_str().cmp(code)).ok().map(|k| k as u32)
    }
}

fn total_of(scheme: AreaScheme) -> (String, String) {
    match scheme {
        AreaScheme::Gemeente => ("NL".into(), "Nederland".into()),
        AreaScheme::UsCounty => ("US".into(), "United States (input records)".into()),
        AreaScheme::Plain => ("TOTAL".into(), "Total".into()),
    }
}

/// The area of every address.
#[derive(Debug, Clone, Default)]
pub struct Assigned {
    /// Area index per address, [`UNASSIGNED`] when rejected.
    pub area: Vec<u32>,
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
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
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
    fn of(crs: Option<XyCrs>, x: f64, y: f64) -> Suspicious {
        let (degrees, metres, swapped) = match crs {
            Some(XyCrs::RdNew) if x.abs() <= 180.0 && y.abs() <= 90.0 => (1, 0, 0),
            Some(XyCrs::RdNew) if !dekking_crs::in_rd_box(x, y) && dekking_crs::in_rd_box(y, x) => (0, 0, 1),
            Some(XyCrs::Wgs84) if x.abs() > 180.0 || y.abs() > 90.0 => (0, 1, 0),
            Some(XyCrs::Wgs84) if (50.0..54.0).contains(&x) && (3.0..8.0).contains(&y) => (0, 0, 1),
            _ => (0, 0, 0),
        };
        Suspicious { points: 1, degrees, metres, swapped }
    }

    fn add(self, o: Suspicious) -> Suspicious {
        Suspicious {
            points: self.points + o.points,
            degrees: self.degrees + o.degrees,
            metres: self.metres + o.metres,
            swapped: self.swapped + o.swapped,
        }
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

/// Addresses per parallel chunk of the assignment.
const CHUNK: usize = 1 << 16;

/// Assigns each address of `av` to an area of `set`; points are located with `index`.
///
/// Runs in parallel; the result does not depend on the number of threads.
#[must_use]
pub fn assign(av: &Availability, set: &AreaSet, index: Option<&pip::AreaIndex>) -> Assigned {
    // Why an address has no area, as the values just below UNASSIGNED (compact: 4 bytes an address).
    const UNKNOWN_CODE: u32 = UNASSIGNED - 1;
    const NO_INDEX: u32 = UNASSIGNED - 2;
    const OUTSIDE: u32 = UNASSIGNED - 3;
    let code_to_area: Vec<u32> = av.codes.codes.iter().map(|c| set.find(c).unwrap_or(UNKNOWN_CODE)).collect();
    let crs = av.addresses.point_crs;
    let to_rd = |x: f64, y: f64| match crs {
        Some(XyCrs::Wgs84) => dekking_crs::wgs84_to_rd(x, y),
        _ => (x, y),
    };
    let locations = &av.addresses.location;
    // Each chunk of addresses fills its part of the areas and counts its suspicious points.
    let mut area = vec![0u32; locations.len()];
    let suspicious = area
        .par_chunks_mut(CHUNK)
        .enumerate()
        .map(|(c, out)| {
            let mut seen = Suspicious::default();
            for (k, slot) in out.iter_mut().enumerate() {
                *slot = match locations.get(c * CHUNK + k) {
                    Location::Area(c) => code_to_area[c as usize],
                    Location::Point { x, y } => {
                        seen = seen.add(Suspicious::of(crs, x, y));
                        match index {
                            None => NO_INDEX,
                            Some(idx) => {
                                let (rx, ry) = to_rd(x, y);
                                idx.locate(rx, ry).unwrap_or(OUTSIDE)
                            }
                        }
                    }
                };
            }
            seen
        })
        .reduce(Suspicious::default, Suspicious::add);
    // The few addresses without an area are found in parallel, then named in address order.
    let unassigned = compact::positions(area.len(), |k| area[k] >= OUTSIDE);
    let points = suspicious.points;
    let mut out =
        Assigned { by_point: points, by_code: locations.len() as u64 - points, suspicious, ..Assigned::default() };
    for k in unassigned {
        let loc = locations.get(k);
        let rejected = match (area[k], loc) {
            (UNKNOWN_CODE, Location::Area(c)) => (
                RejectReason::UnknownArea,
                format!("area code {} is not in the area table", av.codes.codes[c as usize]),
            ),
            (NO_INDEX, _) => (RejectReason::NoLocation, "coordinates given but no boundaries to locate them".into()),
            (OUTSIDE, Location::Point { x, y }) => {
                (RejectReason::OutsideAllAreas, format!("point ({x}, {y}) is outside every area polygon"))
            }
            _ => continue,
        };
        match loc {
            Location::Point { .. } => out.by_point -= 1,
            Location::Area(_) => out.by_code -= 1,
        }
        area[k] = UNASSIGNED;
        out.rejected_addresses.push((k as u32, rejected.0, rejected.1));
    }
    out.area = area;
    out
}

/// Turns the rejected addresses of `assigned` into row rejects on `av`: the address's universe
/// row (or first record row) and every record of it, so that rows in = used + rejected holds.
pub fn reject_unassigned(av: &mut Availability, assigned: &Assigned) {
    if assigned.rejected_addresses.is_empty() {
        return;
    }
    // The rejected addresses are in address order and marked UNASSIGNED in `area`.
    let why = |a: u32| {
        if assigned.area[a as usize] != UNASSIGNED {
            return None;
        }
        let k = assigned.rejected_addresses.binary_search_by_key(&a, |r| r.0).ok()?;
        let (_, reason, detail) = &assigned.rejected_addresses[k];
        Some((*reason, detail.as_str()))
    };
    let mut new_rejects = Vec::new();
    if let Some(counts) = av.universe_rows.as_mut() {
        for (a, reason, detail) in &assigned.rejected_addresses {
            counts.unuse(
                &mut new_rejects,
                &av.addresses.file,
                av.addresses.first_row.get(*a as usize).into(),
                *reason,
                detail.clone(),
            );
        }
    }
    let records_file = av.sources.iter().find(|s| s.role == "records").map(|s| s.path.clone()).unwrap_or_default();
    let r = &mut av.records;
    // The records of rejected addresses are dropped; the rest close up around them.
    let dropped = compact::positions(r.address.len(), |i| why(r.address[i]).is_some());
    for &i in &dropped {
        if let Some((reason, detail)) = why(r.address[i]) {
            av.record_rows.unuse(&mut new_rejects, &records_file, r.row.get(i).into(), reason, detail.to_string());
        }
    }
    r.remove(&dropped);
    av.rejects.extend(new_rejects);
    av.rejects.sort_by(|a, b| (&a.file, a.row).cmp(&(&b.file, b.row)));
}
