//! Which columns of a table are read, and as what: the profile resolved against the header, and
//! each batch's columns handed out by role.

use std::ops::Range;

use dekking_table::{quoted, Format, Rows, Table, Values, Want};

use crate::error::{Error, Result};
use crate::io::columns::Field;
use crate::io::profile::Profile;
use crate::model::availability::XyCrs;
use crate::model::source::SourceInfo;

use super::RowFilter;

/// One batch's columns by role; `None` when the file has no such column or it is not read.
pub(super) struct Columns {
    pub(super) id: Values,
    pub(super) area: Option<Values>,
    pub(super) xy: Option<(Values, Values, XyCrs)>,
    pub(super) weight: Option<Values>,
    pub(super) down: Option<Values>,
    pub(super) up: Option<Values>,
    pub(super) technology: Option<Values>,
    /// The row filters' columns, in the order of [`Layout::filters`].
    pub(super) filters: Vec<Values>,
    /// The record condition's column.
    pub(super) condition: Option<Values>,
    /// The rows' own row numbers (1-based), in a spilled file.
    pub(super) row: Option<Values>,
}

/// Row access to the location and weight columns of a range of rows.
pub(super) struct Place<'a> {
    pub(super) area: Option<Rows<'a>>,
    pub(super) xy: Option<(Rows<'a>, Rows<'a>)>,
    pub(super) weight: Option<Rows<'a>>,
}

impl Columns {
    /// The location and weight columns of `range`.
    pub(super) fn place(&self, range: Range<usize>) -> Place<'_> {
        Place {
            area: self.area.as_ref().map(|v| v.rows(range.clone())),
            xy: self.xy.as_ref().map(|(x, y, _)| (x.rows(range.clone()), y.rows(range.clone()))),
            weight: self.weight.as_ref().map(|v| v.rows(range.clone())),
        }
    }

    /// The number of rows.
    pub(super) fn len(&self) -> usize {
        self.id.len()
    }

    /// The rows `rows` (ascending) of every column read, as a batch of their own.
    pub(super) fn select(&self, rows: &[usize]) -> Columns {
        let pick = |v: &Option<Values>| v.as_ref().map(|v| v.select(rows));
        Columns {
            id: self.id.select(rows),
            area: pick(&self.area),
            xy: self.xy.as_ref().map(|(x, y, crs)| (x.select(rows), y.select(rows), *crs)),
            weight: pick(&self.weight),
            down: pick(&self.down),
            up: pick(&self.up),
            technology: pick(&self.technology),
            filters: self.filters.iter().map(|v| v.select(rows)).collect(),
            condition: pick(&self.condition),
            row: pick(&self.row),
        }
    }
}

/// Whether `field` is a coordinate.
fn is_xy(field: Field) -> bool {
    matches!(field, Field::X | Field::Y | Field::Lon | Field::Lat)
}

/// Which columns of a table are read, and as what: the profile resolved against its header.
#[derive(Clone)]
pub(super) struct Layout {
    wanted: Vec<(Field, usize, Want)>,
    /// The CRS of the coordinates, when there are any.
    pub(super) xy_crs: Option<XyCrs>,
    /// Whether the coordinates are read only for the batches that need them: a Parquet file
    /// with area codes, whose coordinates serve the rows without one.
    pub(super) lazy_xy: bool,
    /// The row filters, each with its column's header position.
    filters: Vec<(usize, RowFilter)>,
    /// The record condition, with its column's header position.
    condition: Option<(usize, RowFilter)>,
    /// The header position of the rows' own row numbers, in a spilled file.
    row: Option<usize>,
}

