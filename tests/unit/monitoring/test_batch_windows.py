"""The batch driver's window kernels against brute force on random key-sorted streams with many ties."""

from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

import numpy as np
import pytest

from cbec.monitoring.batch.fx import to_fen
from cbec.monitoring.batch.windows import (
    Stream,
    compare,
    episodes,
    key_order,
    window_distinct,
    window_extreme,
    window_starts,
    window_sums,
)

WINDOW = 10


def _random_stream(seed: int, size: int = 400) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return key, time and window start of a stream: few keys, coarse times (many equal)."""
    rng = np.random.default_rng(seed)
    key = np.sort(rng.integers(0, 7, size))
    ts = np.concatenate([np.sort(rng.integers(0, 60, int((key == k).sum()))) for k in range(7)])
    times = np.unique(ts)
    rank = np.searchsorted(times, ts)
    low = np.searchsorted(times, times - WINDOW, side="right")[rank]
    return key, ts, window_starts(key, rank, low)


def _windows(key: np.ndarray, ts: np.ndarray) -> list[range]:
    """Return each row's window by definition: same key, time in (t - W, t], not after the row."""
    return [
        range(min(j for j in range(i + 1) if key[j] == key[i] and ts[j] > ts[i] - WINDOW), i + 1)
        for i in range(len(key))
    ]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_window_starts_follow_the_definition_whatever_the_ties(seed: int) -> None:
    key, ts, start = _random_stream(seed)
    assert [w.start for w in _windows(key, ts)] == start.tolist()
    assert np.all(np.diff(start) >= 0)  # the kernels below rely on it


@pytest.mark.parametrize("seed", [4, 5])
def test_sums_extremes_and_distinct_counts_equal_brute_force(seed: int) -> None:
    key, ts, start = _random_stream(seed)
    rng = np.random.default_rng(seed)
    values = rng.integers(-50, 10_000, len(key))
    codes = rng.integers(-1, 6, len(key))  # -1: a null value, never counted
    windows = _windows(key, ts)
    assert window_sums(values, start).tolist() == [int(values[w].sum()) for w in windows]
    assert window_extreme(values, start, largest=True).tolist() == [int(values[w].max()) for w in windows]
    assert window_extreme(values, start, largest=False).tolist() == [int(values[w].min()) for w in windows]
    expected = [len({int(c) for c in codes[w] if c >= 0}) for w in windows]
    assert window_distinct(codes, start).tolist() == expected


def test_a_window_of_a_power_of_two_rows_takes_the_extreme_of_all_of_them() -> None:
    values = np.array([5, 1, 9, 3, 7, 2, 8, 4], dtype=np.int64)
    start = np.zeros(8, dtype=np.int64)
    assert window_extreme(values, start, largest=True).tolist() == [5, 5, 9, 9, 9, 9, 9, 9]
    assert window_extreme(values, start, largest=False).tolist() == [5, 1, 1, 1, 1, 1, 1, 1]


def test_key_order_sorts_by_key_position_and_side_and_leaves_out_nulls_and_unselected_rows() -> None:
    payee = np.array([2, -1, 0, 2], dtype=np.int64)
    payer = np.array([0, 2, 2, -1], dtype=np.int64)
    selected = np.array([True, True, False, True])
    key, pos, side = key_order([(payee, 0, None), (payer, 1, selected)], 4).cut()
    assert list(zip(key.tolist(), pos.tolist(), side.tolist(), strict=True)) == [
        (0, 0, 1),
        (0, 2, 0),
        (2, 0, 0),
        (2, 1, 1),
        (2, 3, 0),
    ]


def test_compare_is_exact_for_fractions_and_scaled_thresholds() -> None:
    value = np.array([299, 300, 301], dtype=np.int64)
    assert compare(value, ">=", Fraction(3, 10), np.array([1000, 1000, 1000])).tolist() == [False, True, True]
    assert compare(value, "<", Fraction("300.001")).tolist() == [True, True, False]
    with pytest.raises(ValueError, match="too large"):
        compare(np.array([1 << 61]), ">", Fraction(1, 3))


def test_episodes_break_when_a_firing_comes_a_whole_window_after_the_last() -> None:
    key = np.array([0, 0, 0, 0, 1], dtype=np.int64)
    times = np.array([0, 5, 15, 30, 31], dtype=np.int64)
    start = np.array([0, 0, 1, 3, 4], dtype=np.int64)
    stream = Stream(key=key, pos=np.arange(5), side=np.zeros(5, dtype=np.int64), start=start)
    found = episodes(stream, np.array([True, True, True, True, True]), times, WINDOW)
    # 5 -> 15 is exactly W: a new episode, whose payments start with its first firing's window
    assert found.first_fire.tolist() == [0, 2, 3, 4]
    assert found.last_fire.tolist() == [1, 2, 3, 4]
    assert found.first_row.tolist() == [0, 1, 3, 4]


def test_to_fen_rounds_half_up_exactly_like_decimal_even_past_int64_products() -> None:
    rng = np.random.default_rng(9)
    micro = rng.integers(-(10**15), 10**15, 20_000)
    rate = rng.integers(1, 3 * 10**11, 20_000)
    micro[:4], rate[:4] = (
        [5_000, -5_000, 15_000, 12_345_678_901_234_567],
        [10**10, 10**10, 10**10, 71 * 10**9],
    )
    with localcontext(prec=60):  # the exact product, however many digits
        expected = [
            int((Decimal(m).scaleb(-6) * Decimal(r).scaleb(-10)).quantize(Decimal("0.01"), ROUND_HALF_UP) * 100)
            for m, r in zip(micro.tolist(), rate.tolist(), strict=True)
        ]
    fen = to_fen(micro, rate)
    assert fen[:4].tolist() == [1, -1, 2, 8_765_432_019_877]
    assert fen.tolist() == expected
