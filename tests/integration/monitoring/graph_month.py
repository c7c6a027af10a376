"""A hand-written month of payments with one laundering cycle through a high-risk jurisdiction."""

from __future__ import annotations

import csv
from pathlib import Path

COLUMNS = (
    "payment_id",
    "institution_id",
    "channel",
    "direction",
    "payer_id",
    "payee_id",
    "payer_type",
    "payee_type",
    "payer_country",
    "payee_country",
    "enterprise_id",
    "order_id",
    "amount",
    "currency",
    "initiated_at",
    "confirmed_at",
    "status",
)
# A → B → C → A within three days, through two institutions; C sits in a high-risk jurisdiction (IR).
CYCLE = [
    ("GP-1", "PI-BANK-A", "ACC-A", "ACC-B", "CN", "CN", "10000.00", "2026-10-05T10:00:00+08:00"),
    ("GP-2", "PI-BANK-B", "ACC-B", "ACC-C", "CN", "IR", "9800.00", "2026-10-06T09:30:00+08:00"),
    ("GP-3", "PI-BANK-B", "ACC-C", "ACC-A", "IR", "CN", "9500.00", "2026-10-07T15:45:00+08:00"),
]
# Ordinary repeated traffic that forms no pattern.
ORDINARY = [
    (f"GP-{10 + n}", "PI-BANK-A", "ACC-X", "ACC-Y", "CN", "CN", "300.00", f"2026-10-{10 + n}T12:00:00+08:00")
    for n in range(3)
]


def write_month(path: Path) -> Path:
    """Write the month's payments as a feed CSV and return its path."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        for pid, inst, payer, payee, payer_c, payee_c, amount, at in CYCLE + ORDINARY:
            writer.writerow(
                {
                    "payment_id": pid,
                    "institution_id": inst,
                    "channel": "wire",
                    "direction": "domestic" if payer_c == payee_c else ("outbound" if payer_c == "CN" else "inbound"),
                    "payer_id": payer,
                    "payee_id": payee,
                    "payer_type": "individual",
                    "payee_type": "individual",
                    "payer_country": payer_c,
                    "payee_country": payee_c,
                    "enterprise_id": "",
                    "order_id": "",
                    "amount": amount,
                    "currency": "CNY",
                    "initiated_at": at,
                    "confirmed_at": at,
                    "status": "succeeded",
                }
            )
    return path
