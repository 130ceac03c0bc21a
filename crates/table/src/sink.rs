//! Where a table's batches go: a [`Sink`] the caller supplies, in the manner of ripgrep's
//! searcher and sink, so that a file is processed batch by batch without being held whole.

use crate::error::Error;
use crate::values::Values;

/// One batch of rows: the columns asked for, in the order asked.
#[derive(Debug, Clone)]
pub struct Batch {
    /// The batch's first row, 0-based among the file's data rows.
    pub first_row: usize,
    /// The columns, each as long as the batch.
    pub columns: Vec<Values>,
}

impl Batch {
    /// The number of rows.
    #[must_use]
    pub fn len(&self) -> usize {
        self.columns.first().map_or(0, Values::len)
    }

    /// Whether the batch has no rows.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The rows of the file this batch holds (0-based).
    #[must_use]
    pub fn rows(&self) -> std::ops::Range<usize> {
        self.first_row..self.first_row + self.len()
    }
}

/// Receives a table's batches in row order (see [`crate::Table::read_into`]).
pub trait Sink {
    /// What [`Sink::batch`] may fail with; a reading error converts into it.
    type Error: From<Error>;

    /// Takes one batch; an error stops the reading and is returned by it.
    ///
    /// # Errors
    /// Whatever the sink decides; the reading stops.
    fn batch(&mut self, batch: Batch) -> Result<(), Self::Error>;
}

impl<S: Sink + ?Sized> Sink for &mut S {
    type Error = S::Error;

    fn batch(&mut self, batch: Batch) -> Result<(), S::Error> {
        (**self).batch(batch)
    }
}

/// Sinks made from closures.
pub mod sinks {
    use super::{Batch, Error, Sink};

    /// A sink that calls a closure with each batch (see [`each`]).
    #[derive(Debug)]
    pub struct Each<F, E> {
        f: F,
        error: std::marker::PhantomData<fn() -> E>,
    }

    /// A sink that calls `f` with each batch.
    ///
    /// ```
    /// use dekking_table::{sinks, Batch, Table, Want};
    /// let table = Table::from_bytes("t.csv".as_ref(), b"id;down\na;100\nb;5\n".to_vec(), None)?;
    /// let mut rows = 0;
    /// table.read_into(&[(1, Want::Number)], 1 << 16, &mut sinks::each(|b: Batch| -> dekking_table::Result<()> {
    ///     rows += b.len();
    ///     Ok(())
    /// }))?;
    /// assert_eq!(rows, 2);
    /// # Ok::<(), dekking_table::Error>(())
    /// ```
    pub fn each<F, E>(f: F) -> Each<F, E>
    where
        F: FnMut(Batch) -> Result<(), E>,
        E: From<Error>,
    {
        Each { f, error: std::marker::PhantomData }
    }

    impl<F, E> Sink for Each<F, E>
    where
        F: FnMut(Batch) -> Result<(), E>,
        E: From<Error>,
    {
        type Error = E;

        fn batch(&mut self, batch: Batch) -> Result<(), E> {
            (self.f)(batch)
        }
    }
}
