//! Path loss in dB between a transmitter and a receiver `distance_m` apart horizontally, by the
//! model named: free space, Okumura–Hata (urban large city, urban small/medium city, suburban,
//! open), COST-231 Hata (urban metropolitan centre, suburban/medium city), and 3GPP TR 38.901
//! RMa, UMa and UMi, LOS and NLOS.

mod free_space;
mod hata;
mod prepared;
mod tr38901;

use std::fmt;

pub use free_space::free_space_db;
pub use hata::{cost231_db, hata_db, City, Environment};
pub use prepared::Prepared;
pub use tr38901::{los_probability, tr38901_db, Scenario};

/// One link: frequency, antenna heights and horizontal distance.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Link {
    /// Carrier frequency, MHz.
    pub freq_mhz: f64,
    /// Transmitter (base station) antenna height above ground, m.
    pub tx_height_m: f64,
    /// Receiver antenna height above ground, m.
    pub rx_height_m: f64,
    /// Horizontal distance, m.
    pub distance_m: f64,
}

/// A propagation model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Model {
    /// Free-space (Friis) loss over the 3D distance.
    FreeSpace,
    /// Okumura–Hata, urban, large city.
    HataUrbanLarge,
    /// Okumura–Hata, urban, small or medium city.
    HataUrbanSmall,
    /// Okumura–Hata, suburban.
    HataSuburban,
    /// Okumura–Hata, open (rural) area.
    HataOpen,
    /// COST-231 Hata, metropolitan centre (C = 3 dB).
    Cost231Urban,
    /// COST-231 Hata, medium city and suburban centre (C = 0 dB).
    Cost231Suburban,
    /// 3GPP TR 38.901, a scenario with line of sight (`true`) or without.
    Tr38901(Scenario, bool),
}

/// Every model with its command-line name.
pub const MODELS: [(&str, Model); 13] = [
    ("free-space", Model::FreeSpace),
    ("hata-urban-large", Model::HataUrbanLarge),
    ("hata-urban-small", Model::HataUrbanSmall),
    ("hata-suburban", Model::HataSuburban),
    ("hata-open", Model::HataOpen),
    ("cost231-hata-urban", Model::Cost231Urban),
    ("cost231-hata-suburban", Model::Cost231Suburban),
    ("38901-rma-los", Model::Tr38901(Scenario::RMa, true)),
    ("38901-rma-nlos", Model::Tr38901(Scenario::RMa, false)),
    ("38901-uma-los", Model::Tr38901(Scenario::UMa, true)),
    ("38901-uma-nlos", Model::Tr38901(Scenario::UMa, false)),
    ("38901-umi-los", Model::Tr38901(Scenario::UMi, true)),
    ("38901-umi-nlos", Model::Tr38901(Scenario::UMi, false)),
];

impl Model {
    /// The model a command-line name names.
    #[must_use]
    pub fn parse(name: &str) -> Option<Model> {
        MODELS.iter().find(|(n, _)| *n == name).map(|(_, m)| *m)
    }

    /// The model's command-line name.
    #[must_use]
    pub fn name(self) -> &'static str {
        MODELS.iter().find(|(_, m)| *m == self).map_or("?", |(n, _)| n)
    }

    /// The farthest horizontal distance the model is valid for, m (infinite for free space).
    #[must_use]
    pub fn max_distance_m(self) -> f64 {
        match self {
            Model::FreeSpace => f64::INFINITY,
            Model::Tr38901(Scenario::RMa, true) => 10_000.0,
            Model::Tr38901(..) => 5_000.0,
            _ => 20_000.0,
        }
    }

    /// The path loss of `link`, dB.
    ///
    /// # Errors
    /// [`OutOfRange`] when the link is outside the model's range of validity.
    pub fn loss_db(self, link: &Link) -> Result<f64, OutOfRange> {
        match self {
            Model::FreeSpace => free_space_db(link),
            Model::HataUrbanLarge => hata_db(link, Environment::Urban(City::Large)),
            Model::HataUrbanSmall => hata_db(link, Environment::Urban(City::SmallMedium)),
            Model::HataSuburban => hata_db(link, Environment::Suburban),
            Model::HataOpen => hata_db(link, Environment::Open),
            Model::Cost231Urban => cost231_db(link, City::Large),
            Model::Cost231Suburban => cost231_db(link, City::SmallMedium),
            Model::Tr38901(scenario, los) => tr38901_db(link, scenario, los),
        }
    }
}

/// A link outside a model's range of validity: which quantity, its value and the range.
#[derive(Debug, Clone, PartialEq)]
pub struct OutOfRange {
    /// The model's name.
    pub model: &'static str,
    /// The quantity, e.g. `distance_m`.
    pub quantity: &'static str,
    /// Its value.
    pub value: f64,
    /// The range of validity, in the quantity's unit.
    pub range: (f64, f64),
}

impl fmt::Display for OutOfRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} = {} is outside the range of {} ({} to {}); choose a model valid for the link",
            self.quantity, self.value, self.model, self.range.0, self.range.1
        )
    }
}

/// Checks that `value` lies in `range` (inclusive).
pub(crate) fn within(
    model: &'static str,
    quantity: &'static str,
    value: f64,
    range: (f64, f64),
) -> Result<(), OutOfRange> {
    if value >= range.0 && value <= range.1 {
        Ok(())
    } else {
        Err(OutOfRange { model, quantity, value, range })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `max_distance_m` is where each model's own range check ends.
    #[test]
    fn max_distance_is_the_checked_limit() {
        for (name, model) in MODELS {
            let freq_mhz = if name.starts_with("cost231") { 1800.0 } else { 800.0 };
            let link = |distance_m| Link { freq_mhz, tx_height_m: 35.0, rx_height_m: 1.5, distance_m };
            let max = model.max_distance_m();
            if max.is_infinite() {
                assert!(model.loss_db(&link(1e9)).is_ok(), "{name}");
                continue;
            }
            assert!(model.loss_db(&link(max)).is_ok(), "{name} at {max} m");
            assert_eq!(model.loss_db(&link(max + 0.01)).unwrap_err().quantity, "distance_m", "{name}");
        }
    }
}
