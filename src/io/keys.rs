//! Address keys: the ids hashed (xxh3-128) in parallel, noting whether they ascend. Ascending
//! ids are deduplicated in one pass over their runs; otherwise ids are deduplicated and joined in
//! radix partitions — the keys are split by their top bits into shards small enough for each
//! shard's hash table to stay in cache, and the shards are processed in parallel. Results are
//! by row and do not depend on the number of threads.

use std::borrow::Cow;
use std::sync::atomic::{AtomicU32, Ordering};

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use xxhash_rust::xxh3::xxh3_128;

use crate::io::table::Values;

/// Marks a row without a key (no id).
pub const NO_KEY: u128 = 0;
/// Marks "no row" in the results.
pub const NONE: u32 = u32::MAX;
const BITS: u32 = 10;
const CHUNK: usize = if cfg!(test) { 1 << 10 } else { 1 << 16 };

/// The key of an id (never [`NO_KEY`]).
#[inline]
#[must_use]
pub fn key_of(id: &str) -> u128 {
    xxh3_128(id.as_bytes()).max(1)
}

/// The key of every row of an id column ([`NO_KEY`] where the id is empty), and whether the ids
/// are in ascending text order (empty ones aside), so that equal ids are adjacent.
#[must_use]
pub fn hash_column(ids: &Values) -> (Vec<u128>, bool) {
    /// Whether one chunk's ids ascend, and its first and last id.
    struct Order<'a> {
        sorted: bool,
        first: Option<Cow<'a, str>>,
        last: Option<Cow<'a, str>>,
    }
    let mut keys = vec![NO_KEY; ids.len()];
    let orders: Vec<Order<'_>> = keys
        .par_chunks_mut(CHUNK)
        .enumerate()
        .map(|(c, out)| {
            let rows = ids.rows(c * CHUNK..c * CHUNK + out.len());
            let mut order = Order { sorted: true, first: None, last: None };
            for (k, slot) in out.iter_mut().enumerate() {
                if let Some(id) = rows.text(c * CHUNK + k) {
                    *slot = key_of(&id);
                    order.sorted &= order.last.as_ref().is_none_or(|l| *l <= id);
                    order.first.get_or_insert_with(|| id.clone());
                    order.last = Some(id);
                }
            }
            order
        })
        .collect();
    let mut sorted = true;
    let mut last: Option<&Cow<'_, str>> = None;
    for order in &orders {
        sorted &= order.sorted && last.zip(order.first.as_ref()).is_none_or(|(l, f)| l <= f);
        last = order.last.as_ref().or(last);
    }
    (keys, sorted)
}

fn shard(key: u128) -> usize {
    (key >> (128 - BITS)) as usize
}

/// Keys grouped by shard, with their rows (ascending within each shard), and the shard
/// boundaries. The keys are copied along so that each shard is then read sequentially.
struct Partitioned {
    keys: Vec<u128>,
    rows: Vec<u32>,
    starts: Vec<usize>,
}

