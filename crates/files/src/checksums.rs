//! SHA-256 checksums of input files, remembered between runs.
//!
//! Every output names its inputs with their SHA-256, and hashing a national file costs a
//! quarter of a second of CPU per 500 MB (a 10 M address CSV, each 25 m coverage grid) on every
//! run, though analysts rerun the same files many times a day. So a checksum is stored in a
//! small table beside the file's identity: device, inode, size, and its modification and change
//! times to the nanosecond. A later run that finds the same identity uses the stored checksum;
//! any write to the file (or a rename, or a `touch`) moves its change time to the system
//! clock's now, which no program can set otherwise, so the checksum is then computed anew.
//!
//! Two guards keep a stored checksum true. It is stored only when the identity after hashing
//! is the one before (the file was not written while it was read), and only for files last
//! changed at least [`SETTLE`] before they were opened: a file system whose clock is coarse
//! (whole seconds, or a few milliseconds) could otherwise give a file written again right
//! after it was hashed the same times.
//!
//! The table is off unless the program turns it on ([`use_dir`]): the command line keeps it in
//! the user's cache directory, `DEKKING_CACHE_DIR` names another one, and an empty
//! `DEKKING_CACHE_DIR` turns it off. A missing or unwritable directory only means no
//! checksum is remembered.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::{Duration, SystemTime};

use sha2::{Digest, Sha256};

use crate::{Error, Result};

/// How long before it was opened a file must have been last changed for its checksum to be stored.
pub const SETTLE: Duration = Duration::from_secs(2);

/// Checksums kept, the most recently stored ones (the table stays a few tens of kilobytes).
const KEPT: usize = 512;

/// The table's file name in its directory.
const FILE: &str = "sha256.tsv";

/// The directory of the table for this process, once set.
static DIR: OnceLock<Option<PathBuf>> = OnceLock::new();

/// Keeps checksums in `dir` (`None`: not at all) for the rest of the process; the first call wins.
pub fn use_dir(dir: Option<PathBuf>) {
    let _ = DIR.set(dir);
}

/// The directory the command line uses: `DEKKING_CACHE_DIR` when set (empty: none), else
/// `dekking` under `XDG_CACHE_HOME` or `~/.cache`.
#[must_use]
pub fn default_dir() -> Option<PathBuf> {
    let var = |name| std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from);
    match std::env::var_os("DEKKING_CACHE_DIR") {
        Some(dir) if dir.is_empty() => None,
        Some(dir) => Some(PathBuf::from(dir)),
        None => var("XDG_CACHE_HOME").or_else(|| var("HOME").map(|h| h.join(".cache"))).map(|c| c.join("dekking")),
    }
}

/// What tells a file's contents apart without reading them (Unix).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Identity {
    dev: u64,
    ino: u64,
    size: u64,
    /// Modification time, ns since the epoch.
    modified: i128,
    /// Change time (any write, rename or attribute change), ns since the epoch.
    changed: i128,
}

impl Identity {
    /// The identity of an open file; `None` off Unix or when it cannot be read.
    #[must_use]
    pub fn of(file: &std::fs::File) -> Option<Identity> {
        Identity::from_metadata(&file.metadata().ok()?)
    }

    #[cfg(unix)]
    fn from_metadata(m: &std::fs::Metadata) -> Option<Identity> {
        use std::os::unix::fs::MetadataExt;
        let ns = |s: i64, n: i64| i128::from(s) * 1_000_000_000 + i128::from(n);
        Some(Identity {
            dev: m.dev(),
            ino: m.ino(),
            size: m.size(),
            modified: ns(m.mtime(), m.mtime_nsec()),
            changed: ns(m.ctime(), m.ctime_nsec()),
        })
    }

    #[cfg(not(unix))]
    fn from_metadata(_: &std::fs::Metadata) -> Option<Identity> {
        None
    }

