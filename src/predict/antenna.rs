//! The sectored antenna pattern of 3GPP TR 38.901 Table 7.3-1: horizontal
//! A_H(φ) = −min(12·(φ/φ3dB)², A_max), vertical A_V(θ) = −min(12·(θ/θ3dB)², SLA_V) with θ the
//! angle below the beam's axis (the depression to the receiver less the downtilt), and together
//! −min(−(A_H + A_V), A_max). Defaults φ3dB = θ3dB = 65°, A_max (front-to-back) = SLA_V = 30 dB.
//! The gain is relative to the main beam, dB (≤ 0); an omnidirectional antenna has no
//! horizontal term.

/// The parameters of the pattern.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pattern {
    /// Horizontal half-power beamwidth, degrees.
    pub beamwidth_deg: f64,
    /// Front-to-back ratio (the most the pattern attenuates), dB.
    pub front_to_back_db: f64,
    /// Vertical half-power beamwidth, degrees.
    pub vertical_beamwidth_deg: f64,
    /// Side-lobe level of the vertical pattern, dB.
    pub side_lobe_db: f64,
}

impl Default for Pattern {
    /// TR 38.901 Table 7.3-1: 65°, 30 dB, 65°, 30 dB.
    fn default() -> Pattern {
        Pattern { beamwidth_deg: 65.0, front_to_back_db: 30.0, vertical_beamwidth_deg: 65.0, side_lobe_db: 30.0 }
    }
}

impl Pattern {
    /// The gain relative to the main beam towards a receiver `off_azimuth_deg` off the antenna's
    /// azimuth (any sign; `None` for an omnidirectional antenna) and `below_axis_deg` below its
    /// tilted axis, dB.
    ///
    /// ```
    /// use dekking::predict::antenna::Pattern;
    /// let p = Pattern::default();
    /// assert_eq!(p.gain_db(Some(0.0), 0.0), 0.0);
    /// assert!((p.gain_db(Some(32.5), 0.0) + 3.0).abs() < 1e-12); // half the beamwidth: −3 dB
    /// assert_eq!(p.gain_db(Some(180.0), 0.0), -30.0); // behind: the front-to-back ratio
    /// ```
    #[must_use]
    pub fn gain_db(&self, off_azimuth_deg: Option<f64>, below_axis_deg: f64) -> f64 {
        let horizontal = off_azimuth_deg.map_or(0.0, |phi| {
            let phi = (phi + 180.0).rem_euclid(360.0) - 180.0;
            -(12.0 * (phi / self.beamwidth_deg).powi(2)).min(self.front_to_back_db)
        });
        let vertical = -(12.0 * (below_axis_deg / self.vertical_beamwidth_deg).powi(2)).min(self.side_lobe_db);
        -(-(horizontal + vertical)).min(self.front_to_back_db)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// By hand: 45° off azimuth, −12·(45/65)² = −5.751479 dB; 65° off, −12 dB; 10° below the
    /// axis, −12·(10/65)² = −0.284024 dB; together −6.035503 dB. Far off in both, the sum is
    /// capped at the front-to-back ratio. Angles wrap: 350° off is 10° off.
    #[test]
    fn pattern_by_hand() {
        let p = Pattern::default();
        assert!((p.gain_db(Some(45.0), 0.0) + 5.751479).abs() < 1e-6);
        assert!((p.gain_db(Some(-65.0), 0.0) + 12.0).abs() < 1e-12);
        assert!((p.gain_db(Some(45.0), 10.0) + 6.035503).abs() < 1e-6);
        assert_eq!(p.gain_db(Some(120.0), 60.0), -30.0);
        assert!((p.gain_db(Some(350.0), 0.0) - p.gain_db(Some(10.0), 0.0)).abs() < 1e-12);
        assert!((p.gain_db(None, 10.0) + 0.284024).abs() < 1e-6);
    }
}
