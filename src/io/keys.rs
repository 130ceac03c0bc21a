//! Address keys: the ids hashed (xxh3-128) in parallel, then deduplicated and joined in
//! radix partitions — the keys are split by their top bits into shards small enough for each
//! shard's hash table to stay in cache, and the shards are processed in parallel. Results are
//! by row and do not depend on the number of threads.

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use xxhash_rust::xxh3::xxh3_128;

use crate::io::table::Values;

/// Marks a row without a key (no id).
pub const NO_KEY: u128 = 0;
/// Marks "no row" in the results.
pub const NONE: u32 = u32::MAX;
const BITS: u32 = 8;
const CHUNK: usize = 1 << 16;

/// The key of an id (never [`NO_KEY`]).
#[inline]
#[must_use]
pub fn key_of(id: &str) -> u128 {
    xxh3_128(id.as_bytes()).max(1)
}

/// The key of every row of an id column, [`NO_KEY`] where the id is empty.
#[must_use]
pub fn hash_column(ids: &Values) -> Vec<u128> {
    let n = match ids {
        Values::Text(c) => c.len(),
        Values::Float(c) => c.len(),
    };
    let mut keys = vec![NO_KEY; n];
    keys.par_chunks_mut(CHUNK).enumerate().for_each(|(c, out)| {
        for (k, slot) in out.iter_mut().enumerate() {
            if let Some(id) = ids.text(c * CHUNK + k) {
                *slot = key_of(&id);
            }
        }
    });
    keys
}

fn shard(key: u128) -> usize {
    (key >> (128 - BITS)) as usize
}

/// Row indices grouped by shard, ascending within each shard, and the shard boundaries.
fn partition(keys: &[u128]) -> (Vec<u32>, Vec<usize>) {
    let mut starts = vec![0usize; (1 << BITS) + 1];
    for &k in keys {
        if k != NO_KEY {
            starts[shard(k) + 1] += 1;
        }
    }
    for s in 1..starts.len() {
        starts[s] += starts[s - 1];
    }
    let mut fill = starts.clone();
    let mut order = vec![0u32; starts[1 << BITS]];
    for (row, &k) in keys.iter().enumerate() {
        if k != NO_KEY {
            let s = shard(k);
            order[fill[s]] = row as u32;
            fill[s] += 1;
        }
    }
    (order, starts)
}

/// For every row, the first row with the same key ([`NONE`] for rows without a key).
///
/// ```
/// use dekking::io::keys::{first_rows, key_of, NONE, NO_KEY};
/// let keys = [key_of("a"), key_of("b"), NO_KEY, key_of("a"), key_of("b")];
/// assert_eq!(first_rows(&keys), vec![0, 1, NONE, 0, 1]);
/// ```
#[must_use]
pub fn first_rows(keys: &[u128]) -> Vec<u32> {
    let (order, starts) = partition(keys);
    let shards: Vec<&[u32]> = starts.windows(2).map(|w| &order[w[0]..w[1]]).collect();
    let firsts: Vec<Vec<u32>> = shards
        .par_iter()
        .map(|rows| {
            let mut seen: FxHashMap<u128, u32> = FxHashMap::with_capacity_and_hasher(rows.len(), Default::default());
            rows.iter().map(|&r| *seen.entry(keys[r as usize]).or_insert(r)).collect()
        })
        .collect();
    let mut out = vec![NONE; keys.len()];
    for (rows, first) in shards.iter().zip(&firsts) {
        for (&r, &f) in rows.iter().zip(first) {
            out[r as usize] = f;
        }
    }
    out
}

/// For every probe key, the value of the build row with the same key ([`NONE`] when there is
/// none). Build keys must be unique among the rows whose value is not [`NONE`]; the others are
/// ignored.
#[must_use]
pub fn join(build: &[u128], values: &[u32], probe: &[u128]) -> Vec<u32> {
    let kept: Vec<u128> = build.iter().zip(values).map(|(&k, &v)| if v == NONE { NO_KEY } else { k }).collect();
    let (border, bstarts) = partition(&kept);
    let (porder, pstarts) = partition(probe);
    let found: Vec<Vec<u32>> = (0..1usize << BITS)
        .into_par_iter()
        .map(|s| {
            let rows = &border[bstarts[s]..bstarts[s + 1]];
            let map: FxHashMap<u128, u32> = rows.iter().map(|&r| (kept[r as usize], values[r as usize])).collect();
            porder[pstarts[s]..pstarts[s + 1]].iter().map(|&r| map.get(&probe[r as usize]).copied().unwrap_or(NONE)).collect()
        })
        .collect();
    let mut out = vec![NONE; probe.len()];
    for (s, vals) in found.iter().enumerate() {
        for (&r, &v) in porder[pstarts[s]..pstarts[s + 1]].iter().zip(vals) {
            out[r as usize] = v;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_rows_and_join_match_a_plain_hash_map() {
        let ids: Vec<String> = (0..50_000).map(|i| format!("id{}", (i * 7919) % 20_011)).collect();
        let keys: Vec<u128> = ids.iter().enumerate().map(|(i, s)| if i % 97 == 0 { NO_KEY } else { key_of(s) }).collect();
        let first = first_rows(&keys);
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
        let probe: Vec<u128> = keys.iter().rev().copied().chain([key_of("absent")]).collect();
        let got = join(&keys, &values, &probe);
        for (p, &g) in probe.iter().zip(&got) {
            let expect = keys.iter().position(|k| k == p && *p != NO_KEY).map_or(NONE, |i| values[first[i] as usize]);
            assert_eq!(g, expect);
        }
    }
}
