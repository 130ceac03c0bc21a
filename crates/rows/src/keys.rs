//! Keys of ids. Ascending ids need none: a one-byte [`Run`] flag per row (no id, the same id
//! as the row before, a new id) numbers the addresses in two passes over parallel chunks.
//! Otherwise the ids are hashed (xxh3-128) in parallel, noting whether they ascend, and
//! deduplicated and joined in radix partitions — the keys are split by their top bits into
//! shards small enough for each shard's hash table (or, for a join, sorted keys) to stay in
//! cache, and the shards are processed in parallel. Results are by row and do not depend on
//! the number of threads.

use std::borrow::Cow;
use std::sync::atomic::{AtomicU32, Ordering};

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use xxhash_rust::xxh3::xxh3_128;

use dekking_table::Values;

use crate::Index;

/// Marks a row without a key (no id).
pub const NO_KEY: u128 = 0;
const BITS: u32 = 10;
const CHUNK: usize = if cfg!(test) { 1 << 10 } else { 1 << 16 };

/// The key of an id (never [`NO_KEY`]).
#[inline]
#[must_use]
pub fn key_of(id: &str) -> u128 {
    xxh3_128(id.as_bytes()).max(1)
}

/// Whether a column's ids ascend in text order (empty ones aside), with its first and last id,
/// so that the order of consecutive parts can be joined.
#[derive(Debug, Clone)]
pub struct IdOrder {
    /// Whether the ids seen so far ascend.
    pub sorted: bool,
    first: Option<String>,
    last: Option<String>,
}

impl Default for IdOrder {
    fn default() -> IdOrder {
        IdOrder { sorted: true, first: None, last: None }
    }
}

impl IdOrder {
    /// The last id seen.
    #[must_use]
    pub fn last(&self) -> Option<&str> {
        self.last.as_deref()
    }

    /// The order of these ids followed by `next`'s.
    #[must_use]
    pub fn then(self, next: IdOrder) -> IdOrder {
        let joined = self.last.as_ref().zip(next.first.as_ref()).is_none_or(|(l, f)| l <= f);
        IdOrder {
            sorted: self.sorted && next.sorted && joined,
            first: self.first.or(next.first),
            last: next.last.or(self.last),
        }
    }
}

/// Writes the key of every row of `ids` into `keys` (as long as the column), in parallel, and
/// returns the order of the ids.
#[must_use]
pub fn hash_into(ids: &Values, keys: &mut [u128]) -> IdOrder {
    per_id(ids, keys, |slot, id, _| {
        if let Some(id) = id {
            *slot = key_of(id);
        }
    })
    .into_iter()
    .fold(IdOrder::default(), |order, (part, _)| order.then(part))
}

/// How a row's id relates to the id before it: one byte a row, standing in for a 16-byte key
/// where the ids ascend (equal ids are then neighbours).
#[repr(u8)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Run {
    /// The row has no id.
    NoId,
    /// The row's id equals the id of the row with an id before it.
    SameId,
    /// The row's id differs from the one before it (or is the first).
    NewId,
}

/// Writes the [`Run`] flag of every row of `ids` into `flags` (comparing each id with the one
/// before it, `before` for the first), in parallel, and returns the order of the ids. For
/// ascending ids the flags stand in for keys: a run of [`Run::SameId`] rows repeats the id that
/// starts it.
#[must_use]
pub fn runs_into(ids: &Values, flags: &mut [Run], before: Option<&str>) -> IdOrder {
    let parts = per_id(ids, flags, |slot, id, order| {
        *slot = match (id, order) {
            (None, _) => Run::NoId,
            (Some(_), Some(std::cmp::Ordering::Equal)) => Run::SameId,
            (Some(_), _) => Run::NewId,
        };
    });
    // A piece's first id continues the run before it when it equals the last id before it.
    let mut order = IdOrder { sorted: true, first: None, last: before.map(str::to_string) };
    for (part, first_row) in parts {
        if let (Some(row), Some(last), Some(first)) = (first_row, order.last.as_deref(), part.first.as_deref()) {
            if last == first {
                flags[row] = Run::SameId;
            }
        }
        order = order.then(part);
    }
    order
}

