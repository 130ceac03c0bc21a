//! Atomic file writes: write to a temporary file in the target directory, then rename, so a run
//! that stops half-way leaves the previous file or none, never a truncated one.

use std::io::Write;
use std::path::Path;

use crate::{Error, Result};

/// Writes `bytes` to `path` atomically.
///
/// # Errors
/// [`Error`] when the directory is not writable or the rename fails.
pub fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new().prefix(".dekking-").tempfile_in(dir).map_err(|e| Error::new(dir, e))?;
    tmp.write_all(bytes).map_err(|e| Error::new(path, e))?;
    tmp.as_file().sync_all().map_err(|e| Error::new(path, e))?;
    // Temporary files are created owner-only; outputs are ordinary files.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o644))
            .map_err(|e| Error::new(path, e))?;
    }
    tmp.persist(path).map_err(|e| Error::new(path, e.error))?;
    Ok(())
}

/// Writes each (relative file name, bytes) into `dir` (created if needed, with any sub-folder
/// a name has), atomically, and returns the paths.
///
/// # Errors
/// [`Error`] when the directory cannot be created or written.
pub fn write_all(dir: &Path, outputs: Vec<(&str, Vec<u8>)>) -> Result<Vec<std::path::PathBuf>> {
    std::fs::create_dir_all(dir).map_err(|e| Error::new(dir, e))?;
    outputs
        .into_iter()
        .map(|(name, bytes)| {
            let path = dir.join(name);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).map_err(|e| Error::new(parent, e))?;
            }
            write(&path, &bytes)?;
            Ok(path)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn replaces_whole_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.csv");
        super::write(&p, b"first version, long").unwrap();
        super::write(&p, b"second").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"second");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "no temp file left behind");
    }
}
