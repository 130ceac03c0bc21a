//! Parsing delimited lines that hold no quote character: the fast path of [`crate::Table`].
//!
//! Without quotes a field cannot hold a delimiter or a line end, so each line is one row and
//! each delimiter ends a field. The text is cut at line ends into blocks of about a mebibyte,
//! parsed in parallel and returned in order, one chunk per block: the same rows whatever the
//! thread count. The rules are those of the general parser it stands in for (polars' CSV
//! reader, which the tests compare it with): a line ending in `\r\n` loses the `\r`, an empty
//! field is null, a missing field at the end of a short line is null, and a line with more
//! fields than the header is an error. Numbers of the plain form `-12.5` are parsed here, exact
//! to the last bit; a block whose column holds anything else (an empty cell, a decimal comma,
//! text) returns that column as text, for the caller to check cell by cell.
//!
//! Within a block, the delimiters and line ends of each 64 bytes are found with vector
//! comparisons and their positions written to a small list, a few hundred at a time; a line with
//! as many fields as the header then has its fields cut straight from the list, and any other
//! line (blank, short, too long) is taken field by field. Numbers of up to seven digits before
//! and after the point are read eight bytes at a time.

use polars::prelude::*;
use rayon::prelude::*;

use crate::text_column::TextColumn;

/// Bytes per block parsed at once (cut at the next line end).
const BLOCK: usize = 1 << 20;

/// One column of one block of lines.
#[derive(Debug, Clone)]
pub enum Cells {
    /// The fields as text; empty fields are null.
    Text(StringChunked),
    /// The fields as numbers (every field of the block was a plain number).
    Float(Float64Chunked),
}

/// What a column is parsed as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Text.
    Text,
    /// A plain number when every field of a block is one, else text.
    Number,
}

/// Parses the fields at the given positions (0-based, in the order given) of every line of
/// `text`, which holds whole lines of `width` fields without a quote character.
///
/// Returns the number of lines (rows) and each column as its blocks' chunks, in line order.
///
/// # Errors
/// [`TooManyFields`] for the first line with more than `width` fields.
pub fn parse(
    text: &[u8],
    delimiter: u8,
    width: usize,
    columns: &[(usize, Kind)],
) -> Result<(usize, Vec<Vec<Cells>>), TooManyFields> {
    let blocks = line_blocks(text, 0, BLOCK);
    let parsed: Vec<Result<(usize, Vec<Cells>), TooManyFields>> =
        blocks.par_iter().map(|b| parse_block(&text[b.clone()], delimiter, width, columns)).collect();
    let mut out: Vec<Vec<Cells>> = columns.iter().map(|_| Vec::with_capacity(parsed.len())).collect();
    let mut rows = 0;
    for (block, cells) in blocks.iter().zip(parsed) {
        match cells {
            Ok((lines, cells)) => {
                rows += lines;
                out.iter_mut().zip(cells).for_each(|(col, c)| col.push(c));
            }
            Err(e) => {
                return Err(TooManyFields {
                    line: memchr::memchr_iter(b'\n', &text[..block.start]).count() + e.line,
                    ..e
                })
            }
        }
    }
    Ok((rows, out))
}

/// `text[from..]` cut into ranges of whole lines, each ending at the first line end at least
/// `bytes` after its start (or at the end of the text).
#[must_use]
pub fn line_blocks(text: &[u8], from: usize, bytes: usize) -> Vec<std::ops::Range<usize>> {
    let mut blocks = Vec::new();
    let mut at = from;
    while at < text.len() {
        let cut = at.saturating_add(bytes).min(text.len());
        let end = memchr::memchr(b'\n', &text[cut..]).map_or(text.len(), |i| cut + i + 1);
        blocks.push(at..end);
        at = end;
    }
    blocks
}

/// A line with more fields than the header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooManyFields {
    /// The line, 0-based in the text parsed.
    pub line: usize,
    /// Its number of fields.
    pub fields: usize,
}

/// Why a block could not be parsed with the kinds tried.
enum Failure {
    /// Column `k` holds a field that is not a plain number.
    Number(usize),
    /// A line (0-based in the block) has too many fields.
    Fields(TooManyFields),
}

