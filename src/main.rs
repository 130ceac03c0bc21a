//! `dekking` command line: parse, run, print one error line and pick the exit code.
//!
//! Exit codes: 0 = ran; 2 = error (bad input, bad arguments, unwritable output);
//! 3 = `--strict` and the run raised warnings (nothing written).

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use dekking::cli;

/// Keeps freed memory in the process for reuse. A national run allocates and frees columns of
/// hundreds of megabytes; by default glibc maps each anew and returns it on free, and keeps
/// what one thread frees for that thread, so the first touch of fresh pages (zeroing, faults)
/// costs as much as the work done on them.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn keep_freed_memory() {
    // SAFETY: mallopt only changes allocator parameters; it is called before any other thread
    // exists. A refused setting (return value 0) leaves the defaults, which are correct too.
    unsafe {
        libc::mallopt(libc::M_MMAP_MAX, 0);
        libc::mallopt(libc::M_TRIM_THRESHOLD, i32::MAX);
        // One arena: memory freed by the reading threads is reused by the next stage's.
        libc::mallopt(libc::M_ARENA_MAX, 1);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn keep_freed_memory() {}

fn main() -> ExitCode {
    keep_freed_memory();
    // The program's own: a library user (the Python package) keeps its signals.
    dekking_files::interrupt::remove_on_interrupt();
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if !e.use_stderr() => {
            // --help and --version.
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "dekking: error: {}", cli::usage_error(&e));
            return ExitCode::from(2);
        }
    };
    match cli::run(cli) {
        Ok(code) => code,
        Err(_) if dekking_files::interrupt::stopping() => loop {
            // Failed on what the interrupt removes: its handler ends the process (code 130).
            std::thread::park();
        },
        Err(err) => {
            if err.chain().any(|e| {
                e.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) {
                return ExitCode::SUCCESS;
            }
            let _ = writeln!(std::io::stderr(), "dekking: error: {}", cli::error_line(&err));
            ExitCode::from(2)
        }
    }
}
