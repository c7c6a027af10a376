"""Payments from feed rows of text (CSV or JSON Lines), as the streaming entry points receive them."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from cbec.core.clock import parse_timestamp
from cbec.monitoring.engine import Payment


def payment_from_text(row: Mapping[str, Any], timezone: str) -> Payment:
    """Build a payment from a feed row of strings (CSV or JSON Lines), refusing what the contract refuses."""
    values = {k: (v if v not in ("", None) else None) for k, v in row.items()}
    for required in ("institution_id", "payment_id", "amount", "currency", "initiated_at"):
        if values.get(required) is None:
            raise ValueError(f"required column {required} is empty")
    try:
        amount = Decimal(str(values["amount"]))
    except InvalidOperation:
        raise ValueError(f"amount {values['amount']!r} is not a decimal") from None
    values["amount"] = amount
    values["initiated_at"] = parse_timestamp(str(values["initiated_at"]), ZoneInfo(timezone))
    return Payment.from_row(values)
