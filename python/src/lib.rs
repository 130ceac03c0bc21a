//! The native module of the `dekking` Python package (`dekking._dekking`): the command line's
//! jobs run in the Python process, tables given in memory taken over through the Arrow PyCapsule
//! interface with their buffers shared, not copied. The Python side (`dekking/__init__.py`)
//! turns keyword arguments into the command line's options, so both parse, check and fail alike.

use std::path::{Path, PathBuf};

use clap::Parser;
use dekking::cli::fixed::{compute, outputs_apart, FixedArgs};
use dekking::cli::{self, Cli, Command};
use dekking::io::records::Frames;
use dekking::progress::Silent;
use polars::prelude::DataFrame;
use polars_arrow::array::{Array, BinaryViewArrayGeneric, PrimitiveArray, ViewType};
use polars_arrow::ffi::ArrowArrayStream;
use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyCapsule};

/// The allocator of the module's own memory: a run allocates and frees columns of hundreds of
/// megabytes, which the C library's allocator maps afresh each time in a Python process (the
/// command line tunes glibc instead, in `main.rs`); mimalloc, told never to return freed pages
/// ([`keep_freed_memory`]), reuses them.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Tells mimalloc to keep freed pages in the process rather than give them back after 10 ms:
/// the next stage or run reuses them instead of faulting fresh ones in (10 M addresses, five
/// runs: 1.56–2.68 s, median 2.00, before; 1.29–2.72 s, median 1.43, the slowest the first, after;
/// the command line 1.48–1.53 s).
fn keep_freed_memory() {
    // mimalloc.h (v2 and v3): `mi_option_purge_delay` is option 15, before `mi_option_use_numa_nodes`
    // (16); the crate names it only for v2. -1 never purges.
    const PURGE_DELAY: libmimalloc_sys::mi_option_t = libmimalloc_sys::mi_option_use_numa_nodes - 1;
    // SAFETY: sets an allocator option; any value is valid for it.
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, -1) };
}

create_exception!(
    dekking,
    DekkingError,
    PyException,
    "A dekking error; its message is the one line the command line prints."
);

/// The error of a failed job as a Python exception, in the command line's words.
fn failed(err: &anyhow::Error) -> PyErr {
    DekkingError::new_err(cli::error_line(err))
}

/// The options of `argv` (the command line's, program name first).
fn parse(argv: &[String]) -> PyResult<Cli> {
    Cli::try_parse_from(argv).map_err(|e| DekkingError::new_err(cli::usage_error(&e)))
}

/// Takes over the Arrow C stream of `table` (anything with `__arrow_c_stream__`: a polars
/// DataFrame, a pyarrow Table) as a DataFrame sharing its buffers; `name` is for messages.
fn frame(table: &Bound<'_, PyAny>, name: &str) -> PyResult<DataFrame> {
    let capsule = table.call_method0("__arrow_c_stream__").map_err(|_| {
        let what = table.get_type().name().map(|n| n.to_string()).unwrap_or_default();
        DekkingError::new_err(format!(
            "{name}: a {what} is not a table; give a path, a polars DataFrame or a pyarrow Table"
        ))
    })?;
    let capsule = capsule.cast_into::<PyCapsule>()?;
    let stream = capsule.pointer_checked(Some(c"arrow_array_stream"))?.cast::<ArrowArrayStream>();
    // SAFETY: a capsule named `arrow_array_stream` holds a valid C stream (the PyCapsule
    // interface); it is taken over and left released, which its destructor then skips.
    unsafe { dekking_table::frame_from_c_stream(stream.as_ptr(), Path::new(name)) }
        .map_err(|e| DekkingError::new_err(dekking::error::one_line(&e.to_string())))
}

