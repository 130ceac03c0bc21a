//! Files as evidence: what a run read and what it wrote.
//!
//! - [`checksums`]: the SHA-256 of an input file, computed once and remembered between runs
//!   for as long as the file is unchanged, so that provenance names every input's bytes
//!   without hashing half a gigabyte on every rerun.
//! - [`atomic`]: writes that replace a file whole (temporary file + rename), so that a run that
//!   stops half-way leaves the previous file or the complete new one, never a torn one.
//! - [`interrupt`]: temporary folders removed when a run is stopped with Ctrl-C or `kill`.
//!
//! This crate knows nothing of coverage; it sits below every other crate of the workspace.
#![warn(missing_docs)]

pub mod atomic;
pub mod checksums;
pub mod interrupt;

pub use checksums::{hex, sha256_file, sha256_hex, sha256_read};

use std::path::PathBuf;

/// A file that could not be opened, read or written.
#[derive(Debug)]
pub struct Error {
    /// The file (or directory).
    pub path: PathBuf,
    /// The operating system's error.
    pub source: std::io::Error,
}

impl Error {
    /// Wraps an I/O error with the path it concerns.
    pub fn new(path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error { path: path.into(), source }
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.source)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

/// This crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
