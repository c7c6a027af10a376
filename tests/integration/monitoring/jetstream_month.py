"""Helpers of the JetStream tests: a sorted synthetic month, unique streams, the reference alerts, stored alerts."""

from __future__ import annotations

import asyncio
import csv
import uuid
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import nats
import pytest
from sqlalchemy import select

from cbec.core.money import load_fx_table
from cbec.monitoring.engine import Payment, micros
from cbec.monitoring.models import AlertRecord
from cbec.monitoring.rules.parser import load_ruleset
from cbec.monitoring.streaming.driver import StreamingEngine
from cbec.monitoring.streaming.rows import payment_from_text
from cbec.storage.store import Store
from cbec.synth import generate

NATS_URL = "nats://127.0.0.1:4222"
MONTH = "2026-03"
AlertState = dict[str, tuple[int, Decimal]]  # alert key -> (payments counted, observed value)


def sorted_month(root: Path, payments: int) -> tuple[Path, list[Payment]]:
    """Generate a month; return its payments in the contract's order and a CSV file of them in that order."""
    synth = generate(out_dir=root / "synth", month=MONTH, payments=payments, seed=11)
    with synth.files["payments"].open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    pairs = [(payment_from_text(row, "Asia/Shanghai"), row) for row in rows]
    pairs.sort(key=lambda pair: (micros(pair[0].initiated_at), pair[0].institution_id, pair[0].payment_id))
    path = root / "payments_sorted.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(row for _, row in pairs)
    return path, [payment for payment, _ in pairs]


def reference_alerts(payments: list[Payment]) -> AlertState:
    """Return the latest state of every alert the single-process streaming driver raises."""
    engine = StreamingEngine(load_ruleset(), load_fx_table())
    latest = {a.alert_id: a for a in engine.process_many(payments, drain=True)}
    return {key: (a.payment_count, a.observed) for key, a in latest.items()}


def stored_alerts(store: Store) -> AlertState:
    """Return every stored alert's key, payment count and observed value."""
    with store.factory() as session:
        rows = session.execute(select(AlertRecord.alert_key, AlertRecord.payment_count, AlertRecord.observed))
        return {key: (count, Decimal(observed)) for key, count, observed in rows}


async def _delete_stream(name: str) -> None:
    connection = await nats.connect(NATS_URL)
    try:
        await connection.jetstream().delete_stream(name)
    except nats.js.errors.NotFoundError:
        pass
    finally:
        await connection.close()


@pytest.fixture
def stream_name() -> Iterator[tuple[str, str]]:
    """A stream name and subject prefix of this test only; the stream is deleted afterwards."""
    tag = uuid.uuid4().hex[:10]
    name, prefix = f"T_{tag.upper()}", f"t{tag}.pay"
    yield name, prefix
    asyncio.run(_delete_stream(name))
