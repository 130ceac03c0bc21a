//! Key and deduplicate: what makes two rows the same address, and each row's address.
//!
//! Ascending ids (as national files usually are) need no keys: a one-byte [`Run`] flag per row
//! (no id, the same id as the row before, a new id) stands in for a 16-byte key, and the
//! addresses are numbered from the flags. Otherwise every id is hashed to a 128-bit key and each
//! row's first row with the same key is found in radix partitions. Either way an address is made
//! by the first usable row of its id, and a later row with another location is a conflict. With
//! a universe the records' keys are only needed per batch, for the join.

use dekking_rows::keys::{self, IdOrder, RowAddresses, NO_KEY};
use dekking_rows::{Index, Run};
use dekking_table::Values;

use super::columns::fill_to;
use super::rules::Ids;

/// The ids of a file's rows: how they are kept, and whether they ascend so far.
#[derive(Debug)]
pub(super) struct IdColumn {
    kind: Kind,
    order: IdOrder,
}

/// How the ids of the rows are kept.
#[derive(Debug)]
enum Kind {
    /// A run flag per row, while every batch's ids ascend.
    Runs(Vec<Run>),
    /// A key per row.
    Keys(Vec<u128>),
    /// The keys of the batch being read only (records joined to a universe).
    BatchKeys(Vec<u128>),
}

/// A batch's ids fell out of ascending order after the first batch: the file is to be read
/// again with keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct OutOfOrder;

impl IdColumn {
    /// Ids kept by run flags while they ascend (`by_runs`), else by keys; only per batch when
    /// `per_batch` (a join).
    pub(super) fn new(by_runs: bool, per_batch: bool) -> IdColumn {
        let kind = match (per_batch, by_runs) {
            (true, _) => Kind::BatchKeys(Vec::new()),
            (false, true) => Kind::Runs(Vec::new()),
            (false, false) => Kind::Keys(Vec::new()),
        };
        IdColumn { kind, order: IdOrder::default() }
    }

    /// Keys (or flags) the ids of the batch of rows `at`, and returns them; the column grows to
    /// `rows` (room for `bound`). A first batch out of order switches from run flags to keys.
    ///
    /// # Errors
    /// [`OutOfOrder`] when run flags are kept and a later batch's ids do not ascend.
    pub(super) fn key(
        &mut self,
        ids: &Values,
        at: std::ops::Range<usize>,
        rows: usize,
        bound: usize,
    ) -> Result<Ids<'_>, OutOfOrder> {
        if let Kind::Runs(flags) = &mut self.kind {
            fill_to(flags, rows, Run::NoId, bound);
            let runs = keys::runs_into(ids, &mut flags[at.clone()], self.order.last());
            match (runs.sorted, at.start) {
                (true, _) => self.order = std::mem::take(&mut self.order).then(runs),
                (false, 0) => self.kind = Kind::Keys(Vec::new()),
                (false, _) => return Err(OutOfOrder),
            }
        }
        let keys = match &mut self.kind {
            Kind::Runs(flags) => return Ok(Ids::Runs(&flags[at])),
            Kind::Keys(keys) => {
                fill_to(keys, rows, NO_KEY, bound);
                &mut keys[at]
            }
            Kind::BatchKeys(keys) => {
                keys.clear();
                keys.resize(at.len(), NO_KEY);
                &mut keys[..]
            }
        };
        self.order = std::mem::take(&mut self.order).then(keys::hash_into(ids, keys));
        Ok(Ids::Keys(keys))
    }

    /// Each row's address, numbered in the order of the addresses' first rows: an address is
    /// made by the first usable row of its id. `address` is a buffer of one slot a row (its
    /// contents are not read); `differs(first, row)` tells a conflict.
    pub(super) fn addresses(
        self,
        usable: &[bool],
        address: Vec<Index>,
        differs: impl Fn(usize, usize) -> bool + Sync,
    ) -> RowAddresses {
        match self.kind {
            Kind::Runs(flags) => keys::number_runs(&flags, usable, address, differs),
            Kind::Keys(mut keys) | Kind::BatchKeys(mut keys) => {
                for (k, ok) in keys.iter_mut().zip(usable) {
                    if !ok {
                        *k = NO_KEY;
                    }
                }
                keys::number_first_rows(keys::first_rows(&keys, self.order.sorted), differs)
            }
        }
    }

    /// The keys of every row, and whether the ids ascend (none for run flags).
    pub(super) fn into_keys(self) -> (Vec<u128>, bool) {
        match self.kind {
            Kind::Keys(keys) | Kind::BatchKeys(keys) => (keys, self.order.sorted),
            Kind::Runs(_) => (Vec::new(), self.order.sorted),
        }
    }
}
