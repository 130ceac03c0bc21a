//! Parsing one part of a table into columns: lines without quotes by the fast parser of
//! [`crate::unquoted`], a CSV file with a quote anywhere at once by polars' general CSV reader
//! (a quoted field may hold a delimiter or a line end), and row ranges of a Parquet file by
//! polars' Parquet reader, the asked columns only.

use std::io::Cursor;
use std::sync::Arc;

use polars::prelude::*;

use crate::error::{Error, ErrorKind, Result};
use crate::table::{Part, Table, Want};
use crate::unquoted::{self, Kind};
use crate::values::Values;

impl Table {
    /// The header names of the columns at the given positions.
    pub(crate) fn names(&self, columns: &[(usize, Want)]) -> Vec<PlSmallStr> {
        columns.iter().map(|(i, _)| self.header[*i].as_str().into()).collect()
    }

    /// Parses the asked columns of one part of the table: its number of rows and the columns,
    /// a partition column as its value in every row.
    pub(crate) fn parse(
        &self,
        columns: &[(usize, Want)],
        names: &[PlSmallStr],
        part: &Part,
    ) -> Result<(usize, Vec<Values>)> {
        let width = self.file_width();
        if columns.iter().all(|(i, _)| *i < width) {
            return self.parse_file(columns, names, part);
        }
        // The file's own columns (at least its first, to count the rows), then the constants.
        let mut own: Vec<(usize, Want)> = columns.iter().copied().filter(|(i, _)| *i < width).collect();
        if own.is_empty() {
            own.push((0, Want::Text));
        }
        let (rows, parsed) = self.parse_file(&own, &self.names(&own), part)?;
        let mut parsed = parsed.into_iter();
        let values = columns
            .iter()
            .map(|&(i, _)| match i.checked_sub(width) {
                Some(k) => Values::constant(&self.partitions[k], rows),
                None => parsed.next().unwrap_or_else(Values::empty),
            })
            .collect();
        Ok((rows, values))
    }

    /// [`Table::parse`] of the file's own columns.
    fn parse_file(&self, columns: &[(usize, Want)], names: &[PlSmallStr], part: &Part) -> Result<(usize, Vec<Values>)> {
        let mut unique = names.to_vec();
        unique.sort();
        unique.dedup();
        let df = match part {
            Part::Text(bytes) => return self.unquoted(columns, bytes.clone()),
            Part::Rows(range) if self.frame.is_some() => {
                let frame = self.frame.as_ref().expect("checked");
                Ok(frame.slice(range.start as i64, range.len()))
            }
            Part::Rows(range) => {
                let mut reader = ParquetReader::new(Cursor::new(self.data()))
                    .with_columns(Some(unique.iter().map(|n| n.to_string()).collect()));
                if let Some(footer) = &self.parquet {
                    reader.set_metadata(footer.clone());
                }
                reader.with_slice(Some((range.start, range.len()))).finish()
            }
            // Numbers parsed by polars first. A cell it cannot parse (a decimal comma, stray
            // text) fails the whole file; then it is all read as text and checked cell by cell,
            // so that the bad rows can be rejected with their row number.
            Part::Whole => {
                let numbers: Vec<&PlSmallStr> = columns
                    .iter()
                    .zip(names)
                    .filter(|((_, want), _)| *want == Want::Number)
                    .map(|(_, name)| name)
                    .collect();
                self.csv(&unique, &numbers).or_else(|_| self.csv(&unique, &[]))
            }
        };
        let df = df.map_err(|e| self.unparsable(&e, part))?;
        Ok((df.height(), self.values(&df, columns)?))
    }