impl Layout {
    /// Resolves the id, the location and weight (when `with_location`) and the `extra` fields
    /// (`true` = required) against `table`'s header.
    ///
    /// # Errors
    /// [`Error::MissingColumn`] for a required field the header lacks (or [`Error::Table`] when
    /// the header is one column that holds another delimiter), [`Error::Table`] when a location
    /// is needed and there is none.
    pub(super) fn resolve(
        table: &Table,
        profile: &Profile,
        extra: &[(Field, bool)],
        with_location: bool,
        use_weights: bool,
    ) -> Result<Layout> {
        let found = profile.resolve(&table.header);
        let mut wanted: Vec<(Field, usize, Want)> = Vec::new();
        let id = *found.get(&Field::AddressId).ok_or_else(|| missing(table, profile, Field::AddressId))?;
        wanted.push((Field::AddressId, id, Want::Text));
        if let Some(&(field, _)) = extra.iter().find(|(f, required)| *required && !found.contains_key(f)) {
            return Err(missing(table, profile, field));
        }
        let mut xy_crs = None;
        if with_location {
            if let Some(&a) = found.get(&Field::AreaCode) {
                wanted.push((Field::AreaCode, a, Want::Text));
            }
            let pair = |fx, fy| Some((*found.get(&fx)?, *found.get(&fy)?));
            if let Some((x, y)) = pair(Field::X, Field::Y) {
                wanted.extend([(Field::X, x, Want::Number), (Field::Y, y, Want::Number)]);
                xy_crs = Some(profile.xy_crs);
            } else if let Some((x, y)) = pair(Field::Lon, Field::Lat) {
                wanted.extend([(Field::Lon, x, Want::Number), (Field::Lat, y, Want::Number)]);
                xy_crs = Some(XyCrs::Wgs84);
            }
            if !found.contains_key(&Field::AreaCode) && xy_crs.is_none() {
                return Err(Error::table(
                    &table.path,
                    format!(
                        "no location column (profile `{}`; looked for {} and for x/y or lon/lat); map one with --column area_code=NAME, or --column x=NAME --column y=NAME",
                        profile.name,
                        profile.looked_for(Field::AreaCode)
                    ),
                ));
            }
            if use_weights {
                if let Some(&w) = found.get(&Field::Weight) {
                    wanted.push((Field::Weight, w, Want::Number));
                }
            }
        }
        for &(field, _) in extra {
            if let Some(&i) = found.get(&field) {
                wanted.push((field, i, if field == Field::Technology { Want::Text } else { Want::Number }));
            }
        }
        let lazy_xy = table.format == Format::Parquet && found.contains_key(&Field::AreaCode) && xy_crs.is_some();
        Ok(Layout { wanted, xy_crs, lazy_xy, filters: Vec::new(), condition: None, row: None })
    }

    /// The layout with the columns of the row `filters` and of the record `condition` found in
    /// `table`'s header (exact name first, else any case).
    ///
    /// # Errors
    /// [`Error::Table`] for a column the file lacks.
    pub(super) fn with_filters(
        mut self,
        table: &Table,
        filters: &[RowFilter],
        condition: Option<&RowFilter>,
    ) -> Result<Layout> {
        let h = &table.header;
        let find = |f: &RowFilter, flag: &str| {
            let exact = h.iter().position(|c| *c == f.column);
            exact.or_else(|| h.iter().position(|c| c.eq_ignore_ascii_case(&f.column))).ok_or_else(|| {
                let what = format!("no column {} for {flag} {f}; the columns are {}", quoted(&f.column), h.join(", "));
                Error::table(&table.path, what)
            })
        };
        for f in filters {
            self.filters.push((find(f, "--where")?, f.clone()));
        }
        if let Some(c) = condition {
            self.condition = Some((find(c, "the classification's condition")?, c.clone()));
        }
        Ok(self)
    }

    /// The layout reading the rows' own row numbers too (a spilled file's column `name`).
    ///
    /// # Errors
    /// [`Error::Table`] for a file without the column.
    pub(super) fn with_row(mut self, table: &Table, name: &str) -> Result<Layout> {
        let at = table.header.iter().position(|c| c == name);
        self.row = Some(at.ok_or_else(|| Error::table(&table.path, format!("no column {name}: not a spilled file")))?);
        Ok(self)
    }

    /// The layout reading coordinates with every batch (`lazy` false) or only for the batches
    /// that need them, as another file's was (a spilled file's, as its records file's).
    pub(super) fn lazy(mut self, lazy: bool) -> Layout {
        self.lazy_xy = lazy && self.xy_crs.is_some();
        self
    }

    /// The header positions a spill writes, in the order of the values it has: those of
    /// [`Layout::asked`], then the lazy coordinates.
    pub(super) fn spilled(&self) -> Vec<usize> {
        let lazy = self.wanted.iter().filter(|(f, _, _)| self.lazy_xy && is_xy(*f)).map(|(_, i, _)| *i);
        self.asked().into_iter().map(|(i, _)| i).chain(lazy).collect()
    }

    /// Appends to `out` whether each row of a batch meets the record condition (nothing
    /// without one).
    pub(super) fn qualifies(&self, cols: &Columns, out: &mut Vec<bool>) {
        if let (Some((_, c)), Some(v)) = (&self.condition, &cols.condition) {
            out.extend((0..cols.len()).map(|i| c.keeps(&v.text(i).unwrap_or_default())));
        }
    }

    /// The rows of a batch (0-based, ascending) some row filter leaves out.
    pub(super) fn left_out(&self, cols: &Columns) -> Vec<usize> {
        if self.filters.is_empty() {
            return Vec::new();
        }
        (0..cols.len())
            .filter(|&i| {
                self.filters.iter().zip(&cols.filters).any(|((_, f), v)| !f.keeps(&v.text(i).unwrap_or_default()))
            })
            .collect()
    }

    /// Whether `field` is read with every batch (all but lazy coordinates).
    fn every_batch(&self, field: Field) -> bool {
        !(self.lazy_xy && is_xy(field))
    }

    /// Whether `cols` (a batch) still lacks the lazy coordinates of its rows.
    pub(super) fn xy_unread(&self, cols: &Columns) -> bool {
        self.lazy_xy && cols.xy.is_none()
    }

