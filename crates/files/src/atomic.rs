//! Atomic file writes: write to a temporary file in the target directory, then rename, so a run
//! that stops half-way leaves the previous file or none, never a truncated one (and, stopped
//! by Ctrl-C or `kill`, no temporary file: [`crate::interrupt`]).
//!
//! A run's set of files is written as one: [`write_all`] holds a lock on the folder
//! ([`LOCK`], an advisory lock the system drops when the process ends, however it ends) while it
//! writes, so that two runs into one folder write one after the other; and it removes the files
//! the folder's last run wrote that this run does not (listed in [`MANIFEST`]), so that the
//! folder holds exactly one run's set.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::interrupt::Held;
use crate::{Error, Result};

/// Writes `bytes` to `path` atomically.
///
/// # Errors
/// [`Error`] when the directory is not writable or the rename fails.
pub fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new().prefix(".dekking-").tempfile_in(dir).map_err(|e| Error::new(dir, e))?;
    // Removed also when the run is interrupted before the rename (after it, no file has its name).
    let _held = Held::new(tmp.path());
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

/// The lock file of an output folder.
pub const LOCK: &str = ".dekking.lock";

/// The list of the files the folder's last run wrote, one relative name a line.
pub const MANIFEST: &str = ".dekking.files";

/// Writes each (relative file name, bytes) into `dir` (created if needed, with any sub-folder
/// a name has), atomically, as one set: another run writing into `dir` is waited for, and the
/// files of the folder's last run that this set does not have are removed. Returns the paths.
///
/// # Errors
/// [`Error`] when the directory cannot be created, locked or written.
pub fn write_all(dir: &Path, outputs: Vec<(&str, Vec<u8>)>) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir).map_err(|e| Error::new(dir, e))?;
    let lock_path = dir.join(LOCK);
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(|e| Error::new(&lock_path, e))?;
    lock.lock().map_err(|e| Error::new(&lock_path, e))?;
    let names: Vec<String> = outputs.iter().map(|(name, _)| name.to_string()).collect();
    let paths = outputs
        .into_iter()
        .map(|(name, bytes)| {
            let path = dir.join(name);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).map_err(|e| Error::new(parent, e))?;
            }
            write(&path, &bytes)?;
            Ok(path)
        })
        .collect::<Result<Vec<PathBuf>>>()?;
    remove_stale(dir, &names)?;
    let mut manifest = names.join("\n");
    manifest.push('\n');
    write(&dir.join(MANIFEST), manifest.as_bytes())?;
    drop(lock);
    Ok(paths)
}

/// Removes the files the folder's last run wrote ([`MANIFEST`]) that are not among `names`.
fn remove_stale(dir: &Path, names: &[String]) -> Result<()> {
    let Ok(last) = std::fs::read_to_string(dir.join(MANIFEST)) else { return Ok(()) };
    for stale in last.lines().filter(|l| !l.is_empty() && !names.iter().any(|n| n == l)) {
        // Only names of the folder itself or below it, as written by write_all.
        if Path::new(stale).components().any(|c| !matches!(c, std::path::Component::Normal(_))) {
            continue;
        }
        match std::fs::remove_file(dir.join(stale)) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(Error::new(dir.join(stale), e)),
        }
    }
    Ok(())
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

    #[test]
    fn a_set_replaces_the_last_runs_set() {
        let dir = tempfile::tempdir().unwrap();
        let read = |n: &str| std::fs::read_to_string(dir.path().join(n)).ok();
        super::write_all(dir.path(), vec![("a.csv", b"1".to_vec()), ("sub/b.csv", b"2".to_vec())]).unwrap();
        std::fs::write(dir.path().join("mine.txt"), "a user's file").unwrap();
        super::write_all(dir.path(), vec![("a.csv", b"3".to_vec()), ("c.csv", b"4".to_vec())]).unwrap();
        assert_eq!((read("a.csv"), read("sub/b.csv"), read("c.csv")), (Some("3".into()), None, Some("4".into())));
        assert_eq!(read("mine.txt").as_deref(), Some("a user's file"), "only files dekking wrote are removed");
        assert_eq!(read(super::MANIFEST).as_deref(), Some("a.csv\nc.csv\n"));
    }

    /// Two writers of sets into one folder at once: each set is written whole before the other
    /// starts, so the folder ends with every file from one writer.
    #[test]
    fn sets_written_at_once_do_not_mix() {
        let dir = tempfile::tempdir().unwrap();
        let set =
            |tag: u8| -> Vec<(String, Vec<u8>)> { (0..40).map(|k| (format!("f{k}.csv"), vec![tag; 2000])).collect() };
        for _ in 0..10 {
            std::thread::scope(|scope| {
                for tag in [b'a', b'b'] {
                    let path = dir.path();
                    scope.spawn(move || {
                        let files = set(tag);
                        super::write_all(path, files.iter().map(|(n, b)| (n.as_str(), b.clone())).collect()).unwrap()
                    });
                }
            });
            let firsts: std::collections::BTreeSet<u8> =
                (0..40).map(|k| std::fs::read(dir.path().join(format!("f{k}.csv"))).unwrap()[0]).collect();
            assert_eq!(firsts.len(), 1, "files from both writers");
        }
    }
}
