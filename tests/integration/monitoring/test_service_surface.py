"""What the service hands entry points and drills: scoring one payment, the stored alerts as a drill counts them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from cbec.config import Settings
from cbec.feeds.service import ingest
from cbec.monitoring import service as monitoring
from cbec.storage.store import Store, open_store
from cbec.synth import generate

MONTH = "2026-10"
PAYMENT = {
    "payment_id": "P-1",
    "institution_id": "BANK-ICBC-ZJ",
    "payer_id": "A",
    "payee_id": "B",
    "amount": "100.00",
    "currency": "USD",
    "initiated_at": "2026-10-12T09:30:00+08:00",
}


@pytest.fixture
def monitored(settings: Settings, tmp_path: Path) -> Iterator[Store]:
    synth = generate(out_dir=tmp_path / "synth", month=MONTH, payments=1_500, seed=11)
    store = open_store(settings)
    ingest(store=store, feed="payments", paths=[synth.files["payments"]])
    monitoring.run_month(store=store, month=MONTH, matching=False)
    yield store
    store.close()


def test_stored_alerts_are_every_alert_once_with_its_payment_count(monitored: Store) -> None:
    rows, named_twice = monitoring.stored_alerts(store=monitored)
    alerts = monitoring.list_alerts(store=monitored, limit=None)
    assert len(alerts) > 0 and named_twice == 0
    assert len({key for key, _, _ in rows}) == len(rows) == len(alerts)
    stored = sorted((count, observed) for _, count, observed in rows)
    assert stored == sorted((a.payment_count, a.observed) for a in alerts)


def test_a_scored_payment_has_no_note_an_older_or_unconvertible_one_says_why(settings: Settings) -> None:
    engine = monitoring.scoring_engine(settings=settings)
    alerts, note = monitoring.score_payment(engine=engine, row=PAYMENT, timezone=settings.timezone)
    assert (alerts, note) == ([], None)
    older = {**PAYMENT, "payment_id": "P-0", "initiated_at": "2026-10-11T09:30:00+08:00"}
    assert monitoring.score_payment(engine=engine, row=older, timezone=settings.timezone) == (
        [],
        "早于已评分的支付，未评分 / older than a payment already scored: not scored",
    )
    no_rate = {**PAYMENT, "payment_id": "P-2", "currency": "XAF", "initiated_at": "2026-10-13T09:30:00+08:00"}
    _, note = monitoring.score_payment(engine=engine, row=no_rate, timezone=settings.timezone)
    assert note == "无当日汇率，未评分 / no FX rate for its day: not scored"


def test_worker_checkpoints_are_the_streams_checkpoint_files(monitored: Store) -> None:
    folder = monitored.settings.checkpoints_dir / "jetstream" / "S1"
    folder.mkdir(parents=True)
    (folder / "partition-0.ckpt").write_bytes(b"x")
    (folder / "rejected.jsonl").write_bytes(b"")
    assert monitoring.worker_checkpoints(store=monitored, stream="S1") == [folder / "partition-0.ckpt"]
    assert monitoring.worker_checkpoints(store=monitored, stream="S2") == []
