//! A text column built value by value into polars' string views, for the CSV parser.
//!
//! Polars' own builder makes each view in a call it does not inline and hands it back through
//! memory, where the 16-byte read of it waits for the callee's narrower writes to land (a failed
//! store-to-load forward): for 16-character address ids that was a third of the cost of the
//! column. Here each view is made in place. A value of up to 12 bytes lives in its view; longer
//! ones are copied to the column's buffer, and the view holds their length, first four bytes and
//! place.

use polars::prelude::*;
use polars_arrow::array::{Utf8ViewArray, View};
use polars_arrow::bitmap::MutableBitmap;
use polars_arrow::datatypes::ArrowDataType;
use polars_buffer::Buffer;

/// A text column being filled.
#[derive(Debug, Default)]
pub struct TextColumn {
    views: Vec<View>,
    /// Full buffers, then the one being filled (each at most `u32::MAX` bytes: views address
    /// them with 32-bit offsets).
    buffers: Vec<Buffer<u8>>,
    active: Vec<u8>,
    /// Which values are present; `None` until the first null.
    valid: Option<MutableBitmap>,
    /// Bytes of all values, in bytes.
    total: usize,
}

impl TextColumn {
    /// An empty column with room for `rows` values.
    #[must_use]
    pub fn with_capacity(rows: usize) -> TextColumn {
        TextColumn { views: Vec::with_capacity(rows), ..TextColumn::default() }
    }

    /// Appends a value.
    #[inline]
    pub fn push(&mut self, value: &str) {
        let bytes = value.as_bytes();
        self.total += bytes.len();
        let view = if bytes.len() <= View::MAX_INLINE_SIZE as usize {
            View::new_inline(bytes)
        } else {
            if self.active.len() + bytes.len() > u32::MAX as usize {
                self.buffers.push(std::mem::take(&mut self.active).into());
            }
            let at = self.active.len() as u32;
            self.active.extend_from_slice(bytes);
            View::new_from_bytes(bytes, self.buffers.len() as u32, at)
        };
        self.views.push(view);
        if let Some(valid) = &mut self.valid {
            valid.push(true);
        }
    }

    /// Appends a null.
    #[inline]
    pub fn push_null(&mut self) {
        let rows = self.views.len();
        self.valid
            .get_or_insert_with(|| {
                let mut valid = MutableBitmap::with_capacity(self.views.capacity());
                valid.extend_constant(rows, true);
                valid
            })
            .push(false);
        self.views.push(View::default());
    }

    /// The column as a polars string column of one chunk.
    #[must_use]
    pub fn finish(mut self) -> StringChunked {
        self.buffers.push(self.active.into());
        let stored = self.buffers.iter().map(Buffer::len).sum();
        // SAFETY: each view was made by `View::new_inline` or `View::new_from_bytes` from a `&str`
        // whose bytes were appended at the view's offset to the buffer of the view's index, so
        // the views match the buffers and every value is UTF-8; the validity has one bit per
        // view; `total` and `stored` are the sums of the values' and the buffers' lengths.
        let array = unsafe {
            Utf8ViewArray::new_unchecked(
                ArrowDataType::Utf8View,
                self.views.into(),
                self.buffers.into(),
                self.valid.map(Into::into),
                Some(self.total),
                stored,
            )
        };
        StringChunked::with_chunk(PlSmallStr::EMPTY, array)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Values of every length (inline and buffered, ASCII or not) and nulls come out as
        /// polars' own builder gives them.
        #[test]
        fn equals_polars_builder(values in proptest::collection::vec(proptest::option::weighted(0.9, "[a-z0-9é€]{0,20}"), 0..200)) {
            let mut ours = TextColumn::with_capacity(values.len() / 2);
            let mut theirs = StringChunkedBuilder::new(PlSmallStr::EMPTY, values.len());
            for v in &values {
                match v {
                    Some(s) => {
                        ours.push(s);
                        theirs.append_value(s);
                    }
                    None => {
                        ours.push_null();
                        theirs.append_null();
                    }
                }
            }
            let (ours, theirs) = (ours.finish(), theirs.finish());
            prop_assert_eq!(ours.len(), values.len());
            prop_assert_eq!(ours.null_count(), values.iter().filter(|v| v.is_none()).count());
            prop_assert!(ours.equal_missing(&theirs).all());
            let back: Vec<Option<String>> = ours.iter().map(|v| v.map(str::to_string)).collect();
            prop_assert_eq!(back, values);
        }
    }
}
