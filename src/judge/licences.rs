//! Judging mobile coverage against a licence: per operator × gemeente, the percentage in force on
//! the date (the obligation, or an ontheffing), compliance, and the shortfall; and drive-test
//! success rates against pass_factor × that percentage.

use crate::io::licence::Licence;
use crate::measure::mobile::{Covered, Eligible};
use crate::measure::wilson::wilson;
use crate::model::date::Date;
use crate::model::mobile::{Compliance, DriveTestVerdict};

/// Judges one operator in one gemeente.
#[must_use]
pub fn judge_area(
    licence: &Licence,
    operator: &str,
    (code, name): (&str, &str),
    date: Date,
    required_mbps: f64,
    eligible: &Eligible,
    covered: &Covered,
) -> Compliance {
    let (pct, ontheffing) = licence.required_pct(operator, code, date);
    let eligible_m2 = eligible.eligible_m2();
    let share = (eligible_m2 > 0.0).then(|| (covered.covered_m2 / eligible_m2).min(1.0));
    let compliant = share.map(|s| s * 100.0 >= pct);
    let short_m2 = (pct / 100.0 * eligible_m2 - covered.covered_m2).max(0.0);
    Compliance {
        operator: operator.to_string(),
        area_code: code.to_string(),
        area_name: name.to_string(),
        date,
        required_mbps,
        required_pct: pct,
        ontheffing: ontheffing.map(|o| format!("{}% {} to {} ({})", o.share_pct, o.start, o.end, o.source)),
        area_km2: eligible.area_m2 / 1e6,
        excluded_km2: eligible.excluded_m2 / 1e6,
        eligible_km2: eligible_m2 / 1e6,
        covered_km2: covered.covered_m2 / 1e6,
        nodata_km2: covered.nodata_m2 / 1e6,
        share,
        compliant,
        shortfall_km2: if compliant == Some(true) { 0.0 } else { short_m2 / 1e6 },
        shortfall_pp: match (share, compliant) {
            (Some(s), Some(false)) => (pct - s * 100.0).max(0.0),
            _ => 0.0,
        },
    }
}

/// Judges drive-test counts of one operator in one gemeente.
#[must_use]
pub fn judge_drive_test(
    licence: &Licence,
    operator: &str,
    (code, name): (&str, &str),
    date: Date,
    successes: u64,
    attempts: u64,
) -> DriveTestVerdict {
    let (pct, _) = licence.required_pct(operator, code, date);
    let threshold = licence.drive_test.pass_factor * pct / 100.0;
    let rate = successes as f64 / attempts.max(1) as f64;
    let (ci_low, ci_high) = wilson(successes, attempts, licence.drive_test.confidence).unwrap_or((0.0, 0.0));
    DriveTestVerdict {
        operator: operator.into(),
        area_code: code.into(),
        area_name: name.into(),
        attempts,
        successes,
        success_rate: rate,
        ci_low,
        ci_high,
        required_pct: pct,
        threshold,
        // Compare in integers of attempts to avoid 0.882 vs 0.8820000001: k / n >= t.
        pass: attempts > 0 && successes as f64 >= threshold * attempts as f64 - 1e-9,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::MultiPolygon;

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    fn eligible(km2: f64) -> Eligible {
        Eligible { area_m2: km2 * 1e6, excluded_m2: 0.0, shape: MultiPolygon(vec![]) }
    }

    #[test]
    fn ontheffing_changes_the_verdict_from_one_day_to_the_next() {
        let l = Licence::load(None).unwrap();
        // Gooise Meren, Vodafone: 97.6 % covered passes 97.5 % on 2022-12-29, fails 98 % a day later.
        let e = eligible(100.0);
        let c = Covered { covered_m2: 97.6e6, nodata_m2: 0.0 };
        let a = judge_area(&l, "VodafoneZiggo", ("GM1942", "Gooise Meren"), d("2022-12-29"), 8.0, &e, &c);
        assert_eq!((a.required_pct, a.compliant), (97.5, Some(true)));
        assert!(a.ontheffing.as_deref().unwrap().starts_with("97.5% 2022-06-30 to 2022-12-29"));
        let b = judge_area(&l, "VodafoneZiggo", ("GM1942", "Gooise Meren"), d("2022-12-30"), 8.0, &e, &c);
        assert_eq!((b.required_pct, b.compliant, b.ontheffing), (98.0, Some(false), None));
        assert!((b.shortfall_km2 - 0.4).abs() < 1e-9 && (b.shortfall_pp - 0.4).abs() < 1e-9);
    }

    #[test]
    fn drive_test_threshold_is_the_factor_times_the_percentage() {
        let l = Licence::load(None).unwrap();
        let v = judge_drive_test(&l, "KPN", ("GM0014", "Groningen"), d("2024-01-01"), 882, 1000);
        assert!((v.threshold - 0.882).abs() < 1e-12);
        assert!(v.pass);
        assert!(!judge_drive_test(&l, "KPN", ("GM0014", "Groningen"), d("2024-01-01"), 881, 1000).pass);
        // Baarle-Nassau under its ontheffing: 0.9 × 96.66 % = 86.994 %.
        let v = judge_drive_test(&l, "VodafoneZiggo", ("GM0744", "Baarle-Nassau"), d("2023-01-01"), 87, 100);
        assert!((v.threshold - 0.86994).abs() < 1e-12 && v.pass);
    }
}
