//! Integration tests, built as one binary.

/// The import structure of ARCHITECTURE.md: stages import downwards, no cycles, no printing libraries.
mod architecture;
/// Areas of any code scheme: foreign codes, chosen fields, parents.
mod areas;
/// Point-in-polygon on real CBS boundaries and known places.
mod assign;
/// The catalogue of bad-input classes and their exact behaviour.
mod bad_input;
/// The benchmark harness, smoke-run at a tiny scale.
mod bench;
/// Cells (`--by h3:R`, `grid:…`) against the h3 package and the EEA codes of real RTR data.
mod cells;
/// The help's examples run as written; completions and manual pages.
mod cli;
/// `dekking demo` and `dekking demo generate`.
mod demo;
/// Messages safe to print, whatever bytes an input holds.
mod errors;
/// `dekking fixed`: hand-computed fixtures, real FCC data, errors, determinism.
mod fixed;
/// The gemeente merger table against the real 2021, 2022 and 2023 maps.
mod mergers;
/// `dekking mobile`: hand-computed areas, ontheffingen, drive tests, RTR and Natura 2000.
mod mobile;
/// Licences of several obligations: area, area inside a mask, points; by hand and on RTR data.
mod obligations;
/// Partial results of partitions run in separate processes, merged.
mod partitions;
/// `dekking predict`: path loss and spectral efficiency against published values.
mod predict;
/// Property tests: no panics on any bytes; aggregation invariants.
mod properties;
/// The Python package, built and its pytest suite run; the notebook run through it.
mod python;
/// `dekking report`: recomputed figures, mergers, gap lists, run file, determinism, screenshot.
mod report;
/// The report in Dutch, the default: no English left, Dutch numbers and dates, the same figures.
mod report_nl;
/// Scratch directories and helpers.
mod util;
