//! Why a table could not be read: one error type whose [`Error::kind`] says what went wrong and
//! whose message names the file and says what to do.

use std::path::{Path, PathBuf};

/// A table that cannot be read at all (a bad cell is not an error: see [`crate::NumberError`]).
#[derive(Debug)]
pub struct Error {
    path: PathBuf,
    kind: ErrorKind,
    message: String,
    source: Option<std::io::Error>,
}

/// What went wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The file could not be opened or read.
    Io,
    /// The file holds no header line.
    Empty,
    /// The file looks like Parquet but its footer or data cannot be read.
    Parquet,
    /// A column asked for shares its name with another column.
    DuplicateColumn {
        /// The column's name.
        name: String,
    },
    /// A line holds more (or, for the general parser, another number of) fields than the header.
    Ragged {
        /// The line, 1-based in the file (banner and header lines counted).
        line: u64,
        /// Its number of fields.
        fields: usize,
        /// The header's number of fields.
        width: usize,
    },
    /// The text cannot be parsed as a table (the general parser's own message).
    Unparsable,
    /// The read asked for is not possible for this format (rows out of order from a CSV file).
    Unsupported,
    /// The file changed while it was read (more rows than it declares).
    Changed,
    /// A gzip or zip file that cannot be unpacked, or a zip of no table or of several.
    Packed,
}

impl Error {
    /// An error of `kind` for `path`, with a message saying what is wrong and what to do.
    pub(crate) fn new(path: &Path, kind: ErrorKind, message: impl Into<String>) -> Error {
        Error { path: path.to_path_buf(), kind, message: message.into(), source: None }
    }

    /// A file that could not be opened or read.
    pub(crate) fn io(path: &Path, source: std::io::Error) -> Error {
        Error { path: path.to_path_buf(), kind: ErrorKind::Io, message: source.to_string(), source: Some(source) }
    }

    /// A line with another number of fields than the header.
    pub(crate) fn ragged(path: &Path, line: u64, fields: usize, width: usize) -> Error {
        let message = format!("line {line} has {fields} fields where the header has {width}; fix or remove that line");
        Error::new(path, ErrorKind::Ragged { line, fields, width }, message)
    }

    /// What went wrong.
    #[must_use]
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    /// The file.
    #[must_use]
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// What is wrong and what to do, without the file's name.
    #[must_use]
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The operating system's error, for [`ErrorKind::Io`].
    #[must_use]
    pub fn into_io(self) -> Option<(PathBuf, std::io::Error)> {
        Some((self.path, self.source?))
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.message)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source.as_ref().map(|e| e as _)
    }
}

impl From<dekking_files::Error> for Error {
    fn from(e: dekking_files::Error) -> Error {
        Error::io(&e.path, e.source)
    }
}

/// The longest input text a message quotes, in characters; longer text is cut with an ellipsis.
pub const QUOTED_MAX: usize = 60;

/// Text taken from an input as a message shows it: in double quotes, control characters, escape
/// sequences and invisible format characters written as visible escapes (`\u{1b}`), and cut to
/// [`QUOTED_MAX`] characters with an ellipsis, so that a message stays one readable line whatever
/// the input holds.
///
/// ```
/// use dekking_table::quoted;
/// assert_eq!(quoted("GM0363"), "\"GM0363\"");
/// assert_eq!(quoted("a\u{1b}[2Jb\n"), "\"a\\u{1b}[2Jb\\n\"");
/// assert_eq!(quoted(&"x".repeat(100)), format!("\"{}…\"", "x".repeat(60)));
/// ```
#[must_use]
pub fn quoted(text: &str) -> String {
    quoted_to(text, QUOTED_MAX)
}

/// As [`quoted`], cut to `max` characters.
#[must_use]
pub fn quoted_to(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((cut, _)) => format!("{:?}", format!("{}…", &text[..cut])),
        None => format!("{text:?}"),
    }
}

/// As [`quoted_to`], without the quotes (for text a message sets in quotes of its own).
#[must_use]
pub fn escaped_to(text: &str, max: usize) -> String {
    let q = quoted_to(text, max);
    q[1..q.len() - 1].to_string()
}

/// This crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
