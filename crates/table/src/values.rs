//! Columns as read: [`Values`] holds one column's cells in the chunks they were parsed in (no
//! copy into one array), and [`Rows`] reads a range of them straight from one chunk.
//!
//! Cells are read as text (trimmed; empty is `None`) or as numbers, each checked on its own so
//! that a caller can reject a bad row with its row number: [`NumberError`] says why a cell is not
//! a number, and [`shown`] writes the cell as a message shows it.

use polars::prelude::*;
use polars_arrow::array::{Array as _, MutableBinaryViewArray, View};
use polars_arrow::bitmap::MutableBitmap;
use polars_arrow::datatypes::ArrowDataType;
use polars_buffer::Buffer;
use rayon::prelude::*;

use crate::unquoted::Cells;

// The arrow arrays of a text and a float column (polars does not re-export the arrow types).
type TextArray = <StringType as PolarsDataType>::Array;
type FloatArray = <Float64Type as PolarsDataType>::Array;

/// The values of one column, one entry per data row, in the chunks (row groups) they were read
/// in: no copy into one array.
#[derive(Debug, Clone)]
pub struct Values {
    chunks: Vec<Array>,
    /// First row of each chunk, and the number of rows at the end.
    starts: Vec<usize>,
    /// For each block of 2^BLOCK_BITS rows, the chunk holding its first row.
    blocks: Vec<u32>,
}

/// The longest text (bytes) an arrow view holds itself: such views are equal in any chunk.
const INLINE: u32 = 12;

/// The rows [`Values::select`] gathers into one chunk before it begins another (when the chunks
/// it copies from are smaller): so few chunks, each long enough to be worth a thread.
const GATHERED: usize = 1 << 16;

/// Rows per block of the row → chunk table.
const BLOCK_BITS: u32 = 12;

/// One chunk of a column.
#[derive(Debug, Clone)]
enum Array {
    /// Text values.
    Text(TextArray),
    /// Numbers.
    Float(FloatArray),
}

/// The chunk starts and the block table for chunks of the given lengths.
fn index_of(lens: impl Iterator<Item = usize>) -> (Vec<usize>, Vec<u32>) {
    let mut starts = vec![0];
    for n in lens {
        starts.push(starts[starts.len() - 1] + n);
    }
    let total = starts[starts.len() - 1];
    let mut blocks = Vec::with_capacity((total >> BLOCK_BITS) + 1);
    let mut k = 0;
    for b in 0..=(total >> BLOCK_BITS) {
        while k + 2 < starts.len() && starts[k + 1] <= b << BLOCK_BITS {
            k += 1;
        }
        blocks.push(k as u32);
    }
    (starts, blocks)
}

impl Values {
    fn new(chunks: Vec<Array>) -> Values {
        let (starts, blocks) = index_of(chunks.iter().map(|a| match a {
            Array::Text(t) => t.len(),
            Array::Float(f) => f.len(),
        }));
        Values { chunks, starts, blocks }
    }

    pub(crate) fn text_column(c: &StringChunked) -> Values {
        Values::new(c.downcast_iter().cloned().map(Array::Text).collect())
    }

    pub(crate) fn float_column(c: &Float64Chunked) -> Values {
        Values::new(c.downcast_iter().cloned().map(Array::Float).collect())
    }

    /// A column of blocks parsed by [`crate::unquoted::parse`].
    pub(crate) fn from_cells(cells: Vec<Cells>) -> Values {
        Values::new(
            cells
                .iter()
                .flat_map(|c| match c {
                    Cells::Text(t) => t.downcast_iter().cloned().map(Array::Text).collect::<Vec<_>>(),
                    Cells::Float(f) => f.downcast_iter().cloned().map(Array::Float).collect(),
                })
                .collect(),
        )
    }

    /// A column of `rows` rows all holding `text`.
    pub(crate) fn constant(text: &str, rows: usize) -> Values {
        Values::text_column(&StringChunked::full(PlSmallStr::from_static("constant"), text, rows))
    }

    /// A column without rows.
    #[must_use]
    pub fn empty() -> Values {
        Values::new(Vec::new())
    }

