//! Row-sized columns at memory speed.
//!
//! A national file has tens of millions of rows; the columns that hold one value per row are
//! the largest things in memory and every pass over them counts. This crate holds the passes
//! that earned their place by measurement:
//!
//! - [`keys`]: the ids of a column made into 128-bit keys (or, for ascending ids, one-byte
//!   [`Run`] flags), each row's first row with the same key, and a sorted index to join keys
//!   to values, all in radix partitions that stay in cache;
//! - [`compact`]: rows removed from a column in place, in parallel.
//!
//! Results are by row and do not depend on the number of threads. Row and value numbers are 32
//! bits; an absent one is an [`Index::NONE`], never a bare `u32::MAX`.
#![warn(missing_docs)]

pub mod compact;
pub mod keys;

pub use keys::Run;

/// A row or value number that may be absent: four bytes, like the bare number.
///
/// ```
/// use dekking_rows::Index;
/// assert_eq!(Index::new(7).get(), Some(7));
/// assert_eq!(Index::NONE.get(), None);
/// assert_eq!(std::mem::size_of::<Index>(), 4);
/// ```
#[repr(transparent)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Index(u32);

impl Index {
    /// No row or value.
    pub const NONE: Index = Index(u32::MAX);

    /// The largest number an index holds (one less than [`u32::MAX`], which stands for none).
    pub const MAX: u32 = u32::MAX - 1;

    /// The index of `i` (at most [`Index::MAX`]).
    #[inline]
    #[must_use]
    pub const fn new(i: u32) -> Index {
        debug_assert!(i != u32::MAX, "u32::MAX stands for no index");
        Index(i)
    }

    /// The number, or `None`.
    #[inline]
    #[must_use]
    pub const fn get(self) -> Option<u32> {
        if self.0 == u32::MAX {
            None
        } else {
            Some(self.0)
        }
    }

    /// Whether there is a number.
    #[inline]
    #[must_use]
    pub const fn is_some(self) -> bool {
        self.0 != u32::MAX
    }

    /// Whether there is none.
    #[inline]
    #[must_use]
    pub const fn is_none(self) -> bool {
        self.0 == u32::MAX
    }
}

impl Default for Index {
    /// [`Index::NONE`].
    fn default() -> Index {
        Index::NONE
    }
}
