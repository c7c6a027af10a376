"""A share measured on few cases reads with its Wilson interval: inside [0, 1], never a point at the ends."""

from __future__ import annotations

import pytest

from cbec.core.proportions import wilson_interval
from cbec.monitoring.triage.feedback import LABEL_OF
from cbec.monitoring.triage.lifecycle import DISPOSITIONS


@pytest.mark.parametrize(
    ("successes", "trials", "low", "high"),
    [
        (5, 10, 0.2366, 0.7634),  # the textbook case (Wilson 1927; Newcombe 1998, method 3)
        (4, 6, 0.3000, 0.9032),
        (3, 3, 0.4385, 1.0),
        (0, 3, 0.0, 0.5615),
        (1, 1, 0.2065, 1.0),
        (81, 263, 0.2553, 0.3662),  # Newcombe's example: 81 of 263
    ],
)
def test_wilson_interval_matches_known_values(successes: int, trials: int, low: float, high: float) -> None:
    found = wilson_interval(successes, trials)
    assert (round(found[0], 4), round(found[1], 4)) == (low, high)


def test_no_trials_say_nothing_and_impossible_counts_are_refused() -> None:
    assert wilson_interval(0, 0) == (0.0, 1.0)
    with pytest.raises(ValueError, match=r"must lie in \[0, 3\]"):
        wilson_interval(4, 3)


def test_every_disposition_says_which_label_it_is() -> None:
    assert set(LABEL_OF) == set(DISPOSITIONS)
    assert {d for d, label in LABEL_OF.items() if label} == {"true_positive", "escalated"}
