//! The checksum of a table given in memory: SHA-256 of its values in a canonical form (each
//! column's name and type, then its cells: text as length and bytes, other numbers as `f64`
//! bits, missing as a marker), so the same values give the same checksum however they are
//! chunked.

use polars::prelude::*;
use sha2::{Digest, Sha256};

/// The canonical checksum of a frame's values, lower-case hex.
pub(crate) fn sha256(frame: &DataFrame) -> String {
    let mut hashed = Hashed { sha: Sha256::new(), buffer: Vec::with_capacity(1 << 16) };
    for column in frame.columns() {
        hashed.push(column.name().as_bytes());
        hashed.push(column.dtype().to_string().as_bytes());
        let cells = column.as_materialized_series();
        match cells.dtype() {
            DataType::String => {
                cells.str().expect("a text column").iter().for_each(|c| hashed.cell(c.map(str::as_bytes)))
            }
            DataType::Boolean => cells
                .bool()
                .expect("a boolean column")
                .iter()
                .for_each(|c| hashed.cell(c.map(|b| [b as u8]).as_ref().map(|b| &b[..]))),
            d if d.is_primitive_numeric() => match cells.cast(&DataType::Float64) {
                Ok(f) => f
                    .f64()
                    .expect("cast")
                    .iter()
                    .for_each(|c| hashed.cell(c.map(|x| x.to_bits().to_le_bytes()).as_ref().map(|b| &b[..]))),
                Err(_) => hashed.push(b"?"),
            },
            _ => match cells.cast(&DataType::String) {
                Ok(t) => t.str().expect("cast").iter().for_each(|c| hashed.cell(c.map(str::as_bytes))),
                Err(_) => hashed.push(b"?"),
            },
        }
    }
    hashed.finish()
}

/// A SHA-256 fed through a buffer, so that small cells do not each cost a call.
struct Hashed {
    sha: Sha256,
    buffer: Vec<u8>,
}

impl Hashed {
    /// Adds `bytes` with their length before them.
    fn push(&mut self, bytes: &[u8]) {
        self.buffer.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
        self.buffer.extend_from_slice(bytes);
        if self.buffer.len() >= 1 << 16 {
            self.sha.update(&self.buffer);
            self.buffer.clear();
        }
    }

    /// Adds a cell: its bytes, or a marker for a missing one.
    fn cell(&mut self, cell: Option<&[u8]>) {
        match cell {
            Some(bytes) => self.push(bytes),
            None => {
                self.buffer.extend_from_slice(&u64::MAX.to_le_bytes());
            }
        }
    }

    fn finish(mut self) -> String {
        self.sha.update(&self.buffer);
        dekking_files::checksums::hex(&self.sha.finalize())
    }
}