    /// The rows `rows` (ascending, each < len) as a column of their own, in that order: the
    /// rows of neighbouring chunks of one kind gathered into one new chunk (of at least 65,536
    /// rows where the chunks have them; texts as views into the chunks' buffers, which it
    /// shares), chunks in parallel.
    #[must_use]
    pub fn select(&self, rows: &[usize]) -> Values {
        let mut groups: Vec<Vec<(usize, &[usize])>> = Vec::new();
        let mut rest = rows;
        for k in 0..self.chunks.len() {
            let n = rest.partition_point(|&i| i < self.starts[k + 1]);
            let (these, after) = rest.split_at(n);
            rest = after;
            if these.is_empty() {
                continue;
            }
            match groups.last_mut() {
                Some(g) if self.same_kind(g[0].0, k) && g.iter().map(|(_, t)| t.len()).sum::<usize>() < GATHERED => {
                    g.push((k, these));
                }
                _ => groups.push(vec![(k, these)]),
            }
        }
        debug_assert!(rest.is_empty(), "rows past the column's end");
        Values::new(groups.into_par_iter().map(|g| self.gather(&g)).collect())
    }

    /// Whether chunks `a` and `b` are of one kind.
    fn same_kind(&self, a: usize, b: usize) -> bool {
        matches!(
            (&self.chunks[a], &self.chunks[b]),
            (Array::Text(_), Array::Text(_)) | (Array::Float(_), Array::Float(_))
        )
    }

    /// The rows of chunks of one kind (each chunk with its rows, as rows of the column) as one
    /// chunk of that kind: numbers copied, text as its views (the texts stay in the chunks'
    /// buffers, which the new chunk shares).
    fn gather(&self, group: &[(usize, &[usize])]) -> Array {
        let rows: usize = group.iter().map(|(_, t)| t.len()).sum();
        let nulls = group.iter().any(|&(k, _)| self.chunk_nulls(k));
        let mut valid = nulls.then(|| MutableBitmap::with_capacity(rows));
        if let Array::Float(_) = self.chunks[group[0].0] {
            let mut floats = Vec::with_capacity(rows);
            for &(k, these) in group {
                let Array::Float(f) = &self.chunks[k] else { unreachable!("a group is of one kind") };
                let (start, values) = (self.starts[k], f.values().as_slice());
                floats.extend(these.iter().map(|&i| values[i - start]));
                // Bit by bit: `MutableBitmap`'s `Extend` begins a new byte.
                if let Some(valid) = &mut valid {
                    these.iter().for_each(|&i| valid.push(f.is_valid(i - start)));
                }
            }
            return Array::Float(FloatArray::new(ArrowDataType::Float64, floats.into(), valid.map(Into::into)));
        }
        let (mut views, mut buffers) = (Vec::with_capacity(rows), Vec::new());
        for &(k, these) in group {
            let Array::Text(t) = &self.chunks[k] else { unreachable!("a group is of one kind") };
            let (start, base, own) = (self.starts[k], buffers.len() as u32, t.views().as_slice());
            buffers.extend(t.data_buffers().iter().cloned());
            views.extend(these.iter().map(|&i| {
                let mut view = own[i - start];
                if view.length > View::MAX_INLINE_SIZE {
                    view.buffer_idx += base;
                }
                view
            }));
            if let Some(valid) = &mut valid {
                these.iter().for_each(|&i| valid.push(t.is_valid(i - start)));
            }
        }
        let stored = buffers.iter().map(Buffer::len).sum();
        // SAFETY: each view is one of a valid UTF-8 chunk's, its buffer index moved by the number
        // of buffers of the chunks before its own in `buffers`, which holds theirs in that order;
        // the validity has one bit per view; `stored` is the sum of the buffers' lengths.
        let text = unsafe {
            TextArray::new_unchecked(
                ArrowDataType::Utf8View,
                views.into(),
                buffers.into(),
                valid.map(Into::into),
                None,
                stored,
            )
        };
        Array::Text(text)
    }

    /// Whether chunk `k` has a null.
    fn chunk_nulls(&self, k: usize) -> bool {
        match &self.chunks[k] {
            Array::Text(t) => t.null_count() > 0,
            Array::Float(f) => f.null_count() > 0,
        }
    }

