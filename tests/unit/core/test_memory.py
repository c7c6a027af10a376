"""Freed memory: kept for reuse (glibc takes the thresholds once per process), or given back between steps."""

from __future__ import annotations

import numpy as np

from cbec.core.memory import give_back_freed_memory, keep_freed_memory


def test_glibc_keeps_freed_blocks_so_a_second_array_of_the_same_size_reuses_them() -> None:
    import resource

    assert keep_freed_memory() is True  # this machine runs glibc
    np.ones(2_000_000).sum()  # 16 MB: under the 32 MiB threshold, so it goes to the heap and stays there
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    np.ones(2_000_000).sum()
    faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before
    assert faults < 100  # without it, the 16 MB come back as fresh pages: 826 faults here (huge pages)


def _rss_kib() -> int:
    from pathlib import Path

    status = Path("/proc/self/status").read_text().splitlines()
    return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))


def test_memory_freed_between_live_blocks_goes_back_to_the_system() -> None:
    # 3,000 arrays of 64 KiB each come from the heap; every tenth stays alive, so the freed ones lie between
    # live blocks, where glibc's own trimming of the heap's top never reaches them.
    blocks = [np.ones(8_192) for _ in range(3_000)]
    kept = blocks[::10]
    del blocks
    before = _rss_kib()
    give_back_freed_memory()
    given = before - _rss_kib()
    assert given > 100 * 1024  # of about 170 MiB freed; measured: about 170 MiB given back
    assert sum(float(block[0]) for block in kept) == 300  # the live blocks are untouched
