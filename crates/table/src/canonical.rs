//! The checksum of a table given in memory: SHA-256 of its values in a canonical form (each
//! column's name and type, then its cells in blocks of rows: text as length and bytes, other
//! numbers as `f64` bits, missing as a marker), so the same values give the same checksum however
//! they are chunked. The blocks are hashed in parallel: a frame has no file identity by which to
//! remember its checksum between runs, so it is computed on every run.

use polars::prelude::*;
use rayon::prelude::*;
use sha2::{Digest, Sha256};

/// Rows per block: the blocks of every column are hashed in parallel, then their digests in order.
const BLOCK_ROWS: usize = if cfg!(test) { 3 } else { 1 << 20 };

/// The canonical checksum of a frame's values, lower-case hex: SHA-256 over each column's name,
/// type and the SHA-256 of each block of its cells (`BLOCK_ROWS` rows, by row number).
pub(crate) fn sha256(frame: &DataFrame) -> String {
    let blocks = frame.height().div_ceil(BLOCK_ROWS).max(1);
    let digests: Vec<Vec<u8>> = (0..frame.width() * blocks)
        .into_par_iter()
        .map(|k| {
            let column = frame.columns()[k / blocks].as_materialized_series();
            block(&column.slice(((k % blocks) * BLOCK_ROWS) as i64, BLOCK_ROWS))
        })
        .collect();
    let mut top = Hashed::new();
    for (column, digests) in frame.columns().iter().zip(digests.chunks(blocks)) {
        top.push(column.name().as_bytes());
        top.push(column.dtype().to_string().as_bytes());
        digests.iter().for_each(|d| top.push(d));
    }
    dekking_files::checksums::hex(&top.finish())
}

/// The SHA-256 of one block of a column's cells.
fn block(cells: &Series) -> Vec<u8> {
    let mut hashed = Hashed::new();
    match cells.dtype() {
        DataType::String => cells.str().expect("a text column").iter().for_each(|c| hashed.cell(c.map(str::as_bytes))),
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

    fn new() -> Hashed {
        Hashed { sha: Sha256::new(), buffer: Vec::with_capacity(1 << 16) }
    }

    /// The digest of everything added.
    fn finish(mut self) -> Vec<u8> {
        self.sha.update(&self.buffer);
        self.sha.finalize().to_vec()
    }
}
