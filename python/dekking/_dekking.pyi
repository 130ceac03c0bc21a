"""Type stubs of the native module (python/src/lib.rs); the documented API is in ``dekking``."""

from typing import Any, List, Sequence, Tuple

__version__: str

class DekkingError(Exception):
    """A dekking error; its message is the one line the command line prints."""

def fixed(argv: Sequence[str], frames: Sequence[Tuple[str, Any]], write: bool) -> List[Tuple[str, bytes]]:
    """Runs ``dekking fixed`` with the options of ``argv``, the tables of ``frames`` (name, an
    object with ``__arrow_c_stream__``) read where the options name them; each output file's
    name and bytes, written into ``--out`` too when ``write``."""

def main(argv: Sequence[str]) -> int:
    """Runs any ``dekking`` command as the command line does; the exit code (0, or 3 for
    ``--strict`` with warnings)."""

def buffers(table: Any) -> List[Tuple[str, List[int]]]:
    """The addresses of each column's buffers as the native module holds them once taken over."""
