//! Temporary folders and files removed when a run is interrupted.
//!
//! A folder a run spills gigabytes into is removed when the run ends, also when it fails (its
//! owner drops it), and so is an output's temporary file ([`crate::atomic`]). A run stopped from
//! outside — Ctrl-C, `kill`, a closed terminal — ends without dropping anything: once
//! [`remove_on_interrupt`] is on, such a signal (SIGINT, SIGTERM, SIGHUP) first removes every
//! folder and file [`Held`] at that moment, then ends the process with exit code 130. Only a
//! process killed outright (SIGKILL, a power cut) leaves one behind.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Mutex;

/// The folders and files to remove on an interrupt, each with its holder's number.
static HELD: Mutex<Vec<(u64, PathBuf)>> = Mutex::new(Vec::new());

/// The last holder's number.
static LAST: AtomicU64 = AtomicU64::new(0);

/// The exit code of a run ended by a signal (as a shell reports Ctrl-C).
pub const EXIT_CODE: i32 = 130;

/// Removes the held folders and files when the process is interrupted, and ends it; for a program's
/// `main` (a library in another program, Python say, leaves the signals to it). The first call
/// wins; a handler that cannot be installed leaves the default (the process ends at once).
pub fn remove_on_interrupt() {
    let _ = ctrlc::set_handler(|| {
        STOPPING.store(true, Ordering::SeqCst);
        remove_held();
        std::process::exit(EXIT_CODE);
    });
}

/// Whether an interrupt is removing the held folders and files: the run's own threads, which go
/// on meanwhile, fail on what is removed under them.
static STOPPING: AtomicBool = AtomicBool::new(false);

/// Whether the process is being stopped by an interrupt; an error then is the interrupt's doing,
/// and the program waits for the handler's exit (code 130) instead of reporting it.
#[must_use]
pub fn stopping() -> bool {
    STOPPING.load(Ordering::SeqCst)
}

/// Removes every folder and file held now.
fn remove_held() {
    remove_held_where(|_| true);
}

/// Removes the folders and files held now that `which` picks (one gone already, renamed say, is
/// left alone).
fn remove_held_where(which: impl Fn(&Path) -> bool) {
    let held = HELD.lock().map(|h| h.clone()).unwrap_or_default();
    for (_, path) in held.into_iter().filter(|(_, p)| which(p)) {
        if !path.is_dir() {
            let _ = std::fs::remove_file(path);
            continue;
        }
        // The run's threads go on writing: a file made while the folder is emptied keeps it
        // from going, so it is emptied again (for a second at most).
        for _ in 0..100 {
            match std::fs::remove_dir_all(&path) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                    std::thread::sleep(std::time::Duration::from_millis(10));
                }
                _ => break,
            }
        }
    }
}

/// A folder or file removed on an interrupt for as long as this lives (dropping it removes
/// nothing: its owner does).
#[derive(Debug)]
pub struct Held(u64);

impl Held {
    /// Holds the folder or file `path` until dropped.
    #[must_use]
    pub fn new(path: &Path) -> Held {
        let number = LAST.fetch_add(1, Ordering::Relaxed) + 1;
        if let Ok(mut held) = HELD.lock() {
            held.push((number, path.to_path_buf()));
        }
        Held(number)
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        if let Ok(mut held) = HELD.lock() {
            held.retain(|(n, _)| *n != self.0);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn held_folders_are_removed_until_let_go() {
        // Only this test's folders are removed: others' tests hold theirs at the same time.
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        std::fs::create_dir_all(a.join("inside")).unwrap();
        std::fs::create_dir(&b).unwrap();
        let held_a = Held::new(&a);
        let held_b = Held::new(&b);
        drop(held_b);
        remove_held_where(|p| p.starts_with(dir.path()));
        assert!(!a.exists(), "a held folder is removed");
        assert!(b.exists(), "a folder let go is not");
        drop(held_a);
        assert!(HELD.lock().unwrap().iter().all(|(_, d)| *d != a && *d != b));
    }

    #[test]
    fn a_held_file_is_removed_and_one_moved_away_is_not_looked_for() {
        let dir = tempfile::tempdir().unwrap();
        let (file, moved) = (dir.path().join(".dekking-a"), dir.path().join(".dekking-b"));
        std::fs::write(&file, "x").unwrap();
        std::fs::write(&moved, "y").unwrap();
        let _held = (Held::new(&file), Held::new(&moved));
        std::fs::rename(&moved, dir.path().join("out.csv")).unwrap();
        remove_held_where(|p| p.starts_with(dir.path()));
        assert!(!file.exists() && dir.path().join("out.csv").exists());
    }
}