/// Calls `each(slot, id, order)` for every row of `ids` with its slot of `out` (as long as the
/// column), its id (`None` for none) and how the id before it in its chunk compares with it;
/// in parallel chunks. Returns each chunk's order of ids and the row of its first id.
fn per_id<T: Send>(
    ids: &Values,
    out: &mut [T],
    each: impl Fn(&mut T, Option<&str>, Option<std::cmp::Ordering>) + Sync,
) -> Vec<(IdOrder, Option<usize>)> {
    out.par_chunks_mut(CHUNK)
        .enumerate()
        .map(|(c, out)| {
            let rows = ids.rows(c * CHUNK..c * CHUNK + out.len());
            let (mut sorted, mut first, mut last) = (true, None, None::<Cow<'_, str>>);
            let mut first_row = None;
            for (k, slot) in out.iter_mut().enumerate() {
                let Some(id) = rows.text(c * CHUNK + k) else {
                    each(slot, None, None);
                    continue;
                };
                let order = last.as_ref().map(|l| l.as_ref().cmp(id.as_ref()));
                each(slot, Some(&id), order);
                sorted = sorted && order != Some(std::cmp::Ordering::Greater);
                if first.is_none() {
                    (first, first_row) = (Some(id.to_string()), Some(c * CHUNK + k));
                }
                last = Some(id);
            }
            (IdOrder { sorted, first, last: last.map(Cow::into_owned) }, first_row)
        })
        .collect()
}

/// Every row's address, numbered in the order of the addresses' first rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowAddresses {
    /// The address of each row; [`Index::NONE`] for a row without an id or not usable.
    pub address: Vec<Index>,
    /// Whether each row is the first of its address.
    pub first: Vec<bool>,
    /// The number of addresses.
    pub count: usize,
    /// The number of addresses with a later row that `differs` from their first row.
    pub conflicts: u64,
}

/// [`RowAddresses`] from each row's first row ([`first_rows`], [`Index::NONE`] for rows without
/// an address), numbered in one pass in row order; `differs(first, row)` tells a conflict.
#[must_use]
pub fn number_first_rows(mut leader: Vec<Index>, differs: impl Fn(usize, usize) -> bool) -> RowAddresses {
    let first: Vec<bool> = leader.par_iter().enumerate().map(|(i, &l)| l == Index::new(i as u32)).collect();
    let count = first.par_iter().filter(|&&f| f).count();
    let (mut conflicted, mut conflicts, mut next) = (vec![false; count], 0, 0u32);
    for i in 0..leader.len() {
        match leader[i].get() {
            Some(f) if f as usize == i => {
                leader[i] = Index::new(next);
                next += 1;
            }
            Some(f) => {
                // The first row, numbered already, holds the address.
                let a = leader[f as usize];
                leader[i] = a;
                if let Some(k) = a.get().map(|k| k as usize).filter(|&k| !conflicted[k] && differs(f as usize, i)) {
                    conflicted[k] = true;
                    conflicts += 1;
                }
            }
            None => {}
        }
    }
    RowAddresses { address: leader, first, count, conflicts }
}

/// [`RowAddresses`] from the run flags of [`runs_into`] (ascending ids): an address's first row
/// is the first usable row of its run, and its other rows follow it in the run. `address` is
/// a buffer of one slot per row to write the addresses into (its contents are not read);
/// `differs(first, row)` tells a conflict. Equal to [`number_first_rows`] of the first rows by
/// keys, with the unusable rows' keys removed; numbered in parallel chunks.
#[must_use]
pub fn number_runs(
    flags: &[Run],
    usable: &[bool],
    address: Vec<Index>,
    differs: impl Fn(usize, usize) -> bool + Sync,
) -> RowAddresses {
    number_runs_in(flags, usable, address, &differs, CHUNK)
}

/// What a chunk of rows holds, read as if no run were open at its start.
#[derive(Clone, Copy, Default)]
struct RunsPart {
    /// First rows (one more than if the run at its start had one: the first usable row before
    /// its first new id, when there is one).
    count: usize,
    /// The last first row.
    last: Option<usize>,
    /// Whether a usable row comes before its first new id.
    continues: bool,
    /// Whether it has a new id.
    resets: bool,
    /// Whether the run at its end has its first row.
    open: bool,
}

