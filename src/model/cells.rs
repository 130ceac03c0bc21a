//! Cells to count addresses by, besides the areas: H3 cells (`--by h3:R`) and the EEA/INSPIRE
//! reference grid in EPSG:3035 (`--by grid:100m`, `grid:1km`), and where each address is for them.

use std::fmt;

use serde::{Deserialize, Serialize};
use std::str::FromStr;

use crate::model::availability::XyCrs;

/// A grid of cells: H3 at a resolution, or the EEA reference grid at a cell size.
///
/// ```
/// use dekking::model::cells::CellScheme;
/// assert_eq!("h3:8".parse::<CellScheme>(), Ok(CellScheme::H3(8)));
/// assert_eq!("grid:1km".parse::<CellScheme>(), Ok(CellScheme::Grid(1000)));
/// assert_eq!(CellScheme::Grid(100).level(), "grid:100m");
/// assert!("h3:16".parse::<CellScheme>().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub enum CellScheme {
    /// H3 cells at a resolution 0–15.
    H3(u8),
    /// EEA reference grid cells (EPSG:3035) with sides of this many metres (100 or 1000).
    Grid(u32),
}

/// The level names of the H3 resolutions, by resolution.
const H3_LEVELS: [&str; 16] = [
    "h3:0", "h3:1", "h3:2", "h3:3", "h3:4", "h3:5", "h3:6", "h3:7", "h3:8", "h3:9", "h3:10", "h3:11", "h3:12", "h3:13",
    "h3:14", "h3:15",
];

impl CellScheme {
    /// The level name in `coverage.csv`: `h3:R`, `grid:100m` or `grid:1km`.
    #[must_use]
    pub fn level(self) -> &'static str {
        match self {
            CellScheme::H3(r) => H3_LEVELS[usize::from(r.min(15))],
            CellScheme::Grid(1000) => "grid:1km",
            CellScheme::Grid(_) => "grid:100m",
        }
    }

    /// Whether `level` names a cell scheme rather than an area level.
    #[must_use]
    pub fn is_cell_level(level: &str) -> bool {
        level.starts_with("h3:") || level.starts_with("grid:")
    }
}

impl FromStr for CellScheme {
    type Err = String;

    fn from_str(s: &str) -> Result<CellScheme, String> {
        match s.trim() {
            "grid:100m" => Ok(CellScheme::Grid(100)),
            "grid:1km" => Ok(CellScheme::Grid(1000)),
            t if t.starts_with("h3:") => match t[3..].parse::<u8>() {
                Ok(r) if r <= 15 => Ok(CellScheme::H3(r)),
                _ => Err(format!("`{t}`: an H3 resolution is 0 to 15, as in h3:8")),
            },
            t => Err(format!("`{t}` is not a cell grid; expected h3:R (R 0-15), grid:100m or grid:1km")),
        }
    }
}

impl From<CellScheme> for String {
    fn from(s: CellScheme) -> String {
        s.level().to_string()
    }
}

impl TryFrom<String> for CellScheme {
    type Error = String;

    fn try_from(s: String) -> Result<CellScheme, String> {
        s.parse()
    }
}

impl fmt::Display for CellScheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.level())
    }
}

/// Where an address is, as its row gives it for placing it in a cell.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub enum CellPlace {
    /// An H3 cell index from the row's cell column (e.g. FCC `h3_res8_id`), as a number; 0 when
    /// the text was no hexadecimal number.
    H3(u64),
    /// Coordinates in a CRS: easting and northing (m) or longitude and latitude (°).
    Point(f64, f64, XyCrs),
    /// Nothing usable: no cell and no finite coordinates in the row.
    #[default]
    Missing,
}

/// The cells of a run's addresses at one scheme.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CellsOf {
    /// The distinct cells' codes, sorted (H3: 15 lowercase hexadecimal digits; grid:
    /// `100mN26593E47365`).
    pub codes: Vec<String>,
    /// The cells' identifiers in the order of `codes` (an H3 index, or the grid's row and column).
    pub ids: Vec<u64>,
    /// Per address, the index of its cell in `codes`; `None` without a place.
    #[serde(skip, default)]
    pub of_address: Vec<Option<u32>>,
    /// Addresses with no usable place (no cell column value, no finite coordinates, or a place
    /// outside the scheme's reach).
    pub unplaced: u64,
}