impl Partitioned {
    /// Partitions in parallel: each piece of the input counts its keys per shard, and then
    /// scatters them into its own part of every shard, so rows stay ascending within a shard.
    fn new(keys: &[u128]) -> Partitioned {
        let shards = 1usize << BITS;
        let counts: Vec<Vec<usize>> = keys
            .par_chunks(CHUNK)
            .map(|piece| {
                let mut c = vec![0usize; shards];
                for &k in piece.iter().filter(|&&k| k != NO_KEY) {
                    c[shard(k)] += 1;
                }
                c
            })
            .collect();
        let mut starts = vec![0usize; shards + 1];
        for s in 0..shards {
            starts[s + 1] = starts[s] + counts.iter().map(|c| c[s]).sum::<usize>();
        }
        let total = starts[shards];
        // Zeroed memory is mapped lazily: its pages are first touched by the parallel scatter.
        let (mut sorted, mut rows) = (vec![NO_KEY; total], vec![0u32; total]);
        let mut parts: Vec<Vec<(&mut [u128], &mut [u32])>> = counts.iter().map(|_| Vec::with_capacity(shards)).collect();
        let (mut key_rest, mut row_rest) = (&mut sorted[..], &mut rows[..]);
        for s in 0..shards {
            for (p, c) in counts.iter().enumerate() {
                let (k, kr) = std::mem::take(&mut key_rest).split_at_mut(c[s]);
                let (r, rr) = std::mem::take(&mut row_rest).split_at_mut(c[s]);
                (key_rest, row_rest) = (kr, rr);
                parts[p].push((k, r));
            }
        }
        parts.into_par_iter().enumerate().for_each(|(p, mut outs)| {
            let mut fill = vec![0usize; shards];
            let base = p * CHUNK;
            for (j, &k) in keys[base..(base + CHUNK).min(keys.len())].iter().enumerate() {
                if k != NO_KEY {
                    let s = shard(k);
                    let (ks, rs) = &mut outs[s];
                    ks[fill[s]] = k;
                    rs[fill[s]] = (base + j) as u32;
                    fill[s] += 1;
                }
            }
        });
        Partitioned { keys: sorted, rows, starts }
    }

    /// The keys and rows of shard `s`.
    fn shard(&self, s: usize) -> (&[u128], &[u32]) {
        let r = self.starts[s]..self.starts[s + 1];
        (&self.keys[r.clone()], &self.rows[r])
    }

    /// The most rows in one shard.
    fn largest(&self) -> usize {
        self.starts.windows(2).map(|w| w[1] - w[0]).max().unwrap_or(0)
    }
}

/// Runs `f` on every shard in parallel with one table per worker thread, cleared before each
/// shard (no fresh memory, and so no page faults, per shard), and a row-indexed result of `n`
/// entries that `f` fills (each row is written by one shard only); returns that result.
fn per_shard(n: usize, largest: usize, f: impl Fn(&mut FxHashMap<u128, u32>, usize, &[AtomicU32]) + Sync) -> Vec<u32> {
    let out: Vec<AtomicU32> = (0..n).into_par_iter().map(|_| AtomicU32::new(NONE)).collect();
    (0..1usize << BITS).into_par_iter().for_each_init(
        || FxHashMap::with_capacity_and_hasher(largest, Default::default()),
        |table, s| {
            table.clear();
            f(table, s, &out);
        },
    );
    out.into_iter().map(AtomicU32::into_inner).collect()
}

/// For every row, the first row with the same key ([`NONE`] for rows without a key).
/// `grouped` says that equal keys are known to be adjacent among the rows with a key (the ids
/// are sorted): then one pass over the runs gives the answer, without a hash table.
///
/// ```
/// use dekking::io::keys::{first_rows, key_of, NONE, NO_KEY};
/// let keys = [key_of("a"), key_of("b"), NO_KEY, key_of("a"), key_of("b")];
/// assert_eq!(first_rows(&keys, false), vec![0, 1, NONE, 0, 1]);
/// let sorted = [key_of("a"), NO_KEY, key_of("a"), key_of("b")];
/// assert_eq!(first_rows(&sorted, true), vec![0, NONE, 0, 3]);
/// ```
#[must_use]
pub fn first_rows(keys: &[u128], grouped: bool) -> Vec<u32> {
    if grouped {
        let (mut run, mut leader) = (NO_KEY, NONE);
        return keys
            .iter()
            .enumerate()
            .map(|(i, &k)| {
                if k == NO_KEY {
                    return NONE;
                }
                if k != run {
                    (run, leader) = (k, i as u32);
                }
                leader
            })
            .collect();
    }
    let parts = Partitioned::new(keys);
    per_shard(keys.len(), parts.largest(), |seen, s, out| {
        let (keys, rows) = parts.shard(s);
        for (&k, &r) in keys.iter().zip(rows) {
            out[r as usize].store(*seen.entry(k).or_insert(r), Ordering::Relaxed);
        }
    })
}

