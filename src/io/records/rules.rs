//! The row rules: what makes a records or universe row usable, in the order they are applied,
//! and the check of one piece of rows by them.
//!
//! A row is checked for, in order: an id (a row with no value in any column used is a blank row,
//! one with values but no id a missing id); valid speeds (records: download, and upload when the
//! file has it; a number from 0 to [`MAX_PLAUSIBLE_MBPS`]); membership of the universe (records
//! joined to one); a location (universe rows, and records without a universe: a well-formed area
//! code, else finite coordinates) and a weight of 0 or more. The first rule a row breaks is its
//! reason. A usable record keeps its technology too, which never rejects a row.

use dekking_rows::keys::NO_KEY;
use dekking_rows::{Index, Run};
use dekking_table::{shown, NumberError, Rows};
use rustc_hash::FxHashMap;

use super::codes::{add_name, CodeTable, LastRun};
use super::columns::Slices;
use super::layout::{Columns, Place};
use crate::io::columns::Field;
use crate::io::profile::AreaScheme;
use crate::model::availability::{LocatedBy, Location};
use crate::model::rows::{RejectReason, MAX_PLAUSIBLE_MBPS};

/// A rejected row (0-based in its file) and why.
pub(super) struct Rejected {
    pub(super) row: usize,
    pub(super) reason: RejectReason,
    pub(super) detail: String,
}

/// A reason with its detail, before the row is known.
type Why = (RejectReason, String);

/// A speed cell as Mbps: a number from 0 up to [`MAX_PLAUSIBLE_MBPS`].
#[inline]
fn speed(values: &Rows<'_>, row: usize, field: Field) -> Result<f64, Why> {
    match values.number(row) {
        Ok(v) if v < 0.0 => Err((RejectReason::NegativeSpeed, format!("{field} = {v}"))),
        Ok(v) if v > MAX_PLAUSIBLE_MBPS => {
            Err((RejectReason::ImplausibleSpeed, format!("{field} = {v} Mbps > {MAX_PLAUSIBLE_MBPS}")))
        }
        Ok(v) => Ok(v),
        Err(NumberError::Missing) => Err((RejectReason::MissingSpeed, format!("{field} is empty"))),
        Err(NumberError::Invalid(s)) => Err((RejectReason::InvalidSpeed, format!("{field} = {s:?}"))),
    }
}

/// `speeds` when every one would pass [`speed`] (finite, 0 up to the plausible maximum).
fn plausible(speeds: Option<&[f64]>) -> Option<&[f64]> {
    speeds.filter(|v| v.iter().all(|s| (0.0..=MAX_PLAUSIBLE_MBPS).contains(s)))
}

/// `coordinates` when every one is finite (as [`locate`] requires).
fn finite(coordinates: Option<&[f64]>) -> Option<&[f64]> {
    coordinates.filter(|v| v.iter().all(|c| c.is_finite()))
}

/// The weight of row `i`: 1 without a weight column, else a number of 0 or more.
#[inline]
fn weight(place: &Place<'_>, i: usize) -> Result<f64, Why> {
    match &place.weight {
        None => Ok(1.0),
        Some(w) => match w.number(i) {
            Ok(v) if v >= 0.0 => Ok(v),
            Ok(v) => Err((RejectReason::InvalidWeight, format!("weight = {v}"))),
            Err(NumberError::Missing) => Err((RejectReason::InvalidWeight, "weight is empty".into())),
            Err(NumberError::Invalid(s)) => Err((RejectReason::InvalidWeight, format!("weight = {s:?}"))),
        },
    }
}

/// The location and weight of row `i`: its area code when it has one (interned in `codes`),
/// else its coordinates.
#[inline]
fn locate(place: &Place<'_>, i: usize, scheme: AreaScheme, codes: &mut CodeTable) -> Result<(Location, f64), Why> {
    let weight = weight(place, i)?;
    if let Some(area) = &place.area {
        match codes.intern_row(scheme, area, i) {
            Some(Some(c)) => return Ok((Location::Area(c), weight)),
            Some(None) => {
                return Err((RejectReason::BadAreaCode, format!("area_code = {:?}", area.text(i).unwrap_or_default())))
            }
            None => {}
        }
    }
    let Some((xs, ys)) = &place.xy else {
        return Err((RejectReason::NoLocation, "area_code is empty and there are no coordinates".into()));
    };
    match (xs.number(i), ys.number(i)) {
        (Ok(x), Ok(y)) => Ok((Location::Point { x, y }, weight)),
        (Err(NumberError::Missing), Err(NumberError::Missing)) => {
            Err((RejectReason::NoLocation, "no area code and no coordinates".into()))
        }
        (x, y) => Err((RejectReason::InvalidCoordinate, format!("x = {}, y = {}", shown(&x), shown(&y)))),
    }
}