fn number_runs_in(
    flags: &[Run],
    usable: &[bool],
    mut address: Vec<Index>,
    differs: &(impl Fn(usize, usize) -> bool + Sync),
    chunk: usize,
) -> RowAddresses {
    let n = flags.len();
    assert_eq!((usable.len(), address.len()), (n, n), "one flag, one usable flag and one address slot per row");
    let parts: Vec<RunsPart> = flags
        .par_chunks(chunk)
        .zip(usable.par_chunks(chunk))
        .enumerate()
        .map(|(c, (flags, usable))| {
            let mut part = RunsPart::default();
            for (k, (&flag, &ok)) in flags.iter().zip(usable).enumerate() {
                if flag == Run::NewId {
                    (part.resets, part.open) = (true, false);
                }
                if flag != Run::NoId && ok && !part.open {
                    part.continues |= !part.resets;
                    (part.count, part.last, part.open) = (part.count + 1, Some(c * chunk + k), true);
                }
            }
            part
        })
        .collect();
    // Each chunk's start: whether its first run has a first row already, which is the last one
    // before it, and the number of addresses before it.
    let mut starts = Vec::with_capacity(parts.len());
    let (mut open, mut last, mut count) = (false, None, 0);
    for p in &parts {
        starts.push((open, last, count));
        let taken = open && p.continues;
        count += p.count - usize::from(taken);
        if !(taken && p.count == 1) {
            last = p.last.or(last);
        }
        open = p.open || (open && !p.resets);
    }
    let mut first = vec![false; n];
    let conflicted: Vec<u32> = address
        .par_chunks_mut(chunk)
        .zip(first.par_chunks_mut(chunk))
        .enumerate()
        .flat_map_iter(|(c, (address, first))| {
            let (mut open, mut lead, base) = starts[c];
            let mut a = (base as u32).wrapping_sub(1);
            let mut conflicted = Vec::new();
            for (k, (slot, is_first)) in address.iter_mut().zip(first.iter_mut()).enumerate() {
                let i = c * chunk + k;
                open &= flags[i] != Run::NewId;
                *slot = Index::NONE;
                if flags[i] == Run::NoId || !usable[i] {
                    continue;
                }
                if !open {
                    (open, a, lead, *is_first) = (true, a.wrapping_add(1), Some(i), true);
                } else if conflicted.last() != Some(&a) && differs(lead.expect("an open run has its first row"), i) {
                    conflicted.push(a);
                }
                *slot = Index::new(a);
            }
            conflicted
        })
        .collect();
    // An address crossing chunks may be found in both.
    let conflicts = conflicted.iter().enumerate().filter(|&(k, a)| k == 0 || conflicted[k - 1] != *a).count() as u64;
    RowAddresses { address, first, count, conflicts }
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
        let mut parts: Vec<Vec<(&mut [u128], &mut [u32])>> =
            counts.iter().map(|_| Vec::with_capacity(shards)).collect();
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
fn per_shard(
    n: usize,
    largest: usize,
    f: impl Fn(&mut FxHashMap<u128, u32>, usize, &[AtomicU32]) + Sync,
) -> Vec<Index> {
    let out: Vec<AtomicU32> = (0..n).into_par_iter().map(|_| AtomicU32::new(u32::MAX)).collect();
    (0..1usize << BITS).into_par_iter().for_each_init(
        || FxHashMap::with_capacity_and_hasher(largest, Default::default()),
        |table, s| {
            table.clear();
            f(table, s, &out);
        },
    );
    out.into_iter().map(|v| Index(v.into_inner())).collect()
}

/// For every row, the first row with the same key ([`Index::NONE`] for rows without a key).
/// `grouped` says that equal keys are known to be adjacent among the rows with a key (the ids
/// are sorted): then one pass over the runs gives the answer, without a hash table.
///
/// ```
/// use dekking_rows::keys::{first_rows, key_of, NO_KEY};
/// use dekking_rows::Index;
/// let rows = |v: &[u32]| v.iter().map(|&r| if r == 9 { Index::NONE } else { Index::new(r) }).collect::<Vec<_>>();
/// let keys = [key_of("a"), key_of("b"), NO_KEY, key_of("a"), key_of("b")];
/// assert_eq!(first_rows(&keys, false), rows(&[0, 1, 9, 0, 1]));
/// let sorted = [key_of("a"), NO_KEY, key_of("a"), key_of("b")];
/// assert_eq!(first_rows(&sorted, true), rows(&[0, 9, 0, 3]));
/// ```
#[must_use]
pub fn first_rows(keys: &[u128], grouped: bool) -> Vec<Index> {
    if grouped {
        let (mut run, mut leader) = (NO_KEY, Index::NONE);
        return keys
            .iter()
            .enumerate()
            .map(|(i, &k)| {
                if k == NO_KEY {
                    return Index::NONE;
                }
                if k != run {
                    (run, leader) = (k, Index::new(i as u32));
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

/// How many probes ahead [`KeyIndex::lookup`] asks for the index keys it will read.
const PREFETCH_AHEAD: usize = 8;

/// Asks the processor to bring `v[i]` into the cache (a hint: nothing happens when `i` is out
/// of bounds or the target has no such instruction).
#[inline]
fn prefetch<T>(v: &[T], i: usize) {
    #[cfg(target_arch = "x86_64")]
    if let Some(x) = v.get(i) {
        // SAFETY: a prefetch only hints the cache; the address is that of a live element.
        unsafe { std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>((x as *const T).cast::<i8>()) };
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = (v, i);
}

/// Keys with a value each, sorted, with a directory of where each run of keys sharing their top
/// bits starts (four to eight keys a run): built once, then looked up batch by batch, the probes
/// partitioned by shard so that each shard's part of the keys and the directory stays in cache,
/// and each probe compares with the few keys of its run.
#[derive(Debug)]
pub struct KeyIndex {
    keys: Vec<u128>,
    values: Vec<Index>,
    /// Top bits of a key that pick its run in [`KeyIndex::runs`].
    run_bits: u32,
    /// Where the keys of each run start, and the end of the last.
    runs: Vec<u32>,
}

impl KeyIndex {
    /// Indexes the keys whose value is not [`Index::NONE`] (those must be unique); the others
    /// are ignored.
    #[must_use]
    pub fn new(mut build: Vec<u128>, values: &[Index]) -> KeyIndex {
        // Masked in place: the keys are the largest thing in memory while the index is built.
        build.par_iter_mut().zip(values).filter(|(_, &v)| v.is_none()).for_each(|(k, _)| *k = NO_KEY);
        let Partitioned { mut keys, rows, starts } = Partitioned::new(&build);
        drop(build);
        let mut values: Vec<Index> = rows.par_iter().map(|&r| values[r as usize]).collect();
        drop(rows);
        let mut shards = Vec::with_capacity(starts.len());
        let (mut key_rest, mut value_rest) = (&mut keys[..], &mut values[..]);
        for w in starts.windows(2) {
            let (k, kr) = std::mem::take(&mut key_rest).split_at_mut(w[1] - w[0]);
            let (v, vr) = std::mem::take(&mut value_rest).split_at_mut(w[1] - w[0]);
            (key_rest, value_rest) = (kr, vr);
            shards.push((k, v));
        }
        shards.into_par_iter().for_each(|(k, v)| {
            let mut pairs: Vec<(u128, Index)> = k.iter().copied().zip(v.iter().copied()).collect();
            pairs.sort_unstable_by_key(|p| p.0);
            for ((key, value), (pk, pv)) in k.iter_mut().zip(v.iter_mut()).zip(pairs) {
                (*key, *value) = (pk, pv);
            }
        });
        // Sorted within shards that follow the top bits: the keys are sorted as a whole.
        let run_bits = ((keys.len() / 8).max(1).ilog2() + 1).clamp(BITS, 24);
        let mut runs = vec![0u32; (1 << run_bits) + 1];
        for &k in &keys {
            runs[(k >> (128 - run_bits)) as usize + 1] += 1;
        }
        for b in 1..runs.len() {
            runs[b] += runs[b - 1];
        }
        KeyIndex { keys, values, run_bits, runs }
    }

    /// For every probe key, the value of the indexed key equal to it ([`Index::NONE`] when there
    /// is none).
    #[must_use]
    pub fn lookup(&self, probe: &[u128]) -> Vec<Index> {
        let p = Partitioned::new(probe);
        per_shard(probe.len(), 0, |_, s, out| {
            let (pkeys, prows) = p.shard(s);
            let run_of = |k: u128| (k >> (128 - self.run_bits)) as usize;
            for (i, (k, &row)) in pkeys.iter().zip(prows).enumerate() {
                // The index's keys are read at random: ask for those of a probe a few ahead,
                // so that several reads from memory are under way at once.
                if let Some(&ahead) = pkeys.get(i + PREFETCH_AHEAD) {
                    prefetch(&self.keys, self.runs[run_of(ahead)] as usize);
                }
                let run = run_of(*k);
                let start = self.runs[run] as usize;
                if let Some(i) = self.keys[start..self.runs[run + 1] as usize].iter().position(|x| x == k) {
                    out[row as usize].store(self.values[start + i].0, Ordering::Relaxed);
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NONE: Index = Index::NONE;

    /// The index of row `i`.
    fn at(i: usize) -> Index {
        Index::new(i as u32)
    }

    /// The key of every row of an id column, and whether the ids ascend.
    fn hash_column(ids: &Values) -> (Vec<u128>, bool) {
        let mut keys = vec![NO_KEY; ids.len()];
        let order = hash_into(ids, &mut keys);
        (keys, order.sorted)
    }

    #[test]
    fn first_rows_and_join_match_a_plain_hash_map() {
        let ids: Vec<String> = (0..50_000).map(|i| format!("id{}", (i * 7919) % 20_011)).collect();
        let keys: Vec<u128> =
            ids.iter().enumerate().map(|(i, s)| if i % 97 == 0 { NO_KEY } else { key_of(s) }).collect();
        let first = first_rows(&keys, false);
        let mut seen = std::collections::HashMap::new();
        for (i, &k) in keys.iter().enumerate() {
            let expect = if k == NO_KEY { NONE } else { at(*seen.entry(k).or_insert(i)) };
            assert_eq!(first[i], expect, "row {i}");
        }
        // Build: the first rows are the addresses 0, 1, 2, ...; probe with every key.
        let mut next = 0;
        let values: Vec<Index> = (0..keys.len())
            .map(|i| {
                if first[i] == at(i) {
                    next += 1;
                    at(next - 1)
                } else {
                    NONE
                }
            })
            .collect();
        // Sorted ids with some rows masked: one pass over the runs gives the same.
        let mut sorted: Vec<&String> = ids.iter().collect();
        sorted.sort();
        let skeys: Vec<u128> =
            sorted.iter().enumerate().map(|(i, s)| if i % 89 == 0 { NO_KEY } else { key_of(s) }).collect();
        assert_eq!(first_rows(&skeys, true), first_rows(&skeys, false));
        let probe: Vec<u128> = keys.iter().rev().copied().chain([key_of("absent")]).collect();
        let index = KeyIndex::new(keys.clone(), &values);
        let got = index.lookup(&probe);
        for (p, &g) in probe.iter().zip(&got) {
            let expect = keys
                .iter()
                .position(|k| k == p && *p != NO_KEY)
                .map_or(NONE, |i| values[first[i].get().unwrap() as usize]);
            assert_eq!(g, expect);
        }
        // Looked up in batches, as records files are read: the same answers.
        let batched: Vec<Index> = probe.chunks(7_000).flat_map(|b| index.lookup(b)).collect();
        assert_eq!(batched, got);
    }

    #[test]
    fn sorted_ids_are_recognised_across_chunks() {
        use dekking_table::{Table, Want};
        let column = |ids: &[String]| {
            let text = format!("id\n{}\n", ids.join("\n"));
            Table::from_bytes(std::path::Path::new("ids.csv"), text.into_bytes(), None)
                .unwrap()
                .read(&[(0, Want::Text)])
                .unwrap()
                .remove(0)
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

    #[test]
    fn run_flags_give_the_first_rows_of_keys() {
        use dekking_table::{Table, Want};
        let column = |ids: &[String]| {
            let text = format!("id\n{}\n", ids.join("\n"));
            Table::from_bytes(std::path::Path::new("ids.csv"), text.into_bytes(), None)
                .unwrap()
                .read(&[(0, Want::Text)])
                .unwrap()
                .remove(0)
        };
        // Runs of 1 to 4 equal ids, crossing chunk boundaries, with empty ids among them.
        let mut ids: Vec<String> = (0..3 * CHUNK).map(|i| format!("{:06}", (i * i) % 4093 / 4 + i)).collect();
        ids.sort();
        for i in [0, 5, CHUNK - 1, CHUNK, 2 * CHUNK + 3] {
            ids[i] = String::new();
        }
        let values = column(&ids);
        let usable: Vec<bool> = (0..ids.len()).map(|i| i % 7 != 3).collect();
        let (mut keys, sorted) = hash_column(&values);
        assert!(sorted);
        for (k, ok) in keys.iter_mut().zip(&usable) {
            if !ok {
                *k = NO_KEY;
            }
        }
        let expected = first_rows(&keys, false);
        // In one part, and in two parts cut inside a run (the second told the first's last id).
        let mut flags = vec![Run::NoId; ids.len()];
        assert!(runs_into(&values, &mut flags, None).sorted);
        let same = |_: usize, _: usize| false;
        assert_eq!(number_runs(&flags, &usable, vec![NONE; flags.len()], same), number_first_rows(expected, same));
        let cut = (CHUNK + 1..ids.len()).find(|&i| !ids[i].is_empty() && ids[i] == ids[i - 1]).unwrap();
        let (head, tail) = (column(&ids[..cut]), column(&ids[cut..]));
        let mut parts = vec![Run::NoId; ids.len()];
        let order = runs_into(&head, &mut parts[..cut], None);
        let next = runs_into(&tail, &mut parts[cut..], order.last());
        assert!(order.then(next).sorted);
        assert_eq!(parts[cut], Run::SameId);
        assert_eq!(parts, flags);
        // Out of order: noticed, as by the keys.
        ids.swap(10, 2 * CHUNK);
        let mut flags = vec![Run::NoId; ids.len()];
        assert!(!runs_into(&column(&ids), &mut flags, None).sorted);
    }

    /// Keys that share their top bits fall in one run of the directory: still each found, with
    /// its own value, and keys between them not.
    #[test]
    fn keys_crowded_in_one_run_are_found() {
        let crowded: Vec<u128> = (1..=300u128).map(|i| (7 << 104) | (i * 2)).chain([1, u128::MAX, 1 << 127]).collect();
        let values: Vec<Index> = (0..crowded.len()).map(|v| if v == 5 { NONE } else { at(v * 3) }).collect();
        let index = KeyIndex::new(crowded.clone(), &values);
        let got = index.lookup(&crowded);
        let expect: Vec<Index> = values.clone();
        assert_eq!(got, expect, "the key with value NONE is not indexed");
        let between: Vec<u128> = (1..=300u128).map(|i| (7 << 104) | (i * 2 + 1)).chain([NO_KEY, 2]).collect();
        assert!(index.lookup(&between).iter().all(|v| v.is_none()));
    }

    proptest::proptest! {
        /// Numbered in parallel chunks of any size, the run flags of ascending ids give the
        /// addresses, first rows and conflicts that their keys give.
        #[test]
        fn runs_are_numbered_as_keys_are(rows in proptest::collection::vec((0u8..4, proptest::bool::weighted(0.8), 0u8..3), 0..200), chunk in 1usize..20) {
            // Per row: 0 = the id of the row before, 1 or 2 = the next id, 3 = no id; usable; a location.
            let (mut id, mut flags, mut keys) = (0, Vec::new(), Vec::new());
            for &(step, ok, _) in &rows {
                let flag = match step {
                    3 => Run::NoId,
                    0 if flags.iter().any(|&f| f != Run::NoId) => Run::SameId,
                    _ => {
                        id += 1;
                        Run::NewId
                    }
                };
                flags.push(flag);
                keys.push(if flag == Run::NoId || !ok { NO_KEY } else { key_of(&id.to_string()) });
            }
            let usable: Vec<bool> = rows.iter().map(|r| r.1).collect();
            let differs = |a: usize, b: usize| rows[a].2 != rows[b].2;
            let expected = number_first_rows(first_rows(&keys, false), differs);
            proptest::prop_assert_eq!(number_runs_in(&flags, &usable, vec![at(7); rows.len()], &differs, chunk), expected);
        }
    }
}