    /// Whether the file was last changed (written or renamed) at least `settle` before `opened`.
    fn settled(&self, opened: SystemTime, settle: Duration) -> bool {
        let opened = opened.duration_since(SystemTime::UNIX_EPOCH).map_or(0, |d| d.as_nanos() as i128);
        self.modified.max(self.changed) <= opened - settle.as_nanos() as i128
    }

    /// The identity as the table's first five fields.
    fn key(&self) -> String {
        format!("{}\t{}\t{}\t{}\t{}", self.dev, self.ino, self.size, self.modified, self.changed)
    }
}

/// A file being read for its checksum: its identity and when it was opened.
#[derive(Debug, Clone, Copy)]
pub struct Opened {
    identity: Option<Identity>,
    at: SystemTime,
}

impl Opened {
    /// Notes an open file's identity, now.
    #[must_use]
    pub fn note(file: &std::fs::File) -> Opened {
        Opened { identity: Identity::of(file), at: SystemTime::now() }
    }

    /// The checksum stored for this identity, if any.
    #[must_use]
    pub fn recall(&self) -> Option<String> {
        Store::current()?.recall(&self.identity?)
    }

    /// Stores `sha256`, computed from `file`'s bytes after [`Opened::note`], when the file has
    /// settled and did not change meanwhile (see the module doc).
    pub fn remember(&self, file: &Path, sha256: &str) {
        if let (Some(store), Some(before)) = (Store::current(), self.identity) {
            let after = std::fs::File::open(file).ok().and_then(|f| Identity::of(&f));
            if after == Some(before) && before.settled(self.at, store.settle) {
                store.remember(&before, file, sha256);
            }
        }
    }
}

/// The SHA-256 of a file as lower-case hex: remembered, or read in blocks and remembered.
///
/// # Errors
/// [`Error`] when the file cannot be read.
pub fn sha256_file(path: &Path) -> Result<String> {
    let file = std::fs::File::open(path).map_err(|e| Error::new(path, e))?;
    let opened = Opened::note(&file);
    if let Some(sha) = opened.recall() {
        return Ok(sha);
    }
    let sha = sha256_read(file, path)?;
    opened.remember(path, &sha);
    Ok(sha)
}