/// What tells, per row of a piece, whether it has an id: its key, or its run flag.
#[derive(Clone, Copy)]
pub(super) enum Ids<'a> {
    Keys(&'a [u128]),
    Runs(&'a [Run]),
}

impl<'a> Ids<'a> {
    /// The number of rows.
    pub(super) fn len(self) -> usize {
        match self {
            Ids::Keys(k) => k.len(),
            Ids::Runs(f) => f.len(),
        }
    }

    /// Whether row `k` has no id.
    #[inline]
    fn missing(self, k: usize) -> bool {
        match self {
            Ids::Keys(keys) => keys[k] == NO_KEY,
            Ids::Runs(flags) => flags[k] == Run::NoId,
        }
    }

    /// The ids of rows `r`.
    pub(super) fn get(self, r: std::ops::Range<usize>) -> Ids<'a> {
        match self {
            Ids::Keys(keys) => Ids::Keys(&keys[r]),
            Ids::Runs(flags) => Ids::Runs(&flags[r]),
        }
    }
}

/// What one piece of rows found: its rejected rows (in order), and the technologies and area
/// codes it saw, numbered as in its part of the technology and location columns.
#[derive(Default)]
pub(super) struct Found {
    pub(super) rejected: Vec<Rejected>,
    pub(super) technologies: Vec<String>,
    pub(super) codes: CodeTable,
}

/// The columns a batch's rows are checked on, and how.
pub(super) struct Rules<'a> {
    pub(super) cols: &'a Columns,
    pub(super) scheme: AreaScheme,
    /// Per row, the universe address of its id (records joined to a universe); empty otherwise.
    pub(super) in_universe: &'a [Index],
    /// Whether every column a row is checked on is read (not so while a Parquet file's lazy
    /// coordinates are left unread): only then is a row without any value called blank.
    pub(super) complete: bool,
    /// The rows a `--where` filter leaves out (sorted): not checked, their codes not noted.
    pub(super) left: &'a [usize],
}

/// Row access to one piece's columns.
struct Piece<'a> {
    place: Place<'a>,
    down: Option<Rows<'a>>,
    up: Option<Rows<'a>>,
    technology: Option<Rows<'a>>,
}

/// What a piece had copied whole (typed, without nulls, every value valid): then those rules
/// hold for every row and are not checked row by row.
#[derive(Clone, Copy)]
struct Whole {
    speeds: bool,
    points: bool,
}

