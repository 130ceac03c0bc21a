//! Temporary folders removed when a run is interrupted.
//!
//! A folder a run spills gigabytes into is removed when the run ends, also when it fails (its
//! owner drops it). A run stopped from outside — Ctrl-C, `kill`, a closed terminal — ends
//! without dropping anything: once [`remove_on_interrupt`] is on, such a signal (SIGINT,
//! SIGTERM, SIGHUP) first removes every folder [`Held`] at that moment, then ends the process
//! with exit code 130. Only a process killed outright (SIGKILL, a power cut) leaves one behind.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

/// The folders to remove on an interrupt, each with its holder's number.
static HELD: Mutex<Vec<(u64, PathBuf)>> = Mutex::new(Vec::new());

/// The last holder's number.
static LAST: AtomicU64 = AtomicU64::new(0);

/// The exit code of a run ended by a signal (as a shell reports Ctrl-C).
pub const EXIT_CODE: i32 = 130;

/// Removes the held folders when the process is interrupted, and ends it; for a program's
/// `main` (a library in another program, Python say, leaves the signals to it). The first call
/// wins; a handler that cannot be installed leaves the default (the process ends at once).
pub fn remove_on_interrupt() {
    let _ = ctrlc::set_handler(|| {
        remove_held();
        std::process::exit(EXIT_CODE);
    });
}

/// Removes every folder held now.
fn remove_held() {
    let held = HELD.lock().map(|h| h.clone()).unwrap_or_default();
    for (_, dir) in held {
        let _ = std::fs::remove_dir_all(dir);
    }
}

/// A folder removed on an interrupt for as long as this lives (dropping it removes nothing: its
/// owner does).
#[derive(Debug)]
pub struct Held(u64);

impl Held {
    /// Holds `dir` until dropped.
    #[must_use]
    pub fn new(dir: &Path) -> Held {
        let number = LAST.fetch_add(1, Ordering::Relaxed) + 1;
        if let Ok(mut held) = HELD.lock() {
            held.push((number, dir.to_path_buf()));
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
        let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let held_a = Held::new(a.path());
        let held_b = Held::new(b.path());
        drop(held_b);
        remove_held();
        assert!(!a.path().exists(), "a held folder is removed");
        assert!(b.path().exists(), "a folder let go is not");
        drop(held_a);
        assert!(HELD.lock().unwrap().iter().all(|(_, d)| d != a.path() && d != b.path()));
    }
}