/// SHA-256 of `bytes` as lower-case hex.
///
/// ```
/// assert_eq!(dekking_files::sha256_hex(b"abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
/// ```
#[must_use]
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// SHA-256 of an open file's bytes (from where it stands) as lower-case hex, read in blocks of
/// a mebibyte; `path` is for messages.
///
/// # Errors
/// [`Error`] when the file cannot be read.
pub fn sha256_read(mut file: std::fs::File, path: &Path) -> Result<String> {
    use std::io::Read;
    let mut hasher = Sha256::new();
    let mut block = vec![0u8; 1 << 20];
    loop {
        match file.read(&mut block) {
            Ok(0) => break,
            Ok(n) => hasher.update(&block[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(Error::new(path, e)),
        }
    }
    Ok(hex(&hasher.finalize()))
}

/// Lower-case hex of a byte slice.
///
/// ```
/// assert_eq!(dekking_files::hex(&[0, 0xab, 0x7f]), "00ab7f");
/// ```
#[must_use]
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// A table of checksums in a directory.
#[derive(Debug, Clone)]
struct Store {
    dir: PathBuf,
    settle: Duration,
}

impl Store {
    /// The process's table, when one is in use.
    fn current() -> Option<Store> {
        DIR.get()?.as_ref().map(|dir| Store { dir: dir.clone(), settle: SETTLE })
    }

    /// The table's lines (none when it cannot be read).
    fn lines(&self) -> Vec<String> {
        std::fs::read_to_string(self.dir.join(FILE))
            .map(|t| t.lines().map(str::to_string).collect())
            .unwrap_or_default()
    }

    /// The checksum stored for `identity`.
    fn recall(&self, identity: &Identity) -> Option<String> {
        let key = identity.key();
        self.lines().iter().rev().find_map(|line| {
            let rest = line.strip_prefix(&key)?.strip_prefix('\t')?;
            let sha = rest.split('\t').next()?;
            (sha.len() == 64 && sha.bytes().all(|b| b.is_ascii_hexdigit())).then(|| sha.to_string())
        })
    }

    /// Stores a checksum as the newest line, replacing older lines of the same file (path or
    /// device and inode) and keeping the newest [`KEPT`]; failures are ignored (nothing stored).
    fn remember(&self, identity: &Identity, file: &Path, sha256: &str) {
        let path = std::fs::canonicalize(file).unwrap_or_else(|_| file.to_path_buf());
        let path = path.to_string_lossy().replace(['\t', '\n'], " ");
        let inode = format!("{}\t{}\t", identity.dev, identity.ino);
        let mut lines: Vec<String> =
            self.lines().into_iter().filter(|l| !l.starts_with(&inode) && !l.ends_with(&format!("\t{path}"))).collect();
        lines.push(format!("{}\t{sha256}\t{path}", identity.key()));
        let from = lines.len().saturating_sub(KEPT);
        let mut text = lines[from..].join("\n");
        text.push('\n');
        if std::fs::create_dir_all(&self.dir).is_ok() {
            let _ = crate::atomic::write(&self.dir.join(FILE), text.as_bytes());
        }
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    fn identity(path: &Path) -> Identity {
        Identity::of(&std::fs::File::open(path).unwrap()).unwrap()
    }

    #[test]
    fn a_checksum_is_recalled_for_the_same_file_only() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store { dir: dir.path().join("cache"), settle: Duration::ZERO };
        let (a, b) = (dir.path().join("a.csv"), dir.path().join("b.csv"));
        std::fs::write(&a, "id\n1\n").unwrap();
        std::fs::write(&b, "id\n2\n").unwrap();
        let (ia, ib) = (identity(&a), identity(&b));
        store.remember(&ia, &a, &"a".repeat(64));
        store.remember(&ib, &b, &"b".repeat(64));
        assert_eq!(store.recall(&ia), Some("a".repeat(64)));
        assert_eq!(store.recall(&ib), Some("b".repeat(64)));
        // Written again with the same size: its change time moves (past a coarse clock's tick).
        std::thread::sleep(Duration::from_millis(20));
        std::fs::write(&a, "id\n3\n").unwrap();
        let ia2 = identity(&a);
        assert_ne!(ia2, ia);
        assert_eq!(store.recall(&ia2), None);
        // Stored again, it replaces the file's older line.
        store.remember(&ia2, &a, &"c".repeat(64));
        assert_eq!(store.recall(&ia2), Some("c".repeat(64)));
        assert_eq!(store.lines().len(), 2);
    }

    #[test]
    fn only_settled_files_are_stored() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.csv");
        std::fs::write(&a, "id\n1\n").unwrap();
        let now = SystemTime::now();
        assert!(!identity(&a).settled(now, SETTLE));
        assert!(identity(&a).settled(now + SETTLE, SETTLE));
        assert!(identity(&a).settled(now, Duration::ZERO));
    }

    #[test]
    fn the_table_keeps_the_newest_lines() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store { dir: dir.path().to_path_buf(), settle: Duration::ZERO };
        let a = dir.path().join("a.csv");
        std::fs::write(&a, "x").unwrap();
        let real = identity(&a);
        for ino in 0..(KEPT as u64 + 10) {
            store.remember(&Identity { ino, ..real }, &dir.path().join(format!("f{ino}")), &format!("{ino:064x}"));
        }
        assert_eq!(store.lines().len(), KEPT);
        assert_eq!(store.recall(&Identity { ino: 3, ..real }), None);
        assert_eq!(store.recall(&Identity { ino: KEPT as u64 + 9, ..real }), Some(format!("{:064x}", KEPT + 9)));
    }
}
