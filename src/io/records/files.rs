//! The records files of one input, read by a thread of their own: each opened (unpacked, its
//! header found), its layout resolved and its batches parsed, then handed over through a
//! channel of one place. So the next file is opened and parsed while the last one's batches are
//! checked; a release of hundreds of small files keeps both cores busy, where reading them in
//! turn left one waiting. The files come in order, each announced before its batches.

use std::path::Path;
use std::sync::mpsc::{sync_channel, SyncSender};
use std::sync::Arc;

use dekking_table::{Batch, Sink, Table};

use super::columns::rows_per_batch;
use super::layout::Layout;
use super::{open, InputSpec};
use crate::error::{Error, Result};
use crate::io::columns::Field;

/// What the reading thread hands over.
pub(super) enum Piece {
    /// The next file begins: its table and layout.
    File(Arc<Table>, Layout),
    /// A batch of the file begun last.
    Batch(Batch),
}

/// Reads the records files of `spec` (with the `extra` fields; the location when `located`)
/// on a thread of their own, handing `each` every file and batch in order. Stops at the first
/// error of either side; the reading thread then stops at its next batch.
///
/// # Errors
/// An unreadable file or one without the columns it needs, or what `each` returns.
pub(super) fn read_files(
    spec: &InputSpec,
    extra: &[(Field, bool)],
    located: bool,
    mut each: impl FnMut(Piece) -> Result<()>,
) -> Result<()> {
    let (send, received) = sync_channel::<Result<Piece>>(1);
    std::thread::scope(|scope| {
        scope.spawn(move || produce(spec, extra, located, &send));
        // `received` is dropped on an early return, which stops the reading thread.
        for piece in received {
            each(piece?)?;
        }
        Ok(())
    })
}

/// The reading thread: each file opened, announced and read batch by batch into `send`.
fn produce(spec: &InputSpec, extra: &[(Field, bool)], located: bool, send: &SyncSender<Result<Piece>>) {
    // The spilled file last opened: the next records file's rows are likely in it too.
    let mut segment: Option<Table> = None;
    for (k, path) in spec.records.iter().enumerate() {
        let opened = open_one(spec, k, path, &mut segment).and_then(|table| {
            let layout = Layout::resolve(&table, &spec.profile, extra, located, spec.use_weights)?.with_filters(
                &table,
                &spec.filters,
                spec.condition.as_ref(),
            )?;
            let layout = match &spec.spilled {
                Some(s) => layout.with_row(&table, super::spill::ROW)?.lazy(s.original(k).is_some_and(|o| o.lazy_xy)),
                None => layout,
            };
            Ok((Arc::new(table), layout))
        });
        let (table, layout) = match opened {
            Ok(t) => t,
            Err(e) => {
                let _ = send.send(Err(e));
                return;
            }
        };
        let (asked, rows) = (layout.asked(), rows_per_batch(&table));
        if send.send(Ok(Piece::File(Arc::clone(&table), layout))).is_err() {
            return;
        }
        if let Err(e) = table.read_into(&asked, rows, &mut Forward(send)) {
            let _ = send.send(Err(e));
            return;
        }
    }
}

/// Opens records file `k` of `spec` at `path`; for a spilled partition, the window of its rows
/// of that records file in the spilled file (opened once for the files it holds, kept in
/// `segment`).
///
/// # Errors
/// An unreadable file.
fn open_one(spec: &InputSpec, k: usize, path: &Path, segment: &mut Option<Table>) -> Result<Table> {
    let Some(spilled) = &spec.spilled else {
        return open(path, spec.delimiter, &spec.profile, &spec.frames);
    };
    if segment.as_ref().is_none_or(|t| t.path != path) {
        let mut table = Table::open(path, None)?;
        // A spilled file stands for its records files, whose checksums their provenance gives:
        // none taken (nor remembered among the user's files').
        table.checksum_beside(false);
        *segment = Some(table);
    }
    Ok(segment.as_ref().expect("just opened").window(spilled.window(k))?)
}

/// A sink handing each batch over to the checking side.
struct Forward<'a>(&'a SyncSender<Result<Piece>>);

impl Sink for Forward<'_> {
    type Error = Error;

    fn batch(&mut self, batch: Batch) -> Result<()> {
        self.0.send(Ok(Piece::Batch(batch))).map_err(|_| Error::table("<records>", "the checking side stopped"))
    }
}
