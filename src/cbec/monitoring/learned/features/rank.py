"""Features as ranks within their frame: what the model learns must not hang on how busy the data is.

A count, a degree or a share moves with the density of ordinary traffic: with fewer ordinary payments every
account has fewer counterparties, more of them met once, and looks more like a mule. Measured on amlgentex-dev
(bench/quality.py, robustness section): with 40 % of the ordinary payments left out, a detector on raw
features kept its out-of-fold threshold and flagged so many ordinary payments that F1 fell from 0.80 to 0.11;
on ranks from 0.80 to 0.73. So each feature becomes its rank among the frame's payments, scaled to (0, 1]: ties
share their mean rank, a missing value stays missing. Training and scoring rank the same way, each in its
own frame (a month's frame reads the neighbouring months, about as long as the training data).
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import numpy.typing as npt

Matrix = npt.NDArray[np.float32]


def _sortable(values: npt.NDArray[np.float32]) -> npt.NDArray[np.uint64]:
    """Return float32 values as unsigned integers in the same order (-0.0 counted as 0.0)."""
    bits = (values + np.float32(0.0)).view(np.uint32)
    # Negative floats: every bit flipped (larger magnitude, smaller key); the others: the sign bit set.
    flip = np.negative(bits >> np.uint32(31)) | np.uint32(0x8000_0000)
    keys: npt.NDArray[np.uint64] = (bits ^ flip).astype(np.uint64)
    return keys


def rank_column(values: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    """Return each value's mean rank among the non-missing values, divided by their count; NaN stays NaN."""
    out = np.full(len(values), np.nan, np.float32)
    present = np.flatnonzero(~np.isnan(values))
    if len(present) == 0:
        return out
    # Value and position packed in one 64-bit key: numpy's SIMD sort of plain integers is several times
    # faster than argsort (which falls back to a scalar sort on this hardware, slower still with NaN).
    keys = (_sortable(values[present]) << np.uint64(32)) | np.arange(len(present), dtype=np.uint64)
    keys.sort()
    order = (keys & np.uint64(0xFFFF_FFFF)).astype(np.int64)
    ordered = keys >> np.uint64(32)
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    ends = np.r_[starts[1:], len(present)]
    mean_rank = ((starts + ends + 1) / 2 / len(present)).astype(np.float32)  # 1-based ranks start+1 .. end
    out[present[order]] = np.repeat(mean_rank, ends - starts)
    return out


def ranked(matrix: Matrix) -> Matrix:
    """Rank every column of a column-major matrix within it (the frame), in place; return the matrix."""

    def rank_in_place(j: int) -> None:
        matrix[:, j] = rank_column(matrix[:, j])  # rank_column reads the column into its own arrays first

    # numpy lets go of the GIL in its sorts and loops: the columns are ranked on every core.
    with ThreadPoolExecutor(os.cpu_count() or 1) as pool:
        list(pool.map(rank_in_place, range(matrix.shape[1])))
    return matrix
