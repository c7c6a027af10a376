"""Alerts partitioned by month on PostgreSQL, one plain table on SQLite: the same ORM code on both."""

from __future__ import annotations

import threading
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import IntegrityError

from cbec.monitoring.alerts import store as alert_store
from cbec.monitoring.engine import Alert
from cbec.monitoring.models import AlertPayment, AlertRecord
from cbec.storage.engine import make_engine, transaction
from cbec.storage.partitions import alert_partitions, ensure_alert_partitions, partition_name
from cbec.storage.store import Store

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 27, 12, 0, tzinfo=SHANGHAI)


def _alert(key: str, first_at: datetime, severity: str = "high", payments: int = 2) -> Alert:
    return Alert(
        alert_id=f"R1|payer_id={key}|{first_at.isoformat()}",
        rule_id="R1",
        rule_version=1,
        severity=severity,
        typology="structuring",
        key=(("payer_id", key),),
        observed=Decimal("50000.00"),
        threshold=Decimal("49999.99"),
        window="1d",
        first_at=first_at,
        last_at=first_at,
        payments=tuple(("PI-1", f"{key}-{n}") for n in range(payments)),
        payment_count=payments,
        explanation_zh="测试",
        explanation_en="test",
    )


def _save(store: Store, alerts: list[Alert]) -> int:
    alert_store.prepare_partitions(store.engine, alerts)
    with transaction(store.factory) as session:
        verdict = alert_store.filter_alerts(session, alerts)
        return alert_store.write_alerts(session, verdict.new, ruleset_version="t", source="batch", now=NOW)


# 2026-10-31 20:00 in Shanghai is still October there (12:00 UTC): the month is Shanghai's.
OCTOBER = datetime(2026, 10, 31, 20, 0, tzinfo=SHANGHAI)
NOVEMBER = datetime(2026, 11, 1, 0, 30, tzinfo=SHANGHAI)


def test_alerts_of_two_months_are_written_read_updated_and_deleted(store: Store) -> None:
    assert _save(store, [_alert("A", OCTOBER, "low"), _alert("B", NOVEMBER, "critical")]) == 2
    assert _save(store, [_alert("A", OCTOBER, "low")]) == 0  # the same episode again: de-duplicated

    with transaction(store.factory) as session:
        rows = alert_store.query_alerts(session)
        assert [(r.key_text, r.month, r.severity_rank) for r in rows] == [
            ("payer_id=B", "2026-11", 0),
            ("payer_id=A", "2026-10", 3),
        ]
        assert [r.key_text for r in alert_store.query_alerts(session, month="2026-10")] == ["payer_id=A"]
        october = rows[1]
        assert alert_store.alert_payments(session, [october.id]) == {october.id: [("PI-1", "A-0"), ("PI-1", "A-1")]}
        session.execute(update(AlertRecord).where(AlertRecord.id == october.id).values(status="closed"))
        assert session.get(AlertRecord, october.id) is not None

    with transaction(store.factory) as session:
        assert session.scalar(select(AlertRecord.status).where(AlertRecord.key_text == "payer_id=A")) == "closed"
        session.execute(delete(AlertRecord).where(AlertRecord.month == "2026-10"))
    with transaction(store.factory) as session:
        assert session.scalars(select(AlertRecord.month)).all() == ["2026-11"]
        # The payments of the deleted alert went with it (ON DELETE CASCADE through (alert_id, alert_month)).
        assert session.scalars(select(AlertPayment.payment_id).order_by(AlertPayment.id)).all() == [
            "B-0",
            "B-1",
        ]

    partitions = {p.name: p for p in alert_partitions(store.engine)}
    if store.engine.dialect.name == "postgresql":
        assert partitions["alerts_2026_10"].rows == 0 and partitions["alerts_2026_10"].month == "2026-10"
        assert partitions["alerts_2026_11"].rows == 1
        assert partitions["alerts_default"].rows == 0 and partitions["alerts_default"].month is None
    else:
        assert partitions == {}


@pytest.mark.parametrize("settings", ["postgresql"], indirect=True)
def test_two_months_land_in_two_partitions_on_postgresql(store: Store) -> None:
    assert store.engine.dialect.name == "postgresql"
    _save(store, [_alert("A", OCTOBER), _alert("B", NOVEMBER), _alert("C", NOVEMBER)])
    with store.engine.connect() as connection:
        placed = connection.execute(text("SELECT tableoid::regclass::text, key_text FROM alerts ORDER BY key_text"))
        assert placed.all() == [
            ("alerts_2026_10", "payer_id=A"),
            ("alerts_2026_11", "payer_id=B"),
            ("alerts_2026_11", "payer_id=C"),
        ]
        plan = "\n".join(r[0] for r in connection.execute(text("EXPLAIN SELECT * FROM alerts WHERE month = '2026-10'")))
    assert "alerts_2026_10" in plan and "alerts_2026_11" not in plan and "alerts_default" not in plan


@pytest.mark.parametrize("settings", ["postgresql"], indirect=True)
def test_a_month_without_partition_lands_in_the_default_one_and_stays_readable(store: Store) -> None:
    assert store.engine.dialect.name == "postgresql"
    march = datetime(2031, 3, 5, 9, 0, tzinfo=SHANGHAI)
    with transaction(store.factory) as session:  # written without prepare_partitions: no partition yet
        verdict = alert_store.filter_alerts(session, [_alert("D", march)])
        alert_store.write_alerts(session, verdict.new, ruleset_version="t", source="batch", now=NOW)
    assert ensure_alert_partitions(make_engine(store.settings), ["2031-03"]) == ["alerts_default"]
    with transaction(store.factory) as session:
        assert [r.key_text for r in alert_store.query_alerts(session, month="2031-03")] == ["payer_id=D"]
    assert {p.name: p.rows for p in alert_partitions(store.engine)}["alerts_default"] == 1


def test_an_alert_key_is_unique_within_its_month(store: Store) -> None:
    _save(store, [_alert("A", OCTOBER)])
    with pytest.raises(IntegrityError), transaction(store.factory) as session:
        alert_store.write_alerts(session, [_alert("A", OCTOBER)], ruleset_version="t", source="batch", now=NOW)


def test_a_malformed_month_is_refused_before_sql() -> None:
    with pytest.raises(ValueError, match="YYYY-MM"):
        partition_name("2026-13")


def test_a_second_first_writer_of_a_month_waits_and_finds_its_partition(store: Store) -> None:
    if store.engine.dialect.name != "postgresql":  # SQLite keeps one alerts table: nothing to make
        assert ensure_alert_partitions(store.engine, ["2031-01"]) == []
        return
    # A holds the creator's lock with the partition made but not committed; B asks for the same month meanwhile.
    results: list[str] = []
    with store.engine.connect() as first:
        first.begin()
        assert first.scalar(text("SELECT cbec_alert_partition('2031-01')")) == "alerts_2031_01"
        with store.engine.connect() as second:
            second.execute(text("SELECT to_regclass('alerts_2031_02')"))  # warm B's catalog cache first
            second.commit()

            def ask() -> None:
                with second.begin():
                    results.append(str(second.scalar(text("SELECT cbec_alert_partition('2031-01')"))))

            waiter = threading.Thread(target=ask)
            waiter.start()
            waiter.join(1.0)
            assert waiter.is_alive(), "B must wait for A's lock"
            first.commit()
            waiter.join(30)
    assert results == ["alerts_2031_01"]
    assert "2031-01" in {p.month for p in alert_partitions(store.engine)}