/// Parses one block, turning a number column to text when one of its fields is not a plain
/// number.
fn parse_block(
    block: &[u8],
    delimiter: u8,
    width: usize,
    columns: &[(usize, Kind)],
) -> Result<(usize, Vec<Cells>), TooManyFields> {
    let mut kinds: Vec<Kind> = columns.iter().map(|&(_, kind)| kind).collect();
    loop {
        match parse_as(block, delimiter, width, columns, &kinds) {
            Ok(parsed) => return Ok(parsed),
            Err(Failure::Number(k)) => kinds[k] = Kind::Text,
            Err(Failure::Fields(e)) => return Err(e),
        }
    }
}

/// A column being filled.
enum Builder {
    Text(TextColumn),
    Float(Vec<f64>),
}

impl Builder {
    /// Appends the field `text[..len]` (`text` runs on to the block's end); `Err` when a number
    /// column meets a field that is not a plain number.
    #[inline(always)]
    fn push(&mut self, text: &[u8], len: usize) -> Result<(), ()> {
        let field = &text[..len];
        match self {
            Builder::Text(b) if field.is_empty() => b.push_null(),
            // SAFETY: ASCII bytes are UTF-8.
            Builder::Text(b) if field.is_ascii() => b.push(unsafe { std::str::from_utf8_unchecked(field) }),
            // Cut at ASCII bytes of UTF-8 text, a field is UTF-8.
            Builder::Text(b) => match std::str::from_utf8(field) {
                Ok(s) => b.push(s),
                Err(_) => b.push_null(),
            },
            Builder::Float(v) => v.push(plain_number_in(text, len).ok_or(())?),
        }
        Ok(())
    }
}

/// Where a chunk of at most 64 bytes holds a delimiter or a line end (bit `i` for byte `i`),
/// and where it holds a line end.
#[inline]
fn masks(chunk: &[u8], delimiter: u8) -> (u64, u64) {
    match <&[u8; 64]>::try_from(chunk) {
        Ok(whole) => (0..4).fold((0, 0), |(both, ends), q| {
            let (b, e) = masks16(whole[16 * q..16 * q + 16].try_into().expect("16 bytes"), delimiter);
            (both | (b << (16 * q)), ends | (e << (16 * q)))
        }),
        Err(_) => masks_bytewise(chunk, delimiter),
    }
}

/// [`masks`] a byte at a time: for a chunk's last bytes, and where there are no vector
/// comparisons.
#[inline]
fn masks_bytewise(chunk: &[u8], delimiter: u8) -> (u64, u64) {
    chunk.iter().enumerate().fold((0, 0), |(both, ends), (i, &c)| {
        (both | (u64::from((c == delimiter) | (c == b'\n')) << i), ends | (u64::from(c == b'\n') << i))
    })
}

/// [`masks`] of 16 bytes: two comparisons.
#[cfg(target_arch = "x86_64")]
#[inline]
fn masks16(chunk: &[u8; 16], delimiter: u8) -> (u64, u64) {
    use std::arch::x86_64::{_mm_cmpeq_epi8, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8, _mm_set_epi64x};
    let half = |i: usize| i64::from_le_bytes(chunk[i..i + 8].try_into().expect("8 bytes"));
    // SAFETY: SSE2 is part of every x86_64 target; these intrinsics only compute on values.
    unsafe {
        let v = _mm_set_epi64x(half(8), half(0));
        let ends = _mm_cmpeq_epi8(v, _mm_set1_epi8(b'\n' as i8));
        let both = _mm_or_si128(ends, _mm_cmpeq_epi8(v, _mm_set1_epi8(delimiter as i8)));
        (u64::from(_mm_movemask_epi8(both) as u16), u64::from(_mm_movemask_epi8(ends) as u16))
    }
}

/// [`masks`] of 16 bytes.
#[cfg(not(target_arch = "x86_64"))]
#[inline]
fn masks16(chunk: &[u8; 16], delimiter: u8) -> (u64, u64) {
    masks_bytewise(chunk, delimiter)
}

/// Writes the positions of the set bits of `bits` (a chunk's boundaries, the chunk starting at
/// `base`) into `out` from `n` on, each as `position << 1 | 1` when it is a line end (set in
/// `ends`), else `position << 1`; returns the new count. `out` has room for `n + 72`.
///
/// Eight positions are written at a time whether or not there are so many (the surplus is
/// written over later): the loop then ends on a branch that is almost always predicted (one or
/// two rounds per chunk), where a loop per bit mispredicts its end once a chunk.
#[inline]
fn flatten(out: &mut [u64], n: usize, mut bits: u64, ends: u64, base: usize) -> usize {
    let count = bits.count_ones() as usize;
    let mut at = n;
    while at < n + count {
        for slot in &mut out[at..at + 8] {
            let bit = bits.trailing_zeros();
            *slot = ((base + bit as usize) as u64) << 1 | (ends.wrapping_shr(bit) & 1);
            bits &= bits.wrapping_sub(1);
        }
        at += 8;
    }
    n + count
}

