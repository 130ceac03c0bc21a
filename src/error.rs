//! The library's error type: one variant per way a run can fail, each carrying what a user needs to fix it.
//!
//! Row-level problems are not errors: they become [`crate::model::rows::Reject`]s and the run goes on.

use std::path::PathBuf;

/// A failure that stops a run. Every message names the file and, where known, the field or row.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file could not be opened, read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The operating-system error.
        source: std::io::Error,
    },
    /// A required column is absent from an input table.
    #[error("{file}: missing column for `{field}` (profile `{profile}`; looked for {looked_for}); name it with --column {field}=NAME")]
    MissingColumn {
        /// The file.
        file: PathBuf,
        /// The canonical field that could not be mapped.
        field: String,
        /// The input profile in use.
        profile: String,
        /// The header names that were tried.
        looked_for: String,
    },
    /// A table could not be parsed at all (not a row-level problem).
    #[error("{file}: {reason}")]
    Table {
        /// The file.
        file: PathBuf,
        /// What is wrong and what to do.
        reason: String,
    },
    /// A geometry file is unusable.
    #[error("{file}: {reason}")]
    Geometry {
        /// The file.
        file: PathBuf,
        /// What is wrong and what to do.
        reason: String,
    },
    /// A policy file (targets, licences) is invalid.
    #[error("{file}: `{key}`: {reason}")]
    Policy {
        /// The file.
        file: PathBuf,
        /// The offending key.
        key: String,
        /// What is wrong and what to do.
        reason: String,
    },
    /// A command-line value is invalid.
    #[error("invalid {what} `{value}`: {reason}")]
    Argument {
        /// Which option.
        what: String,
        /// What was given.
        value: String,
        /// What is expected.
        reason: String,
    },
    /// Every row of an input was rejected or the input has no rows.
    #[error("{file}: no usable rows ({reason})")]
    NoData {
        /// The file.
        file: PathBuf,
        /// Why no rows remain.
        reason: String,
    },
}

impl Error {
    /// Wraps an I/O error with the path it concerns.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error::Io { path: path.into(), source }
    }

    /// A table-level error for `file`.
    pub fn table(file: impl Into<PathBuf>, reason: impl Into<String>) -> Error {
        Error::Table { file: file.into(), reason: reason.into() }
    }

    /// A geometry error for `file`.
    pub fn geometry(file: impl Into<PathBuf>, reason: impl Into<String>) -> Error {
        Error::Geometry { file: file.into(), reason: reason.into() }
    }

    /// An invalid command-line value.
    pub fn argument(what: &str, value: &str, reason: impl Into<String>) -> Error {
        Error::Argument { what: what.into(), value: value.into(), reason: reason.into() }
    }
}

impl From<dekking_files::Error> for Error {
    fn from(e: dekking_files::Error) -> Error {
        Error::Io { path: e.path, source: e.source }
    }
}

impl From<dekking_table::Error> for Error {
    fn from(e: dekking_table::Error) -> Error {
        match e.kind() {
            dekking_table::ErrorKind::Io => {
                let (path, source) = e.into_io().expect("an I/O error carries its source");
                Error::Io { path, source }
            }
            _ => Error::Table { file: e.path().to_path_buf(), reason: e.message().to_string() },
        }
    }
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
