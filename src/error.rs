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
        let (file, reason) = (e.path().to_path_buf(), e.message().to_string());
        match e.into_io() {
            Some((path, source)) => Error::Io { path, source },
            None => Error::Table { file, reason },
        }
    }
}

/// The longest line [`one_line`] lets through, in characters.
pub const LINE_MAX: usize = 1000;

/// A message made safe to print as one line: control characters, escape sequences and invisible
/// format characters written as visible escapes (`\n`, `\u{1b}`, `\u{202e}`), and cut to
/// [`LINE_MAX`] characters with an ellipsis. Every line the command line prints goes through it,
/// so no input can rewrite a terminal or spread a message over lines.
///
/// ```
/// use dekking::error::one_line;
/// assert_eq!(one_line("g.csv: bad \"x\"\u{1b}[2J\nline"), "g.csv: bad \"x\"\\u{1b}[2J\\nline");
/// ```
#[must_use]
pub fn one_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (k, c) in text.chars().enumerate() {
        if k == LINE_MAX {
            out.push('…');
            break;
        }
        let plain = matches!(c, '"' | '\'' | '\\') || c.escape_debug().nth(1).is_none();
        if plain {
            out.push(c);
        } else {
            out.extend(c.escape_debug());
        }
    }
    out
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