/// Boundaries gathered before the complete lines among them are parsed (a few kilobytes of
/// text: they stay in the cache).
const GATHER: usize = 512;

/// The columns being filled from one block, and where the parse stands.
struct Lines<'a> {
    block: &'a [u8],
    width: usize,
    /// Each column's field and builder.
    fields: Vec<usize>,
    builders: Vec<Builder>,
    /// For each field up to the last one asked for, the columns that take it.
    takers: Vec<Vec<usize>>,
    /// Lines parsed.
    line: usize,
    /// Where the line being parsed starts.
    start: usize,
}

impl Lines<'_> {
    /// Parses the complete lines whose boundaries (see [`flatten`]) are `bounds[..n]`, and
    /// moves the rest, which belongs to the line not yet ended, to the front; returns its length.
    fn parse(&mut self, bounds: &mut [u64], n: usize) -> Result<usize, Failure> {
        let mut i = 0;
        while i < n {
            // A line of exactly `width` fields (the common case) is taken whole.
            let line = bounds[..n]
                .get(i..i + self.width)
                .filter(|b| b[self.width - 1] & 1 == 1 && b[..self.width - 1].iter().all(|e| e & 1 == 0));
            if let Some(line) = line {
                for (k, builder) in self.builders.iter_mut().enumerate() {
                    let f = self.fields[k];
                    let from = if f == 0 { self.start } else { (line[f - 1] >> 1) as usize + 1 };
                    let to = (line[f] >> 1) as usize;
                    let (text, len) = field(self.block, from, to, f + 1 == self.width);
                    builder.push(text, len).map_err(|()| Failure::Number(k))?;
                }
                self.start = (line[self.width - 1] >> 1) as usize + 1;
                self.line += 1;
                i += self.width;
                continue;
            }
            // Any other line, field by field, once it has ended.
            let Some(end) = bounds[i..n].iter().position(|e| e & 1 == 1) else { break };
            let mut from = self.start;
            for (f, &e) in bounds[i..=i + end].iter().enumerate() {
                let to = (e >> 1) as usize;
                for &k in self.takers.get(f).map_or(&[][..], Vec::as_slice) {
                    let (text, len) = field(self.block, from, to, f == end);
                    self.builders[k].push(text, len).map_err(|()| Failure::Number(k))?;
                }
                from = to + 1;
            }
            if end + 1 > self.width {
                return Err(Failure::Fields(TooManyFields { line: self.line, fields: end + 1 }));
            }
            for takers in self.takers.iter().skip(end + 1) {
                for &k in takers {
                    self.builders[k].push(&[], 0).map_err(|()| Failure::Number(k))?;
                }
            }
            self.start = from;
            self.line += 1;
            i += end + 1;
        }
        bounds.copy_within(i..n, 0);
        Ok(n - i)
    }
}

/// The field `block[from..to]`, without the `\r` of a `\r\n` line end when it is a line's last,
/// as the block from the field on and the field's length.
#[inline]
fn field(block: &[u8], from: usize, to: usize, last: bool) -> (&[u8], usize) {
    let to = if last && to > from && block[to - 1] == b'\r' { to - 1 } else { to };
    (&block[from..], to - from)
}

