"""Score alerts against the synthetic generator's labels: recall and precision per injected pattern.

Payment level: a payment is flagged when an alert lists it. `recall` counts a labelled payment as found
when any alert lists it; `recall_own` and `precision` only count alerts of rules whose typology is the
pattern, so a rule written for one typology is not credited with another's payments. `precision_any`
counts the payments those rules flagged that belong to any injected anomaly: a leg of an injected
cycle caught by the rapid in-and-out rule is a true alarm, but not that rule's own typology.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from cbec.monitoring.engine import Alert, PaymentKey


@dataclass(frozen=True, slots=True)
class PatternScore:
    """Recall and precision of one labelled pattern."""

    pattern: str
    labelled: int
    found: int
    found_own: int
    flagged_own: int
    recall: float
    recall_own: float
    precision: float | None  # None when no rule of this typology flagged anything
    precision_any: float | None


def read_labels(path: Path) -> list[dict[str, str]]:
    """Read labels.csv (feed, key, institution_id, pattern)."""
    with Path(path).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def evaluate(alerts: Iterable[Alert], labels: Iterable[Mapping[str, str]]) -> dict[str, PatternScore]:
    """Return per-pattern recall/precision of alerts against the payment labels."""
    truth: dict[str, set[PaymentKey]] = {}
    for row in labels:
        if row["feed"] == "payments":
            truth.setdefault(row["pattern"], set()).add((row["institution_id"], row["key"]))
    anomalous: set[PaymentKey] = set().union(*truth.values())
    flagged: set[PaymentKey] = set()
    by_typology: dict[str, set[PaymentKey]] = {}
    for alert in alerts:
        flagged.update(alert.payments)
        by_typology.setdefault(alert.typology, set()).update(alert.payments)
    scores = {}
    for pattern, labelled in sorted(truth.items()):
        own = by_typology.get(pattern, set())
        hits, own_hits = len(labelled & flagged), len(labelled & own)
        scores[pattern] = PatternScore(
            pattern=pattern,
            labelled=len(labelled),
            found=hits,
            found_own=own_hits,
            flagged_own=len(own),
            recall=hits / len(labelled),
            recall_own=own_hits / len(labelled),
            precision=own_hits / len(own) if own else None,
            precision_any=len(own & anomalous) / len(own) if own else None,
        )
    return scores


def format_scores(scores: Mapping[str, PatternScore]) -> str:
    """Return a plain-text table of the scores."""
    head = f"{'pattern':<22}{'labelled':>9}{'recall':>8}{'own':>8}{'precision':>10}{'prec_any':>9}{'flagged':>9}"
    lines = [head]
    for s in scores.values():
        precision = "-" if s.precision is None else f"{s.precision:.3f}"
        any_ = "-" if s.precision_any is None else f"{s.precision_any:.3f}"
        lines.append(
            f"{s.pattern:<22}{s.labelled:>9}{s.recall:>8.3f}{s.recall_own:>8.3f}{precision:>10}{any_:>9}"
            f"{s.flagged_own:>9}"
        )
    return "\n".join(lines)
