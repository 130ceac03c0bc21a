//! Parsing delimited lines that hold no quote character: the fast path of [`super::table`].
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

use polars::prelude::*;
use rayon::prelude::*;

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
pub fn parse(text: &[u8], delimiter: u8, width: usize, columns: &[(usize, Kind)]) -> Result<(usize, Vec<Vec<Cells>>), TooManyFields> {
    let blocks = line_blocks(text, 0, BLOCK);
    let parsed: Vec<Result<(usize, Vec<Cells>), TooManyFields>> = blocks.par_iter().map(|b| parse_block(&text[b.clone()], delimiter, width, columns)).collect();
    let mut out: Vec<Vec<Cells>> = columns.iter().map(|_| Vec::with_capacity(parsed.len())).collect();
    let mut rows = 0;
    for (block, cells) in blocks.iter().zip(parsed) {
        match cells {
            Ok((lines, cells)) => {
                rows += lines;
                out.iter_mut().zip(cells).for_each(|(col, c)| col.push(c));
            }
            Err(e) => return Err(TooManyFields { line: memchr::memchr_iter(b'\n', &text[..block.start]).count() + e.line, ..e }),
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
fn parse_block(block: &[u8], delimiter: u8, width: usize, columns: &[(usize, Kind)]) -> Result<(usize, Vec<Cells>), TooManyFields> {
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
    Text(StringChunkedBuilder),
    Float(Vec<f64>),
}

impl Builder {
    /// Appends one field; `Err` when a number column meets a field that is not a plain number.
    #[inline]
    fn push(&mut self, field: &[u8]) -> Result<(), ()> {
        match self {
            Builder::Text(b) if field.is_empty() => b.append_null(),
            // SAFETY: ASCII bytes are UTF-8.
            Builder::Text(b) if field.is_ascii() => b.append_value(unsafe { std::str::from_utf8_unchecked(field) }),
            // Cut at ASCII bytes of UTF-8 text, a field is UTF-8.
            Builder::Text(b) => match std::str::from_utf8(field) {
                Ok(s) => b.append_value(s),
                Err(_) => b.append_null(),
            },
            Builder::Float(v) => v.push(plain_number(field).ok_or(())?),
        }
        Ok(())
    }
}

/// Bit `i` set where `chunk[i]` is `a` or `b` (at most 64 bytes).
#[inline]
fn mask(chunk: &[u8], a: u8, b: u8) -> u64 {
    match <&[u8; 64]>::try_from(chunk) {
        Ok(whole) => (0..4).fold(0, |m, q| m | (mask16(whole[16 * q..16 * q + 16].try_into().expect("16 bytes"), a, b) << (16 * q))),
        Err(_) => chunk.iter().enumerate().fold(0, |m, (i, &c)| m | (u64::from((c == a) | (c == b)) << i)),
    }
}

/// Bit `i` set where `chunk[i]` is `a` or `b`: one comparison of 16 bytes.
#[cfg(target_arch = "x86_64")]
#[inline]
fn mask16(chunk: &[u8; 16], a: u8, b: u8) -> u64 {
    use std::arch::x86_64::{_mm_cmpeq_epi8, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8, _mm_set_epi64x};
    let half = |i: usize| i64::from_le_bytes(chunk[i..i + 8].try_into().expect("8 bytes"));
    // SAFETY: SSE2 is part of every x86_64 target; these intrinsics only compute on values.
    unsafe {
        let v = _mm_set_epi64x(half(8), half(0));
        let hits = _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(a as i8)), _mm_cmpeq_epi8(v, _mm_set1_epi8(b as i8)));
        u64::from(_mm_movemask_epi8(hits) as u16)
    }
}

/// Bit `i` set where `chunk[i]` is `a` or `b`.
#[cfg(not(target_arch = "x86_64"))]
#[inline]
fn mask16(chunk: &[u8; 16], a: u8, b: u8) -> u64 {
    chunk.iter().enumerate().fold(0, |m, (i, &c)| m | (u64::from((c == a) | (c == b)) << i))
}

/// The block's number of lines and its columns, parsed as `kinds`.
fn parse_as(block: &[u8], delimiter: u8, width: usize, columns: &[(usize, Kind)], kinds: &[Kind]) -> Result<(usize, Vec<Cells>), Failure> {
    // Rows estimated from the first line, with a quarter more for lines shorter than it: a
    // column that outgrows its first allocation is copied whole, and capacity never written
    // costs no memory.
    let rows = block.len() / memchr::memchr(b'\n', block).map_or(block.len(), |i| i + 1).max(1) + 1;
    let rows = rows + rows / 4;
    let mut builders: Vec<Builder> = kinds
        .iter()
        .map(|kind| match kind {
            Kind::Text => Builder::Text(StringChunkedBuilder::new(PlSmallStr::EMPTY, rows)),
            Kind::Number => Builder::Float(Vec::with_capacity(rows)),
        })
        .collect();
    // For each field up to the last one asked for, the columns that take it.
    let last = columns.iter().map(|&(i, _)| i + 1).max().unwrap_or(0);
    let mut takers: Vec<Vec<usize>> = vec![Vec::new(); last];
    for (k, &(i, _)) in columns.iter().enumerate() {
        takers[i].push(k);
    }
    let (mut line, mut field) = (0, 0);
    // Each delimiter or line end closes a field; the text's end closes a last line without a
    // line end.
    let mut close = |start: usize, mut end: usize, at_line_end: bool| -> Result<(), Failure> {
        if at_line_end && end > start && block[end - 1] == b'\r' {
            end -= 1;
        }
        for &k in takers.get(field).map_or(&[][..], Vec::as_slice) {
            builders[k].push(&block[start..end]).map_err(|()| Failure::Number(k))?;
        }
        field += 1;
        if at_line_end {
            if field > width {
                return Err(Failure::Fields(TooManyFields { line, fields: field }));
            }
            for takers in takers.iter().skip(field) {
                for &k in takers {
                    builders[k].push(&[]).map_err(|()| Failure::Number(k))?;
                }
            }
            (line, field) = (line + 1, 0);
        }
        Ok(())
    };
    let mut start = 0;
    for (c, chunk) in block.chunks(64).enumerate() {
        let mut bits = mask(chunk, delimiter, b'\n');
        while bits != 0 {
            let at = c * 64 + bits.trailing_zeros() as usize;
            bits &= bits - 1;
            close(start, at, block[at] == b'\n')?;
            start = at + 1;
        }
    }
    if start < block.len() {
        close(start, block.len(), true)?;
    }
    let cells = builders
        .into_iter()
        .map(|b| match b {
            Builder::Text(b) => Cells::Text(b.finish()),
            Builder::Float(v) => Cells::Float(Float64Chunked::from_vec(PlSmallStr::EMPTY, v)),
        })
        .collect();
    Ok((line, cells))
}

/// Powers of ten exact in an `f64`.
const POW10: [f64; 23] = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

/// A number of the form `[+-]digits[.digits]` (at least one digit), correctly rounded as
/// `str::parse` rounds it; `None` for anything else.
///
/// Up to 15 digits with up to 22 after the point, the digits as an integer and the power of
/// ten are both exact, so one division rounds correctly; longer numbers go to `str::parse`.
fn plain_number(field: &[u8]) -> Option<f64> {
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
        for s in ["0", "-0", "12", "+12", "234234.39", "578102.11", ".5", "5.", "-0.000001", "123456789012345", "1234567890123456789012", "0.1234567890123456789", "9007199254740993"] {
            assert_eq!(plain_number(s.as_bytes()).map(f64::to_bits), s.parse::<f64>().ok().map(f64::to_bits), "{s}");
        }
        for s in ["", "-", ".", "1e5", "1,5", "NaN", "inf", " 1", "1 ", "1.2.3", "0x10"] {
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

    proptest! {
        #[test]
        fn decimals_round_as_the_standard_parse(int in 0u64..10_000_000_000, frac in 0u64..1_000_000_000, width in 0usize..10, sign in 0usize..3) {
            let s = format!("{}{int}.{frac:0width$}", ["", "-", "+"][sign]);
            prop_assert_eq!(plain_number(s.as_bytes()).map(f64::to_bits), s.parse::<f64>().ok().map(f64::to_bits));
        }
    }
}
