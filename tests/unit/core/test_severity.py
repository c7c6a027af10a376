"""One severity scale: low < medium < high < critical, read as a list, a queue rank and weights."""

from __future__ import annotations

import pytest

from cbec.core.severity import (
    MOST_SEVERE_FIRST,
    SEVERITIES,
    SEVERITY_RANK,
    SEVERITY_WEIGHTS,
    UNKNOWN_RANK,
    most_severe,
    severity_rank,
)


def test_the_scale_runs_from_low_to_critical() -> None:
    assert SEVERITIES == ("low", "medium", "high", "critical")
    assert MOST_SEVERE_FIRST == ("critical", "high", "medium", "low")


def test_the_queue_rank_puts_the_most_severe_first_and_the_unknown_last() -> None:
    assert SEVERITY_RANK == {"critical": 0, "high": 1, "medium": 2, "low": 3}
    assert severity_rank("high") == 1
    assert severity_rank("urgent") == UNKNOWN_RANK == 9
    queue = sorted(["low", "urgent", "critical", "medium", "high"], key=severity_rank)
    assert queue == ["critical", "high", "medium", "low", "urgent"]


def test_weights_grow_with_severity() -> None:
    assert SEVERITY_WEIGHTS == {"low": 1, "medium": 2, "high": 3, "critical": 4}


def test_the_most_severe_of_some_severities() -> None:
    assert most_severe(["low", "critical", "medium"]) == "critical"
    assert most_severe(["medium", "low"]) == "medium"
    assert most_severe([]) is None
    with pytest.raises(ValueError, match="severity must be one of low, medium, high, critical, got 'urgent'"):
        most_severe(["low", "urgent"])