    /// Whether the column holds numbers: it has chunks, and each holds numbers.
    #[must_use]
    pub fn is_numbers(&self) -> bool {
        !self.chunks.is_empty() && self.chunks.iter().all(|a| matches!(a, Array::Float(_)))
    }

    /// The column as a polars column named `name`, its chunks shared: numbers when every chunk
    /// holds numbers and not `as_text`, else text (a number written as [`Values::text`] gives
    /// it, which [`Values::number`] reads back exactly), so that a table written from it reads
    /// back the same cells.
    #[must_use]
    pub fn to_column(&self, name: &str, as_text: bool) -> Column {
        if self.chunks.is_empty() && as_text {
            return StringChunked::from_slice(name.into(), &[] as &[&str]).into_column();
        }
        if self.chunks.is_empty() {
            return Float64Chunked::from_slice(name.into(), &[]).into_column();
        }
        let floats: Option<Vec<FloatArray>> = self
            .chunks
            .iter()
            .map(|a| match a {
                Array::Float(f) => Some(f.clone()),
                Array::Text(_) => None,
            })
            .collect();
        match floats {
            Some(chunks) if !chunks.is_empty() && !as_text => {
                Float64Chunked::from_chunk_iter(name.into(), chunks).into_column()
            }
            _ => {
                let chunks = self.chunks.iter().map(|a| match a {
                    Array::Text(t) => t.clone(),
                    Array::Float(f) => {
                        f.iter().map(|v| v.map(|v| format!("{v}"))).collect::<MutableBinaryViewArray<str>>().into()
                    }
                });
                StringChunked::from_chunk_iter(name.into(), chunks).into_column()
            }
        }
    }

    /// (chunk, row within it) of row `i` (< len): the block table gives the chunk of the
    /// block's first row, and a chunk boundary inside the block is stepped over.
    #[inline]
    fn at(&self, i: usize) -> (usize, usize) {
        let mut k = self.blocks.get(i >> BLOCK_BITS).map_or(0, |&k| k as usize);
        while k + 2 < self.starts.len() && self.starts[k + 1] <= i {
            k += 1;
        }
        (k, i - self.starts[k])
    }

    /// The arrays of chunk `k`.
    #[inline]
    fn chunk(&self, k: usize) -> Option<Chunk<'_>> {
        self.chunks.get(k).map(|a| match a {
            Array::Text(t) => Chunk::Text(t),
            Array::Float(f) => Chunk::Float(f),
        })
    }

    /// The text in row `i`, trimmed; `None` when null or empty.
    #[inline]
    pub fn text(&self, i: usize) -> Option<std::borrow::Cow<'_, str>> {
        let (k, j) = self.at(i);
        self.chunk(k)?.text(j)
    }

    /// Calls `f` with the text in row `i` as [`Values::text`] gives it (`None` when null or
    /// empty), without allocating for a whole number (a number column's usual id).
    #[inline]
    pub fn with_text<R>(&self, i: usize, f: impl FnOnce(Option<&str>) -> R) -> R {
        let (k, j) = self.at(i);
        let Some(c) = self.chunk(k) else { return f(None) };
        match c.float(j) {
            Some(v) if is_whole(v) => f(Some(itoa::Buffer::new().format(v as i64))),
            _ => f(c.text(j).as_deref()),
        }
    }

    /// The number in row `i`.
    ///
    /// Accepts a decimal comma when the text has no dot and exactly one comma (Dutch exports).
    ///
    /// # Errors
    /// [`NumberError`] for an empty cell or text that is not a finite number (NaN and ±inf included).
    #[inline]
    pub fn number(&self, i: usize) -> std::result::Result<f64, NumberError> {
        let (k, j) = self.at(i);
        self.chunk(k).map_or(Err(NumberError::Missing), |c| c.number(j))
    }

    /// The row ranges of the chunks, each cut into pieces of at most `max` rows: ranges whose
    /// rows [`Values::rows`] reads directly from one chunk.
    #[must_use]
    pub fn pieces(&self, max: usize) -> Vec<std::ops::Range<usize>> {
        self.starts
            .windows(2)
            .flat_map(|w| (w[0]..w[1]).step_by(max.max(1)).map(move |s| s..s.saturating_add(max).min(w[1])))
            .collect()
    }

    /// Access to the rows of `range`, straight from one chunk's arrays when they lie in one.
    #[must_use]
    pub fn rows(&self, range: std::ops::Range<usize>) -> Rows<'_> {
        let direct = (!range.is_empty() && range.end <= self.len())
            .then(|| self.at(range.start))
            .filter(|&(k, j)| range.end - range.start <= self.starts[k + 1] - self.starts[k] - j)
            .and_then(|(k, _)| Some((self.chunk(k)?, self.starts[k])));
        Rows { values: self, direct }
    }

    /// The number of rows.
    #[inline]
    pub fn len(&self) -> usize {
        self.starts[self.starts.len() - 1]
    }

    /// Whether there are no rows.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Whether `v` is a whole number that `{v}` writes as an `i64` would be (below 2^53, so exact;
