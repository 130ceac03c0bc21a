//! Predicted coverage from antenna sites: path loss by standard propagation models
//! ([`pathloss`]), the sectored antenna pattern ([`antenna`]), downlink spectral efficiency from
//! SINR ([`spectral`]), the environment of each cell from address density ([`environment`]),
//! and per grid cell the best server's speed among an operator's sites ([`grid`]). Each model is a file of its own with its range of validity; a link outside it is
//! an error, not an extrapolation.

pub mod antenna;
pub mod environment;
pub mod grid;
pub mod pathloss;
pub mod spectral;
