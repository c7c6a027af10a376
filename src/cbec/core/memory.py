"""Where freed memory goes: kept in the process for reuse, or handed back to the operating system.

Keep it (`keep_freed_memory`) so that numpy's large temporaries do not page-fault every time: glibc hands blocks
above its mmap threshold straight back to the operating system when freed, and trims the heap's free top above its
trim threshold; the next array of that size then faults every page in again, zeroed by the kernel. The learned
detector's feature build allocates and frees hundreds of arrays of a few MB: on amlgentex-dev half its time (0.9 s
of 1.6 s) was system time in page faults. Raising both thresholds keeps those blocks in the heap. It costs resident
memory that was going to be used again anyway (the process keeps its peak), so only batch work that repeats large
array operations asks for it. A no-op without glibc.

Hand it back (`give_back_freed_memory`) where a run's steps each peak high and one after another: the batch
driver's load and each of its rules. Both are no-ops without glibc.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
from collections.abc import Callable

import pyarrow as pa

_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 32 * 1024 * 1024  # glibc's ceiling on 64-bit (HEAP_MAX_SIZE / 2); bigger blocks stay mmap-ed
TRIM_THRESHOLD = 1024**3  # mallopt takes an int: at most 2 GiB


@functools.cache
def _glibc(function: str, argtypes: tuple[type, ...]) -> Callable[..., int] | None:
    """Return one of glibc's malloc functions, typed, or None without glibc (musl, macOS: nothing to tune)."""
    name = ctypes.util.find_library("c")
    try:
        found = getattr(ctypes.CDLL(name), function) if name else None
    except (OSError, AttributeError):
        return None
    if found is not None:
        found.argtypes, found.restype = argtypes, ctypes.c_int
    return found


@functools.cache
def keep_freed_memory() -> bool:
    """Ask glibc to keep freed blocks up to 32 MiB in the heap (once per process); return whether it took."""
    mallopt = _glibc("mallopt", (ctypes.c_int, ctypes.c_int))
    if mallopt is None:
        return False
    return bool(mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD) and mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD))


def give_back_freed_memory() -> None:
    """Hand memory freed since the last call back to the operating system: Arrow's pool and glibc's heaps.

    glibc keeps freed blocks below its (self-raising) mmap threshold in its arenas, one per thread that
    allocated; a batch run that frees a step's arrays before the next step's would otherwise hold both
    steps' peaks. Costs a walk of the heaps (milliseconds), so it is called between large steps only.
    """
    pa.default_memory_pool().release_unused()
    trim = _glibc("malloc_trim", (ctypes.c_size_t,))
    if trim is not None:
        trim(0)