/// not −0, which it writes as `-0`).
#[inline]
fn is_whole(v: f64) -> bool {
    v.fract() == 0.0 && v.abs() < 9_007_199_254_740_992.0 && !(v == 0.0 && v.is_sign_negative())
}

/// One chunk's arrays of a column.
#[derive(Debug, Clone, Copy)]
enum Chunk<'a> {
    Text(&'a TextArray),
    Float(&'a FloatArray),
}

impl<'a> Chunk<'a> {
    #[inline]
    fn float(self, j: usize) -> Option<f64> {
        let Chunk::Float(arr) = self else { return None };
        match arr.validity() {
            Some(v) if !v.get_bit(j) => None,
            _ => Some(arr.value(j)),
        }
    }

    /// The 16-byte view of text row `j` (its length in the low 32 bits, then the text itself
    /// when it is at most [`INLINE`] bytes, else where it is in this chunk's buffers): equal
    /// views hold equal text. `None` when null or not text.
    #[inline]
    fn view(self, j: usize) -> Option<u128> {
        let Chunk::Text(arr) = self else { return None };
        arr.get(j).map(|_| arr.views()[j].as_u128())
    }

    #[inline]
    fn text(self, j: usize) -> Option<std::borrow::Cow<'a, str>> {
        match self {
            Chunk::Text(arr) => arr.get(j).map(trim).filter(|s| !s.is_empty()).map(std::borrow::Cow::Borrowed),
            Chunk::Float(_) => self.float(j).map(|v| std::borrow::Cow::Owned(format!("{v}"))),
        }
    }

    #[inline]
    fn number(self, j: usize) -> std::result::Result<f64, NumberError> {
        match self {
            Chunk::Float(_) => match self.float(j) {
                None => Err(NumberError::Missing),
                Some(v) if v.is_finite() => Ok(v),
                Some(v) => Err(NumberError::Invalid(format!("{v}"))),
            },
            Chunk::Text(arr) => match arr.get(j).map(trim) {
                None | Some("") => Err(NumberError::Missing),
                Some(s) => parse_number(s).ok_or_else(|| NumberError::Invalid(s.to_string())),
            },
        }
    }
}

/// `s` without leading and trailing whitespace; at once when it starts and ends with a visible
/// ASCII character, as ids and codes do (no whitespace is one, and a byte below 0x80 is a whole
/// character).
#[inline]
fn trim(s: &str) -> &str {
    let visible = |b: Option<&u8>| b.is_some_and(|b| b.is_ascii_graphic());
    if visible(s.as_bytes().first()) && visible(s.as_bytes().last()) {
        s
    } else {
        s.trim()
    }
}

/// Row access to a range of a column (see [`Values::rows`]); rows are numbered as in the column.
#[derive(Debug, Clone, Copy)]
pub struct Rows<'a> {
    values: &'a Values,
    /// The chunk holding the whole range, and its first row.
    direct: Option<(Chunk<'a>, usize)>,
}

