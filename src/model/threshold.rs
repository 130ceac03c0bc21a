//! Speed thresholds: `DOWN[/UP][@TECH,TECH…]` in Mbps, e.g. `100`, `100/20`, `1000/100@50`.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// A coverage threshold: a record meets it when down ≥ `down_mbps`, up ≥ `up_mbps` and (when a
/// technology set is given) its technology is in the set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Threshold {
    /// Minimum download speed, Mbps.
    pub down_mbps: f64,
    /// Minimum upload speed, Mbps (0 = no upload requirement).
    pub up_mbps: f64,
    /// Technologies that count; `None` = all.
    pub technologies: Option<Vec<String>>,
}

impl Threshold {
    /// A download-only threshold.
    #[must_use]
    pub fn down(down_mbps: f64) -> Threshold {
        Threshold { down_mbps, up_mbps: 0.0, technologies: None }
    }

    /// Parses `DOWN[/UP][@TECH,TECH…]`.
    ///
    /// ```
    /// use dekking::model::threshold::Threshold;
    /// let t = Threshold::parse("100/20@50,40").unwrap();
    /// assert_eq!((t.down_mbps, t.up_mbps), (100.0, 20.0));
    /// assert_eq!(t.technologies.as_deref(), Some(&["50".to_string(), "40".to_string()][..]));
    /// assert_eq!(Threshold::parse("0.2/0.2").unwrap().to_string(), "0.2/0.2");
    /// assert!(Threshold::parse("-5").is_err());
    /// ```
    ///
    /// # Errors
    /// [`Error::Argument`] for a value that is not a non-negative number or an empty technology.
    pub fn parse(s: &str) -> Result<Threshold> {
        let bad = |why: &str| {
            Error::argument("threshold", s, format!("{why}; expected DOWN[/UP][@TECH,...] in Mbps, e.g. 100/20"))
        };
        let (speeds, tech) = match s.split_once('@') {
            Some((a, b)) => (a, Some(b)),
            None => (s, None),
        };
        let num = |t: &str| t.trim().parse::<f64>().ok().filter(|v| v.is_finite() && *v >= 0.0);
        let (down, up) = match speeds.split_once('/') {
            Some((d, u)) => {
                (num(d).ok_or_else(|| bad("bad download speed"))?, num(u).ok_or_else(|| bad("bad upload speed"))?)
            }
            None => (num(speeds).ok_or_else(|| bad("bad download speed"))?, 0.0),
        };
        let technologies = match tech {
            None => None,
            Some(t) => {
                let list: Vec<String> = t.split(',').map(|x| x.trim().to_string()).collect();
                if list.iter().any(String::is_empty) {
                    return Err(bad("empty technology"));
                }
                Some(list)
            }
        };
        Ok(Threshold { down_mbps: down, up_mbps: up, technologies })
    }

    /// Whether the threshold names a technology set.
    pub fn restricted(&self) -> bool {
        self.technologies.is_some()
    }
}

impl fmt::Display for Threshold {
    /// `DOWN/UP` with the shortest exact decimal form, plus `@TECH,…` when restricted.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.down_mbps, self.up_mbps)?;
        if let Some(t) = &self.technologies {
            write!(f, "@{}", t.join(","))?;
        }
        Ok(())
    }
}

/// The thresholds used when none are given: 30, 100 and 1000 Mbps download.
pub fn default_thresholds() -> Vec<Threshold> {
    vec![Threshold::down(30.0), Threshold::down(100.0), Threshold::down(1000.0)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels() {
        assert_eq!(Threshold::down(100.0).to_string(), "100/0");
        assert_eq!(Threshold::parse("1000/100@50").unwrap().to_string(), "1000/100@50");
    }

    #[test]
    fn rejects_nonsense() {
        for s in ["", "abc", "100/", "/20", "100/x", "NaN", "inf", "100@", "100@50,"] {
            assert!(Threshold::parse(s).is_err(), "{s}");
        }
    }
}
