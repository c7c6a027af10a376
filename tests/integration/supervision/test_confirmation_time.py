"""Confirmation time from pacs.008/pacs.002 pairs, falling back to confirmed_at, with each figure's source."""

from __future__ import annotations

import statistics
from pathlib import Path

from cbec.feeds.service import ingest, load_payment_status
from cbec.storage.store import Store
from cbec.supervision.schemas import SettlementRead
from cbec.supervision.service import settlement_kpi
from cbec.synth.service import write_pairs

FILES = Path(__file__).resolve().parents[2] / "files"


def total(store: Store, institution: str) -> SettlementRead:
    return next(
        r for r in settlement_kpi(store=store, month="2026-10") if r.institution_id == institution and r.channel is None
    )


def test_a_payment_is_timed_from_its_pacs008_to_the_pacs002_that_settles_it(store: Store) -> None:
    ingest(store=store, feed="payments", paths=[FILES / "pacs008" / "two-payments.xml"])
    before = total(store, "BANK-ICBC-ZJ")
    assert (before.source, before.from_messages, before.confirmed, before.median_hours) == ("confirmed_at", 0, 0, None)
    counts = load_payment_status(store=store, path=FILES / "pacs002" / "settles-two-payments.xml")
    assert (counts["read"], counts["stored"], counts["settled"], counts["quarantined"]) == (2, 2, 1, 0)
    after = total(store, "BANK-ICBC-ZJ")
    assert (after.source, after.from_messages, after.self_reported, after.confirmed) == ("pacs.002", 1, 0, 1)
    assert after.median_hours == 22.0  # pacs.008 created 09 Oct 10:00, settled (ACSC) 10 Oct 08:00
    assert after.share_within_target == 1.0 / after.payments
    again = load_payment_status(store=store, path=FILES / "pacs002" / "settles-two-payments.xml")
    assert (again["stored"], again["already_loaded"]) == (0, 2)
    assert total(store, "BANK-ICBC-ZJ") == after


def test_statuses_that_cannot_be_used_are_kept_but_prove_nothing(store: Store) -> None:
    ingest(store=store, feed="payments", paths=[FILES / "pacs008" / "two-payments.xml"])
    counts = load_payment_status(store=store, path=FILES / "pacs002" / "broken-statuses.xml")
    assert (counts["read"], counts["stored"], counts["quarantined"], counts["settled"]) == (4, 1, 3, 1)
    settled = total(store, "BANK-ICBC-ZJ")
    assert settled.from_messages == 1  # ACCC at the report's creation, 11 Oct 12:00, from the payment's 09:30
    assert settled.median_hours == 50.5


def test_synthetic_pairs_give_the_messages_figures_and_the_gap_to_the_self_reported_one(
    store: Store, tmp_path: Path
) -> None:
    pairs = write_pairs(tmp_path / "iso", messages=3, per_message=20, seed=7)
    ingest(store=store, feed="payments", paths=pairs.pacs008)
    for path in pairs.pacs002:
        load_payment_status(store=store, path=path)
    kpi = total(store, "BANK-ICBC-ZJ")
    timed = {tx: true if true is not None else pairs.claimed_hours[tx] for tx, true in pairs.true_hours.items()}
    settled = sum(1 for h in pairs.true_hours.values() if h is not None)
    assert (kpi.payments, kpi.from_messages, kpi.self_reported) == (60, settled, 60 - settled)
    assert kpi.source == "mixed"
    assert abs(kpi.median_hours - statistics.median(timed.values())) < 0.01
    assert abs(kpi.self_reported_median_hours - statistics.median(pairs.claimed_hours.values())) < 0.01
    assert kpi.median_difference_hours > 0  # the institution's own confirmed_at is kinder than its messages
    assert kpi.share_within_target == sum(h < 24 for h in timed.values()) / 60
