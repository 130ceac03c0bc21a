//! Which delimiter a CSV file uses, from its header line: the candidate (`,` `;` tab `|`) that
//! occurs most often outside quotes.

/// Picks the candidate delimiter that occurs most often outside quotes in the header line.
pub(crate) fn sniff_delimiter(line: &str) -> u8 {
    let mut counts = [0usize; 4];
    const CANDIDATES: [u8; 4] = [b',', b';', b'\t', b'|'];
    let mut quoted = false;
    for b in line.bytes() {
        if b == b'"' {
            quoted = !quoted;
        } else if !quoted {
            if let Some(k) = CANDIDATES.iter().position(|&c| c == b) {
                counts[k] += 1;
            }
        }
    }
    let best = (0..4).max_by_key(|&k| (counts[k], std::cmp::Reverse(k))).unwrap_or(0);
    if counts[best] == 0 {
        b','
    } else {
        CANDIDATES[best]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_semicolons_and_tabs() {
        assert_eq!(sniff_delimiter("a;b;c"), b';');
        assert_eq!(sniff_delimiter("a\tb\tc"), b'\t');
        assert_eq!(sniff_delimiter("\"x;y\",b,c"), b',');
        assert_eq!(sniff_delimiter("single"), b',');
    }
}
