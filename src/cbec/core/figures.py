"""Measured values as people read them, the same on the CLI, the dashboard and in reports."""

from __future__ import annotations

from decimal import Decimal


def figure(value: Decimal | int | None) -> str:
    """Thousands separated, no trailing zeros and no exponent: 340,605.6 · 30 · 0.9572 · – for none."""
    if value is None:
        return "–"
    return f"{Decimal(value).normalize():,f}"
