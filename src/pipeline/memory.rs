//! How many partitions a fixed run is read in to stay within a memory budget (`--memory`): the
//! rows of its inputs estimated from their files, the bytes a row takes in one pass (as
//! measured), and the machine's available memory as the default budget.
//!
//! A run in N partitions holds about 1/N of the rows' columns at a time (a partition's rows
//! alone are given room, [`crate::io::records`]), reading them from the records spilled by
//! partition or in a pass over every file each; its tables are those of one pass, byte for byte.

use rayon::prelude::*;

use crate::io::records::{self, InputSpec};
use crate::model::fixed::Passes;

/// Bytes a record or universe row takes while a run holds it: the loader's row-sized columns
/// and what is made of them, with the heap's slack after passes in turn (measured on
/// FCC-layout releases, BENCHMARKS.md: 72 bytes a row in one pass of 50 M rows, 80 in each of
/// 10 partitions of 500 M rows).
pub const BYTES_PER_ROW: u64 = 84;

/// Bytes a run takes whatever its rows: the batches being parsed and checked (two at once), the
/// areas and their shapes, the program.
pub const BASE_BYTES: u64 = 384 << 20;

/// The share of the machine's available memory a run takes by default.
const MACHINE_SHARE: (u64, u64) = (3, 4);

/// The partitions (1 to 4096) that keep `rows` rows within `budget` bytes: the rows' bytes over
/// the budget less the base, or over a quarter of the budget when that is more (a small budget).
///
/// ```
/// use dekking::pipeline::memory::{partitions_for, BASE_BYTES, BYTES_PER_ROW};
/// assert_eq!(partitions_for(10_000_000, 24 << 30), 1);
/// let budget = BASE_BYTES + 100_000_000 * BYTES_PER_ROW;
/// assert_eq!((partitions_for(100_000_000, budget), partitions_for(100_000_001, budget)), (1, 2));
/// assert_eq!(partitions_for(500_000_000, 4 << 30), 11);
/// ```
#[must_use]
pub fn partitions_for(rows: u64, budget: u64) -> u32 {
    partitions_of(rows.saturating_mul(BYTES_PER_ROW), budget)
}

/// The bytes a run of `rows` rows takes in one pass, its base included.
#[must_use]
pub fn one_pass_bytes(rows: u64) -> u64 {
    rows.saturating_mul(BYTES_PER_ROW).saturating_add(BASE_BYTES)
}

/// The partitions (1 to 4096) that keep rows of `bytes` within `budget` bytes.
fn partitions_of(bytes: u64, budget: u64) -> u32 {
    let room = budget.saturating_sub(BASE_BYTES).max(budget / 4).max(1);
    let n = bytes.div_ceil(room);
    n.clamp(1, 4096) as u32
}

/// The memory (bytes) this machine has for a run: what Linux reports available, or less under a
/// control group's limit; `None` where neither can be read.
#[must_use]
pub fn machine_memory() -> Option<u64> {
    let meminfo = std::fs::read_to_string("/proc/meminfo").ok();
    let available = meminfo.as_deref().and_then(|m| {
        let line = m.lines().find(|l| l.starts_with("MemAvailable:"))?;
        line.split_whitespace().nth(1)?.parse::<u64>().ok().map(|kb| kb * 1024)
    });
    let read = |name: &str| std::fs::read_to_string(format!("/sys/fs/cgroup/{name}")).ok();
    let limit = read("memory.max").and_then(|m| m.trim().parse::<u64>().ok());
    let used = read("memory.current").and_then(|m| m.trim().parse::<u64>().ok()).unwrap_or(0);
    let in_group = limit.map(|l| l.saturating_sub(used));
    match (available, in_group) {
        (Some(a), Some(g)) => Some(a.min(g)),
        (a, g) => a.or(g),
    }
}

/// The budget of a run: `given` bytes, else a share of the machine's memory; and whether it is
/// the machine's.
#[must_use]
pub fn budget(given: Option<u64>) -> Option<(u64, bool)> {
    match given {
        Some(b) => Some((b, false)),
        None => machine_memory().map(|m| (m / MACHINE_SHARE.1 * MACHINE_SHARE.0, true)),
    }
}

/// The plan of a run over `input` within `given` bytes (else the machine's budget): its rows
/// estimated from the files, and the partitions they need. A file that cannot be estimated
/// (unreadable, corrupt) counts no rows here: reading it says what is wrong.
#[must_use]
pub fn plan(input: &InputSpec, given: Option<u64>) -> Passes {
    let mut files: Vec<&std::path::Path> = input.records.iter().map(|p| p.as_path()).collect();
    files.extend(input.universe.as_deref());
    let rows = files.par_iter().map(|p| records::estimate_rows(p, &input.frames).unwrap_or(0)).sum();
    match budget(given) {
        Some((bytes, machine)) => {
            Passes { partitions: partitions_for(rows, bytes), rows, budget: Some(bytes), machine, ..Passes::ONE }
        }
        None => Passes { rows, machine: true, ..Passes::ONE },
    }
}
