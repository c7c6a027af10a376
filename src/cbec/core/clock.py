"""Time: the Shanghai zone, injectable clocks and strict timestamp parsing."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from typing import Protocol
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")

# [0-9] rather than \d: \d also matches full-width and other Unicode digits.
_TIMESTAMP = re.compile(
    r"(?P<year>[0-9]{4})-(?P<month>[0-9]{2})-(?P<day>[0-9]{2})[T ]"
    r"(?P<hour>[0-9]{2}):(?P<minute>[0-9]{2})"
    r"(?::(?P<second>[0-9]{2})(?:\.(?P<fraction>[0-9]{1,9}))?)?"
    r"(?P<offset>Z|[+-][0-9]{2}:[0-9]{2})?"
)
_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_TIMESTAMP_SHAPE = "YYYY-MM-DD[T| ]HH:MM[:SS[.fraction]][Z|±HH:MM]"


class Clock(Protocol):
    """Anything that tells the current time."""

    def now(self) -> datetime:
        """Return the current time as a timezone-aware datetime."""
        ...


class SystemClock:
    """Read the real system clock in a fixed zone."""

    def __init__(self, tz: tzinfo = SHANGHAI) -> None:
        self.tz = tz

    def now(self) -> datetime:
        """Return the current time in this clock's zone."""
        return datetime.now(self.tz)


class FixedClock:
    """Stand still at a given instant until advanced (for tests and replays)."""

    def __init__(self, at: datetime) -> None:
        self._at = require_aware(at, "FixedClock start")

    def now(self) -> datetime:
        """Return the instant the clock stands at."""
        return self._at

    def advance(self, delta: timedelta) -> datetime:
        """Move the clock forward by elapsed time and return the new instant."""
        self._at = (self._at.astimezone(UTC) + delta).astimezone(self._at.tzinfo)
        return self._at


def require_aware(value: datetime, what: str = "datetime") -> datetime:
    """Return the datetime unchanged, or raise ValueError when it is naive."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware, got naive {value.isoformat()}")
    return value


def parse_date(text: str) -> date:
    """Parse a strict YYYY-MM-DD date."""
    match = _DATE.fullmatch(text)
    if match is None:
        raise ValueError(f"not a YYYY-MM-DD date: {text!r}")
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError as exc:
        raise ValueError(f"invalid date {text!r}: {exc}") from None


def parse_timestamp(text: str, default_tz: tzinfo = SHANGHAI) -> datetime:
    """Parse a strict ISO 8601 date-time; one without an offset is read in default_tz.

    Accepted: YYYY-MM-DD, `T` or a space, HH:MM, optional :SS with an optional fraction
    (up to 9 digits; digits beyond microseconds are truncated), optional `Z` or ±HH:MM.
    """
    match = _TIMESTAMP.fullmatch(text)
    if match is None:
        raise ValueError(f"not an ISO 8601 timestamp ({_TIMESTAMP_SHAPE}): {text!r}")
    fraction = (match["fraction"] or "").ljust(6, "0")[:6]
    try:
        naive = datetime(
            int(match["year"]),
            int(match["month"]),
            int(match["day"]),
            int(match["hour"]),
            int(match["minute"]),
            int(match["second"] or 0),
            int(fraction),
        )
    except ValueError as exc:
        raise ValueError(f"invalid timestamp {text!r}: {exc}") from None
    return naive.replace(tzinfo=_offset_zone(match["offset"], text) or default_tz)


def _offset_zone(offset: str | None, text: str) -> tzinfo | None:
    """Turn a `Z` or ±HH:MM suffix into a fixed zone, or None when absent."""
    if offset is None:
        return None
    if offset == "Z":
        return UTC
    hours, minutes = int(offset[1:3]), int(offset[4:6])
    if hours > 23 or minutes > 59:
        raise ValueError(f"invalid UTC offset {offset!r} in timestamp {text!r}")
    delta = timedelta(hours=hours, minutes=minutes)
    return timezone(-delta if offset[0] == "-" else delta)


def month_key(value: date | datetime) -> str:
    """Return "YYYY-MM" for the month the value falls in, in Asia/Shanghai."""
    if isinstance(value, datetime):
        value = require_aware(value, "month_key input").astimezone(SHANGHAI)
    return f"{value.year:04d}-{value.month:02d}"
