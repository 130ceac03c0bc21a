//! Reading tables fast: CSV and Parquet files into typed column batches.
//!
//! A [`Table`] is opened once: the format is recognised (Parquet by its `PAR1` magic or its
//! extension), a CSV file's encoding found (UTF-8 with or without a byte-order mark, else
//! Windows-1252, decoded in parallel), a gzip or zip file unpacked into memory, its banner lines (`#`) skipped, its delimiter sniffed
//! from the header (`,` `;` tab `|`) unless given, and its header read. Then the columns asked
//! for (a projection by header position, each as text or as a number) are read in batches and
//! handed to a [`Sink`] in row order, so that a file is processed without being held whole:
//!
//! - lines without a quote character are parsed by a fast parser of its own ([`unquoted`]),
//!   in parallel blocks of about a mebibyte, numbers exact to the last bit;
//! - a CSV file with a quote anywhere is parsed at once by polars' general CSV reader (a quoted
//!   field may hold a delimiter or a line end);
//! - Parquet is read by polars, a few row groups per batch.
//!
//! Cells are checked one by one by the caller: [`Values::number`] says why a cell is not a
//! number ([`NumberError`]), so that a bad row can be rejected with its row number while the
//! others are used. A file's SHA-256 is computed beside the reading (or recalled, see
//! [`dekking_files::checksums`]) for provenance.
//!
//! The crate knows nothing of coverage.
//!
//! ```
//! use dekking_table::{Table, Want};
//! let csv = b"# exported 2023\nid;down_mbps\nA1;100\nA2;12,5\nA3;\n".to_vec();
//! let table = Table::from_bytes("speeds.csv".as_ref(), csv, None)?;
//! assert_eq!((table.header.as_slice(), table.delimiter), (&["id".to_string(), "down_mbps".to_string()][..], Some(b';')));
//! let columns = table.read(&[(0, Want::Text), (1, Want::Number)])?;
//! assert_eq!(columns[0].text(1).as_deref(), Some("A2"));
//! assert_eq!(columns[1].number(1), Ok(12.5)); // a decimal comma
//! assert!(columns[1].number(2).is_err()); // an empty cell
//! # Ok::<(), dekking_table::Error>(())
//! ```
#![warn(missing_docs)]

mod canonical;
mod encoding;
mod error;
mod estimate;
mod frame;
mod packed;
mod parse;
mod sink;
mod sniff;
mod source;
mod table;
pub mod text_column;
pub mod unquoted;
mod values;

pub use error::{escaped_to, quoted, quoted_to, Error, ErrorKind, Result, QUOTED_MAX};
pub use estimate::estimate_rows;
pub use frame::frame_from_c_stream;
pub use sink::{sinks, Batch, Sink};
pub use table::{Format, Table, Want};
pub use values::{parse_number, shown, NumberError, Rows, Values};