/// For every probe key, the value of the build row with the same key ([`NONE`] when there is
/// none). Build keys must be unique among the rows whose value is not [`NONE`]; the others are
/// ignored.
#[must_use]
pub fn join(build: &[u128], values: &[u32], probe: &[u128]) -> Vec<u32> {
    let kept: Vec<u128> = build.iter().zip(values).map(|(&k, &v)| if v == NONE { NO_KEY } else { k }).collect();
    let (b, p) = (Partitioned::new(&kept), Partitioned::new(probe));
    drop(kept);
    per_shard(probe.len(), b.largest(), |map, s, out| {
        let (bkeys, brows) = b.shard(s);
        map.extend(bkeys.iter().zip(brows).map(|(&k, &r)| (k, values[r as usize])));
        let (pkeys, prows) = p.shard(s);
        for (k, &r) in pkeys.iter().zip(prows) {
            out[r as usize].store(map.get(k).copied().unwrap_or(NONE), Ordering::Relaxed);
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_rows_and_join_match_a_plain_hash_map() {
        let ids: Vec<String> = (0..50_000).map(|i| format!("id{}", (i * 7919) % 20_011)).collect();
        let keys: Vec<u128> = ids.iter().enumerate().map(|(i, s)| if i % 97 == 0 { NO_KEY } else { key_of(s) }).collect();
        let first = first_rows(&keys, false);
        let mut seen = std::collections::HashMap::new();
        for (i, &k) in keys.iter().enumerate() {
            let expect = if k == NO_KEY { NONE } else { *seen.entry(k).or_insert(i as u32) };
            assert_eq!(first[i], expect, "row {i}");
        }
        // Build: the first rows are the addresses 0, 1, 2, ...; probe with every key.
        let mut next = 0;
        let values: Vec<u32> = (0..keys.len())
            .map(|i| {
                if first[i] == i as u32 {
                    next += 1;
                    next - 1
                } else {
                    NONE
                }
            })
            .collect();
        // Sorted ids with some rows masked: one pass over the runs gives the same.
        let mut sorted: Vec<&String> = ids.iter().collect();
        sorted.sort();
        let skeys: Vec<u128> = sorted.iter().enumerate().map(|(i, s)| if i % 89 == 0 { NO_KEY } else { key_of(s) }).collect();
        assert_eq!(first_rows(&skeys, true), first_rows(&skeys, false));
        let probe: Vec<u128> = keys.iter().rev().copied().chain([key_of("absent")]).collect();
        let got = join(&keys, &values, &probe);
        for (p, &g) in probe.iter().zip(&got) {
            let expect = keys.iter().position(|k| k == p && *p != NO_KEY).map_or(NONE, |i| values[first[i] as usize]);
            assert_eq!(g, expect);
        }
    }

    #[test]
    fn sorted_ids_are_recognised_across_chunks() {
        use crate::io::table::{Table, Want};
        let column = |ids: &[String]| {
            let text = format!("id\n{}\n", ids.join("\n"));
            Table::from_bytes(std::path::Path::new("ids.csv"), text.into_bytes(), None).unwrap().read(&[(0, Want::Text)]).unwrap().remove(0)
        };
        let mut ids: Vec<String> = (0..3 * CHUNK).map(|i| format!("{:06}", i / 3)).collect();
        ids[CHUNK + 7] = String::new();
        assert!(hash_column(&column(&ids)).1, "sorted, with repeats and an empty id");
        ids.swap(CHUNK - 1, CHUNK);
        ids[CHUNK - 1] = "999999".into();
        assert!(!hash_column(&column(&ids)).1, "one step down at a chunk boundary");
        let (keys, _) = hash_column(&column(&ids));
        assert_eq!(keys[CHUNK + 7], NO_KEY);
    }
}
