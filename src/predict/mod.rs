//! Predicted coverage from antenna sites, link by link: path loss by standard propagation models
//! ([`pathloss`]) and downlink spectral efficiency from SINR ([`spectral`]). Each model is a file
//! of its own with its range of validity; a link outside it is an error, not an extrapolation.

pub mod pathloss;
pub mod spectral;
