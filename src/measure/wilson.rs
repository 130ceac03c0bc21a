//! The Wilson score interval for a binomial proportion (Wilson 1927), used for drive-test
//! success rates.

/// The standard normal quantile Φ⁻¹(p), by Wichura's algorithm AS 241 (PPND16, relative error
/// about 1e-16).
///
/// ```
/// use dekking::measure::wilson::normal_quantile;
/// assert!((normal_quantile(0.975) - 1.959_963_984_540_054).abs() < 1e-12);
/// ```
#[must_use]
#[allow(clippy::excessive_precision)] // AS 241's published coefficients, kept verbatim.
pub fn normal_quantile(p: f64) -> f64 {
    let q = p - 0.5;
    if q.abs() <= 0.425 {
        let r = 0.180625 - q * q;
        return q
            * (((((((2509.0809287301226727 * r + 33430.575583588128105) * r + 67265.770927008700853) * r
                + 45921.953931549871457)
                * r
                + 13731.693765509461125)
                * r
                + 1971.5909503065514427)
                * r
                + 133.14166789178437745)
                * r
                + 3.387132872796366608)
            / (((((((5226.495278852545925 * r + 28729.085735721942674) * r + 39307.89580009271061) * r
                + 21213.794301586595867)
                * r
                + 5394.1960214247511077)
                * r
                + 687.1870074920579083)
                * r
                + 42.313330701600911252)
                * r
                + 1.0);
    }
    let r = if q < 0.0 { p } else { 1.0 - p };
    let r = (-r.ln()).sqrt();
    let v = if r <= 5.0 {
        let r = r - 1.6;
        (((((((7.7454501427834140764e-4 * r + 0.0227238449892691845833) * r + 0.24178072517745061177) * r
            + 1.27045825245236838258)
            * r
            + 3.64784832476320460504)
            * r
            + 5.7694972214606914055)
            * r
            + 4.6303378461565452959)
            * r
            + 1.42343711074968357734)
            / (((((((1.05075007164441684324e-9 * r + 5.475938084995344946e-4) * r + 0.0151986665636164571966) * r
                + 0.14810397642748007459)
                * r
                + 0.68976733498510000455)
                * r
                + 1.6763848301838038494)
                * r
                + 2.05319162663775882187)
                * r
                + 1.0)
    } else {
        let r = r - 5.0;
        (((((((2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r + 0.0012426609473880784386) * r
            + 0.026532189526576123093)
            * r
            + 0.29656057182850489123)
            * r
            + 1.7848265399172913358)
            * r
            + 5.4637849111641143699)
            * r
            + 6.6579046435011037772)
            / (((((((2.04426310338993978564e-15 * r + 1.4215117583164458887e-7) * r + 1.8463183175100546818e-5) * r
                + 7.868691311456132591e-4)
                * r
                + 0.0148753612908506148525)
                * r
                + 0.13692988092273580531)
                * r
                + 0.59983220655588793769)
                * r
                + 1.0)
    };
    if q < 0.0 {
        -v
    } else {
        v
    }
}

/// The two-sided Wilson score interval (low, high) for `successes` of `trials` at `confidence`
/// (e.g. 0.95); `None` for zero trials.
///
/// ```
/// use dekking::measure::wilson::wilson;
/// let (lo, hi) = wilson(98, 100, 0.95).unwrap();
/// assert!((lo - 0.9300).abs() < 5e-5 && (hi - 0.9945).abs() < 5e-5);
/// ```
#[must_use]
pub fn wilson(successes: u64, trials: u64, confidence: f64) -> Option<(f64, f64)> {
    if trials == 0 {
        return None;
    }
    let z = normal_quantile(0.5 + confidence / 2.0);
    let (n, k) = (trials as f64, successes as f64);
    let p = k / n;
    let z2 = z * z;
    let centre = (p + z2 / (2.0 * n)) / (1.0 + z2 / n);
    let half = z / (1.0 + z2 / n) * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    // At 0 and at n successes the bound is exactly 0 or 1; rounding would leave a speck.
    let lo = if successes == 0 { 0.0 } else { (centre - half).max(0.0) };
    let hi = if successes >= trials { 1.0 } else { (centre + half).min(1.0) };
    Some((lo, hi))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_values() {
        // 98 of 100 at 95 %: [0.9300, 0.9945] (Newcombe 1998, method 3).
        let (lo, hi) = wilson(98, 100, 0.95).unwrap();
        assert!((lo - 0.92999).abs() < 1e-4 && (hi - 0.99449).abs() < 1e-4, "{lo} {hi}");
        // Newcombe 1998 table: 81/263 -> 0.2553 .. 0.3662.
        let (lo, hi) = wilson(81, 263, 0.95).unwrap();
        assert!((lo - 0.2553).abs() < 1e-4 && (hi - 0.3662).abs() < 1e-4, "{lo} {hi}");
        // Extremes stay inside [0, 1]; 0/10 -> 0 .. 0.2775.
        let (lo, hi) = wilson(0, 10, 0.95).unwrap();
        assert_eq!(lo, 0.0);
        assert!((hi - 0.2775).abs() < 1e-4);
        assert_eq!(wilson(0, 0, 0.95), None);
    }

    #[test]
    fn quantiles() {
        assert!((normal_quantile(0.5)).abs() < 1e-15);
        assert!((normal_quantile(0.995) - 2.575_829_303_548_900_4).abs() < 1e-12);
        assert!((normal_quantile(1e-10) + 6.361_340_902_404_056).abs() < 1e-9);
    }
}
