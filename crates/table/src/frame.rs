//! Tables given in memory: a polars DataFrame (from Python, through the Arrow C stream
//! interface, its buffers shared rather than copied) read as a Parquet file is, in row ranges of
//! the asked columns.

use std::path::Path;

use polars::prelude::*;
use polars_arrow::array::{PrimitiveArray, StructArray};
use polars_arrow::ffi::{ArrowArrayStream, ArrowArrayStreamReader};

use crate::error::{Error, ErrorKind, Result};
use crate::source::Bytes;
use crate::table::{Format, Table};

impl Table {
    /// A table of the columns of `frame`, named `path` in messages and provenance. Its checksum
    /// ([`Table::sha256`]) is that of its values in a canonical form (each column's name and
    /// type, then its cells: text as length and bytes, other numbers as `f64` bits, missing as a
    /// marker), so the same values give the same checksum however the frame is chunked.
    #[must_use]
    pub fn from_frame(path: &Path, frame: DataFrame) -> Table {
        let mut table = Table::blank(path, Bytes::Owned(Vec::new()), Format::Frame);
        table.header = frame.get_column_names().iter().map(|n| n.to_string()).collect();
        table.frame = Some(frame);
        table
    }
}

/// `array`, its 8- and 16-bit integers as 32-bit ones (a copy: polars is built without the
/// narrow types; the columns that hold them, such as technology codes, are small).
fn widened(array: ArrayRef) -> ArrayRef {
    macro_rules! widen {
        ($($t:ty),*) => {$(
            if let Some(a) = array.as_any().downcast_ref::<PrimitiveArray<$t>>() {
                let wide: Vec<Option<i32>> = a.iter().map(|v| v.map(|&x| i32::from(x))).collect();
                return PrimitiveArray::<i32>::from(wide).boxed();
            }
        )*};
    }
    widen!(i8, i16, u8, u16);
    array
}

