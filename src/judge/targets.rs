//! Judging fixed coverage against targets: a row meets a target when covered / universe ≥
//! share_pct / 100, compared exactly in integers (no floating-point edge cases at 100 %).

use crate::model::fixed::{Coverage, CoverageRow};
use crate::model::fixed::{TargetSummary, Verdict};
use crate::model::policy::{FixedTarget, Targets};
use crate::model::threshold::Threshold;

/// The target that applies to a threshold: same download and upload speed, no technology filter.
#[must_use]
pub fn target_for<'a>(targets: &'a Targets, t: &Threshold) -> Option<&'a FixedTarget> {
    if t.restricted() {
        return None;
    }
    targets.fixed.iter().find(|f| f.down_mbps == t.down_mbps && f.up_mbps == t.up_mbps)
}

/// Whether `row` meets `target`; `None` when the universe is empty.
///
/// ```
/// use dekking::judge::targets::meets;
/// assert_eq!(meets(995, 1000, 99.5), Some(true));
/// assert_eq!(meets(994, 1000, 99.5), Some(false));
/// assert_eq!(meets(0, 0, 100.0), None);
/// ```
#[must_use]
pub fn meets(covered: u64, universe: u64, share_pct: f64) -> Option<bool> {
    if universe == 0 {
        return None;
    }
    // share_pct to hundredths of a percent: covered / universe >= bp / 10_000.
    let bp = (share_pct * 100.0).round() as u128;
    Some(covered as u128 * 10_000 >= bp * universe as u128)
}

/// Verdicts for every row of `coverage`, in the same order, and a summary per judged threshold.
#[must_use]
pub fn judge(coverage: &Coverage, targets: &Targets, finest: &str, total: &str) -> (Vec<Verdict>, Vec<TargetSummary>) {
    let per_threshold: Vec<Option<&FixedTarget>> = coverage.thresholds.iter().map(|t| target_for(targets, t)).collect();
    let verdict = |r: &CoverageRow| match per_threshold[r.threshold] {
        None => Verdict { target_id: None, target_pct: None, meets_target: None },
        Some(t) => Verdict {
            target_id: Some(t.id.clone()),
            target_pct: Some(t.share_pct),
            meets_target: meets(r.covered_micro, r.universe_micro, t.share_pct),
        },
    };
    let verdicts: Vec<Verdict> = coverage.rows.iter().map(verdict).collect();
    let mut summaries = Vec::new();
    for (k, t) in per_threshold.iter().enumerate() {
        let Some(t) = t else { continue };
        let rows = || coverage.rows.iter().zip(&verdicts).filter(move |(r, _)| r.threshold == k);
        let Some((tot, tot_v)) = rows().find(|(r, _)| r.level == total) else { continue };
        let finest_rows = || rows().filter(|(r, _)| r.level == finest);
        summaries.push(TargetSummary {
            finest: finest.to_string(),
            threshold: k,
            target: (*t).clone(),
            total_share: tot.share(),
            total_meets: tot_v.meets_target,
            total_short_micro: tot.short_micro(),
            areas_meeting: finest_rows().filter(|(_, v)| v.meets_target == Some(true)).count() as u64,
            areas_with_data: finest_rows().filter(|(r, _)| r.universe_micro > 0).count() as u64,
        });
    }
    (verdicts, summaries)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_at_the_boundary() {
        assert_eq!(meets(1_000_000, 1_000_000, 100.0), Some(true));
        assert_eq!(meets(999_999, 1_000_000, 100.0), Some(false));
        assert_eq!(meets(9_666, 10_000, 96.66), Some(true));
        assert_eq!(meets(9_665, 10_000, 96.66), Some(false));
        assert_eq!(meets(0, 10, 0.0), Some(true));
    }

    #[test]
    fn only_unrestricted_matching_thresholds_are_judged() {
        let targets = Targets::load(None).unwrap();
        assert_eq!(target_for(&targets, &Threshold::down(100.0)).unwrap().id, "adc-100mbps-2023");
        assert!(target_for(&targets, &Threshold::parse("100/20").unwrap()).is_none());
        assert!(target_for(&targets, &Threshold::parse("100@50").unwrap()).is_none());
        assert!(target_for(&targets, &Threshold::down(30.0)).is_none());
    }
}
