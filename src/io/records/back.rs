//! Reading given rows back from an input's files after the run: the address ids of gap lists
//! and class lists, and the places of addresses for `--by h3:R` and `grid:…` (cell column, else
//! coordinates), which the loader does not keep.

use std::path::Path;

use dekking_table::{Values, Want};

use super::layout::missing;
use super::{open, Frames};
use crate::error::{Error, Result};
use crate::io::columns::Field;
use crate::io::profile::Profile;
use crate::model::availability::{Parts, XyCrs};
use crate::model::cells::CellPlace;

/// For each asked data row (1-based, numbered across the files of `parts`), the value `read`
/// gives for it, in the order asked; `read` gets each file once with its own rows.
fn read_back<T: Clone + Default>(
    parts: &Parts,
    rows: &[u64],
    mut read: impl FnMut(&Path, &[u64]) -> Result<Vec<T>>,
) -> Result<Vec<T>> {
    let mut per_file: Vec<(Vec<usize>, Vec<u64>)> = vec![Default::default(); parts.files.len()];
    for (k, &r) in rows.iter().enumerate() {
        let f = parts.files.partition_point(|(_, before)| *before < r).max(1) - 1;
        if let Some((asked, own)) = per_file.get_mut(f) {
            asked.push(k);
            own.push(r - parts.files[f].1);
        }
    }
    let mut out = vec![T::default(); rows.len()];
    for ((file, _), (asked, own)) in parts.files.iter().zip(per_file) {
        if asked.is_empty() {
            continue;
        }
        for (k, found) in asked.into_iter().zip(read(Path::new(file), &own)?) {
            out[k] = found;
        }
    }
    Ok(out)
}

/// The 0-based index of 1-based data row `r` of a file of `len` rows.
fn row_index(path: &Path, r: u64, len: usize) -> Result<usize> {
    usize::try_from(r).ok().filter(|&r| r >= 1 && r <= len).map(|r| r - 1).ok_or_else(|| {
        Error::table(path, format!("row {r} is past the end of the file; was it changed during the run?"))
    })
}

/// Reads back the address id and postcode (empty when the file has none) of the given 1-based
/// data `rows` of an input read from `parts` (rows numbered across its files), in the order asked.
///
/// # Errors
/// [`Error::Io`] or [`Error::Table`] for an unreadable file, [`Error::MissingColumn`] without an
/// id column, and [`Error::Table`] for a row beyond the end of a file.
pub fn identify(
    parts: &Parts,
    profile: &Profile,
    delimiter: Option<u8>,
    frames: &Frames,
    rows: &[u64],
) -> Result<Vec<(String, String)>> {
    read_back(parts, rows, |path, own| identify_in(path, profile, delimiter, frames, own))
}

/// Reads back the address id and postcode (empty when the file has none) of the given 1-based
/// data `rows` of one address file, in the order asked.
///
/// # Errors
/// As [`identify`].
pub(super) fn identify_in(
    path: &Path,
    profile: &Profile,
    delimiter: Option<u8>,
    frames: &Frames,
    rows: &[u64],
) -> Result<Vec<(String, String)>> {
    let table = open(path, delimiter, profile, frames)?;
    let found = profile.resolve(&table.header);
    let id = *found.get(&Field::AddressId).ok_or_else(|| missing(&table, profile, Field::AddressId))?;
    let mut asked = vec![(id, Want::Text)];
    if let Some(&pc) = found.get(&Field::Postcode) {
        asked.push((pc, Want::Text));
    }
    let values = table.read(&asked)?;
    let text = |v: &Values, i: usize| v.text(i).map(|t| t.into_owned()).unwrap_or_default();
    rows.iter()
        .map(|&r| {
            let i = row_index(path, r, values[0].len())?;
            Ok((text(&values[0], i), values.get(1).map(|v| text(v, i)).unwrap_or_default()))
        })
        .collect()
}

/// Reads back where each of the given 1-based data `rows` is, for placing it in a cell: its H3
/// cell column when `h3` and the file has one, else its longitude/latitude, else its x/y in the
/// profile's CRS.
///
/// # Errors
/// [`Error::Io`] or [`Error::Table`] for an unreadable file, [`Error::MissingColumn`] for a file
/// with none of those columns, [`Error::Table`] for a row beyond the end of a file.
pub fn places(
    parts: &Parts,
    profile: &Profile,
    delimiter: Option<u8>,
    frames: &Frames,
    rows: &[u64],
    h3: bool,
) -> Result<Vec<CellPlace>> {
    read_back(parts, rows, |path, own| places_in(path, (profile, delimiter, frames), own, h3))
}

/// [`places`] for the rows of one file.
fn places_in(
    path: &Path,
    (profile, delimiter, frames): (&Profile, Option<u8>, &Frames),
    rows: &[u64],
    h3: bool,
) -> Result<Vec<CellPlace>> {
    let table = open(path, delimiter, profile, frames)?;
    let found = profile.resolve(&table.header);
    if let Some(&c) = found.get(&Field::H3Cell).filter(|_| h3) {
        let values = table.read(&[(c, Want::Text)])?;
        return rows
            .iter()
            .map(|&r| {
                let text = values[0].text(row_index(path, r, values[0].len())?);
                Ok(match text.as_deref().map(str::trim) {
                    None | Some("") => CellPlace::Missing,
                    Some(t) => CellPlace::H3(u64::from_str_radix(t, 16).unwrap_or(0)),
                })
            })
            .collect();
    }
    let pair = |a: Field, b: Field| Some((*found.get(&a)?, *found.get(&b)?));
    let Some(((x, y), crs)) = pair(Field::Lon, Field::Lat)
        .map(|p| (p, XyCrs::Wgs84))
        .or_else(|| pair(Field::X, Field::Y).map(|p| (p, profile.xy_crs)))
    else {
        return Err(Error::MissingColumn {
            file: table.path.clone(),
            field: "lon/lat or x/y".into(),
            profile: profile.name.clone(),
            looked_for: format!(
                "{} and {}, or {} and {}{}",
                profile.looked_for(Field::Lon),
                profile.looked_for(Field::Lat),
                profile.looked_for(Field::X),
                profile.looked_for(Field::Y),
                if h3 {
                    format!(", or an H3 cell column ({})", profile.looked_for(Field::H3Cell))
                } else {
                    String::new()
                }
            ),
        });
    };
    let values = table.read(&[(x, Want::Number), (y, Want::Number)])?;
    rows.iter()
        .map(|&r| {
            let i = row_index(path, r, values[0].len())?;
            Ok(match (values[0].number(i), values[1].number(i)) {
                (Ok(x), Ok(y)) if x.is_finite() && y.is_finite() => CellPlace::Point(x, y, crs),
                _ => CellPlace::Missing,
            })
        })
        .collect()
}
