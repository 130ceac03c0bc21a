//! The demo: a synthetic Netherlands on the real CBS 2023 gemeente map, and the files it writes.
//!
//! The addresses are synthetic: drawn by [`generate`] from CBS household counts, not real
//! addresses. Their coverage is calibrated to published national figures.

pub mod fcc;
pub mod generate;
pub mod grids;
pub mod sites;

/// A number in [0, 1) from a seeded hash of (`a`, `b`): the SplitMix64 finaliser over the
/// combined key, fixed and platform-independent, so that any cell of a synthetic file can be
/// made on its own (in parallel) and the same seed gives the same bytes.
pub(crate) fn unit(seed: u64, a: u64, b: u64) -> f64 {
    let mut z = seed ^ a.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ b.wrapping_mul(0xC2B2_AE3D_27D4_EB4F);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z >> 11) as f64 / (1u64 << 53) as f64
}

use std::path::Path;

use polars::prelude::*;

use crate::error::{Error, Result};
use crate::io::embedded::{gemeenten_2023, GEMEENTEN_2023};
use dekking_files::atomic;
use generate::{address_id, SynthAddress, SynthRecord};

/// A synthetic data set of one vintage.
#[derive(Debug, Clone)]
pub struct Synthetic {
    /// Gemeente codes, indexed by [`SynthAddress::gemeente`].
    pub codes: Vec<String>,
    /// The addresses.
    pub addresses: Vec<SynthAddress>,
    /// Their records.
    pub records: Vec<SynthRecord>,
    /// The vintage year.
    pub year: u16,
    /// The random seed.
    pub seed: u64,
    /// Per address, the gemeentecode of the vintage year's map, for vintages before 2023
    /// (written as a `gemeentecode` column; `None` = coordinates only).
    pub area_codes: Option<Vec<String>>,
}

/// CBS urbanity class per gemeente code, from the built-in boundaries.
fn urbanity() -> std::collections::BTreeMap<String, u8> {
    let v: serde_json::Value = serde_json::from_str(GEMEENTEN_2023).unwrap_or_default();
    let mut out = std::collections::BTreeMap::new();
    for f in v["features"].as_array().into_iter().flatten() {
        let p = &f["properties"];
        if let (Some(code), Some(class)) = (p["gemeentecode"].as_str(), p["stedelijkheidAdressenPerKm2"].as_u64()) {
            out.insert(code.to_string(), class as u8);
        }
    }
    out
}

/// Generates a synthetic national data set: `scale` 1 ≈ 8.27 million addresses.
///
/// # Errors
/// [`Error::Argument`] for a non-positive or huge scale or an unknown vintage.
pub fn synthesize(scale: f64, seed: u64, year: u16) -> Result<Synthetic> {
    if !(scale > 0.0 && scale <= 5.0) {
        return Err(Error::argument("scale", &scale.to_string(), "expected a number in (0, 5]"));
    }
    let b = gemeenten_2023()?;
    let classes = urbanity();
    let urb: Vec<Option<u8>> = b.areas.iter().map(|a| classes.get(&a.code).copied()).collect();
    let addresses = generate::addresses(&b.areas, &urb, scale, seed);
    let base = Synthetic {
        codes: b.areas.iter().map(|a| a.code.clone()).collect(),
        addresses,
        records: Vec::new(),
        year,
        seed,
        area_codes: None,
    };
    base.for_year(year)
}

impl Synthetic {
    /// One record per address: its fastest (0/0 for an address without records), in address order.
    #[must_use]
    pub fn best_only(mut self) -> Synthetic {
        let mut best: Vec<Option<SynthRecord>> = vec![None; self.addresses.len()];
        for r in &self.records {
            let b = &mut best[r.address as usize];
            if b.is_none_or(|b| (r.down_mbps, r.up_mbps) > (b.down_mbps, b.up_mbps)) {
                *b = Some(*r);
            }
        }
        self.records = best
            .into_iter()
            .enumerate()
            .map(|(i, b)| {
                b.unwrap_or(SynthRecord { address: i as u32, down_mbps: 0.0, up_mbps: 0.0, technology: "dsl" })
            })
            .collect();
        self
    }

    /// The same data with each address's current gemeentecode written beside its coordinates
    /// (so no point-in-polygon is needed to read it).
    #[must_use]
    pub fn with_codes(mut self) -> Synthetic {
        self.area_codes = Some(self.addresses.iter().map(|a| self.codes[a.gemeente as usize].clone()).collect());
        self
    }

    /// The same addresses with the records of another vintage (and, before 2023, the
    /// gemeentecodes of that year's map).
    ///
    /// # Errors
    /// [`Error::Argument`] for a year outside the calibrated trajectory.
    pub fn for_year(&self, year: u16) -> Result<Synthetic> {
        let v = generate::vintage(year)?;
        let area_codes = if year < 2023 {
            let mergers = crate::io::mergers::Mergers::built_in()?;
            Some(generate::codes_in_year(&self.addresses, &self.codes, &mergers, i32::from(year), self.seed))
        } else {
            None
        };
        Ok(Synthetic {
            codes: self.codes.clone(),
            addresses: self.addresses.clone(),
            records: generate::records(&self.addresses, &v, self.seed),
            year,
            seed: self.seed,
            area_codes,
        })
    }

