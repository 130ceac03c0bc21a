//! Removing rows from row-sized columns in place, in parallel.
//!
//! Every kept entry moves left by the number of removed rows before it. The column is cut into
//! chunks; each chunk's kept entries end up in one range, left of or at its own start. The first
//! few of them, those that land left of the chunk (one per removed row before it, at most), are
//! copied aside; the others close up within the chunk; then the copies are written to their
//! places, which are the stale tails of the chunks before. All three steps run on the chunks in
//! parallel, and no chunk writes where another still reads. With many rows removed (more than
//! one in `DENSE`) the copies would grow towards a second column, and one pass in order is used.

use rayon::prelude::*;

/// Entries per chunk (a handful in unit tests, so that removals cross chunks).
const CHUNK: usize = if cfg!(test) { 5 } else { 1 << 16 };

/// Above one removed row in this many, the removal runs as one pass in order.
const DENSE: usize = 16;

/// Removes the entries at `dropped` (ascending positions, each < `v.len()`) from `v`, keeping
/// the order of the rest; an empty `v` (a column not kept) stays empty.
///
/// ```
/// use dekking_rows::compact::remove_sorted;
/// let mut v = vec![10, 11, 12, 13, 14];
/// remove_sorted(&mut v, &[1, 4]);
/// assert_eq!(v, [10, 12, 13]);
/// ```
pub fn remove_sorted<T: Copy + Send + Sync>(v: &mut Vec<T>, dropped: &[usize]) {
    if v.is_empty() || dropped.is_empty() {
        return;
    }
    debug_assert!(dropped.windows(2).all(|w| w[0] < w[1]) && dropped[dropped.len() - 1] < v.len());
    if dropped.len() > v.len() / DENSE || v.len() < 4 * CHUNK {
        remove_in_order(v, dropped);
        return;
    }
    let n = v.len();
    // Per chunk: its start, the removed rows before it (d) and in it, and its kept entries.
    let chunks: Vec<(usize, std::ops::Range<usize>, usize)> = (0..n.div_ceil(CHUNK))
        .map(|c| {
            let (start, end) = (c * CHUNK, ((c + 1) * CHUNK).min(n));
            let inside = dropped.partition_point(|&d| d < start)..dropped.partition_point(|&d| d < end);
            let kept = end - start - inside.len();
            (start, inside, kept)
        })
        .collect();
    // The entries that land left of their chunk: its first min(d, kept) kept ones.
    let aside: Vec<Vec<T>> = v
        .par_chunks(CHUNK)
        .zip(&chunks)
        .map(|(part, (start, inside, kept))| {
            let gone = &dropped[inside.clone()];
            let take = inside.start.min(*kept);
            kept_entries(part, *start, gone).take(take).collect()
        })
        .collect();
    // The other kept entries close up at the chunk's start, run by run between removed rows
    // (each moved left, so reading never falls behind writing).
    v.par_chunks_mut(CHUNK).zip(&chunks).zip(&aside).for_each(|((part, (start, inside, _)), early)| {
        let ends = dropped[inside.clone()].iter().map(|&d| d - start).chain([part.len()]);
        let (mut from, mut to, mut skip) = (0, 0, early.len());
        for end in ends {
            let first = from + skip.min(end - from);
            skip -= first - from;
            part.copy_within(first..end, to);
            (to, from) = (to + end - first, end + 1);
        }
    });
    // The entries set aside go to the ranges just left of their chunks (disjoint, ascending).
    let mut targets = Vec::with_capacity(aside.len());
    let mut rest = &mut v[..];
    let mut offset = 0;
    for ((start, inside, _), early) in chunks.iter().zip(&aside) {
        let at = start - inside.start;
        let (_, tail) = std::mem::take(&mut rest).split_at_mut(at - offset);
        let (target, tail) = tail.split_at_mut(early.len());
        targets.push((target, early));
        (rest, offset) = (tail, at + early.len());
    }
    targets.into_par_iter().for_each(|(target, early)| target.copy_from_slice(early));
    v.truncate(n - dropped.len());
}

/// The entries of `part` (which starts at position `start`) not at the positions `gone`.
fn kept_entries<'a, T: Copy>(part: &'a [T], start: usize, gone: &'a [usize]) -> impl Iterator<Item = T> + 'a {
    let mut next = gone.iter().map(move |&d| d - start).peekable();
    part.iter().enumerate().filter(move |&(i, _)| next.next_if_eq(&i).is_none()).map(|(_, &x)| x)
}

/// [`remove_sorted`] in one pass in order, moving each run between removed rows at once.
fn remove_in_order<T: Copy>(v: &mut Vec<T>, dropped: &[usize]) {
    let mut keep = dropped[0];
    for (k, &i) in dropped.iter().enumerate() {
        let end = dropped.get(k + 1).copied().unwrap_or(v.len());
        v.copy_within(i + 1..end, keep);
        keep += end - i - 1;
    }
    v.truncate(keep);
}

/// The positions whose flag is clear, ascending; `set` is the number of flags that are set, so
/// that nothing is scanned when all are.
#[must_use]
pub fn clear_positions(flags: &[bool], set: usize) -> Vec<usize> {
    if set == flags.len() {
        return Vec::new();
    }
    positions(flags.len(), |i| !flags[i])
}

/// The positions in `0..len` where `hit` holds, ascending, found in parallel chunks (for the
/// few hits of a long column: an element-wise rayon filter was several times slower than one
/// thread at 10 M).
#[must_use]
pub fn positions(len: usize, hit: impl Fn(usize) -> bool + Sync) -> Vec<usize> {
    (0..len.div_ceil(CHUNK))
        .into_par_iter()
        .flat_map_iter(|c| (c * CHUNK..((c + 1) * CHUNK).min(len)).filter(|&i| hit(i)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn rows_are_removed_across_chunks() {
        let mut v: Vec<u32> = (0..100).collect();
        let dropped = [0, 4, 5, 6, 37, 99];
        remove_sorted(&mut v, &dropped);
        let expected: Vec<u32> = (0..100).filter(|i| !dropped.contains(&(*i as usize))).collect();
        assert_eq!(v, expected);
        let mut empty: Vec<u32> = Vec::new();
        remove_sorted(&mut empty, &[3]);
        assert!(empty.is_empty());
        assert_eq!(clear_positions(&[true, false, true, false], 2), [1, 3]);
        assert_eq!(positions(23, |i| i % 7 == 3), [3, 10, 17]);
        assert!(clear_positions(&[true; 3], 3).is_empty());
    }

    proptest! {
        /// Removed in parallel chunks or in one pass, the kept entries are those a filter keeps.
        #[test]
        fn removal_equals_a_filter(len in 0usize..400, picks in proptest::collection::vec(any::<prop::sample::Index>(), 0..40)) {
            let mut dropped: Vec<usize> = picks.iter().filter(|_| len > 0).map(|p| p.index(len)).collect();
            dropped.sort_unstable();
            dropped.dedup();
            let mut v: Vec<u64> = (0..len as u64).map(|i| i * 3 + 1).collect();
            let expected: Vec<u64> = v.iter().enumerate().filter(|(i, _)| dropped.binary_search(i).is_err()).map(|(_, &x)| x).collect();
            remove_sorted(&mut v, &dropped);
            prop_assert_eq!(v, expected);
        }
    }
}
