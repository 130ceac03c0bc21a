//! Join to the universe: the universe file read into addresses, each row with a new id making
//! one, and a key index the records' ids are looked up in, batch by batch.

use std::path::Path;

use dekking_rows::keys::{self, KeyIndex};
use dekking_rows::{compact, Index};
use dekking_table::{Batch, Sink};

use super::back::identify_in;
use super::codes::CodeTable;
use super::columns::{rows_per_batch, Kept, RowColumns, RowCount, CHECK_CHUNK};
use super::ids::IdColumn;
use super::layout::Layout;
use super::rules::Rejected;
use super::{Checking, Held, InputSpec};
use crate::error::{Error, Result};
use crate::io::columns::Field;
use crate::model::availability::{Addresses, Parts, RowNumbers};
use crate::model::rows::{Reject, RejectReason, RowCounts};
use crate::model::source::SourceInfo;
use crate::progress::Progress;

/// What a universe file gives: its addresses, its keys with the address of each, how its rows
/// were used, and its provenance.
pub(super) struct Universe {
    pub(super) addresses: Addresses,
    pub(super) index: KeyIndex,
    pub(super) counts: RowCounts,
    pub(super) source: SourceInfo,
    pub(super) weighted: bool,
}

/// The universe file being read: what is carried from batch to batch.
struct Reading<'a> {
    checking: Checking<'a>,
    count: RowCount,
    ids: IdColumn,
    out: RowColumns,
    codes: &'a mut CodeTable,
    /// The rows the checks rejected (0-based, ascending), with why.
    failed: Vec<Rejected>,
    /// The row (1-based) of each slot of the row-sized columns: every row, or those of the
    /// partition read.
    slots: RowNumbers,
    /// The rows of addresses in other partitions.
    away: u64,
    progress: &'a mut dyn Progress,
}

impl Sink for Reading<'_> {
    type Error = Error;

    /// One batch of the universe: its ids keyed, its rows checked in parallel pieces (id,
    /// location, weight), the pieces' codes and rejects merged in row order.
    fn batch(&mut self, batch: Batch) -> Result<()> {
        let cols = self.checking.layout.columns(batch.columns);
        let read = cols.len();
        let local = self.count.batch(&self.checking.table.path, batch.first_row, read)?;
        let (mut cols, held, at) = self.checking.cut(cols, &mut self.slots, (0, local.start));
        self.away += (read - at.len()) as u64;
        let bound = self.checking.bound;
        let ids = self.ids.key(&cols.id, at.clone(), at.end, bound).expect("universe ids are keyed, never flagged");
        let pieces = cols.id.pieces(CHECK_CHUNK);
        let rows = Held { file: local, held: held.as_deref(), at: at.clone() };
        let found = self.checking.check(&mut self.out, &mut cols, ids, &[], (&rows, &[]), &pieces)?;
        for (piece, r) in found.into_iter().zip(&pieces) {
            let r = at.start + r.start..at.start + r.end;
            for rejected in piece.rejected {
                let row = at.start + rejected.row;
                self.out.usable[row] = false;
                self.failed.push(Rejected { row, ..rejected });
            }
            self.codes.absorb(piece.codes, &mut self.out.locations.area[r.clone()], &self.out.usable[r]);
        }
        self.progress.advance(read as u64);
        Ok(())
    }
}

