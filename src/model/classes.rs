//! Service classes of locations (BEAD's served, underserved and unserved): per location the
//! best class its counting records reach, counted per area.

use serde::{Deserialize, Serialize};

use crate::model::threshold::Threshold;

/// A scheme of service classes, best first, and the class of a location that reaches none.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassScheme {
    /// Short name (`bead-us`).
    pub name: String,
    /// Title for people.
    pub title: String,
    /// Where the rules come from.
    pub source: String,
    /// The technologies whose records count (empty: all).
    pub technologies: Vec<String>,
    /// A column and the values a record must hold there to count (e.g. `low_latency` = 1).
    pub condition: Option<(String, Vec<String>)>,
    /// The classes, best first: name, download and upload speed, Mbps.
    pub classes: Vec<(String, f64, f64)>,
    /// The class of a location no counting record puts in a class.
    pub otherwise: String,
}

impl ClassScheme {
    /// One threshold per class, best first, each limited to the scheme's technologies.
    #[must_use]
    pub fn thresholds(&self) -> Vec<Threshold> {
        let technologies = (!self.technologies.is_empty()).then(|| self.technologies.clone());
        self.classes
            .iter()
            .map(|(_, down_mbps, up_mbps)| Threshold {
                down_mbps: *down_mbps,
                up_mbps: *up_mbps,
                technologies: technologies.clone(),
            })
            .collect()
    }

    /// The class names as columns, worst first: `otherwise`, then the classes from the last.
    #[must_use]
    pub fn columns(&self) -> Vec<String> {
        std::iter::once(self.otherwise.clone()).chain(self.classes.iter().rev().map(|c| c.0.clone())).collect()
    }
}

/// The locations of one area by class.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassRow {
    /// Level name.
    #[serde(deserialize_with = "crate::model::level_name::deserialize")]
    pub level: crate::model::Level,
    /// Area code.
    pub area_code: String,
    /// Area name.
    pub area_name: String,
    /// Locations in the universe.
    pub locations: u64,
    /// Locations per class, in the order of [`ClassScheme::columns`] (worst first).
    pub counts: Vec<u64>,
}

/// The classes of a run: the scheme and one row per area (levels finest first, then by code).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Classes {
    /// The scheme.
    pub scheme: ClassScheme,
    /// The rows.
    pub rows: Vec<ClassRow>,
    /// Each location's class, as an index into [`ClassScheme::columns`].
    #[serde(skip, default)]
    pub of_location: Vec<u8>,
    /// Per location, when asked: its id, its area's code and its class (an index into
    /// [`ClassScheme::columns`]), in the order of the input.
    #[serde(skip, default)]
    pub locations: Vec<(String, String, u8)>,
}