/// Runs `dekking fixed` with the options of `argv`, the tables of `frames` read where the options
/// name them; returns each output file's name and bytes, and writes them into `--out` too when
/// `write`.
#[pyfunction]
fn fixed(
    py: Python<'_>,
    argv: Vec<String>,
    frames: Vec<(String, Bound<'_, PyAny>)>,
    write: bool,
) -> PyResult<Vec<(String, Py<PyBytes>)>> {
    let Command::Fixed(args) = parse(&argv)?.command else {
        return Err(DekkingError::new_err("fixed: the options are not those of `dekking fixed`"));
    };
    let frames = frames
        .iter()
        .map(|(name, table)| Ok((PathBuf::from(name), frame(table, name)?)))
        .collect::<PyResult<Vec<_>>>()?;
    let files = py.detach(|| run_fixed(&args, Frames(frames), write)).map_err(|e| failed(&e))?;
    Ok(files.into_iter().map(|(name, bytes)| (name.to_string(), PyBytes::new(py, &bytes).unbind())).collect())
}

/// [`fixed`] without Python: the job run silently, its files written when asked.
fn run_fixed(args: &FixedArgs, frames: Frames, write: bool) -> anyhow::Result<Vec<(&'static str, Vec<u8>)>> {
    let mut job = args.job()?;
    job.input.frames = frames;
    if write {
        outputs_apart(args, &job)?;
    }
    let run = compute(args, job, &mut Silent)?;
    if let Some(warning) = run.report.as_ref().filter(|_| args.run.strict).and_then(|r| r.provenance.warnings.first()) {
        anyhow::bail!("--strict: the run raised warnings (nothing written), the first: {warning}");
    }
    if write {
        dekking_files::atomic::write_all(&args.out, run.files.clone())?;
    }
    Ok(run.files)
}

/// Runs any `dekking` command with the options of `argv`, as the command line does (its files
/// written, its summary printed); returns the exit code (0, or 3 for `--strict` with warnings).
#[pyfunction]
fn main(py: Python<'_>, argv: Vec<String>) -> PyResult<u8> {
    let parsed = parse(&argv)?;
    let code = py.detach(|| cli::run(parsed)).map_err(|e| failed(&e))?;
    Ok(if code == std::process::ExitCode::SUCCESS { 0 } else { cli::EXIT_STRICT })
}

/// The addresses of the buffers of each column of `table` as this module holds them once taken
/// over (values of numbers; views and text of strings): the same as the caller's when nothing
/// was copied.
#[pyfunction]
fn buffers(table: &Bound<'_, PyAny>) -> PyResult<Vec<(String, Vec<usize>)>> {
    let frame = frame(table, "<table>")?;
    Ok(frame
        .columns()
        .iter()
        .map(|column| {
            let series = column.as_materialized_series();
            let addresses = series.chunks().iter().flat_map(|chunk| addresses(chunk.as_ref())).collect();
            (column.name().to_string(), addresses)
        })
        .collect())
}

/// The buffer addresses of one array: its values, or its views and text buffers.
fn addresses(array: &dyn Array) -> Vec<usize> {
    fn views<T: ViewType + ?Sized>(a: &BinaryViewArrayGeneric<T>) -> Vec<usize> {
        let mut out = vec![a.views().as_ptr() as usize];
        out.extend(a.data_buffers().iter().map(|b| b.as_ptr() as usize));
        out
    }
    let any = array.as_any();
    if let Some(a) = any.downcast_ref::<BinaryViewArrayGeneric<str>>() {
        return views(a);
    }
    macro_rules! values {
        ($($t:ty),*) => {$(
            if let Some(a) = any.downcast_ref::<PrimitiveArray<$t>>() {
                return vec![a.values().as_ptr() as usize];
            }
        )*};
    }
    values!(f64, f32, i64, i32, u64, u32);
    Vec::new()
}

/// The `dekking._dekking` module.
#[pymodule]
fn _dekking(m: &Bound<'_, PyModule>) -> PyResult<()> {
    keep_freed_memory();
    m.add("DekkingError", m.py().get_type::<DekkingError>())?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_function(wrap_pyfunction!(fixed, m)?)?;
    m.add_function(wrap_pyfunction!(main, m)?)?;
    m.add_function(wrap_pyfunction!(buffers, m)?)?;
    Ok(())
}