impl<'a> Rows<'a> {
    /// As [`Values::text`].
    #[inline]
    #[must_use]
    pub fn text(&self, i: usize) -> Option<std::borrow::Cow<'a, str>> {
        match self.direct {
            Some((chunk, start)) => chunk.text(i - start),
            None => self.values.text(i),
        }
    }

    /// A fingerprint of row `i`'s raw text: rows of this range with equal fingerprints hold the
    /// same text. `None` when the cell is null, not text, or longer than 12 bytes in a range
    /// that spans chunks.
    #[inline]
    #[must_use]
    pub fn fingerprint(&self, i: usize) -> Option<u128> {
        match self.direct {
            Some((chunk, start)) => chunk.view(i - start),
            None => {
                let (k, j) = self.values.at(i);
                self.values.chunk(k)?.view(j).filter(|v| (*v as u32) <= INLINE)
            }
        }
    }

    /// The numbers of rows `range` as one slice, when they lie in one typed chunk without
    /// nulls (else `None`: read them with [`Rows::number`]).
    #[must_use]
    pub fn floats(&self, range: std::ops::Range<usize>) -> Option<&'a [f64]> {
        match self.direct? {
            (Chunk::Float(arr), start) if arr.validity().is_none_or(|v| v.unset_bits() == 0) => {
                arr.values().get(range.start - start..range.end - start)
            }
            _ => None,
        }
    }

    /// As [`Values::number`].
    ///
    /// # Errors
    /// As [`Values::number`].
    #[inline]
    pub fn number(&self, i: usize) -> std::result::Result<f64, NumberError> {
        match self.direct {
            Some((chunk, start)) => chunk.number(i - start),
            None => self.values.number(i),
        }
    }
}

/// Why a cell could not be read as a number.
#[derive(Debug, Clone, PartialEq)]
pub enum NumberError {
    /// The cell is empty or null.
    Missing,
    /// The cell holds text that is not a finite number.
    Invalid(String),
}

/// A cell read as a number, as a reject's detail shows it: the number, `empty`, or the text
/// in quotes.
///
/// ```
/// use dekking_table::{shown, NumberError};
/// assert_eq!(shown(&Ok(480000.5)), "480000.5");
/// assert_eq!(shown(&Err(NumberError::Missing)), "empty");
/// assert_eq!(shown(&Err(NumberError::Invalid("NaN".into()))), "\"NaN\"");
/// ```
#[must_use]
pub fn shown(cell: &std::result::Result<f64, NumberError>) -> String {
    match cell {
        Ok(v) => v.to_string(),
        Err(NumberError::Missing) => "empty".into(),
        Err(NumberError::Invalid(s)) => format!("{s:?}"),
    }
}

