//! Coverage grids: the lattice of square cells a grid is given on, and its coordinate system.

use serde::Serialize;

/// A regular grid of square cells; row 0 is the southernmost row.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GridSpec {
    /// West edge of column 0, metres.
    pub x0: f64,
    /// South edge of row 0, metres.
    pub y0: f64,
    /// Cell size, metres.
    pub cell: f64,
    /// Number of columns.
    pub cols: usize,
    /// Number of rows.
    pub rows: usize,
}

impl GridSpec {
    /// Area of one cell, m².
    pub fn cell_area(&self) -> f64 {
        self.cell * self.cell
    }
}

/// The CRS of a grid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum GridCrs {
    /// RD New, EPSG:28992.
    #[serde(rename = "EPSG:28992")]
    RdNew,
    /// ETRS89-LAEA Europe, EPSG:3035.
    #[serde(rename = "EPSG:3035")]
    Laea,
}

impl GridCrs {
    /// Parses `28992`, `EPSG:28992`, `rd`, `3035`, `EPSG:3035`, `laea`.
    pub fn parse(s: &str) -> Option<GridCrs> {
        match s.trim().to_ascii_lowercase().trim_start_matches("epsg:") {
            "28992" | "rd" | "rdnew" => Some(GridCrs::RdNew),
            "3035" | "laea" => Some(GridCrs::Laea),
            _ => None,
        }
    }

    /// A position in RD New metres in this CRS, metres: as it is, or to EPSG:3035 through the
    /// exact inverse of `wgs84_to_rd` (so what came from WGS84 keeps its place, also abroad).
    #[must_use]
    pub fn from_rd(self, x: f64, y: f64) -> (f64, f64) {
        match self {
            GridCrs::RdNew => (x, y),
            GridCrs::Laea => {
                let (lon, lat) = dekking_crs::rd_to_wgs84_inverse(x, y);
                dekking_crs::lonlat_to_laea(lon, lat)
            }
        }
    }

    /// `EPSG:28992` or `EPSG:3035`.
    pub fn name(self) -> &'static str {
        match self {
            GridCrs::RdNew => "EPSG:28992",
            GridCrs::Laea => "EPSG:3035",
        }
    }
}
