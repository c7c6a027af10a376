"""Exact sliding-window measures over key-sorted numpy arrays, the kernels of the batch driver.

A *stream* is a rule's rows sorted by (key, order). The window of row i is the contiguous run
[start[i], i] of its key's rows: ties on the timestamp are already broken by the order, so the
window's first row is simply the key's first row with ts > t - W. Starts are non-decreasing over the
whole stream (each lies in its own key's run), which every kernel below relies on. All arithmetic
is on integers (amounts in fen), so every measure and comparison is exact.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import numpy.typing as npt

Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]
SAFE = 1 << 62  # products below this fit an int64 with room to spare


@dataclass(frozen=True, slots=True)
class Stream:
    """A rule's rows sorted by (key, order): key code, row position in the month, side, window start."""

    key: Ints
    pos: Ints
    side: Ints
    start: Ints

    @property
    def size(self) -> int:
        """Return the number of rows."""
        return len(self.pos)


class KeyOrder:
    """Rows with a key sorted by (key, position, side), packed into one int64 each."""

    def __init__(self, packed: Ints, pos_bits: int) -> None:
        self.packed, self.pos_bits = packed, pos_bits
        self.pos = (packed >> 1) & ((1 << pos_bits) - 1)
        self.outbound = (packed & 1).astype(bool)

    def cut(self, chosen: Ints | None = None) -> tuple[Ints, Ints, Ints]:
        """Return key, position and side of the chosen entries (all when None), in order."""
        packed = self.packed if chosen is None else self.packed[chosen]
        return packed >> (self.pos_bits + 1), (packed >> 1) & ((1 << self.pos_bits) - 1), packed & 1


def key_order(parts: Sequence[tuple[Ints, int, Bools | None]], rows: int) -> KeyOrder:
    """Sort the rows of key columns by (key, position, side): (codes, side, rows to take) per part.

    A null key (code -1) is left out, and so are rows outside the part's mask when one is given.
    """
    pos_bits = max(rows, 1).bit_length()
    top = max((int(codes.max()) for codes, _, _ in parts if len(codes)), default=0)
    if top.bit_length() + pos_bits + 1 > 62:
        raise ValueError("too many keys or rows for one batch run")
    chunks = []
    for codes, side, mask in parts:
        keep = codes >= 0 if mask is None else mask & (codes >= 0)
        positions = np.flatnonzero(keep)
        chunks.append((codes[positions] << (pos_bits + 1)) | (positions << 1) | side)
    packed = np.concatenate(chunks).astype(np.int64, copy=False)
    if len(parts) == 1 and top < 1 << 15:  # few keys: a stable radix sort by key keeps positions in order
        packed = packed[np.argsort((packed >> (pos_bits + 1)).astype(np.int16), kind="stable")]
    else:
        packed.sort()
    return KeyOrder(packed, pos_bits)


def window_starts(key: Ints, rank: Ints, low: Ints) -> Ints:
    """Return each row's window start: its key's first row whose time rank is at least `low`.

    `rank` is the dense rank of the row's time among all times, `low` the number of distinct times at
    or before t - W; a row is inside the window exactly when its rank is at least `low`.
    """
    if not len(key):
        return np.zeros(0, dtype=np.int64)
    span = int(rank.max()) + 2
    if (int(key.max()) + 1) * span >= SAFE:
        raise ValueError("too many keys or times for one batch run")
    stride = key * span
    return np.searchsorted(stride + rank, stride + low, side="left").astype(np.int64)


def window_sums(values: Ints, start: Ints) -> Ints:
    """Return the sum of `values` over each row's window (exact: fails rather than overflow)."""
    if len(values) and max(int(values.max()), -int(values.min())) * len(values) >= SAFE:
        raise ValueError("window sums too large for exact integer arithmetic")
    running = np.zeros(len(values) + 1, dtype=np.int64)
    np.cumsum(values, out=running[1:])
    return running[1:] - running[start]