    /// Parses the asked columns of lines without quotes (a byte range of the text, whole lines).
    pub(crate) fn unquoted(
        &self,
        columns: &[(usize, Want)],
        bytes: std::ops::Range<usize>,
    ) -> Result<(usize, Vec<Values>)> {
        let kinds: Vec<(usize, Kind)> = columns
            .iter()
            .map(|&(i, want)| (i, if want == Want::Number { Kind::Number } else { Kind::Text }))
            .collect();
        let (rows, parsed) =
            unquoted::parse(&self.data()[bytes.clone()], self.delimiter.unwrap_or(b','), self.file_width(), &kinds)
                .map_err(|e| {
                    let line = memchr::memchr_iter(b'\n', &self.data()[..bytes.start]).count() + e.line + 1;
                    self.ragged(line as u64, e.fields)
                })?;
        Ok((rows, parsed.into_iter().map(Values::from_cells).collect()))
    }

    /// Reads the named columns of the whole CSV file with polars' general parser, the
    /// `numbers` among them as `f64`.
    pub(crate) fn csv(&self, columns: &[PlSmallStr], numbers: &[&PlSmallStr]) -> PolarsResult<DataFrame> {
        let overwrite: Schema = numbers.iter().map(|&name| Field::new(name.clone(), DataType::Float64)).collect();
        CsvReadOptions::default()
            .with_infer_schema_length(Some(0))
            .with_columns(Some(Arc::from(columns.to_vec())))
            .with_parse_options(
                CsvParseOptions::default().with_separator(self.delimiter.unwrap_or(b',')).with_missing_is_null(true),
            )
            .with_has_header(true)
            .with_skip_lines(self.skipped_lines)
            .with_schema_overwrite(Some(Arc::new(overwrite)))
            .into_reader_with_file_handle(Cursor::new(self.data()))
            .finish()
    }

    /// The asked columns of a parsed batch as [`Values`].
    pub(crate) fn values(&self, df: &DataFrame, columns: &[(usize, Want)]) -> Result<Vec<Values>> {
        let fail = |e| self.unparsable(&e, &Part::Rows(0..0));
        columns
            .iter()
            .map(|&(i, want)| {
                let col = df.column(self.header[i].as_str()).map_err(fail)?;
                let numeric = col.dtype().is_primitive_numeric();
                Ok(match (want, numeric) {
                    (Want::Number, true) => {
                        Values::float_column(col.cast(&DataType::Float64).map_err(fail)?.f64().map_err(fail)?)
                    }
                    _ => Values::text_column(col.cast(&DataType::String).map_err(fail)?.str().map_err(fail)?),
                })
            })
            .collect()
    }

    /// The error for a part of the table polars cannot parse: for a whole CSV file, the first
    /// line whose number of fields differs from the header's, when there is one.
    pub(crate) fn unparsable(&self, e: &PolarsError, part: &Part) -> Error {
        let text = match part {
            Part::Whole => Some(self.body..self.data().len()),
            Part::Rows(_) | Part::Text(_) => None,
        };
        let ragged = text.and_then(|bytes| {
            let mut reader = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .delimiter(self.delimiter.unwrap_or(b','))
                .from_reader(&self.data()[bytes.clone()]);
            let (line, fields) = reader
                .records()
                .flatten()
                .find(|r| r.len() != self.file_width())
                .map(|r| (r.position().map_or(0, |p| p.line()), r.len()))?;
            let before = memchr::memchr_iter(b'\n', &self.data()[..bytes.start]).count() as u64;
            Some(self.ragged(before + line, fields))
        });
        ragged.unwrap_or_else(|| {
            let first = e.to_string();
            // polars' own words, which can hold a piece of the input: its first line, quoted.
            let message =
                format!("cannot parse the table: {}", crate::quoted_to(first.lines().next().unwrap_or_default(), 200));
            Error::new(&self.path, ErrorKind::Unparsable, message)
        })
    }

    /// The error for line `line` (1-based in the file), which has `fields` fields where the
    /// header has another number.
    pub(crate) fn ragged(&self, line: u64, fields: usize) -> Error {
        Error::ragged(&self.path, line, fields, self.file_width())
    }
}
