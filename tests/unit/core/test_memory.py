"""Keeping freed memory: glibc takes the thresholds once per process."""

from __future__ import annotations

import numpy as np

from cbec.core.memory import keep_freed_memory


def test_glibc_keeps_freed_blocks_so_a_second_array_of_the_same_size_reuses_them() -> None:
    import resource

    assert keep_freed_memory() is True  # this machine runs glibc
    np.ones(2_000_000).sum()  # 16 MB: under the 32 MiB threshold, so it goes to the heap and stays there
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    np.ones(2_000_000).sum()
    faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before
    assert faults < 100  # without it, the 16 MB come back as fresh pages: 826 faults here (huge pages)