    fn ids(&self) -> Vec<String> {
        let mut counters = vec![0usize; self.codes.len()];
        self.addresses
            .iter()
            .map(|a| {
                let g = a.gemeente as usize;
                counters[g] += 1;
                address_id(&self.codes[g], counters[g])
            })
            .collect()
    }

    /// Writes the records (`adres_id, x, y, download_mbps, upload_mbps, technologie`, `nl`
    /// profile) as CSV with `;` or, for a `.parquet` path, as Parquet.
    ///
    /// # Errors
    /// [`Error::Io`] when the file cannot be written.
    pub fn write_records(&self, path: &Path) -> Result<()> {
        let ids = self.ids();
        let rec = &self.records;
        let at = |r: &SynthRecord| &self.addresses[r.address as usize];
        if is_parquet(path) {
            let cols = vec![
                Column::new("adres_id".into(), rec.iter().map(|r| ids[r.address as usize].clone()).collect::<Vec<_>>()),
                Column::new("x".into(), rec.iter().map(|r| at(r).x).collect::<Vec<_>>()),
                Column::new("y".into(), rec.iter().map(|r| at(r).y).collect::<Vec<_>>()),
                Column::new("download_mbps".into(), rec.iter().map(|r| r.down_mbps).collect::<Vec<_>>()),
                Column::new("upload_mbps".into(), rec.iter().map(|r| r.up_mbps).collect::<Vec<_>>()),
                Column::new("technologie".into(), rec.iter().map(|r| r.technology.to_string()).collect::<Vec<_>>()),
            ];
            let mut cols = cols;
            if let Some(codes) = &self.area_codes {
                cols.push(Column::new(
                    "gemeentecode".into(),
                    rec.iter().map(|r| codes[r.address as usize].clone()).collect::<Vec<_>>(),
                ));
            }
            return write_parquet(path, cols);
        }
        let mut w = csv::WriterBuilder::new().delimiter(b';').from_writer(Vec::with_capacity(rec.len() * 56));
        let fail = |e: csv::Error| Error::io(path, std::io::Error::other(e));
        let mut header = vec!["adres_id", "x", "y", "download_mbps", "upload_mbps", "technologie"];
        if self.area_codes.is_some() {
            header.push("gemeentecode");
        }
        w.write_record(&header).map_err(fail)?;
        for r in rec {
            let a = at(r);
            let (x, y, down, up) =
                (format!("{:.2}", a.x), format!("{:.2}", a.y), r.down_mbps.to_string(), r.up_mbps.to_string());
            let mut row = vec![ids[r.address as usize].as_str(), &x, &y, &down, &up, r.technology];
            if let Some(codes) = &self.area_codes {
                row.push(&codes[r.address as usize]);
            }
            w.write_record(&row).map_err(fail)?;
        }
        Ok(atomic::write(path, &w.into_inner().map_err(|e| Error::io(path, std::io::Error::other(e.to_string())))?)?)
    }

    /// Writes the universe (`adres_id, postcode, x, y`, and `gemeentecode` before 2023): every
    /// address, served or not. Postcodes are synthetic ([`generate::postcode`]).
    ///
    /// # Errors
    /// [`Error::Io`] when the file cannot be written.
    pub fn write_universe(&self, path: &Path) -> Result<()> {
        let ids = self.ids();
        if is_parquet(path) {
            let mut cols = vec![
                Column::new("adres_id".into(), ids),
                Column::new("postcode".into(), self.addresses.iter().map(generate::postcode).collect::<Vec<_>>()),
                Column::new("x".into(), self.addresses.iter().map(|a| a.x).collect::<Vec<_>>()),
                Column::new("y".into(), self.addresses.iter().map(|a| a.y).collect::<Vec<_>>()),
            ];
            if let Some(codes) = &self.area_codes {
                cols.push(Column::new("gemeentecode".into(), codes.clone()));
            }
            return write_parquet(path, cols);
        }
        let mut text = String::with_capacity(self.addresses.len() * 36);
        text.push_str(if self.area_codes.is_some() {
            "adres_id;postcode;x;y;gemeentecode\n"
        } else {
            "adres_id;postcode;x;y\n"
        });
        for (k, (a, id)) in self.addresses.iter().zip(&ids).enumerate() {
            text.push_str(&format!("{id};{};{:.2};{:.2}", generate::postcode(a), a.x, a.y));
            if let Some(codes) = &self.area_codes {
                text.push(';');
                text.push_str(&codes[k]);
            }
            text.push('\n');
        }
        Ok(atomic::write(path, text.as_bytes())?)
    }
}

fn is_parquet(path: &Path) -> bool {
    path.extension().is_some_and(|e| e.eq_ignore_ascii_case("parquet"))
}

fn write_parquet(path: &Path, cols: Vec<Column>) -> Result<()> {
    let fail = |e: PolarsError| Error::io(path, std::io::Error::other(e.to_string()));
    let mut df = DataFrame::new_infer_height(cols).map_err(fail)?;
    let mut bytes = Vec::new();
    ParquetWriter::new(&mut bytes).finish(&mut df).map_err(fail)?;
    Ok(atomic::write(path, &bytes)?)
}
