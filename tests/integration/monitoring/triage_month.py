"""A hand-made month for triage tests: large-value days, ordinary payments, and a stand-in for a model's scores."""

from __future__ import annotations

import csv
from datetime import datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from tests.integration.monitoring.labelled import COLUMNS

from cbec.core.clock import SHANGHAI
from cbec.feeds.service import ingest, read_side
from cbec.monitoring import service
from cbec.monitoring.rules.parser import load_ruleset
from cbec.monitoring.triage.run import triage_month
from cbec.storage.store import Store

MONTH = "2026-10"


def payment(
    pid: str, institution: str, payer: str, payer_type: str, amount: str, currency: str, at: datetime
) -> dict[str, str]:
    return {
        "payment_id": pid,
        "institution_id": institution,
        "channel": "wire",
        "direction": "outbound",
        "payer_id": payer,
        "payee_id": f"X-{pid}",
        "payer_type": payer_type,
        "payee_type": "enterprise",
        "payer_country": "CN",
        "payee_country": "US",
        "enterprise_id": "",
        "order_id": "",
        "amount": amount,
        "currency": currency,
        "initiated_at": at.isoformat(),
        "confirmed_at": (at + timedelta(minutes=5)).isoformat(),
        "status": "succeeded",
    }


def _day(d: int, hour: int) -> datetime:
    return datetime(2026, 10, d, hour, tzinfo=SHANGHAI)


ROWS = [
    # Individual I1 at PI-A: CNY 150,000 + 60,000 on 9 October (a day of 210,000: one report, two payments) ...
    payment("P1", "PI-A", "I1", "individual", "150000.00", "CNY", _day(9, 10)),
    payment("P2", "PI-A", "I1", "individual", "60000.00", "CNY", _day(9, 21)),
    # ... and 150,000 on 10 October: within 24 hours of P2 (the rule's rolling window fires), but that day alone
    # stays under the line: no report for it.
    payment("P3", "PI-A", "I1", "individual", "150000.00", "CNY", _day(10, 8)),
    # Enterprise E1 at PI-B: USD 300,000 on 12 October, over USD 200,000 equivalent.
    payment("P4", "PI-B", "E1", "enterprise", "300000.00", "USD", _day(12, 11)),
] + [payment(f"Q{n}", "PI-B", f"I{100 + n}", "individual", "88.00", "CNY", _day(3 + n % 20, 12)) for n in range(40)]


def load_rows(store: Store, tmp_path: Path, rows: list[dict[str, str]] = ROWS, name: str = "payments") -> Store:
    """Load payment rows (the hand-made month by default) through the payments feed."""
    path = tmp_path / f"{name}.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    (report,) = ingest(store=store, feed="payments", paths=[path])
    assert (report.accepted, report.quarantined) == (len(rows), 0)
    return store


def triage_with_model(store: Store, tmp_path: Path, high: dict[str, float]) -> None:
    """Triage the month as if a model had scored it: `high` payments at their score, the rest at 0.01."""
    ids = [r["payment_id"] for r in ROWS]
    institutions = [r["institution_id"] for r in ROWS]
    scores = [high.get(p, 0.01) for p in ids]
    path = tmp_path / "scores.parquet"
    pq.write_table(
        pa.table({"institution_id": institutions, "payment_id": ids, "score": scores, "threshold": [0.5] * len(ids)}),
        path,
    )
    config = tmp_path / "weights.yaml"
    shipped = (Path(service.__file__).parent / "triage" / "weights.yaml").read_text(encoding="utf-8")
    config.write_text(shipped, encoding="utf-8")
    con = read_side(store=store)
    try:
        triage_month(
            store=store,
            con=con,
            month=MONTH,
            ruleset=load_ruleset(),
            fx=service._fx(store),
            model_scores=path,
            now=datetime(2026, 11, 1, tzinfo=SHANGHAI),
            config_path=config,
        )
    finally:
        con.close()
