"""Keyset pages of the alert queue and the counts rollup behind its total, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from cbec.monitoring.alerts import store as alert_store
from cbec.monitoring.alerts.overview import available_months
from cbec.monitoring.alerts.pages import KEYSET_SORTS, encode_cursor
from cbec.monitoring.alerts.store import AlertFilters
from cbec.monitoring.engine import Alert
from cbec.monitoring.models import AlertCount, AlertRecord
from cbec.storage.engine import transaction
from cbec.storage.store import Store

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 27, 12, 0, tzinfo=SHANGHAI)
SEVERITIES = ("low", "critical", "medium", "high", "low")


def _alerts() -> list[Alert]:
    """37 alerts over two months, four severities, three rules and two institutions; some share first_at."""
    found = []
    for n in range(37):
        first_at = datetime(2026, 10, 20, 9, tzinfo=SHANGHAI) + timedelta(days=(n % 13), hours=n % 3)
        institution = f"PI-{n % 2}"
        found.append(
            Alert(
                alert_id=f"R{n % 3}|payer_id=AC{n}|{first_at.isoformat()}",
                rule_id=f"R{n % 3}",
                rule_version=1,
                severity=SEVERITIES[n % 5],
                typology="structuring",
                key=(("payer_id", f"AC{n}"),),
                observed=Decimal("50000.00"),
                threshold=Decimal("49999.99"),
                window="1d",
                first_at=first_at,
                last_at=first_at,
                payments=((institution, f"P{n}"),),
                payment_count=1,
                explanation_zh="测试",
                explanation_en="test",
            )
        )
    return found


def _write(store: Store) -> Store:
    alerts = _alerts()
    alert_store.prepare_partitions(store.engine, alerts)
    with transaction(store.factory) as session:
        assert alert_store.write_alerts(session, alerts, ruleset_version="t", source="batch", now=NOW) == 37
    return store


@pytest.fixture
def filled(store: Store) -> Store:
    return _write(store)


def test_the_months_that_have_alerts_are_read_from_the_rollup_newest_first(store: Store) -> None:
    assert available_months(store=store) == []
    _write(store)
    with store.factory() as session:
        months = sorted(session.scalars(select(AlertRecord.month).distinct()), reverse=True)
    assert months == ["2026-11", "2026-10"]
    assert available_months(store=store) == months


@pytest.mark.parametrize("sort", sorted(KEYSET_SORTS))
def test_keyset_pages_walk_the_queue_in_the_offset_order(filled: Store, sort: str) -> None:
    with transaction(filled.factory) as session:
        everything = [r.id for r in alert_store.query_alerts(session, limit=None, sort=sort)]
        walked: list[int] = []
        page = alert_store.query_alerts(session, limit=5, sort=sort)
        while page:
            walked += [r.id for r in page]
            page = alert_store.query_alerts(session, limit=5, sort=sort, after=encode_cursor(sort, page[-1]))
        by_offset = [
            r.id
            for start in range(0, 40, 5)
            for r in alert_store.query_alerts(session, limit=5, offset=start, sort=sort)
        ]
    assert len(everything) == 37 and walked == everything == by_offset


def test_a_keyset_page_keeps_its_filters(filled: Store) -> None:
    with transaction(filled.factory) as session:
        first = alert_store.query_alerts(session, limit=3, institution_id="PI-1", month="2026-10")
        rest = alert_store.query_alerts(
            session, limit=None, institution_id="PI-1", month="2026-10", after=encode_cursor("severity", first[-1])
        )
        whole = alert_store.query_alerts(session, limit=None, institution_id="PI-1", month="2026-10")
    assert [r.id for r in first + rest] == [r.id for r in whole]
    assert {r.institution_id for r in whole} == {"PI-1"} and {r.month for r in whole} == {"2026-10"}


def test_a_cursor_of_another_sort_a_broken_one_or_one_with_an_offset_is_refused(filled: Store) -> None:
    with transaction(filled.factory) as session:
        row = alert_store.query_alerts(session, limit=1)[0]
        for bad in (encode_cursor("-first_at", row), "not-a-cursor", "WyJzZXZlcml0eSIsMCwieCIsMV0"):
            with pytest.raises(ValueError, match="cursor"):
                alert_store.query_alerts(session, limit=5, after=bad)
        with pytest.raises(ValueError, match="offset"):
            alert_store.query_alerts(session, limit=5, offset=5, after=encode_cursor("severity", row))
    with pytest.raises(ValueError, match="offset only"):
        encode_cursor("institution_id", row)


def test_the_rollup_counts_what_the_alerts_hold_for_every_filter(filled: Store) -> None:
    filters: list[dict[str, str]] = [
        {},
        {"month": "2026-10"},
        {"month": "2026-11"},
        {"institution_id": "PI-0"},
        {"severity": "low", "rule_id": "R1"},
        {"month": "2026-10", "institution_id": "PI-1", "severity": "critical"},
    ]
    with transaction(filled.factory) as session:
        for given in filters:
            assert alert_store.count_alerts(session, **given) == len(
                alert_store.query_alerts(session, limit=None, **given)
            ), given
        assert alert_store.count_alerts(session) == 37
        assert alert_store.count_alerts(session, month="2026-11") == session.scalar(
            select(func.count(AlertRecord.id)).where(AlertRecord.month == "2026-11")
        )
        # key_contains has no rollup column: counted over the alerts themselves
        assert alert_store.count_alerts(session, key_contains="payer_id=AC3") == 8  # AC3, AC30..AC36


def test_writing_the_same_episodes_again_counts_nothing_twice(filled: Store) -> None:
    alerts = _alerts()
    with transaction(filled.factory) as session:
        verdict = alert_store.filter_alerts(session, alerts)
        assert verdict.new == [] and verdict.duplicate == 37
        alert_store.write_alerts(session, verdict.new, ruleset_version="t", source="batch", now=NOW)
    with transaction(filled.factory) as session:
        assert session.scalar(select(func.sum(AlertCount.alerts))) == 37
        assert alert_store.count_alerts(session) == 37


@pytest.mark.parametrize(
    "given",
    [{}, {"month": "2026-10"}, {"institution_id": "PI-1", "severity": "low"}, {"key_contains": "payer_id=AC3"}],
    ids=["all", "month", "institution-severity", "key-contains"],
)
def test_a_list_page_and_its_total_read_in_one_go_match_the_queue(filled: Store, given: AlertFilters) -> None:
    columns = ("id", "rule_id", "severity", "first_at")
    with transaction(filled.factory) as session:
        whole = alert_store.query_alerts(session, limit=None, **given)
        counted = alert_store.count_alerts(session, **given)
    assert counted == len(whole) > 0
    with filled.reading() as session:
        first, total = alert_store.query_page(session, columns, limit=3, **given)
        cursor = encode_cursor("severity", first[-1])
        rest, rest_total = alert_store.query_page(session, columns, limit=100, after=cursor, **given)
        past, past_total = alert_store.query_page(session, columns, limit=5, offset=100, **given)
    assert total == rest_total == past_total == counted
    assert [row.id for row in first + rest] == [r.id for r in whole]
    assert [tuple(row)[: len(columns)] for row in first] == [
        (r.id, r.rule_id, r.severity, r.first_at) for r in whole[:3]
    ]
    assert past == []