def window_extreme(values: Ints, start: Ints, *, largest: bool) -> Ints:
    """Return the max (or min) of `values` over each row's window.

    Level k holds the extreme of every run of 2**k rows; a window of length L is covered by two
    such runs with 2**k <= L < 2**(k + 1), one at its start and one ending at the row.
    """
    pick = np.maximum if largest else np.minimum
    rows = np.arange(len(values), dtype=np.int64)
    length = rows - start + 1
    level = np.frexp(length.astype(np.float64))[1].astype(np.int64) - 1  # exact: 2**level <= length
    result = np.empty_like(values)
    runs = values.copy()
    for k in range(int(level.max()) + 1 if len(values) else 0):
        chosen = np.flatnonzero(level == k)
        result[chosen] = pick(runs[start[chosen]], runs[chosen - (1 << k) + 1])
        runs = pick(runs[: len(runs) - (1 << k)], runs[1 << k :])
    return result


def window_distinct(codes: Ints, start: Ints) -> Ints:
    """Return the number of distinct non-null codes (null = -1) in each row's window.

    Distinct = non-null rows in the window minus repeats: rows whose previous same-key, same-value
    row p is also in it. Such a row j counts for rows i >= j while start[i] <= p, that is for
    i < e(p), the first row whose start passes p: an interval, so a difference array sums them.
    """
    size = len(codes)
    present = (codes >= 0).astype(np.int64)
    counted = window_sums(present, start)
    if not size:
        return counted
    pos_bits = size.bit_length()
    valued = np.flatnonzero(codes >= 0)
    packed = (codes[valued] << pos_bits) | valued
    packed.sort()
    later = packed[1:] & ((1 << pos_bits) - 1)
    earlier = packed[:-1] & ((1 << pos_bits) - 1)
    same = (packed[1:] >> pos_bits) == (packed[:-1] >> pos_bits)
    repeat_rows, previous = later[same], earlier[same]
    until = np.searchsorted(start, previous, side="right")
    live = until > repeat_rows  # the earlier row is still in the repeat's own window
    change = np.bincount(repeat_rows[live], minlength=size + 1)
    change -= np.bincount(until[live], minlength=size + 1)
    return counted - np.cumsum(change)[:size]


def compare(value: Ints, op: str, threshold: Fraction, scale: Ints | None = None) -> Bools:
    """Tell exactly where `value op threshold * scale` holds (scale 1 when not given)."""
    p, q = threshold.numerator, threshold.denominator
    top = int(np.abs(value).max()) if len(value) else 0
    other = 1 if scale is None else (int(np.abs(scale).max()) if len(scale) else 0)
    if top * q >= SAFE or abs(p) * other >= SAFE:
        raise ValueError("values too large for exact integer comparison")
    left = value * q
    right = p if scale is None else scale * p
    if op == ">=":
        return np.asarray(left >= right)
    if op == ">":
        return np.asarray(left > right)
    if op == "<=":
        return np.asarray(left <= right)
    return np.asarray(left < right)


@dataclass(frozen=True, slots=True)
class Episodes:
    """Episodes of firings in stream indices: first and last firing, first row of the first window."""

    first_fire: Ints
    last_fire: Ints
    first_row: Ints


def episodes(stream: Stream, fired: Bools, times: Ints, window_us: int) -> Episodes:
    """Group firings (times in stream order) into episodes: a firing joins its key's previous one
    when it comes less than W after it."""
    rows = np.flatnonzero(fired)
    keys, times = stream.key[rows], times[rows]
    opens = np.ones(len(rows), dtype=bool)
    opens[1:] = (keys[1:] != keys[:-1]) | (times[1:] - times[:-1] >= window_us)
    first = np.flatnonzero(opens)
    last = np.append(first[1:] - 1, len(rows) - 1) if len(first) else first
    return Episodes(rows[first], rows[last], stream.start[rows[first]])
