//! The plain types that pass between the stages, in one home: every stage imports from here,
//! and nothing here imports a stage.
//!
//! | module | what | made by | read by |
//! |---|---|---|---|
//! | [`date`] | calendar dates | io, cli | judge, report |
//! | [`rows`] | rejected rows, rows in = used + rejected | io, assign, pipeline | report |
//! | [`source`] | provenance: inputs with SHA-256, method, warnings | io, pipeline | report |
//! | [`availability`] | addresses, records, locations, row numbers | io | assign, measure, pipeline |
//! | [`areas`] | areas at three levels, assignments, area tables, boundaries | io, assign | measure, report |
//! | [`lang`] | the language of a report | io, cli | report |
//! | [`threshold`] | speed thresholds | cli | measure, judge, report |
//! | [`policy`] | targets, reference figures, the action plan | io | judge, report |
//! | [`grid`] | the lattice of a coverage grid | io | measure |
//! | [`fixed`] | covered flags, coverage table, verdicts, the fixed report | measure, judge, pipeline | report |
//! | [`mobile`] | compliance, drive-test verdicts, the mobile report | judge, pipeline | report, io (read back) |
//! | [`outputs`] | the rows of dekking's own output tables, as written and read back | report | io |
//! | [`yearly`] | the yearly figures | pipeline | report |

pub mod areas;
pub mod availability;
pub mod cells;
pub mod classes;
pub mod date;
pub mod fixed;
pub mod grid;
pub mod lang;
pub mod mobile;
pub mod outputs;
pub mod policy;
pub mod predict;
pub mod rows;
pub mod site;
pub mod source;
pub mod threshold;
pub mod yearly;

pub use date::Date;

/// A level name (`gemeente`, `county`, `h3:8`, …): static text, so that rows can share it.
pub type Level = &'static str;

/// Serde for level names (`&'static str` in the tables): read back from a partial result, each
/// distinct name is kept once for the life of the process.
pub mod level_name {
    use std::collections::BTreeSet;
    use std::sync::{Mutex, OnceLock};

    use serde::{Deserialize, Deserializer};

    /// The `&'static str` of `name`, the same one for every call with the same text.
    pub fn intern(name: &str) -> &'static str {
        static NAMES: OnceLock<Mutex<BTreeSet<&'static str>>> = OnceLock::new();
        let mut names = NAMES.get_or_init(Mutex::default).lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(n) = names.get(name) {
            return n;
        }
        let n: &'static str = Box::leak(name.to_string().into_boxed_str());
        names.insert(n);
        n
    }

    /// Reads a level name.
    ///
    /// # Errors
    /// A value that is not text.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<&'static str, D::Error> {
        Ok(intern(&String::deserialize(d)?))
    }

    /// Reads the three level names of a run.
    ///
    /// # Errors
    /// A value that is not three texts.
    pub fn three<'de, D: Deserializer<'de>>(d: D) -> Result<[&'static str; 3], D::Error> {
        let [a, b, c] = <[String; 3]>::deserialize(d)?;
        Ok([intern(&a), intern(&b), intern(&c)])
    }
}
pub use rows::{Reject, RejectReason, RowCounts};
