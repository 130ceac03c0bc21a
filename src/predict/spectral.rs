//! Downlink spectral efficiency from SINR by the attenuated Shannon bound of 3GPP TR 36.942
//! (Annex A.2): 0 below SINR_min; α·log2(1 + SINR) above it, capped at the maximum the
//! modulation and coding allow. The defaults are the annex's downlink values: α = 0.6,
//! SINR_min = −10 dB, a maximum of 4.4 b/s/Hz (reached at about 22 dB).

/// The parameters of the attenuated Shannon bound.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Shannon {
    /// Attenuation factor α (implementation losses).
    pub alpha: f64,
    /// SINR below which nothing is carried, dB.
    pub sinr_min_db: f64,
    /// The most the modulation and coding carry, b/s/Hz.
    pub max_bps_per_hz: f64,
}

impl Default for Shannon {
    /// TR 36.942 Annex A, downlink: α = 0.6, SINR_min = −10 dB, 4.4 b/s/Hz.
    fn default() -> Shannon {
        Shannon { alpha: 0.6, sinr_min_db: -10.0, max_bps_per_hz: 4.4 }
    }
}

impl Shannon {
    /// The spectral efficiency at `sinr_db`, b/s/Hz.
    ///
    /// ```
    /// use dekking::predict::spectral::Shannon;
    /// let s = Shannon::default();
    /// assert_eq!(s.bps_per_hz(-10.1), 0.0);
    /// assert!((s.bps_per_hz(0.0) - 0.6).abs() < 1e-12); // 0.6 · log2(2)
    /// assert_eq!(s.bps_per_hz(30.0), 4.4);
    /// ```
    #[must_use]
    pub fn bps_per_hz(&self, sinr_db: f64) -> f64 {
        if sinr_db.is_nan() || sinr_db < self.sinr_min_db {
            return 0.0;
        }
        let sinr = 10f64.powf(sinr_db / 10.0);
        (self.alpha * (1.0 + sinr).log2()).min(self.max_bps_per_hz)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// By TR 36.942's formula: at −10 dB (SINR 0.1) 0.6·log2(1.1) = 0.082502; at 10 dB
    /// 0.6·log2(11) = 2.075659; at 20 dB 0.6·log2(101) = 3.994927; at 22 dB 4.390390; the cap 4.4 from
    /// log2(1 + SINR) = 7.3333, SINR = 160.27 (22.05 dB).
    #[test]
    fn attenuated_shannon_at_several_sinrs() {
        let s = Shannon::default();
        for (db, want) in [(-10.0, 0.082502), (10.0, 2.075659), (20.0, 3.994927), (22.0, 4.390390), (22.1, 4.4)] {
            let got = s.bps_per_hz(db);
            assert!((got - want).abs() < 1e-6, "{db} dB: {got} != {want}");
        }
        assert_eq!(s.bps_per_hz(-10.000_001), 0.0);
        assert_eq!(s.bps_per_hz(f64::NAN), 0.0);
        let other = Shannon { alpha: 0.75, sinr_min_db: -6.5, max_bps_per_hz: 5.8 };
        assert!((other.bps_per_hz(10.0) - 0.75 * 11f64.log2()).abs() < 1e-12);
        assert_eq!(other.bps_per_hz(-7.0), 0.0);
    }
}
