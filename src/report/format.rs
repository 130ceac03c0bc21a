//! Number formatting, in one place, so every output writes the same figure the same way.

/// Formats micro-units as a decimal with up to six decimals, trailing zeros dropped.
///
/// ```
/// use dekking::report::format::micro;
/// assert_eq!(micro(8_270_244_000_000), "8270244");
/// assert_eq!(micro(2_500_000), "2.5");
/// assert_eq!(micro(1), "0.000001");
/// ```
#[must_use]
pub fn micro(m: u64) -> String {
    let (int, frac) = (m / 1_000_000, m % 1_000_000);
    if frac == 0 {
        return int.to_string();
    }
    let f = format!("{frac:06}");
    format!("{int}.{}", f.trim_end_matches('0'))
}

/// A share (0–1) with six decimals; empty for `None`.
#[must_use]
pub fn share(s: Option<f64>) -> String {
    s.map(|v| format!("{v:.6}")).unwrap_or_default()
}

/// A share (0–1) as a percentage with two decimals, e.g. `99.71 %`; `n/a` for `None`.
#[must_use]
pub fn pct(s: Option<f64>) -> String {
    s.map(|v| format!("{:.2} %", v * 100.0)).unwrap_or_else(|| "n/a".into())
}

/// `yes`, `no` or empty.
#[must_use]
pub fn yes_no(b: Option<bool>) -> &'static str {
    match b {
        Some(true) => "yes",
        Some(false) => "no",
        None => "",
    }
}

/// A whole number with thousands separators, e.g. `8,270,244`.
#[must_use]
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Micro-units rounded to a whole number with thousands separators.
#[must_use]
pub fn micro_rounded(m: u64) -> String {
    thousands((m + 500_000) / 1_000_000)
}

/// The plural of a level name (gemeente → gemeenten, county → counties).
#[must_use]
pub fn plural(level: &str) -> String {
    match level {
        "gemeente" => "gemeenten".into(),
        "provincie" => "provincies".into(),
        "county" => "counties".into(),
        other => format!("{other}s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(thousands(8_270_244), "8,270,244");
        assert_eq!(share(Some(0.5)), "0.500000");
        assert_eq!(share(None), "");
        assert_eq!(pct(Some(0.99712)), "99.71 %");
        assert_eq!(micro_rounded(1_499_999), "1");
    }
}

/// How a language writes numbers: its decimal mark and its thousands separator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Numbers {
    /// The decimal mark, e.g. `,` in Dutch.
    pub decimal: char,
    /// The thousands separator, e.g. `.` in Dutch.
    pub group: char,
}

impl Numbers {
    /// `99.70`, `824,570`.
    pub const EN: Numbers = Numbers { decimal: '.', group: ',' };
    /// `99,70`, `824.570`.
    pub const NL: Numbers = Numbers { decimal: ',', group: '.' };

    /// `v` with `digits` decimals.
    ///
    /// ```
    /// use dekking::report::format::Numbers;
    /// assert_eq!(Numbers::NL.fixed(99.7, 2), "99,70");
    /// assert_eq!(Numbers::EN.fixed(-0.5, 1), "-0.5");
    /// ```
    #[must_use]
    pub fn fixed(self, v: f64, digits: usize) -> String {
        format!("{v:.digits$}").replace('.', self.decimal.encode_utf8(&mut [0; 4]))
    }

    /// `v` with as many decimals as it has (shortest round-trip form), e.g. `99,5`.
    #[must_use]
    pub fn short(self, v: f64) -> String {
        v.to_string().replace('.', self.decimal.encode_utf8(&mut [0; 4]))
    }

    /// A whole number with thousands separators.
    ///
    /// ```
    /// use dekking::report::format::Numbers;
    /// assert_eq!(Numbers::NL.grouped(8_270_244), "8.270.244");
    /// assert_eq!(Numbers::EN.grouped(824_570), "824,570");
    /// ```
    #[must_use]
    pub fn grouped(self, n: u64) -> String {
        thousands(n).replace(',', self.group.encode_utf8(&mut [0; 4]))
    }
}
