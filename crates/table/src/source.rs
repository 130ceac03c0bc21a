//! A file's bytes as the reader holds them: mapped from the page cache (no copy) or in memory,
//! with the pages of a mapped file handed back to the kernel once they are parsed.

/// A file's bytes: mapped from the page cache (no copy) or held in memory.
#[derive(Debug)]
pub(crate) enum Bytes {
    Mapped(memmap2::Mmap),
    Owned(Vec<u8>),
}

impl Bytes {
    /// Lets the kernel drop the mapped pages wholly within `range` (see [`Bytes::release`]).
    pub(crate) fn release_range(&self, range: std::ops::Range<usize>) {
        #[cfg(unix)]
        if let Bytes::Mapped(map) = self {
            const PAGE: usize = 4096;
            let (start, end) = (range.start.div_ceil(PAGE) * PAGE, range.end / PAGE * PAGE);
            if start < end {
                // SAFETY: as for `release`.
                let _ = unsafe { map.unchecked_advise_range(memmap2::UncheckedAdvice::DontNeed, start, end - start) };
            }
        }
    }

    /// Lets the kernel drop the mapped pages from this process (they are read back from the
    /// file if touched again); nothing for bytes held in memory.
    pub(crate) fn release(&self) {
        #[cfg(unix)]
        if let Bytes::Mapped(map) = self {
            // SAFETY: the map is a read-only view of a file: dropped pages are read back from
            // the file unchanged when touched again, so no reader sees different bytes.
            let _ = unsafe { map.unchecked_advise(memmap2::UncheckedAdvice::DontNeed) };
        }
    }
}

impl std::ops::Deref for Bytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Bytes::Mapped(m) => m,
            Bytes::Owned(v) => v,
        }
    }
}