/// Imports an Arrow C stream of record batches as a DataFrame; the buffers of its columns are
/// the stream's own, not copies (text as Arrow string views, as polars exports it, and numbers;
/// 8- and 16-bit integers are widened to 32 bits).
/// `name` is used in messages.
///
/// # Safety
/// `stream` points to a valid `ArrowArrayStream` (the Arrow C stream interface), which this
/// function takes over: it is left released, as the interface's consumer leaves it.
///
/// # Errors
/// [`ErrorKind::Unsupported`] for a stream that fails, is not of record batches, or has a
/// column of a type polars cannot hold or names twice.
pub unsafe fn frame_from_c_stream(stream: *mut ArrowArrayStream, name: &Path) -> Result<DataFrame> {
    let fail = |e: PolarsError| {
        let message = format!("cannot read the table given in memory: {e}; give plain text and number columns");
        Error::new(name, ErrorKind::Unsupported, message)
    };
    // SAFETY: the caller hands over a valid stream; moving it out leaves an empty (released) one.
    let owned = Box::new(unsafe { std::ptr::replace(stream, ArrowArrayStream::empty()) });
    // SAFETY: a valid stream, as the caller promises.
    let mut reader = unsafe { ArrowArrayStreamReader::try_new(owned) }.map_err(fail)?;
    let ArrowDataType::Struct(fields) = reader.field().dtype.clone() else {
        return Err(fail(polars_err!(ComputeError: "the stream is not of record batches")));
    };
    let mut chunks: Vec<Vec<ArrayRef>> = vec![Vec::new(); fields.len()];
    // SAFETY: the stream's arrays follow the C data interface, as the caller promises.
    while let Some(batch) = unsafe { reader.next() } {
        let batch = batch.map_err(fail)?;
        let batch = batch.as_any().downcast_ref::<StructArray>().expect("a stream of struct arrays");
        for (column, values) in chunks.iter_mut().zip(batch.values()) {
            column.push(widened(values.clone()));
        }
    }
    let columns = fields
        .iter()
        .zip(chunks)
        .map(|(field, chunks)| {
            let series = if chunks.is_empty() {
                Ok(Series::new_empty(field.name.clone(), &DataType::from_arrow_field(field)))
            } else {
                Series::try_from((field.name.clone(), chunks))
            };
            series.map(Column::from)
        })
        .collect::<PolarsResult<Vec<Column>>>()
        .map_err(fail)?;
    DataFrame::new_infer_height(columns).map_err(fail)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Want;
    use polars_arrow::array::{Array, Utf8ViewArray};
    use polars_arrow::datatypes::Field as ArrowField;
    use polars_arrow::ffi::export_iterator;

    fn frame() -> DataFrame {
        df!(
            "id" => ["A1", "A2", "a rather longer identifier", "A4"],
            "down_mbps" => [Some(100.0), Some(12.5), None, Some(1000.0)],
            "technology" => [50i64, 40, 10, 50]
        )
        .unwrap()
    }

    /// `frame` as an Arrow C stream of record batches of `rows` rows, as Python hands it over.
    fn stream(frame: &DataFrame, rows: usize) -> ArrowArrayStream {
        let fields: Vec<ArrowField> =
            frame.columns().iter().map(|c| c.field().to_arrow(CompatLevel::newest())).collect();
        let dtype = ArrowDataType::Struct(fields.clone());
        let batches: Vec<PolarsResult<Box<dyn Array>>> = (0..frame.height())
            .step_by(rows)
            .map(|at| {
                let part = frame.slice(at as i64, rows);
                let values = part
                    .columns()
                    .iter()
                    .map(|c| c.as_materialized_series().rechunk().to_arrow(0, CompatLevel::newest()))
                    .collect();
                Ok(StructArray::new(dtype.clone(), part.height(), values, None).boxed())
            })
            .collect();
        export_iterator(Box::new(batches.into_iter()), ArrowField::new("".into(), dtype, false))
    }

    #[test]
    fn a_stream_is_read_as_its_frame_without_copies() {
        let given = frame();
        let mut s = stream(&given, 3);
        let got = unsafe { frame_from_c_stream(&mut s, Path::new("memory")) }.unwrap();
        // The stream is taken over: what is left is released, and reading it again fails.
        assert!(unsafe { frame_from_c_stream(&mut s, Path::new("memory")) }.is_err());
        assert!(got.equals_missing(&given));
        assert_eq!(got.column("id").unwrap().n_chunks(), 2, "one chunk per batch");
        // The first batch's text views are the very buffer exported: nothing was copied.
        let exported = given.column("id").unwrap().as_materialized_series().to_arrow(0, CompatLevel::newest());
        let exported = exported.as_any().downcast_ref::<Utf8ViewArray>().unwrap();
        let got_id = got.column("id").unwrap().as_materialized_series().to_arrow(0, CompatLevel::newest());
        let got_id = got_id.as_any().downcast_ref::<Utf8ViewArray>().unwrap();
        assert_eq!(got_id.views().as_ptr(), exported.views().as_ptr());

        let table = Table::from_frame(Path::new("memory"), got);
        assert_eq!(table.format, Format::Frame);
        assert_eq!(table.batches(3), Some(vec![0..3, 3..4]));
        let v = table.read(&[(0, Want::Text), (1, Want::Number), (2, Want::Number)]).unwrap();
        assert_eq!(v[0].text(2).as_deref(), Some("a rather longer identifier"));
        assert_eq!((v[1].number(1), v[2].number(1)), (Ok(12.5), Ok(40.0)));
        assert!(v[1].number(2).is_err());
        assert_eq!(table.read_rows(&[(0, Want::Text)], 3..4).unwrap()[0].text(0).as_deref(), Some("A4"));
    }

    #[test]
    fn narrow_integers_are_read_as_numbers() {
        let fields = vec![
            ArrowField::new("technology".into(), ArrowDataType::Int16, true),
            ArrowField::new("flag".into(), ArrowDataType::UInt8, true),
        ];
        let dtype = ArrowDataType::Struct(fields);
        let values: Vec<Box<dyn Array>> = vec![
            PrimitiveArray::<i16>::from(vec![Some(50), Some(40), None]).boxed(),
            PrimitiveArray::<u8>::from(vec![Some(1), Some(0), Some(1)]).boxed(),
        ];
        let batch = StructArray::new(dtype.clone(), 3, values, None).boxed();
        let mut s = export_iterator(Box::new(vec![Ok(batch)].into_iter()), ArrowField::new("".into(), dtype, false));
        let got = unsafe { frame_from_c_stream(&mut s, Path::new("memory")) }.unwrap();
        let table = Table::from_frame(Path::new("memory"), got);
        let v = table.read(&[(0, Want::Number), (1, Want::Number)]).unwrap();
        assert_eq!((v[0].number(1), v[1].number(0)), (Ok(40.0), Ok(1.0)));
        assert!(v[0].number(2).is_err());
    }

    #[test]
    fn the_checksum_is_of_the_values_not_the_chunks() {
        let one = Table::from_frame(Path::new("m"), frame());
        let mut s = stream(&frame(), 1);
        let four = Table::from_frame(Path::new("m"), unsafe { frame_from_c_stream(&mut s, Path::new("m")) }.unwrap());
        assert_eq!(one.sha256(), four.sha256());
        let mut other = frame();
        other.with_column(Column::new("down_mbps".into(), [Some(100.0), Some(12.5), None, Some(999.0)])).unwrap();
        assert_ne!(Table::from_frame(Path::new("m"), other).sha256(), one.sha256());
    }
}
