//! Integration tests, built as one binary.

/// Point-in-polygon on real CBS boundaries and known places.
mod assign;
/// `dekking demo` and `dekking demo generate`.
mod demo;
/// `dekking fixed`: hand-computed fixtures, real FCC data, errors, determinism.
mod fixed;
/// Scratch directories and helpers.
mod util;
