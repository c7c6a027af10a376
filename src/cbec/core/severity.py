"""The one severity scale of alerts, incidents and patterns: low < medium < high < critical.

Three readings of the same order: `SEVERITIES` least severe first (how rules and feeds list the choices),
`SEVERITY_RANK` the queue position, most severe first (0 = critical; stored with each alert so the queue
reads an index), and `SEVERITY_WEIGHTS` 1 (low) to 4 (critical) for counts weighted by severity.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

Severity = Literal["low", "medium", "high", "critical"]
SEVERITIES: tuple[Severity, ...] = ("low", "medium", "high", "critical")
MOST_SEVERE_FIRST: tuple[Severity, ...] = tuple(reversed(SEVERITIES))
SEVERITY_RANK: dict[str, int] = {severity: rank for rank, severity in enumerate(MOST_SEVERE_FIRST)}
UNKNOWN_RANK = 9  # after every known severity
SEVERITY_WEIGHTS: dict[str, int] = {severity: weight for weight, severity in enumerate(SEVERITIES, start=1)}


def severity_rank(severity: str) -> int:
    """Return a severity's queue position, most severe first (UNKNOWN_RANK for a name off the scale)."""
    return SEVERITY_RANK.get(severity, UNKNOWN_RANK)


def most_severe(severities: Iterable[str]) -> str | None:
    """Return the most severe of some severities (None when there are none); each must be on the scale."""
    found = list(severities)
    for severity in found:
        if severity not in SEVERITY_WEIGHTS:
            raise ValueError(f"severity must be one of {', '.join(SEVERITIES)}, got {severity!r}")
    return max(found, key=SEVERITY_WEIGHTS.__getitem__, default=None)
