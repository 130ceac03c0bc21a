//! Text encodings: one parallel pass that checks a text for UTF-8, counts its line ends and
//! finds its last quote, and a parallel Windows-1252 decoder for files that are not UTF-8 (the
//! usual encoding of a Dutch Excel export).

use rayon::prelude::*;

/// What one pass over a text finds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Scan {
    /// Whether it is UTF-8.
    pub(crate) utf8: bool,
    /// Its number of line ends.
    pub(crate) lines: usize,
    /// Where its last double quote is.
    pub(crate) last_quote: Option<usize>,
}

impl Default for Scan {
    fn default() -> Scan {
        Scan { utf8: true, lines: 0, last_quote: None }
    }
}

/// Checks `bytes` for UTF-8, counts their line ends and finds their last double quote, in one
/// pass: in parallel parts, each read in pieces small enough to stay in the cache while all
/// three look at them. Parts and pieces are cut before ASCII bytes, which never fall inside a
/// character.
pub(crate) fn scan(bytes: &[u8]) -> Scan {
    scan_in(bytes, 1 << 24, 1 << 16)
}

/// [`scan`] in parts and pieces of about the given numbers of bytes.
fn scan_in(bytes: &[u8], part: usize, piece: usize) -> Scan {
    // The first ASCII byte at or after `at` (or the end).
    let cut = |at: usize| at + bytes[at..].iter().position(|&b| b < 0x80).unwrap_or(bytes.len() - at);
    let mut cuts = vec![0];
    while cuts[cuts.len() - 1] < bytes.len() {
        let from = cuts[cuts.len() - 1];
        cuts.push(cut((from + part).min(bytes.len())));
    }
    let parts: Vec<Scan> = cuts
        .par_windows(2)
        .map(|w| {
            let mut found = Scan::default();
            let mut at = w[0];
            while at < w[1] {
                let end = cut((at + piece).min(w[1])).min(w[1]);
                let piece = &bytes[at..end];
                found.utf8 &= simdutf8::basic::from_utf8(piece).is_ok();
                found.lines += memchr::memchr_iter(b'\n', piece).count();
                found.last_quote = memchr::memrchr(b'"', piece).map(|q| at + q).or(found.last_quote);
                at = end;
            }
            found
        })
        .collect();
    parts.into_iter().fold(Scan::default(), |all, p| Scan {
        utf8: all.utf8 && p.utf8,
        lines: all.lines + p.lines,
        last_quote: p.last_quote.or(all.last_quote),
    })
}

/// Windows-1252 text as UTF-8, decoded in parallel parts straight into one buffer: each byte is
/// one character, so the text can be cut anywhere, and each part's UTF-8 length is known from
/// its bytes before it is decoded.
pub(crate) fn windows_1252_to_utf8(bytes: &[u8]) -> Vec<u8> {
    const PART: usize = 1 << 22;
    let encoding = encoding_rs::WINDOWS_1252;
    // Each byte's character, and its UTF-8 bytes beyond the first (0 for ASCII).
    let chars: Vec<char> = (0..=255u8)
        .map(|b| encoding.decode_without_bom_handling(&[b]).0.chars().next().unwrap_or('\u{FFFD}'))
        .collect();
    let extra: Vec<u8> = chars.iter().map(|c| c.len_utf8() as u8 - 1).collect();
    let parts: Vec<&[u8]> = bytes.chunks(PART).collect();
    let sizes: Vec<usize> = parts
        .par_iter()
        .map(|p| p.len() + p.iter().filter(|&&b| b >= 0x80).map(|&b| usize::from(extra[usize::from(b)])).sum::<usize>())
        .collect();
    let mut out = vec![0u8; sizes.iter().sum()];
    let mut slices = Vec::with_capacity(parts.len());
    let mut rest = &mut out[..];
    for &n in &sizes {
        let (slice, after) = rest.split_at_mut(n);
        slices.push(slice);
        rest = after;
    }
    parts.into_par_iter().zip(slices).for_each(|(part, slice)| {
        // The decoder stops while the room left is less than the longest character (3 bytes),
        // so the last few are written here.
        let (_, read, mut written) =
            encoding.new_decoder_without_bom_handling().decode_to_utf8_without_replacement(part, slice, true);
        for &b in &part[read..] {
            written += chars[usize::from(b)].encode_utf8(&mut slice[written..]).len();
        }
        debug_assert_eq!(written, slice.len(), "every byte decodes to its counted length");
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_1252_in_parts_equals_encoding_rs() {
        let bytes: Vec<u8> =
            (0..(3 << 22) + 12_345).map(|i: usize| (i.wrapping_mul(2_654_435_761) >> 7) as u8).collect();
        let whole = encoding_rs::WINDOWS_1252.decode_without_bom_handling(&bytes).0.into_owned().into_bytes();
        assert_eq!(windows_1252_to_utf8(&bytes), whole);
        assert_eq!(windows_1252_to_utf8(b""), b"");
    }

    proptest::proptest! {
        /// In parts and pieces of any size, the scan finds what whole-text searches find.
        #[test]
        fn a_scan_in_parts_equals_whole_text_searches(text in proptest::collection::vec(proptest::sample::select(vec![b'a', b'\n', b'"', 0xC3, 0xA9, 0xE2, 0x82, 0xAC, 0xFF]), 0..200), part in 1usize..40, piece in 1usize..12) {
            let found = scan_in(&text, part, piece);
            proptest::prop_assert_eq!(found.utf8, std::str::from_utf8(&text).is_ok());
            proptest::prop_assert_eq!(found.lines, text.iter().filter(|&&b| b == b'\n').count());
            proptest::prop_assert_eq!(found.last_quote, text.iter().rposition(|&b| b == b'"'));
        }
    }

    #[test]
    fn utf8_is_checked_in_parts_without_splitting_characters() {
        let mut bytes = vec![b'a'; (1 << 24) - 1];
        bytes.extend("é;b\n".as_bytes());
        assert!(scan(&bytes).utf8, "a character across the first cut");
        let n = bytes.len();
        bytes[n - 4] = b'x';
        assert!(!scan(&bytes).utf8, "a lone lead byte before the cut");
    }
}