/// The block's number of lines and its columns, parsed as `kinds`.
fn parse_as(
    block: &[u8],
    delimiter: u8,
    width: usize,
    columns: &[(usize, Kind)],
    kinds: &[Kind],
) -> Result<(usize, Vec<Cells>), Failure> {
    // Rows estimated from the first line, with a quarter more for lines shorter than it: a
    // column that outgrows its first allocation is copied whole, and capacity never written
    // costs no memory.
    let rows = block.len() / memchr::memchr(b'\n', block).map_or(block.len(), |i| i + 1).max(1) + 1;
    let rows = rows + rows / 4;
    let builders = kinds
        .iter()
        .map(|kind| match kind {
            Kind::Text => Builder::Text(TextColumn::with_capacity(rows)),
            Kind::Number => Builder::Float(Vec::with_capacity(rows)),
        })
        .collect();
    let last = columns.iter().map(|&(i, _)| i + 1).max().unwrap_or(0);
    let mut takers: Vec<Vec<usize>> = vec![Vec::new(); last];
    for (k, &(i, _)) in columns.iter().enumerate() {
        takers[i].push(k);
    }
    let fields = columns.iter().map(|&(i, _)| i).collect();
    let mut lines = Lines { block, width: width.max(1), fields, builders, takers, line: 0, start: 0 };
    // The boundaries found and not yet parsed are `bounds[..n]`; the rest is room.
    let mut bounds: Vec<u64> = vec![0; GATHER + 72];
    let mut n = 0;
    for (c, chunk) in block.chunks(64).enumerate() {
        if bounds.len() < n + 72 {
            bounds.resize(2 * bounds.len(), 0);
        }
        let (both, ends) = masks(chunk, delimiter);
        n = flatten(&mut bounds, n, both, ends, c * 64);
        if n >= GATHER {
            n = lines.parse(&mut bounds, n)?;
        }
    }
    n = lines.parse(&mut bounds, n)?;
    // A last line without a line end ends with the block.
    if lines.start < block.len() {
        bounds[n] = (block.len() as u64) << 1 | 1;
        lines.parse(&mut bounds, n + 1)?;
    }
    let cells = lines
        .builders
        .into_iter()
        .map(|b| match b {
            Builder::Text(b) => Cells::Text(b.finish()),
            Builder::Float(v) => Cells::Float(Float64Chunked::from_vec(PlSmallStr::EMPTY, v)),
        })
        .collect();
    Ok((lines.line, cells))
}

/// An integer below 10¹⁵ as an `f64` (exact), converted as a signed one: one instruction on x86_64
/// without AVX-512, where an unsigned conversion takes five.
#[inline]
fn exact(n: u64) -> f64 {
    debug_assert!(n < 1 << 53);
    n as i64 as f64
}

/// Powers of ten up to 10⁷.
const POW10_INT: [u64; 8] = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000];

/// How many ASCII digits `text[..len]` starts with, counting at most eight, and the value of
/// those digits when fewer than eight. Eight bytes are read at once (SWAR), from `text` past
/// `len` when it is long enough.
#[inline]
fn leading_digits(text: &[u8], len: usize) -> (usize, u64) {
    let word = match text.get(..8) {
        Some(eight) => u64::from_le_bytes(eight.try_into().expect("8 bytes")),
        None => {
            let mut padded = [0u8; 8];
            padded[..len].copy_from_slice(&text[..len]);
            u64::from_le_bytes(padded)
        }
    };
    // A byte is a digit when its high nibble is 3 and stays 3 after adding 6 (a carry out of a
    // byte that is no digit can only spoil the bytes after it).
    const THREES: u64 = 0x3030_3030_3030_3030;
    const HIGH: u64 = 0xF0F0_F0F0_F0F0_F0F0;
    let not_digit = ((word & HIGH) ^ THREES) | ((word.wrapping_add(0x0606_0606_0606_0606) & HIGH) ^ THREES);
    let n = ((not_digit.trailing_zeros() / 8) as usize).min(len);
    if n == 0 || n == 8 {
        return (n, 0);
    }
    // The digits moved to the top bytes (zeros before them), then summed in pairs, fours and eights.
    let d = word.wrapping_sub(THREES) << (8 * (8 - n));
    let d = d.wrapping_mul(10).wrapping_add(d >> 8);
    let d = ((d & 0x0000_00FF_0000_00FF)
        .wrapping_mul(100 + (1_000_000 << 32))
        .wrapping_add(((d >> 16) & 0x0000_00FF_0000_00FF).wrapping_mul(1 + (10_000 << 32))))
        >> 32;
    (n, d)
}

/// Powers of ten exact in an `f64`.
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20,
    1e21, 1e22,
];

/// A number of the form `[+-]digits[.digits]` (at least one digit), correctly rounded as
/// `str::parse` rounds it; `None` for anything else.
///
/// Up to 15 digits with up to 22 after the point, the digits as an integer and the power of
/// ten are both exact, so one division rounds correctly; longer numbers go to `str::parse`.
#[cfg(test)]
fn plain_number(field: &[u8]) -> Option<f64> {
    plain_number_in(field, field.len())
}

