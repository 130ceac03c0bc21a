//! Stage 2, assign: every address gets the finest area it counts in.
//!
//! Input: an [`Availability`] (addresses with an area code or coordinates), an [`AreaSet`] (made
//! by [`areas_of`]) and, for coordinates, a [`pip::AreaIndex`] of
//! boundaries in RD New. Output: [`Assigned`], one [`Assignment`] per address. Rejected: unknown area codes and points outside every polygon; the rows of such
//! addresses (universe row and all record rows) become rejects, so rows still reconcile.

pub mod cellgrid;
pub mod cells;
pub mod pip;

use rayon::prelude::*;

use crate::io::profile::AreaScheme;
use std::collections::BTreeMap;

use crate::model::areas::{AreaInfo, AreaSet, AreaTable, Assigned, Assignment, Boundary, Suspicious, Unassigned};
use crate::model::availability::XyCrs;
use crate::model::availability::{Availability, Location};
use crate::model::rows::RejectReason;
use dekking_rows::compact;

/// The areas of a run, sorted by code: every area of `table` and of `boundaries`, and (for
/// schemes without a table, where the data's codes are the areas) every code in `seen`. An
/// area's name is the boundary file's, else the table's, else its code; its parent the table's,
/// else the one its code names ([`AreaScheme::parent_of`]), else none.
#[must_use]
pub fn areas_of(scheme: AreaScheme, table: &AreaTable, seen: &[String], boundaries: &[Boundary]) -> AreaSet {
    let mut codes: BTreeMap<&str, Option<&str>> = table.areas.keys().map(|c| (c.as_str(), None)).collect();
    if scheme != AreaScheme::Gemeente {
        codes.extend(seen.iter().map(|c| (c.as_str(), None)));
    }
    codes.extend(boundaries.iter().map(|b| (b.code.as_str(), b.name.as_deref())));
    let parent_of = |code: &str| match table.areas.get(code) {
        Some(e) => Some((e.parent.clone(), table.parents.get(&e.parent).cloned().unwrap_or_else(|| e.parent.clone()))),
        None => scheme.parent_of(code),
    };
    let mut parents: Vec<(String, String)> = codes.keys().filter_map(|c| parent_of(c)).collect();
    parents.sort();
    parents.dedup_by(|a, b| a.0 == b.0);
    let areas = codes
        .into_iter()
        .map(|(code, file_name)| AreaInfo {
            code: code.to_string(),
            name: file_name.or_else(|| table.areas.get(code).map(|e| e.name.as_str())).unwrap_or(code).to_string(),
            parent: parent_of(code)
                .and_then(|(p, _)| parents.binary_search_by(|(q, _)| q.cmp(&p)).ok())
                .map(|k| k as u32),
        })
        .collect();
    AreaSet { levels: scheme.levels(), areas, parents, total: scheme.total() }
}

/// Addresses per parallel chunk of the assignment.
const CHUNK: usize = 1 << 16;

/// Assigns each address of `av` to an area of `set`; points are located with `index`.
///
/// Runs in parallel; the result does not depend on the number of threads.
#[must_use]
pub fn assign(av: &Availability, set: &AreaSet, index: Option<&pip::AreaIndex>) -> Assigned {
    let unknown = Assignment::none(Unassigned::UnknownCode);
    let code_to_area: Vec<Assignment> =
        av.codes.codes.iter().map(|c| set.find(c).map_or(unknown, Assignment::area)).collect();
    let crs = av.addresses.point_crs;
    let to_rd = |x: f64, y: f64| match crs {
        Some(XyCrs::Wgs84) => dekking_crs::wgs84_to_rd(x, y),
        _ => (x, y),
    };
    let locations = &av.addresses.location;
    // Each chunk of addresses fills its part of the areas and counts its suspicious points.
    let mut area = vec![unknown; locations.len()];
    let suspicious = area
        .par_chunks_mut(CHUNK)
        .enumerate()
        .map(|(c, out)| {
            let mut seen = Suspicious::default();
            for (k, slot) in out.iter_mut().enumerate() {
                *slot = match locations.get(c * CHUNK + k) {
                    Location::Area(c) => code_to_area[c as usize],
                    Location::Point { x, y } => {
                        seen = seen + Suspicious::of(crs, x, y);
                        match index {
                            None => Assignment::none(Unassigned::NoBoundaries),
                            Some(idx) => {
                                let (rx, ry) = to_rd(x, y);
                                idx.locate(rx, ry).map_or(Assignment::none(Unassigned::Outside), Assignment::area)
                            }
                        }
                    }
                };
            }
            seen
        })
        .reduce(Suspicious::default, |a, b| a + b);
    // The few addresses without an area are found in parallel, then named in address order.
    let unassigned = compact::positions(area.len(), |k| area[k].get().is_err());
    let points = suspicious.points;
    let mut out =
        Assigned { by_point: points, by_code: locations.len() as u64 - points, suspicious, ..Assigned::default() };
    for k in unassigned {
        let loc = locations.get(k);
        let rejected = match (area[k].get(), loc) {
            (Err(Unassigned::UnknownCode), Location::Area(c)) => (
                RejectReason::UnknownArea,
                format!("area code {} is not in the area table", av.codes.codes[c as usize]),
            ),
            (Err(Unassigned::NoBoundaries), _) => {
                (RejectReason::NoLocation, "coordinates given but no boundaries to locate them".into())
            }
            (Err(Unassigned::Outside), Location::Point { x, y }) => {
                (RejectReason::OutsideAllAreas, format!("point ({x}, {y}) is outside every area polygon"))
            }
            _ => continue,
        };
        match loc {
            Location::Point { .. } => out.by_point -= 1,
            Location::Area(_) => out.by_code -= 1,
        }
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
    // The rejected addresses are in address order, the ones without an area.
    let why = |a: u32| {
        if assigned.area[a as usize].get().is_ok() {
            return None;
        }
        let k = assigned.rejected_addresses.binary_search_by_key(&a, |r| r.0).ok()?;
        let (_, reason, detail) = &assigned.rejected_addresses[k];
        Some((*reason, detail.as_str()))
    };
    let mut new_rejects = Vec::new();
    if let Some(counts) = av.universe_rows.as_mut() {
        for (a, reason, detail) in &assigned.rejected_addresses {
            let (file, row) = av.addresses.parts.locate(av.addresses.first_row.get(*a as usize).into());
            counts.unuse(&mut new_rejects, file, row, *reason, detail.clone());
        }
    }
    let r = &mut av.records;
    // The records of rejected addresses are dropped; the rest close up around them.
    let dropped = compact::positions(r.address.len(), |i| why(r.address[i]).is_some());
    for &i in &dropped {
        if let Some((reason, detail)) = why(r.address[i]) {
            let (file, row) = av.record_parts.locate(r.row.get(i).into());
            av.record_rows.unuse(&mut new_rejects, file, row, reason, detail.to_string());
        }
    }
    r.remove(&dropped);
    av.rejects.extend(new_rejects);
    av.rejects.sort_by(|a, b| (&a.file, a.row).cmp(&(&b.file, b.row)));
}
