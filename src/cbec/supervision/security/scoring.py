"""CVSS vectors scored with the `cvss` library (v2, v3.x, v4.0) and the one severity a score means."""

from __future__ import annotations

from decimal import Decimal

from cvss import CVSS2, CVSS3, CVSS4, CVSSError

from cbec.core.severity import Severity


class BadVector(ValueError):
    """A CVSS vector the library cannot read."""


def base_score(vector: str) -> Decimal:
    """Return the base score of a CVSS vector (CVSS:4.0/..., CVSS:3.x/... or a bare v2 vector)."""
    text = vector.strip()
    try:
        if text.startswith("CVSS:4.0/"):
            return Decimal(str(CVSS4(text).base_score))
        if text.startswith("CVSS:3."):
            return Decimal(str(CVSS3(text).scores()[0]))
        return Decimal(str(CVSS2(text).scores()[0]))
    except (CVSSError, KeyError, ValueError, IndexError) as exc:
        raise BadVector(f"not a CVSS vector: {text[:80]!r} ({exc})") from None


def severity_of(score: Decimal) -> Severity:
    """Map a score to the CVSS v3/v4 qualitative rating (None 0.0 is shown as low)."""
    if score >= Decimal("9.0"):
        return "critical"
    if score >= Decimal("7.0"):
        return "high"
    if score >= Decimal("4.0"):
        return "medium"
    return "low"