impl Rules<'_> {
    /// Checks the rows of one piece (from row `base`, one per id) by the rules, writing the
    /// values of its usable rows into `out`: first what can be copied whole, then row by row.
    pub(super) fn check(&self, base: usize, mut out: Slices<'_>, ids: Ids<'_>) -> Found {
        let rows = base..base + ids.len();
        let cols = self.cols;
        let piece = Piece {
            place: cols.place(rows.clone()),
            down: cols.down.as_ref().map(|v| v.rows(rows.clone())),
            up: cols.up.as_ref().map(|v| v.rows(rows.clone())),
            technology: cols.technology.as_ref().map(|v| v.rows(rows.clone())),
        };
        let whole = copy_whole(&piece, rows.clone(), &mut out);
        let mut found = Found::default();
        let (mut seen, mut last) = (FxHashMap::default(), LastRun::default());
        for k in 0..ids.len() {
            let i = base + k;
            if !self.left.is_empty() && self.left.binary_search(&i).is_ok() {
                continue;
            }
            if let Err((reason, detail)) = self.check_row(&piece, i, k, ids, whole, &mut out, &mut found.codes) {
                found.rejected.push(Rejected { row: i, reason, detail });
                continue;
            }
            let technology = piece.technology.as_ref().and_then(|t| {
                last.answer(t, i, |s| {
                    seen.get(s).copied().unwrap_or_else(|| add_name(&mut found.technologies, &mut seen, s.to_string()))
                })
            });
            if let Some(t) = technology {
                out.tech[k] = Index::new(t);
            }
        }
        found
    }

    /// The rules for row `i` (the piece's `k`-th), in order: an id, valid speeds, membership of
    /// the universe, a location and weight; the values of a usable row are written into `out`.
    #[allow(clippy::too_many_arguments)]
    #[inline]
    fn check_row(
        &self,
        piece: &Piece<'_>,
        i: usize,
        k: usize,
        ids: Ids<'_>,
        whole: Whole,
        out: &mut Slices<'_>,
        codes: &mut CodeTable,
    ) -> Result<(), Why> {
        if ids.missing(k) {
            return Err(self.without_id(piece, i));
        }
        if let (Some(down), false) = (&piece.down, whole.speeds) {
            out.down[k] = speed(down, i, Field::DownMbps)?;
            let up = piece.up.as_ref().map_or(Ok(0.0), |u| speed(u, i, Field::UpMbps))?;
            if let Some(slot) = out.up.get_mut(k) {
                *slot = up;
            }
        }
        if self.in_universe.get(i).is_some_and(|a| a.is_none()) {
            let id = self.cols.id.text(i).unwrap_or_default();
            return Err((RejectReason::NotInUniverse, format!("address_id {id:?} is not in the universe file")));
        }
        if !out.loc.area.is_empty() && !whole.points {
            let (location, w) = locate(&piece.place, i, self.scheme, codes)?;
            match location {
                Location::Area(c) => out.loc.area[k] = LocatedBy::code(c),
                Location::Point { x, y } => (out.loc.area[k], out.loc.xy[k]) = (LocatedBy::POINT, [x, y]),
            }
            if let Some(slot) = out.weight.get_mut(k) {
                *slot = w;
            }
        }
        Ok(())
    }

    /// Why row `i`, which has no id, is rejected: a blank row when no column used has a value in
    /// it (a blank line, or a line of delimiters), else a missing id.
    fn without_id(&self, piece: &Piece<'_>, i: usize) -> Why {
        let p = &piece.place;
        let others = [
            p.area.as_ref(),
            p.xy.as_ref().map(|xy| &xy.0),
            p.xy.as_ref().map(|xy| &xy.1),
            p.weight.as_ref(),
            piece.down.as_ref(),
            piece.up.as_ref(),
            piece.technology.as_ref(),
        ];
        if self.complete && others.into_iter().flatten().all(|c| c.text(i).is_none()) {
            (RejectReason::BlankRow, "no address_id and no value in any other column used (a blank line?)".into())
        } else {
            (RejectReason::MissingAddressId, "address_id is empty".into())
        }
    }
}

/// Copies what is valid for every row of the piece at once: typed speeds without nulls, all
/// plausible; and coordinates without an area code or a weight beside them, typed, without
/// nulls and all finite (every row is then located by its point).
fn copy_whole(piece: &Piece<'_>, rows: std::ops::Range<usize>, out: &mut Slices<'_>) -> Whole {
    let speeds = piece.down.as_ref().and_then(|d| plausible(d.floats(rows.clone()))).and_then(|d| match &piece.up {
        None => Some((d, None)),
        Some(u) => plausible(u.floats(rows.clone())).map(|u| (d, Some(u))),
    });
    if let Some((d, u)) = speeds {
        out.down.copy_from_slice(d);
        if let (Some(u), false) = (u, out.up.is_empty()) {
            out.up.copy_from_slice(u);
        }
    }
    let points = match (&piece.place, out.loc.area.is_empty(), out.weight.is_empty()) {
        (Place { area: None, xy: Some((xs, ys)), weight: None }, false, true) => {
            finite(xs.floats(rows.clone())).zip(finite(ys.floats(rows)))
        }
        _ => None,
    };
    if let Some((xs, ys)) = points {
        out.loc.area.fill(LocatedBy::POINT);
        out.loc.xy.iter_mut().zip(xs.iter().zip(ys)).for_each(|(slot, (&x, &y))| *slot = [x, y]);
    }
    Whole { speeds: speeds.is_some(), points: points.is_some() }
}