/// Reads a universe file: each usable row with a new id makes an address; a later row with the
/// id of an accepted one is a [`RejectReason::DuplicateInUniverse`] (whatever else is wrong with
/// it). Area codes are interned into `codes`; rejected rows are added to `rejects`.
///
/// The rows are read in batches and checked in parallel pieces; which rows are duplicates is
/// decided afterwards in row order, so the result does not depend on the number of threads or
/// batches.
///
/// # Errors
/// An unreadable file or one without the columns it needs, and [`Error::NoData`] when no row
/// makes an address.
pub(super) fn load(
    path: &Path,
    spec: &InputSpec,
    progress: &mut dyn Progress,
    codes: &mut CodeTable,
    rejects: &mut Vec<Reject>,
) -> Result<Universe> {
    let table = super::open(path, spec.delimiter, &spec.profile, &spec.frames)?;
    let layout = Layout::resolve(&table, &spec.profile, &[], true, spec.use_weights)?;
    progress.stage("read universe", table.rows_known().map(|n| n as u64));
    let weighted = layout.has(Field::Weight);
    let kept = Kept { down: false, up: false, technology: false, location: true, weight: weighted };
    let mut reading = Reading {
        checking: Checking::new(&table, &layout, spec, kept, 0),
        count: RowCount::of(&table),
        ids: IdColumn::new(false, false),
        out: RowColumns::default(),
        codes: &mut *codes,
        failed: Vec::new(),
        slots: RowNumbers::default(),
        away: 0,
        progress,
    };
    table.read_into(&layout.asked(), rows_per_batch(&table), &mut reading)?;
    let Reading { count, ids, mut out, failed, slots, away, .. } = reading;
    let n = count.rows;
    let source = layout.source(&table, "universe", n);
    drop(table);
    let file = path.display().to_string();
    let (ukeys, sorted) = ids.into_keys();
    let made = addresses_in_row_order(&file, (&ukeys, sorted, &slots), (failed, n as u64, away), rejects);
    if made.first_row.is_empty() && spec.partition.is_none() {
        return Err(Error::NoData { file: path.to_path_buf(), reason: made.counts.none_used(rejects.first()) });
    }
    // The ids of duplicates, read back for their messages (they are rare: most files have none).
    if !made.duplicates.is_empty() {
        let rows: Vec<u64> = made.duplicates.iter().map(|d| d.1).collect();
        for ((at, _, first), (id, _)) in
            made.duplicates.iter().zip(identify_in(path, &spec.profile, spec.delimiter, &spec.frames, &rows)?)
        {
            rejects[*at].detail = format!("address_id {id:?} first at row {first}");
        }
    }
    out.locations.remove(&made.dropped);
    compact::remove_sorted(&mut out.weight, &made.dropped);
    codes.keep_used(&mut out.locations.area);
    let addresses = Addresses {
        first_row: made.first_row,
        location: out.locations,
        weight: out.weight,
        point_crs: layout.xy_crs,
        parts: Parts::one(file),
    };
    let index = KeyIndex::new(ukeys, &made.address);
    Ok(Universe { addresses, index, counts: made.counts, source, weighted })
}

/// The universe's rows sorted out in row order.
struct Made {
    /// Each row's address ([`Index::NONE`] for rows that make none).
    address: Vec<Index>,
    /// The data row (1-based) of each address.
    first_row: RowNumbers,
    /// Rows in, used and rejected.
    counts: RowCounts,
    /// The duplicates: (position in the rejects, row, the row it repeats).
    duplicates: Vec<(usize, u64, u32)>,
    /// The rows that made no address, ascending.
    dropped: Vec<usize>,
}

/// In row order, over the rows held (their keys `ukeys`, ascending when `sorted`, and their
/// rows `slots`; of `rows_in`, the others `away` in another partition): a row with the id of an
/// accepted row is a duplicate (whatever else is wrong with it), else it is rejected for what its
/// checks found (`failed`, ascending), else it makes an address.
fn addresses_in_row_order(
    file: &str,
    (ukeys, sorted, slots): (&[u128], bool, &RowNumbers),
    (failed, rows_in, away): (Vec<Rejected>, u64, u64),
    rejects: &mut Vec<Reject>,
) -> Made {
    let n = ukeys.len();
    let leader = keys::first_rows(ukeys, sorted);
    let mut at_leader = vec![Index::NONE; n];
    let mut made = Made {
        address: vec![Index::NONE; n],
        first_row: RowNumbers::default(),
        counts: RowCounts { rows_in, elsewhere: away, ..RowCounts::default() },
        duplicates: Vec::new(),
        dropped: Vec::new(),
    };
    let mut failed = failed.into_iter().peekable();
    for i in 0..n {
        let fault = failed.next_if(|f| f.row == i);
        let row = u64::from(slots.get(i));
        let first = leader[i].get().map_or(Index::NONE, |l| at_leader[l as usize]);
        if let Some(first) = first.get() {
            made.duplicates.push((rejects.len(), row, made.first_row.get(first as usize)));
            made.counts.reject(rejects, file, row, RejectReason::DuplicateInUniverse, String::new());
            made.dropped.push(i);
        } else if let Some(Rejected { reason, detail, .. }) = fault {
            made.counts.reject(rejects, file, row, reason, detail);
            made.dropped.push(i);
        } else {
            let a = Index::new(made.first_row.len() as u32);
            at_leader[leader[i].get().expect("a row with an id has a first row") as usize] = a;
            made.address[i] = a;
            made.first_row.push(row as u32);
            made.counts.used += 1;
        }
    }
    made
}