/// [`plain_number`] of `text[..len]`: the bytes after it (up to the block's end) are read
/// eight at a time with the field's, and not counted.
#[inline(always)]
fn plain_number_in(text: &[u8], len: usize) -> Option<f64> {
    let field = &text[..len];
    let (negative, from) = match field.first()? {
        b'-' => (true, 1),
        b'+' => (false, 1),
        _ => (false, 0),
    };
    let (text, len) = (&text[from..], len - from);
    // Up to seven digits before and after the point, eight bytes at a time.
    let (whole, w) = leading_digits(text, len);
    let short = match text[..len].get(whole) {
        _ if whole == 8 => None,
        None if whole > 0 => Some(exact(w)),
        Some(b'.') => {
            let (decimals, d) = leading_digits(&text[whole + 1..], len - whole - 1);
            match (whole + 1 + decimals == len, decimals) {
                (_, 8) => None,
                (true, 0) if whole == 0 => return None,
                (true, 0) => Some(exact(w)),
                (true, _) => Some(exact(w * POW10_INT[decimals] + d) / POW10[decimals]),
                (false, _) => return None,
            }
        }
        _ => return None,
    };
    match short {
        Some(value) => Some(if negative { -value } else { value }),
        None => long_number(field),
    }
}

/// [`plain_number`] of a field with more than seven digits before or after the point.
#[cold]
#[inline(never)]
fn long_number(field: &[u8]) -> Option<f64> {
    let (negative, digits) = match field.first()? {
        b'-' => (true, &field[1..]),
        b'+' => (false, &field[1..]),
        _ => (false, field),
    };
    let (mut mantissa, mut i) = (0u64, 0);
    // Up to 19 digits fit a u64; more go to `str::parse` below, uncounted here.
    let run = |i: &mut usize, mantissa: &mut u64| {
        let from = *i;
        while let Some(d) = digits.get(*i).map(|b| b.wrapping_sub(b'0')).filter(|&d| d < 10) {
            *mantissa = mantissa.wrapping_mul(10).wrapping_add(u64::from(d));
            *i += 1;
        }
        *i - from
    };
    let whole = run(&mut i, &mut mantissa);
    let decimals = if digits.get(i) == Some(&b'.') {
        i += 1;
        run(&mut i, &mut mantissa)
    } else {
        0
    };
    let count = whole + decimals;
    if i < digits.len() || count == 0 {
        return None;
    }
    if count > 15 || decimals >= POW10.len() {
        return std::str::from_utf8(field).ok()?.parse().ok();
    }
    let value = if decimals == 0 { mantissa as f64 } else { mantissa as f64 / POW10[decimals] };
    Some(if negative { -value } else { value })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn plain_numbers_equal_the_standard_parse() {
        for s in [
            "0",
            "-0",
            "12",
            "+12",
            "234234.39",
            "578102.11",
            ".5",
            "5.",
            "-0.000001",
            "123456789012345",
            "1234567",
            "12345678",
            "123456789",
            "1234567.1234567",
            "1234567.12345678",
            "12345678.1",
            "0.0000001",
            "9999999.9999999",
            "-7.25",
            "1234567890123456789012",
            "0.1234567890123456789",
            "9007199254740993",
        ] {
            assert_eq!(plain_number(s.as_bytes()).map(f64::to_bits), s.parse::<f64>().ok().map(f64::to_bits), "{s}");
        }
        for s in [
            "",
            "-",
            ".",
            "-.",
            "1e5",
            "1,5",
            "NaN",
            "inf",
            " 1",
            "1 ",
            "1.2.3",
            "0x10",
            "1.5x",
            "12345678x",
            "1.12345678x",
            "1:",
            "/1",
            "1.:",
        ] {
            assert_eq!(plain_number(s.as_bytes()), None, "{s}");
        }
    }

    #[test]
    fn lines_are_counted_with_or_without_columns_and_a_last_line_end() {
        for text in [&b"a;b\nc;d"[..], b"a;b\nc;d\n", b"a;b\n\nc;d\n"] {
            let lines = text.split(|&b| b == b'\n').count() - usize::from(text.ends_with(b"\n"));
            assert_eq!(parse(text, b';', 2, &[]).unwrap().0, lines, "{text:?}");
            assert_eq!(parse(text, b';', 2, &[(1, Kind::Text)]).unwrap().0, lines, "{text:?}");
        }
    }

    #[test]
    fn lines_with_more_fields_than_are_gathered_at_once() {
        let line: String = (0..3 * GATHER).map(|i| i.to_string()).collect::<Vec<_>>().join(";");
        let text = format!("{line}\n{line}");
        let (rows, cells) =
            parse(text.as_bytes(), b';', 3 * GATHER, &[(0, Kind::Number), (3 * GATHER - 1, Kind::Number)]).unwrap();
        assert_eq!(rows, 2);
        let values = |c: &[Cells]| match &c[0] {
            Cells::Float(f) => f.iter().flatten().collect::<Vec<f64>>(),
            Cells::Text(_) => panic!("numbers"),
        };
        assert_eq!(values(&cells[0]), [0.0, 0.0]);
        assert_eq!(values(&cells[1]), [(3 * GATHER - 1) as f64; 2]);
        assert_eq!(
            parse(text.as_bytes(), b';', 3 * GATHER - 1, &[(0, Kind::Text)]).unwrap_err(),
            TooManyFields { line: 0, fields: 3 * GATHER }
        );
    }

    /// Lines, and the cells of each column asked for (`None`: empty or missing).
    type Split = (usize, Vec<Vec<Option<String>>>);

    /// The cells of `columns` in every line of `text` by splitting it, or the first line with
    /// more than `width` fields.
    fn split_lines(text: &str, width: usize, columns: &[usize]) -> Result<Split, TooManyFields> {
        let mut lines: Vec<&str> = text.split('\n').collect();
        if text.is_empty() || text.ends_with('\n') {
            lines.pop();
        }
        let mut cells = vec![Vec::new(); columns.len()];
        for (line, l) in lines.iter().enumerate() {
            let fields: Vec<&str> = l.strip_suffix('\r').unwrap_or(l).split(';').collect();
            if fields.len() > width {
                return Err(TooManyFields { line, fields: fields.len() });
            }
            for (c, &i) in cells.iter_mut().zip(columns) {
                c.push(fields.get(i).filter(|f| !f.is_empty()).map(|f| f.to_string()));
            }
        }
        Ok((lines.len(), cells))
    }

    proptest! {
        /// Lines of any shape (blank, short, `\r\n`, no last line end, too many fields) parse
        /// as splitting them gives; number columns give each plain number exactly, or the text.
        #[test]
        fn lines_parse_as_splitting_gives(width in 1usize..6, lines in proptest::collection::vec((0u32..100, proptest::collection::vec("[0-9.a-]{0,9}", 7), any::<bool>()), 0..300), last_end in any::<bool>(), picks in proptest::collection::vec((0usize..6, any::<bool>()), 0..4)) {
            // Mostly whole lines, some short or blank, a few with a field too many.
            let mut text: String = lines.iter().map(|(shape, fields, crlf)| {
                let n = match shape { 0 => width + 1, 1..10 => *shape as usize % (width + 1), _ => width };
                fields[..n].join(";") + if *crlf { "\r\n" } else { "\n" }
            }).collect();
            if !last_end && text.ends_with('\n') {
                text.pop();
            }
            let picks: Vec<(usize, Kind)> = picks.into_iter().filter(|p| p.0 < width).map(|(i, number)| (i, if number { Kind::Number } else { Kind::Text })).collect();
            let columns: Vec<usize> = picks.iter().map(|p| p.0).collect();
            let want = split_lines(&text, width, &columns);
            let got = parse(text.as_bytes(), b';', width, &picks).map(|(rows, cols)| {
                let cells = cols.iter().zip(&want.as_ref().map_or(vec![], |w| w.1.clone())).map(|(blocks, want)| {
                    let got: Vec<Option<String>> = blocks.iter().flat_map(|b| match b {
                        Cells::Text(t) => t.iter().map(|v| v.map(str::to_string)).collect::<Vec<_>>(),
                        Cells::Float(f) => f.iter().map(|v| v.map(|v| v.to_string())).collect(),
                    }).collect();
                    // A number stands for the text it was parsed from.
                    got.into_iter().zip(want).map(|(g, w)| match (&g, w) {
                        (Some(g), Some(w)) if plain_number(w.as_bytes()).map(|v| v.to_string()).as_ref() == Some(g) => Some(w.clone()),
                        _ => g,
                    }).collect()
                }).collect();
                (rows, cells)
            });
            prop_assert_eq!(got, want);
        }

        #[test]
        fn decimals_round_as_the_standard_parse(int in 0u64..10_000_000_000, frac in 0u64..1_000_000_000, width in 0usize..10, sign in 0usize..3) {
            let s = format!("{}{int}.{frac:0width$}", ["", "-", "+"][sign]);
            prop_assert_eq!(plain_number(s.as_bytes()).map(f64::to_bits), s.parse::<f64>().ok().map(f64::to_bits));
        }
    }
}
