"""The feedback loop's cost, printed (issue 19 part 4): a shadow run and the precision table over a large month.

Usage: python bench/feedback.py [--payments 1000000] [--items 3000] [--home DIR] [--database-url URL]
A month's kept triage evidence of --payments scored payments (random signals, the shape triage/run.py writes),
--items review items of which half are dispositioned, and three rules' alerts naming a third of the items each.
Prints the seconds of `shadow_month` (candidate: the shipped weights with another threshold) and of
`rule_precision`, with the figures they report.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import yaml
from sqlalchemy import update

from cbec.config import Settings
from cbec.core.clock import SHANGHAI
from cbec.monitoring import service
from cbec.monitoring.alerts.filter import save_alerts
from cbec.monitoring.engine import Alert
from cbec.monitoring.schemas import RunSummary
from cbec.monitoring.triage.assignment import load_assignment
from cbec.monitoring.triage.config import SHIPPED_WEIGHTS
from cbec.monitoring.triage.domain import SIGNALS, NewItem
from cbec.monitoring.triage.models import ReviewItem
from cbec.monitoring.triage.shadow import evidence_path
from cbec.monitoring.triage.store import save_items
from cbec.storage.engine import transaction
from cbec.storage.store import Store, open_store

MONTH = "2026-10"
NOW = datetime(2026, 11, 2, tzinfo=UTC)


def _evidence(store: Store, payments: int, rng: np.random.Generator) -> list[str]:
    ids = [f"P{n:08d}" for n in range(payments)]
    columns: dict[str, pa.Array] = {
        "institution_id": pa.array(["PI-1"] * payments),
        "payment_id": pa.array(ids),
        "payer_id": pa.array([f"A{n % (payments // 4 + 1)}" for n in range(payments)]),
        "score": pa.array(rng.random(payments)),
    }
    margin = np.clip(rng.normal(-6.0, 2.0, payments), -8, 8)
    for name in SIGNALS:
        values = margin if name == "model_margin" else (rng.random(payments) < 0.02).astype(np.float64)
        columns[name] = pa.array(values)
    columns["config"] = pa.array(["bench/with_model"] * payments)
    path = evidence_path(store.lake.root, MONTH)
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.table(columns), path)
    order = np.argsort(-margin)
    return [ids[int(i)] for i in order]


def _alert(rule_id: str, payments: list[str]) -> Alert:
    at = datetime(2026, 10, 15, tzinfo=SHANGHAI)
    return Alert(
        alert_id=f"{rule_id}:{MONTH}",
        rule_id=rule_id,
        rule_version=1,
        severity="high",
        typology="bench",
        key=(("institution_id", "PI-1"),),
        observed=Decimal(len(payments)),
        threshold=Decimal(1),
        window="P30D",
        first_at=at,
        last_at=at,
        payments=tuple(("PI-1", p) for p in payments),
        payment_count=len(payments),
        explanation_zh="基准",
        explanation_en="bench",
    )


def _world(store: Store, payments: int, items: int) -> None:
    rng = np.random.default_rng(1)
    ranked = _evidence(store, payments, rng)[:items]
    new = [NewItem(MONTH, "PI-1", p, None, 0.9, 0.9, "medium", "bench/with_model", [], "基准", "bench") for p in ranked]
    with transaction(store.factory) as session:
        save_items(session, new, now=NOW, calendar=store.calendar(), assignment=load_assignment())
    judged = ranked[: items // 2]
    truth = {p: "true_positive" if rng.random() < 0.6 else "false_positive" for p in judged}
    with transaction(store.factory) as session:
        for disposition in ("true_positive", "false_positive"):
            chosen = [p for p, d in truth.items() if d == disposition]
            query = update(ReviewItem).where(ReviewItem.payment_id.in_(chosen))
            session.execute(query.values(state="closed", disposition=disposition))
    alerts = [_alert(f"R-{k}", ranked[k::3]) for k in range(3)]
    save_alerts(store, alerts, RunSummary(month=MONTH, ruleset="bench"), "batch")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--payments", type=int, default=1_000_000)
    parser.add_argument("--items", type=int, default=3_000)
    parser.add_argument("--home", type=Path, default=None)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    home = args.home or Path(tempfile.mkdtemp(prefix="cbec-feedback-"))
    store = open_store(Settings(home=home, database_url=args.database_url))
    started = time.perf_counter()
    _world(store, args.payments, args.items)
    print(f"world: {args.payments:,} scored payments, {args.items:,} items in {time.perf_counter() - started:.1f} s")
    config = yaml.safe_load(SHIPPED_WEIGHTS.read_text(encoding="utf-8"))
    config["version"], config["profiles"]["with_model"]["threshold"] = "bench-candidate", 0.4
    candidate = home / "candidate.yaml"
    candidate.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    for _ in range(3):
        started = time.perf_counter()
        found = service.shadow_month(store=store, month=MONTH, weights=candidate)
        shadow_s = time.perf_counter() - started
        started = time.perf_counter()
        rows = service.rule_precision(store=store, month=MONTH)
        precision_s = time.perf_counter() - started
        print(
            f"shadow {shadow_s:.2f} s (live {found['live']['items']:,}, candidate {found['candidate']['items']:,}, "
            f"added {found['added']:,}, removed {found['removed']:,}) · precision {precision_s:.3f} s "
            f"({len(rows)} rows; queue {rows[0]['true_positives']:,}/{rows[0]['dispositioned']:,})"
        )
    store.close()


if __name__ == "__main__":
    main()