    /// The header positions to read with every batch, and as what.
    pub(super) fn asked(&self) -> Vec<(usize, Want)> {
        let read = self.wanted.iter().filter(|(f, _, _)| self.every_batch(*f)).map(|(_, i, w)| (*i, *w));
        let more = self.filters.iter().chain(&self.condition).map(|(i, _)| (*i, Want::Text));
        read.chain(more).chain(self.row.map(|i| (i, Want::Number))).collect()
    }

    /// Reads the lazy coordinates of `rows` (0-based) into `cols`, for a batch with rows that
    /// need them: of the rows `held` of them when the batch holds only those.
    ///
    /// # Errors
    /// As [`Table::read_rows`].
    pub(super) fn read_coordinates(
        &self,
        table: &Table,
        rows: Range<usize>,
        held: Option<&[usize]>,
        cols: &mut Columns,
    ) -> Result<()> {
        let pick = |v: Values| match held {
            Some(h) => v.select(h),
            None => v,
        };
        let [x, y] = self.coordinates(table, rows)?.map(pick);
        cols.xy = Some((x, y, self.xy_crs.expect("lazy coordinates have a CRS")));
        Ok(())
    }

    /// The coordinate columns (x, y) of `rows` (0-based) of `table`.
    ///
    /// # Errors
    /// As [`Table::read_rows`].
    pub(super) fn coordinates(&self, table: &Table, rows: Range<usize>) -> Result<[Values; 2]> {
        let asked: Vec<(usize, Want)> =
            self.wanted.iter().filter(|(f, _, _)| is_xy(*f)).map(|(_, i, w)| (*i, *w)).collect();
        let mut xy = table.read_rows(&asked, rows)?.into_iter();
        match (xy.next(), xy.next()) {
            (Some(x), Some(y)) => Ok([x, y]),
            _ => unreachable!("coordinates are two columns"),
        }
    }

    /// Whether `field` is read.
    pub(super) fn has(&self, field: Field) -> bool {
        self.wanted.iter().any(|(f, _, _)| *f == field)
    }

    /// A batch's columns (read in the order of [`Layout::asked`]) by role.
    pub(super) fn columns(&self, mut values: Vec<Values>) -> Columns {
        let row = if self.row.is_some() { values.pop() } else { None };
        let condition = if self.condition.is_some() { values.pop() } else { None };
        let filters = values.split_off(values.len() - self.filters.len());
        let mut values: Vec<Option<Values>> = values.into_iter().map(Some).collect();
        let read: Vec<Field> = self.wanted.iter().map(|(f, _, _)| *f).filter(|f| self.every_batch(*f)).collect();
        let mut take = |field: Field| read.iter().position(|f| *f == field).and_then(|k| values[k].take());
        let id = take(Field::AddressId).expect("the id column is always read");
        let area = take(Field::AreaCode);
        let xy = match self.xy_crs {
            Some(_) if self.lazy_xy => None,
            Some(crs) => {
                let x = take(Field::X).or_else(|| take(Field::Lon)).expect("x or lon was read");
                let y = take(Field::Y).or_else(|| take(Field::Lat)).expect("y or lat was read");
                Some((x, y, crs))
            }
            None => None,
        };
        let (weight, down, up, technology) =
            (take(Field::Weight), take(Field::DownMbps), take(Field::UpMbps), take(Field::Technology));
        Columns { id, area, xy, weight, down, up, technology, filters, condition, row }
    }

    /// Provenance of `table` read with this layout, with its number of data rows.
    pub(super) fn source(&self, table: &Table, role: &str, rows: usize) -> SourceInfo {
        SourceInfo {
            role: role.into(),
            path: table.path.display().to_string(),
            sha256: table.sha256().to_string(),
            rows: rows as u64,
            format: {
                let format = match (table.format, table.delimiter) {
                    (Format::Frame, _) => "arrow, in memory".into(),
                    (_, Some(d)) => format!("csv, {}, delimiter {:?}", table.encoding, d as char),
                    (_, None) => "parquet".into(),
                };
                match &table.packing {
                    Some(how) => format!("{format} ({how})"),
                    None => format,
                }
            },
            columns: self.wanted.iter().map(|(f, i, _)| (f.name().to_string(), table.header[*i].clone())).collect(),
        }
    }
}

/// The error for a required field the header lacks: a missing column, or, when the header is one
/// column holding another candidate delimiter, a wrong delimiter.
pub(super) fn missing(table: &Table, profile: &Profile, field: Field) -> Error {
    match (&table.header[..], table.delimiter) {
        ([only], Some(d)) if [b',', b';', b'\t', b'|'].iter().any(|c| *c != d && only.as_bytes().contains(c)) => {
            Error::table(
                &table.path,
                format!("the header is one column {} when split on {:?}; the file uses another delimiter: give the right --delimiter or none", quoted(only), d as char),
            )
        }
        _ => Error::MissingColumn {
            file: table.path.clone(),
            field: field.name().into(),
            profile: profile.name.clone(),
            looked_for: profile.looked_for(field),
        },
    }
}
