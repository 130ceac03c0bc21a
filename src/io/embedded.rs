//! Assets built into the binary, so `dekking demo` and the `nl` defaults work on a fresh
//! machine: the CBS 2023 gemeente boundaries (simplified) and the gemeente → provincie table.
//! Attribution and derivation: `data/README.md`.

use std::path::Path;

use crate::error::Result;
use crate::io::areas::parse_area_table;
use crate::io::boundaries::{parse, parse_layer, Layer};
use crate::io::profile::AreaScheme;
use crate::model::areas::AreaTable;
use crate::model::areas::Boundaries;

/// CBS Wijk- en Buurtkaart 2023, gemeenten, simplified, WGS84 (CBS / PDOK, CC BY 4.0).
pub const GEMEENTEN_2023: &str = include_str!("../../data/gemeenten_2023.geojson");
/// CBS gemeenten alfabetisch 2023: gemeente → provincie.
pub const GEMEENTE_PROVINCIE_2023: &str = include_str!("../../data/gemeenten_provincie_2023.csv");
/// Natura 2000 sites (INSPIRE 2013), simplified at 10 m, ETRS89 lon/lat.
pub const NATURA2000_2013: &str = include_str!("../../data/natura2000_2013_simplified.geojson");
/// The national coverage trajectory the synthetic generator is calibrated to.
pub const DEMO_TRAJECTORY: &str = include_str!("../../data/demo_trajectory.csv");

/// The built-in gemeente boundaries, in RD New.
///
/// # Errors
/// Never for the shipped file; the `Result` is that of the parser.
pub fn gemeenten_2023() -> Result<Boundaries> {
    parse(Path::new("data/gemeenten_2023.geojson (built in)"), GEMEENTEN_2023, AreaScheme::Gemeente)
}

/// The built-in gemeente → provincie table.
///
/// # Errors
/// Never for the shipped file; the `Result` is that of the parser.
pub fn gemeente_provincie_2023() -> Result<AreaTable> {
    parse_area_table(
        Path::new("data/gemeenten_provincie_2023.csv (built in)"),
        GEMEENTE_PROVINCIE_2023.as_bytes().to_vec(),
        AreaScheme::Gemeente,
    )
}

/// A built-in polygon layer by name (`natura2000`), as referenced by `builtin:NAME` in licence files.
///
/// # Errors
/// [`crate::Error::Argument`] for an unknown name.
pub fn layer(name: &str) -> Result<Layer> {
    match name {
        "natura2000" => parse_layer(
            Path::new("data/natura2000_2013_simplified.geojson (built in)"),
            NATURA2000_2013,
            "exclusion natura2000",
        ),
        other => Err(crate::Error::argument("built-in layer", other, "expected `natura2000`")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_assets_agree() {
        let b = gemeenten_2023().unwrap();
        let t = gemeente_provincie_2023().unwrap();
        assert_eq!(b.areas.len(), 342);
        assert_eq!(t.areas.len(), 342);
        assert_eq!(t.parents.len(), 12);
        assert!(b.areas.iter().all(|a| t.areas.contains_key(&a.code)));
        let households: f64 = b.areas.iter().filter_map(|a| a.households).sum();
        assert_eq!(households, 8_270_244.0, "CBS 2023 total households");
        assert_eq!(layer("natura2000").unwrap().shapes.len(), 165);
    }
}
