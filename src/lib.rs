//! # dekking
//!
//! Broadband and spectrum coverage analytics for the Dutch connectivity targets (and foreign data
//! through input profiles). One pipeline, one module per stage, plain data between them:
//!
//! 1. [`io`] — read records, universe, boundaries, area tables and policy; reject bad rows.
//! 2. [`assign`] — give every address its gemeente (by code, or point-in-polygon in RD New).
//! 3. [`measure`] — count universe and covered per area × threshold.
//! 4. [`judge`] — compare with the targets in `seeds/`.
//! 5. [`report`] — write CSV, Parquet, JSON and text, with provenance.
//!
//! The types that pass between the stages live in [`model`], which every stage imports and which
//! imports none; a stage imports only the stages above it in this list (checked by
//! `tests/it/architecture.rs`). [`pipeline`] runs the stages end to end; [`demo`] makes synthetic
//! inputs; [`predict`] computes path loss and spectral efficiency link by link, for grids of
//! predicted coverage. The command line ([`cli`], run by the thin `src/main.rs`, and by the
//! Python package in `python/`) is a layer over the library, and the only place that prints. ARCHITECTURE.md is the map.
#![warn(missing_docs)]

pub mod assign;
pub mod cli;

pub mod demo;
pub mod error;
pub mod io;
pub mod judge;
pub mod measure;
pub mod model;
pub mod pipeline;
pub mod predict;
pub mod progress;
pub mod report;

pub use error::{Error, Result};
