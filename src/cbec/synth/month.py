"""The generated month: its bounds in Beijing wall-clock seconds and when activity happens."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from cbec.core import months
from cbec.synth import calibration as cal
from cbec.synth.codes import SECONDS_PER_DAY, IntArray, days_from_civil


def cumulative(weights: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Return the normalised cumulative distribution of non-negative weights."""
    w = np.asarray(weights, dtype=np.float64)
    cdf: npt.NDArray[np.float64] = np.cumsum(w)
    normalised: npt.NDArray[np.float64] = cdf / cdf[-1]
    return normalised


def draw(rng: np.random.Generator, cdf: npt.NDArray[np.float64], n: int) -> IntArray:
    """Draw n indices from a cumulative distribution."""
    idx = np.searchsorted(cdf, rng.random(n), side="right")
    return np.minimum(idx, len(cdf) - 1).astype(np.int64)


@dataclass(frozen=True)
class Month:
    """A calendar month in Asia/Shanghai, with an hourly activity curve."""

    label: str
    year: int
    month: int
    start: int  # seconds since 1970-01-01T00:00:00 Beijing wall clock
    end: int  # first second of the next month
    hour_cdf: npt.NDArray[np.float64]

    @property
    def days(self) -> int:
        """Return the number of days in the month."""
        return (self.end - self.start) // SECONDS_PER_DAY

    @property
    def index(self) -> int:
        """Return year * 100 + month, used to seed and key the month."""
        return self.year * 100 + self.month

    def times(self, rng: np.random.Generator, n: int) -> IntArray:
        """Draw n instants of the month following the activity curve."""
        hour = draw(rng, self.hour_cdf, n)
        return self.start + hour * 3_600 + rng.integers(0, 3_600, n)

    def uniform(self, rng: np.random.Generator, n: int, low: int = 0, high: int | None = None) -> IntArray:
        """Draw n instants uniformly between start + low and start + high (default: the month end)."""
        top = (self.end - self.start) if high is None else high
        return self.start + rng.integers(low, max(top, low + 1), n)


def parse_month(label: str) -> Month:
    """Parse 'YYYY-MM' into a Month, or raise ValueError saying what is wrong."""
    year, month = months.parse_month(label)
    if not 1990 <= year <= 2100:
        raise ValueError(f"month out of range: {label!r}")
    first = days_from_civil(year, month, 1)
    last = first + months.last_day(label).day
    day_weights = []
    for offset in range(last - first):
        weekday = (first + offset + 3) % 7  # 1970-01-01 was a Thursday; Monday = 0
        special = cal.SPECIAL_DAYS.get((month, offset + 1), 1.0)
        day_weights.append(cal.WEEKDAY_FACTOR[weekday] * special)
    hourly = np.outer(np.asarray(day_weights), np.asarray(cal.HOURLY_PROFILE, dtype=np.float64)).ravel()
    return Month(
        label=label,
        year=year,
        month=month,
        start=first * SECONDS_PER_DAY,
        end=last * SECONDS_PER_DAY,
        hour_cdf=cumulative(hourly),
    )


def draw_per_segment(rng: np.random.Generator, segment: IntArray, weights: Callable[[str], list[float]]) -> IntArray:
    """Draw one option per row from the weights its trade segment gives (`weights(segment name)`)."""
    out = np.zeros(len(segment), dtype=np.int64)
    for s, seg in enumerate(cal.SEGMENTS):
        rows = np.flatnonzero(segment == s)
        chances = weights(seg.name)
        if len(rows) and any(chances):
            out[rows] = draw(rng, cumulative(chances), len(rows))
    return out
