//! Judging mobile coverage against a licence: per operator × gemeente, the percentage in force on
//! the date (the obligation, or an ontheffing), compliance, and the shortfall; and drive-test
//! success rates against pass_factor × that percentage.

use crate::io::licence::{Licence, Obligation};
use crate::measure::mobile::{Covered, Eligible};
use crate::measure::points::AreaPoints;
use crate::measure::wilson::wilson;
use crate::model::date::Date;
use crate::model::mobile::{Compliance, DriveTestVerdict, ObligationOf};

/// What one operator achieves in one area for one obligation, in the measure's own unit (m²
/// for areas, points or their weight for points), and how many of those make one output unit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tally {
    /// Everything counted in the area.
    pub total: f64,
    /// The part excluded.
    pub excluded: f64,
    /// The eligible rest.
    pub eligible: f64,
    /// Eligible and covered at the speed.
    pub covered: f64,
    /// Eligible without grid data.
    pub nodata: f64,
    /// Own units per output unit: 10⁶ (m² per km²) for areas, 1 for points.
    pub per_unit: f64,
}

impl Tally {
    /// An area measure's tally, m² (output in km²).
    #[must_use]
    pub fn of_area(eligible: &Eligible, covered: &Covered) -> Tally {
        Tally {
            total: eligible.area_m2,
            excluded: eligible.excluded_m2,
            eligible: eligible.eligible_m2(),
            covered: covered.covered,
            nodata: covered.nodata,
            per_unit: 1e6,
        }
    }

    /// A point measure's tally, points or their weight.
    #[must_use]
    pub fn of_points(points: &AreaPoints, covered: &Covered) -> Tally {
        Tally {
            total: points.total,
            excluded: points.excluded,
            eligible: points.eligible_weight(),
            covered: covered.covered,
            nodata: covered.nodata,
            per_unit: 1.0,
        }
    }
}

/// Judges one operator in one area for one obligation (`of` names it in the row, `None` for a
/// licence of one area obligation).
#[must_use]
pub fn judge_area(
    licence: &Licence,
    (obligation, of): (&Obligation, Option<ObligationOf>),
    operator: &str,
    (code, name): (&str, &str),
    date: Date,
    required_mbps: f64,
    t: &Tally,
) -> Compliance {
    let (pct, ontheffing) = licence.required_pct(obligation, operator, code, date);
    let share = (t.eligible > 0.0).then(|| (t.covered / t.eligible).min(1.0));
    let compliant = share.map(|s| s * 100.0 >= pct);
    let short = (pct / 100.0 * t.eligible - t.covered).max(0.0);
    Compliance {
        operator: operator.to_string(),
        obligation: of,
        area_code: code.to_string(),
        area_name: name.to_string(),
        date,
        required_mbps,
        required_pct: pct,
        ontheffing: ontheffing.map(|o| format!("{}% {} to {} ({})", o.share_pct, o.start, o.end, o.source)),
        total: t.total / t.per_unit,
        excluded: t.excluded / t.per_unit,
        eligible: t.eligible / t.per_unit,
        covered: t.covered / t.per_unit,
        nodata: t.nodata / t.per_unit,
        share,
        compliant,
        shortfall: if compliant == Some(true) { 0.0 } else { short / t.per_unit },
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
    let (pct, _) = licence.required_pct(&licence.obligations[0], operator, code, date);
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
        let t = Tally::of_area(&e, &Covered { covered: 97.6e6, nodata: 0.0 });
        let ob = (&l.obligations[0], None);
        let a = judge_area(&l, ob.clone(), "VodafoneZiggo", ("GM1942", "Gooise Meren"), d("2022-12-29"), 8.0, &t);
        assert_eq!((a.required_pct, a.compliant), (97.5, Some(true)));
        assert!(a.ontheffing.as_deref().unwrap().starts_with("97.5% 2022-06-30 to 2022-12-29"));
        let b = judge_area(&l, ob, "VodafoneZiggo", ("GM1942", "Gooise Meren"), d("2022-12-30"), 8.0, &t);
        assert_eq!((b.required_pct, b.compliant, b.ontheffing), (98.0, Some(false), None));
        assert!((b.shortfall - 0.4).abs() < 1e-9 && (b.shortfall_pp - 0.4).abs() < 1e-9);
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