/// Parses a finite decimal number, accepting one decimal comma in place of a dot.
///
/// ```
/// use dekking_table::parse_number;
/// assert_eq!(parse_number("100"), Some(100.0));
/// assert_eq!(parse_number("0,2"), Some(0.2));
/// assert_eq!(parse_number("NaN"), None);
/// assert_eq!(parse_number("1,000,000"), None);
/// ```
#[must_use]
pub fn parse_number(s: &str) -> Option<f64> {
    let v = match s.parse::<f64>() {
        Ok(v) => v,
        Err(_) => {
            if s.contains('.') || s.bytes().filter(|&b| b == b',').count() != 1 {
                return None;
            }
            s.replacen(',', ".", 1).parse::<f64>().ok()?
        }
    };
    v.is_finite().then_some(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_found_in_uneven_chunks() {
        let mut c = StringChunked::from_slice("a".into(), &["0", "1", "2"]);
        for (k, n) in [1usize, 5000, 0, 9000, 3].into_iter().enumerate() {
            let part: Vec<String> = (0..n).map(|j| format!("{k}:{j}")).collect();
            c.append(&StringChunked::from_iter_values("a".into(), part.iter().map(String::as_str))).unwrap();
        }
        let v = Values::text_column(&c);
        assert_eq!(v.len(), 3 + 1 + 5000 + 9000 + 3);
        let expect: Vec<String> = c.iter().map(|s| s.unwrap().to_string()).collect();
        for (i, e) in expect.iter().enumerate() {
            assert_eq!(v.text(i).as_deref(), Some(e.as_str()), "row {i}");
        }
        // Pieces stay within chunks and cover every row once; direct and indexed reads agree.
        let whole = v.pieces(usize::MAX);
        assert!(
            whole.iter().map(|r| r.len()).sum::<usize>() == v.len() && whole.iter().all(|r| !r.is_empty()),
            "one piece a chunk: {whole:?}"
        );
        let pieces = v.pieces(1000);
        assert_eq!(pieces.iter().map(|r| r.len()).sum::<usize>(), v.len());
        assert!(pieces.windows(2).all(|w| w[0].end == w[1].start) && pieces.iter().all(|r| r.len() <= 1000));
        for r in pieces.into_iter().chain([0..v.len(), 2..6, 5000..6000]) {
            let rows = v.rows(r.clone());
            assert!(r.clone().all(|i| rows.text(i).as_deref() == Some(expect[i].as_str())), "rows {r:?}");
        }
    }

    #[test]
    fn text_without_allocating_is_the_text() {
        let cells = [
            Some(0.0),
            Some(-0.0),
            Some(7.0),
            Some(-12.0),
            Some(0.5),
            Some(1e15),
            Some(9_007_199_254_740_991.0),
            Some(9_007_199_254_740_992.0),
            Some(1e300),
            Some(-1e-7),
            None,
            Some(f64::NAN),
            Some(f64::INFINITY),
        ];
        let floats = Values::float_column(&Float64Chunked::from_slice_options("f".into(), &cells));
        let text = Values::text_column(&StringChunked::from_slice("t".into(), &[" 12 ", "", "a b"]));
        for v in [&floats, &text] {
            for i in 0..v.len() {
                assert_eq!(v.with_text(i, |t| t.map(str::to_string)), v.text(i).map(|t| t.to_string()), "row {i}");
            }
        }
    }

    fn floats_of(cells: &[Option<f64>]) -> FloatArray {
        Float64Chunked::from_slice_options("f".into(), cells).downcast_iter().next().unwrap().clone()
    }

    #[test]
    fn selected_rows_keep_their_cells_across_chunks() {
        let mut c = StringChunked::from_slice("a".into(), &[" x ", "", "long enough to be a buffer"]);
        c.append(&StringChunked::from_slice("a".into(), &["3", "4"])).unwrap();
        let text = Values::text_column(&c);
        let picked = text.select(&[0, 1, 2, 4]);
        let got: Vec<Option<String>> = (0..picked.len()).map(|i| picked.text(i).map(|t| t.to_string())).collect();
        assert_eq!(got, [Some("x".into()), None, Some("long enough to be a buffer".into()), Some("4".into())]);
        assert_eq!(picked.chunks.len(), 1, "small chunks' rows gathered into one");
        let mixed =
            Values::new(vec![text.chunks[0].clone(), Array::Float(floats_of(&[Some(7.0)])), text.chunks[1].clone()]);
        let picked = mixed.select(&[2, 3, 5]);
        assert_eq!(picked.chunks.len(), 3, "a chunk per run of one kind");
        let got: Vec<Option<String>> = (0..picked.len()).map(|i| picked.text(i).map(|t| t.to_string())).collect();
        assert_eq!(got, [Some("long enough to be a buffer".into()), Some("7".into()), Some("4".into())]);
        let floats = Float64Chunked::from_slice_options("f".into(), &[Some(1.5), None, Some(-2.0)]);
        let numbers = Values::float_column(&floats).select(&[1, 2]);
        assert_eq!((numbers.number(0), numbers.number(1)), (Err(NumberError::Missing), Ok(-2.0)));
        assert!(text.select(&[]).is_empty() && Values::empty().select(&[]).is_empty());
    }

    #[test]
    fn gathered_long_texts_of_several_chunks_point_into_their_own_buffers() {
        let long = |s: &str| format!("{s} is longer than twelve bytes");
        let (a, b) = ([long("first"), "short".into(), long("second")], [long("third"), long("fourth")]);
        let mut c = StringChunked::from_iter_options("a".into(), a.iter().map(Some).chain([None]));
        c.append(&StringChunked::from_iter_options("a".into(), b.iter().map(Some))).unwrap();
        let picked = Values::text_column(&c).select(&[0, 1, 3, 4, 5]);
        assert_eq!(picked.chunks.len(), 1);
        let want = [Some(a[0].clone()), Some("short".into()), None, Some(b[0].clone()), Some(b[1].clone())];
        let got: Vec<Option<String>> = (0..picked.len()).map(|i| picked.text(i).map(|t| t.to_string())).collect();
        assert_eq!(got, want);
        let mut df = DataFrame::new_infer_height(vec![picked.to_column("a", true)]).unwrap();
        let mut bytes = Vec::new();
        ParquetWriter::new(&mut bytes).finish(&mut df).unwrap();
        let table = crate::Table::from_bytes("t.parquet".as_ref(), bytes, None).unwrap();
        let back = table.read(&[(0, crate::Want::Text)]).unwrap();
        let got: Vec<Option<String>> = (0..back[0].len()).map(|i| back[0].text(i).map(|t| t.to_string())).collect();
        assert_eq!(got, want, "written and read back");
        let mut f = Float64Chunked::from_slice_options("f".into(), &[Some(1.0), None, Some(3.0)]);
        f.append(&Float64Chunked::from_slice_options("f".into(), &[Some(4.0), None])).unwrap();
        let picked = Values::float_column(&f).select(&[0, 1, 2, 3, 4]);
        let got: Vec<Option<f64>> = (0..5).map(|i| picked.number(i).ok()).collect();
        assert_eq!(got, [Some(1.0), None, Some(3.0), Some(4.0), None], "nulls kept past a chunk's end");
    }

    #[test]
    fn columns_written_read_back_the_same_cells() {
        let mut text = StringChunked::from_slice("t".into(), &[" a ", "", "12,5"]);
        text.append(&StringChunked::from_slice("t".into(), &["x"])).unwrap();
        let floats = Float64Chunked::from_slice_options("f".into(), &[Some(0.1), None, Some(1e300), Some(-0.0)]);
        let (text, floats) = (Values::text_column(&text), Values::float_column(&floats));
        assert!(floats.is_numbers() && !text.is_numbers() && !Values::empty().is_numbers());
        let cols = [text.to_column("t", false), floats.to_column("f", false), floats.to_column("g", true)];
        assert_eq!(
            cols.iter().map(|c| c.dtype().clone()).collect::<Vec<_>>(),
            [DataType::String, DataType::Float64, DataType::String]
        );
        let mut df = DataFrame::new_infer_height(cols.to_vec()).unwrap();
        let mut bytes = Vec::new();
        ParquetWriter::new(&mut bytes).finish(&mut df).unwrap();
        let table = crate::Table::from_bytes("t.parquet".as_ref(), bytes, None).unwrap();
        let back = table.read(&[(0, crate::Want::Text), (1, crate::Want::Number), (2, crate::Want::Number)]).unwrap();
        for i in 0..4 {
            assert_eq!(back[0].text(i), text.text(i), "text row {i}");
            assert_eq!(back[1].number(i), floats.number(i), "number row {i}");
            assert_eq!(back[2].number(i), floats.number(i), "number as text row {i}");
        }
        assert_eq!(Values::empty().to_column("e", false).dtype(), &DataType::Float64);
    }

    #[test]
    fn trims_unicode_whitespace_and_skips_visible_ends() {
        for (raw, want) in [
            ("GM0363", "GM0363"),
            (" a ", "a"),
            ("\u{a0}x", "x"),
            ("x\u{2003}", "x"),
            ("é ", "é"),
            ("\t", ""),
            ("", ""),
        ] {
            assert_eq!(trim(raw), want, "{raw:?}");
        }
    }

    /// Across chunks, texts of at most 12 bytes keep a fingerprint (equal iff the texts are);
    /// longer ones have none, as their views point into each chunk's own buffers.
    #[test]
    fn short_texts_have_fingerprints_across_chunks() {
        let mut c = StringChunked::from_slice("a".into(), &["GM0363", "GM0014", "a code longer than twelve"]);
        c.append(&StringChunked::from_slice("a".into(), &["GM0363", "a code longer than twelve"])).unwrap();
        let v = Values::text_column(&c);
        let rows = v.rows(0..5);
        let f: Vec<Option<u128>> = (0..5).map(|i| rows.fingerprint(i)).collect();
        assert!(f[0].is_some() && f[0] == f[3] && f[0] != f[1]);
        assert_eq!((f[2], f[4]), (None, None));
        assert!(v.rows(2..3).fingerprint(2).is_some(), "within one chunk every text has one");
    }
}
