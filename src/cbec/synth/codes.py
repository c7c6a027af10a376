"""Vectorised text encoders: ids, decimal amounts and ISO 8601 timestamps as Arrow strings.

Everything here turns numpy integer arrays into `pyarrow.StringArray`s without building Python
objects per row, so that a chunk of hundreds of thousands of rows formats in milliseconds.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

IntArray = npt.NDArray[np.int64]

ID_BITS = 40
_MASK = np.uint64((1 << ID_BITS) - 1)
_HEX = np.frombuffer(b"0123456789ABCDEF", dtype=np.uint8)
# Two-character lookup tables: byte -> two hex digits, 0..99 -> two decimal digits.
_HEX_PAIRS = np.stack([_HEX[np.arange(256) >> 4], _HEX[np.arange(256) & 15]], axis=1)
_DEC_PAIRS = np.stack([np.arange(100) // 10 + 48, np.arange(100) % 10 + 48], axis=1).astype(np.uint8)
SECONDS_PER_DAY = 86_400
LOCAL_OFFSET = b"+08:00"


def fixed_width(matrix: npt.NDArray[np.uint8]) -> pa.StringArray:
    """Return one ASCII string per row of an (n, width) byte matrix."""
    n, width = matrix.shape
    offsets = np.arange(n + 1, dtype=np.int32) * np.int32(width)
    data = np.ascontiguousarray(matrix).tobytes()
    return pa.StringArray.from_buffers(n, pa.py_buffer(offsets.tobytes()), pa.py_buffer(data))


def scramble(values: IntArray, key: int) -> npt.NDArray[np.uint64]:
    """Map integers below 2**40 to integers below 2**40 bijectively, keyed so ids look random."""
    x = values.astype(np.uint64) & _MASK
    odd_a = np.uint64((key * 2 + 1) & int(_MASK))
    odd_b = np.uint64(((key >> 7) * 2 + 0x9E3779B1) & int(_MASK) | 1)
    add = np.uint64((key * 0x5851F42D) & int(_MASK))
    with np.errstate(over="ignore"):
        x = (x * odd_a) & _MASK
        x ^= x >> np.uint64(19)
        x = (x + add) & _MASK
        x = (x * odd_b) & _MASK
        x ^= x >> np.uint64(21)
    return x


def hex_ids(prefix: str, values: IntArray, key: int) -> pa.StringArray:
    """Return ids like PREFIX + 10 hex digits, unique for distinct values below 2**40."""
    n_bytes = ID_BITS // 8
    x = scramble(values, key).astype("<u8")
    low_bytes = x.view(np.uint8).reshape(len(values), 8)[:, n_bytes - 1 :: -1]
    head = np.frombuffer(prefix.encode("ascii"), dtype=np.uint8)
    matrix = np.empty((len(values), len(head) + 2 * n_bytes), dtype=np.uint8)
    matrix[:, : len(head)] = head
    matrix[:, len(head) :] = _HEX_PAIRS[low_bytes].reshape(len(values), 2 * n_bytes)
    return fixed_width(matrix)


def _put_digits(matrix: npt.NDArray[np.uint8], column: int, width: int, values: IntArray) -> None:
    """Write zero-padded decimal digits of values into matrix[:, column:column+width]."""
    rest = values.astype(np.int64)
    pos = column + width
    while pos - column >= 2:
        matrix[:, pos - 2 : pos] = _DEC_PAIRS[rest % 100]
        rest = rest // 100
        pos -= 2
    if pos > column:
        matrix[:, column] = (rest % 10 + 48).astype(np.uint8)


def civil_from_days(days: IntArray) -> tuple[IntArray, IntArray, IntArray]:
    """Return (year, month, day) for days since 1970-01-01 (proleptic Gregorian)."""
    z = days.astype(np.int64) + 719_468
    era = np.floor_divide(z, 146_097)
    doe = z - era * 146_097
    yoe = (doe - doe // 1_460 + doe // 36_524 - doe // 146_096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    day = doy - (153 * mp + 2) // 5 + 1
    month = np.where(mp < 10, mp + 3, mp - 9)
    year = yoe + era * 400 + (month <= 2)
    return year, month, day


def days_from_civil(year: int, month: int, day: int) -> int:
    """Return days since 1970-01-01 for a calendar date."""
    y = year - (month <= 2)
    era = y // 400
    yoe = y - era * 400
    doy = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146_097 + doe - 719_468


def _date_matrix(days: IntArray) -> npt.NDArray[np.uint8]:
    """Return 'YYYY-MM-DD' bytes for every day number."""
    year, month, day = civil_from_days(days)
    matrix = np.empty((len(days), 10), dtype=np.uint8)
    matrix[:] = np.frombuffer(b"0000-00-00", dtype=np.uint8)
    _put_digits(matrix, 0, 4, year)
    _put_digits(matrix, 5, 2, month)
    _put_digits(matrix, 8, 2, day)
    return matrix


def _time_of_day_table() -> npt.NDArray[np.uint8]:
    """Return 'HH:MM:SS' bytes for every second of a day."""
    second = np.arange(SECONDS_PER_DAY, dtype=np.int64)
    matrix = np.empty((SECONDS_PER_DAY, 8), dtype=np.uint8)
    matrix[:] = np.frombuffer(b"00:00:00", dtype=np.uint8)
    _put_digits(matrix, 0, 2, second // 3600)
    _put_digits(matrix, 3, 2, second // 60 % 60)
    _put_digits(matrix, 6, 2, second % 60)
    return matrix


_TIME_OF_DAY = _time_of_day_table()


def local_timestamps(seconds: IntArray, missing: npt.NDArray[np.bool_] | None = None) -> pa.StringArray:
    """Format Beijing wall-clock seconds since 1970 as 'YYYY-MM-DDTHH:MM:SS+08:00' ('' where missing)."""
    secs = seconds.astype(np.int64)
    if missing is not None and len(secs):
        secs = np.where(missing, secs[~missing][0] if (~missing).any() else 0, secs)
    days = np.floor_divide(secs, SECONDS_PER_DAY)
    matrix = np.empty((len(secs), 25), dtype=np.uint8)
    if len(secs):
        first = int(days.min())
        dates = _date_matrix(np.arange(first, int(days.max()) + 1, dtype=np.int64))
        matrix[:, :10] = dates[days - first]
        matrix[:, 10] = ord("T")
        matrix[:, 11:19] = _TIME_OF_DAY[secs - days * SECONDS_PER_DAY]
        matrix[:, 19:] = np.frombuffer(LOCAL_OFFSET, dtype=np.uint8)
    return blank_where(fixed_width(matrix), missing)


def local_dates(days: IntArray) -> pa.StringArray:
    """Format days since 1970-01-01 as 'YYYY-MM-DD'."""
    return fixed_width(_date_matrix(days.astype(np.int64)))


def decimal_amounts(cents: IntArray, missing: npt.NDArray[np.bool_] | None = None) -> pa.StringArray:
    """Format non-negative integer hundredths as decimal strings with two places ('' where missing)."""
    values = cents.astype(np.int64)
    if len(values) and int(values.min()) < 0:
        raise ValueError("amounts must not be negative")
    whole = pc.cast(pa.array(values // 100), pa.string())
    frac = pc.utf8_lpad(pc.cast(pa.array(values % 100), pa.string()), width=2, padding="0")
    text = pc.binary_join_element_wise(whole, frac, ".")
    return blank_where(text, missing)


def integers(values: IntArray, missing: npt.NDArray[np.bool_] | None = None) -> pa.StringArray:
    """Format integers as decimal strings ('' where missing)."""
    return blank_where(pc.cast(pa.array(values.astype(np.int64)), pa.string()), missing)


def pick(
    table: Sequence[str], codes: npt.NDArray[np.integer], missing: npt.NDArray[np.bool_] | None = None
) -> pa.StringArray:
    """Return table[code] for every code ('' where missing)."""
    text = pa.array(list(table), type=pa.string()).take(pa.array(codes.astype(np.int64)))
    return blank_where(text, missing)


def pick_from(
    table: pa.StringArray, codes: npt.NDArray[np.integer], missing: npt.NDArray[np.bool_] | None = None
) -> pa.StringArray:
    """Return table[code] from an Arrow string table ('' where missing)."""
    safe = np.where(missing, 0, codes) if missing is not None else codes
    text = table.take(pa.array(safe.astype(np.int64)))
    return blank_where(text, missing)


def blank_where(text: pa.Array, missing: npt.NDArray[np.bool_] | None) -> pa.StringArray:
    """Replace values by '' where the mask is set."""
    if missing is None or not missing.any():
        return text
    return pc.if_else(pa.array(missing), pa.scalar("", pa.string()), text)


def constant(value: str, n: int) -> pa.StringArray:
    """Return n copies of one string."""
    return pa.array([value], type=pa.string()).take(pa.array(np.zeros(n, dtype=np.int64)))


def join(*parts: pa.Array | str) -> pa.StringArray:
    """Concatenate string arrays and literals element-wise."""
    arrays = [pa.scalar(p, pa.string()) if isinstance(p, str) else p for p in parts]
    return pc.binary_join_element_wise(*arrays, "")
