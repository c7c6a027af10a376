"""A small labelled payments set: shoppers paying merchants, friends paying friends, and mule chains.

Each mule chain passes money through four fresh individual accounts within hours (each hop keeps about
97 %): the laundering payments. Everything is deterministic for a seed.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from cbec.core.clock import SHANGHAI

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


def _row(n: int, payer: str, payee: str, amount: float, at: datetime) -> dict[str, str]:
    kinds = {"I": "individual", "L": "individual", "M": "enterprise"}
    return {
        "payment_id": f"P{n:06d}",
        "institution_id": "PI-TEST",
        "channel": "third_party",
        "direction": "domestic",
        "payer_id": payer,
        "payee_id": payee,
        "payer_type": kinds[payer[0]],
        "payee_type": kinds[payee[0]],
        "payer_country": "CN",
        "payee_country": "CN",
        "enterprise_id": "",
        "order_id": "",
        "amount": f"{amount:.2f}",
        "currency": "CNY",
        "initiated_at": at.isoformat(),
        "confirmed_at": (at + timedelta(minutes=5)).isoformat(),
        "status": "succeeded",
    }


def labelled_month(
    folder: Path, *, seed: int = 1, chains: int = 12, month_start: datetime | None = None
) -> tuple[Path, Path, list[str]]:
    """Write payments.parquet and labels.parquet for one month; return their paths and the laundering ids."""
    rng = random.Random(seed)
    start = month_start or datetime(2026, 7, 1, tzinfo=SHANGHAI)
    rows: list[dict[str, str]] = []
    laundering: list[tuple[str, str]] = []

    def at(day: float) -> datetime:
        return start + timedelta(seconds=int(day * 86_400))

    for shopper in range(150):
        for _ in range(15):
            merchant = f"M{rng.randrange(10)}"
            rows.append(_row(len(rows), f"I{shopper}", merchant, rng.lognormvariate(6, 0.8), at(rng.uniform(0, 30))))
    for _ in range(100):
        a = rng.randrange(150)
        rows.append(
            _row(
                len(rows), f"I{a}", f"I{(a + 1 + rng.randrange(5)) % 150}", rng.uniform(50, 900), at(rng.uniform(0, 30))
            )
        )
    for chain in range(chains):
        day, amount = rng.uniform(1, 28), rng.uniform(800, 3000)
        for hop in range(3):
            rows.append(_row(len(rows), f"L{chain}-{hop}", f"L{chain}-{hop + 1}", amount, at(day)))
            laundering.append((rows[-1]["payment_id"], "stack" if chain % 2 else "fan_out"))
            day, amount = day + rng.uniform(0.01, 0.2), amount * rng.uniform(0.95, 0.99)
    folder.mkdir(parents=True, exist_ok=True)
    payments, labels = folder / "payments.parquet", folder / "labels.parquet"
    pq.write_table(pa.table({c: [r[c] for r in rows] for c in COLUMNS}), payments)
    pattern = dict(laundering)
    pq.write_table(
        pa.table(
            {
                "payment_id": [r["payment_id"] for r in rows],
                "is_laundering": [int(r["payment_id"] in pattern) for r in rows],
                "pattern": [pattern.get(r["payment_id"], "") for r in rows],
            }
        ),
        labels,
    )
    return payments, labels, [p for p, _ in laundering]
