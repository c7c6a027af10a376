"""Alerts reach one queue through the filter step: repeats change nothing, snoozes hold back, exports list payments."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import delete, select

from cbec.core.money import load_fx_table
from cbec.feeds.service import ingest, read_side
from cbec.monitoring import service
from cbec.monitoring.batch.driver import run_batch
from cbec.monitoring.models import AlertPayment, AlertRecord
from cbec.monitoring.rules.parser import load_ruleset
from cbec.storage.store import Store
from cbec.synth import SynthResult, generate

MONTH = "2026-10"


@pytest.fixture(scope="module")
def synth_month(tmp_path_factory: pytest.TempPathFactory) -> SynthResult:
    """A 5,000-payment synthetic month with its documents."""
    return generate(out_dir=tmp_path_factory.mktemp("synth"), month=MONTH, payments=5_000, seed=3)


@pytest.fixture
def loaded(store: Store, synth_month: SynthResult) -> Iterator[Store]:
    """The store with the month's payments, orders, waybills and declarations loaded."""
    for feed in ("payments", "orders", "waybills", "declarations"):
        ingest(store=store, feed=feed, paths=[synth_month.files[feed]])
    yield store


def test_a_month_run_stores_alerts_once_and_a_rerun_only_repeats(loaded: Store) -> None:
    first = service.run_month(store=loaded, month=MONTH)
    assert first.payments == 5_000 and first.detected == first.new > 0
    assert {r for r in first.by_rule if r.startswith("DOC-")}, first.by_rule
    assert first.match_rate is not None and 0.9 < first.match_rate < 1.0
    stored = service.list_alerts(store=loaded, limit=None, month=MONTH)
    assert len(stored) == first.new
    assert sum(first.by_rule.values()) == first.detected

    again = service.run_month(store=loaded, month=MONTH)
    assert (again.new, again.duplicate) == (0, first.detected)
    assert len(service.list_alerts(store=loaded, limit=None, month=MONTH)) == first.new


def test_every_alert_explains_itself_and_names_its_payments(loaded: Store) -> None:
    service.run_month(store=loaded, month=MONTH, matching=False)
    alerts = service.list_alerts(store=loaded, limit=None)
    assert alerts and all(a.rule_id.startswith("CN-") for a in alerts)
    shown = service.get_alert(store=loaded, alert_id=alerts[0].id)
    assert shown is not None
    assert len(shown.payments) == min(shown.payment_count, 50)
    assert shown.key_text in shown.explanation_en and shown.key_text in shown.explanation_zh
    assert "依据" in shown.explanation_zh and "source" in shown.explanation_en
    assert shown.rule_version >= 1 and shown.ruleset_version.startswith("china_payments@")


def test_a_snoozed_rule_and_key_is_held_back(loaded: Store) -> None:
    service.run_month(store=loaded, month=MONTH, matching=False)
    target = service.list_alerts(store=loaded, limit=1)[0]
    with loaded.factory() as session:  # forget its episodes, as if they had never been detected
        same = select(AlertRecord.id).where(
            AlertRecord.rule_id == target.rule_id, AlertRecord.key_text == target.key_text
        )
        session.execute(delete(AlertPayment).where(AlertPayment.alert_id.in_(same)))
        session.execute(delete(AlertRecord).where(AlertRecord.id.in_(same.scalar_subquery())))
        session.commit()
    until = datetime(2027, 1, 1, tzinfo=ZoneInfo("Asia/Shanghai"))
    service.snooze(
        store=loaded, rule_id=target.rule_id, key=target.key_text, until=until, reason="known exporter", by="analyst-1"
    )
    summary = service.run_month(store=loaded, month=MONTH, matching=False)
    assert summary.snoozed >= 1 and summary.new == 0
    keys = {(a.rule_id, a.key_text) for a in service.list_alerts(store=loaded, limit=None)}
    assert (target.rule_id, target.key_text) not in keys


def test_export_has_one_row_per_alerted_payment(loaded: Store) -> None:
    service.run_month(store=loaded, month=MONTH)
    rows = service.export_alerts(store=loaded, month=MONTH)
    keys = [(r["institution_id"], r["payment_id"]) for r in rows]
    assert len(keys) == len(set(keys)) > 0
    alerts = service.list_alerts(store=loaded, limit=None, month=MONTH)
    named = {
        (p.institution_id, p.payment_id)
        for a in alerts
        for p in service.get_alert(store=loaded, alert_id=a.id).payments  # type: ignore[union-attr]
    }
    assert set(keys) == named
    assert all(r["severity"] in ("low", "medium", "high", "critical") and r["rule_ids"] for r in rows)


def test_a_stream_cut_in_two_with_a_checkpoint_stores_what_one_run_stores(
    store: Store, synth_month: SynthResult, tmp_path: Path
) -> None:
    with synth_month.files["payments"].open(encoding="utf-8") as handle:
        rows = sorted(csv.DictReader(handle), key=lambda r: (r["initiated_at"], r["institution_id"], r["payment_id"]))
    numbered = list(enumerate(rows, start=2))
    checkpoint = tmp_path / "stream.ckpt"
    half = len(numbered) // 2
    service.stream(store=store, rows=numbered[:half], checkpoint=checkpoint, batch_size=250)
    second, problems = service.stream(store=store, rows=numbered, checkpoint=checkpoint, batch_size=250)
    assert problems == [] and second.skipped_rows >= half
    cut = {(a.rule_id, a.key_text, a.payment_count) for a in service.list_alerts(store=store, limit=None)}

    ingest(store=store, feed="payments", paths=[synth_month.files["payments"]])
    con = read_side(store=store)
    batch = run_batch(con, ruleset=load_ruleset(), fx=load_fx_table(), month=None)
    assert cut == {(a.rule_id, ", ".join(f"{k}={v}" for k, v in a.key), a.payment_count) for a in batch}
