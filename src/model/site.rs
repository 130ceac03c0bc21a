//! Antenna sites for predicted coverage: one transmitter (a sector or an omnidirectional
//! antenna) of one operator, as `io::sites` reads them and `predict::grid` uses them.

/// One transmitter.
#[derive(Debug, Clone, PartialEq)]
pub struct Site {
    /// 1-based data row of the sites file.
    pub row: u64,
    /// The operator.
    pub operator: String,
    /// Position, RD New metres.
    pub x: f64,
    /// Position, RD New metres.
    pub y: f64,
    /// Antenna height above ground, m.
    pub height_m: f64,
    /// Main-beam direction, degrees clockwise from north; `None` for omnidirectional.
    pub azimuth_deg: Option<f64>,
    /// Downtilt, degrees below the horizon.
    pub tilt_deg: f64,
    /// Downlink carrier frequency, MHz.
    pub freq_mhz: f64,
    /// Effective isotropic radiated power in the main beam, dBm.
    pub eirp_dbm: f64,
    /// Channel bandwidth, MHz.
    pub bandwidth_mhz: f64,
}
