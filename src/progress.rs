//! Progress reporting through a trait the caller supplies: the library never prints.

/// Receives progress from long-running stages.
pub trait Progress {
    /// A new stage starts; `total` is the amount of work in its own unit, when known.
    fn stage(&mut self, name: &str, total: Option<u64>);
    /// `n` more units of the current stage are done.
    fn advance(&mut self, n: u64);
    /// A handle that advances the current stage from any thread, for work done in parallel
    /// (by default it does nothing).
    fn ticker(&self) -> Ticker {
        Box::new(|_| {})
    }
}

/// Advances the current stage by `n` units, from any thread (see [`Progress::ticker`]).
pub type Ticker = Box<dyn Fn(u64) + Send + Sync>;

/// A [`Progress`] that ignores everything: for tests and library users.
#[derive(Debug, Default, Clone, Copy)]
pub struct Silent;

impl Progress for Silent {
    fn stage(&mut self, _name: &str, _total: Option<u64>) {}
    fn advance(&mut self, _n: u64) {}
}
