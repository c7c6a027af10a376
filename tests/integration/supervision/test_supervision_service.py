"""Ratings trace to their rows, notices follow their lifecycle in the store, incidents meet their deadlines."""

from __future__ import annotations

import statistics
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from cbec.core.clock import SHANGHAI
from cbec.core.workflow import TransitionError
from cbec.feeds.service import ingest, read_side
from cbec.monitoring import service as monitoring
from cbec.monitoring.models import MatchRateRecord
from cbec.storage.store import Store
from cbec.supervision import service
from cbec.supervision.config import shipped_config
from cbec.synth import SynthResult, generate

MONTH = "2026-10"
FEEDS = ("payments", "orders", "waybills", "declarations", "security_incidents", "complaints")
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=SHANGHAI)


@pytest.fixture(scope="module")
def synth_month(tmp_path_factory: pytest.TempPathFactory) -> SynthResult:
    """A 5,000-payment synthetic month with every feed."""
    return generate(out_dir=tmp_path_factory.mktemp("synth"), month=MONTH, payments=5_000, seed=4)


@pytest.fixture
def monitored(store: Store, synth_month: SynthResult) -> Iterator[Store]:
    """The store with the month's feeds loaded and monitored."""
    for feed in FEEDS:
        ingest(store=store, feed=feed, paths=[synth_month.files[feed]])
    monitoring.run_month(store=store, month=MONTH)
    yield store


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def test_every_institution_is_rated_and_each_score_traces_to_its_rows(monitored: Store) -> None:
    ratings = service.rate_month(store=monitored, month=MONTH, now=NOW)
    con = read_side(store=monitored)
    per_institution = dict(
        con.execute(f"SELECT institution_id, count(*) FROM payments WHERE month = '{MONTH}' GROUP BY 1").fetchall()
    )
    con.close()
    assert {r.institution_id for r in ratings} >= set(per_institution)
    alerts = monitoring.alert_summary(store=monitored, month=MONTH)
    rates = {
        r["institution_id"]: r for r in monitoring.match_rate_table(store=monitored, month=MONTH, by="institution_id")
    }
    weights = shipped_config().rating.severity_weights
    for rating in ratings:
        modules = {m.module: m for m in rating.modules}
        assert rating.total == sum((m.score * m.weight for m in rating.modules), Decimal(0)).quantize(Decimal("0.1"))
        aml = modules["aml"].evidence
        mine = [a for a in alerts if a["institution_id"] == rating.institution_id]
        assert aml["payments"] == per_institution.get(rating.institution_id, 0)
        assert aml["weighted_alerts"] == sum(weights[a["severity"]] * a["alerts"] for a in mine)
        assert modules["documents"].evidence["matched"] == rates.get(rating.institution_id, {}).get("matched", 0)
        quality = modules["data_quality"].evidence
        if rating.institution_id in per_institution:
            # the month was loaded today, long after it closed: an archive replay, not judged late
            assert quality["reported"] == quality["unjudged_replayed"] == per_institution[rating.institution_id]
            assert quality["late"] == 0
    again = service.rate_month(store=monitored, month=MONTH, now=NOW)
    assert [(r.institution_id, r.total, r.grade) for r in again] == [
        (r.institution_id, r.total, r.grade) for r in ratings
    ]


def test_a_rating_takes_the_match_counts_the_monitoring_run_kept_instead_of_matching_again(monitored: Store) -> None:
    with monitored.factory() as session:  # what only the kept counts can say: matching again would undo it
        kept = session.scalars(
            select(MatchRateRecord).where(MatchRateRecord.month == MONTH, MatchRateRecord.by == "institution_id")
        ).all()
        record = max(kept, key=lambda r: (r.payments, r.key))
        assert record.payments > 0 and record.matched > 0
        record.matched, institution, checked = 0, record.key, record.payments
        session.commit()
    rating = next(
        r for r in service.rate_month(store=monitored, month=MONTH, now=NOW) if r.institution_id == institution
    )
    documents = next(m for m in rating.modules if m.module == "documents")
    assert documents.evidence == {"checked": checked, "matched": 0}
    assert documents.score == 0


def test_risky_institutions_are_warned_once_per_month(monitored: Store) -> None:
    ratings = service.rate_month(store=monitored, month=MONTH, now=NOW)
    risky = {r.institution_id for r in ratings if r.grade in shipped_config().rating.warn_classes}
    warned = service.warn_risky(store=monitored, month=MONTH, actor="analyst", now=NOW)
    assert {n.institution_id for n in warned} == risky
    assert all(n.kind == "warning" and n.state == "issued" and n.due_at is not None for n in warned)
    assert service.warn_risky(store=monitored, month=MONTH, actor="analyst", now=NOW) == []


def test_incidents_are_judged_against_48_hours_and_7_working_days(monitored: Store) -> None:
    found = service.incidents(store=monitored, month=MONTH, now=NOW)
    con = read_side(store=monitored)
    (reported,) = con.execute(f"SELECT count(*) FROM security_incidents WHERE month = '{MONTH}'").fetchone() or (0,)
    con.close()
    assert len(found) == reported > 0
    for incident in found:
        assert (incident.response_due - incident.reported_at).total_seconds() == 48 * 3600
        assert incident.fix_due.astimezone(SHANGHAI).time() == datetime.max.time()  # end of a working day
        if incident.responded_at is not None:
            late = (incident.responded_at - incident.reported_at).total_seconds() > 48 * 3600
            assert incident.response_breached is late
    # the synthetic month answers some incidents after 48 hours and most within
    assert any(i.response_breached for i in found) and any(i.response_breached is False for i in found)


def test_settlement_kpi_matches_the_rows_it_summarises(monitored: Store) -> None:
    kpi = service.settlement_kpi(store=monitored, month=MONTH)
    whole = [k for k in kpi if k.channel is None]
    con = read_side(store=monitored)
    first = whole[0]
    hours = [
        r[0]
        for r in con.execute(
            "SELECT (epoch(confirmed_at) - epoch(initiated_at)) / 3600.0 FROM payments "
            f"WHERE month = '{MONTH}' AND status = 'succeeded' AND institution_id = ? AND confirmed_at IS NOT NULL",
            [first.institution_id],
        ).fetchall()
    ]
    con.close()
    assert first.confirmed == len(hours)
    assert first.median_hours == round(statistics.median(hours), 2)
    assert first.share_within_target == sum(h < 24 for h in hours) / first.payments
    assert first.target_hours == 24 and first.baseline_hours == 72
    assert (
        sum(k.payments for k in kpi if k.channel is not None and k.institution_id == first.institution_id)
        == first.payments
    )


def test_a_rectification_notice_runs_its_lifecycle_and_records_every_step(store: Store) -> None:
    data = service.NoticeCreate(
        kind="rectification", institution_id="PI-X", title="整改通知", body="三单对碰一致率偏低"
    )
    notice = service.issue_notice(store=store, data=data, actor="regulator", now=at("2026-09-29 10:00"))
    assert notice.state == "issued" and notice.due_at == at("2026-10-12 23:59:59.999999")  # across National Day
    notice = service.advance_notice(
        store=store,
        notice_id=notice.id,
        action="submit_plan",
        actor="pi-user",
        reason="计划已提交",
        now=at("2026-10-09 15:00"),
    )
    with pytest.raises(TransitionError):
        service.advance_notice(
            store=store, notice_id=notice.id, action="verify", actor="regulator", reason="x", now=at("2026-10-10 09:00")
        )
    notice = service.advance_notice(
        store=store,
        notice_id=notice.id,
        action="report_rectified",
        actor="pi-user",
        reason="已整改",
        now=at("2026-10-20 09:00"),
    )
    notice = service.advance_notice(
        store=store,
        notice_id=notice.id,
        action="verify",
        actor="regulator",
        reason="核验通过",
        now=at("2026-10-22 09:00"),
    )
    shown = service.get_notice(store=store, notice_id=notice.id, now=at("2026-10-22 10:00"))
    assert shown is not None and shown.state == "verified" and not shown.overdue
    assert [(h.action, h.actor) for h in shown.history] == [
        ("issue", "regulator"),
        ("submit_plan", "pi-user"),
        ("report_rectified", "pi-user"),
        ("verify", "regulator"),
    ]
    assert shown.history[1].reason == "计划已提交"


def test_a_notice_keeps_what_the_regulator_gave_and_a_given_deadline(store: Store) -> None:
    data = service.NoticeCreate(
        kind="warning",
        institution_id="PI-Z",
        title="风险预警",
        body="九月评级 D",
        month="2026-09",
        due_at=at("2026-10-30 18:00"),
        evidence={"grade": "D", "total": "41.5"},
    )
    notice = service.issue_notice(store=store, data=data, actor="regulator", now=at("2026-10-09 10:00"))
    given = (notice.kind, notice.institution_id, notice.title, notice.body, notice.month, notice.evidence)
    assert given == ("warning", "PI-Z", "风险预警", "九月评级 D", "2026-09", {"grade": "D", "total": "41.5"})
    assert (notice.state, notice.due_at, notice.issued_by) == ("issued", at("2026-10-30 18:00"), "regulator")
    assert notice.issued_at == at("2026-10-09 10:00")


def test_the_scheduled_check_marks_overdue_then_escalates(store: Store) -> None:
    data = service.NoticeCreate(kind="warning", institution_id="PI-Y", title="风险预警", body="评级 E")
    notice = service.issue_notice(store=store, data=data, actor="regulator", now=at("2026-09-29 10:00"))
    assert notice.due_at == at("2026-10-09 23:59:59.999999")  # 3 working days: 30 Sep, 8 Oct, 9 Oct
    assert service.check_deadlines(store=store, now=at("2026-10-09 23:00")) == []
    (late,) = service.check_deadlines(store=store, now=at("2026-10-10 09:00"))
    assert late.state == "overdue" and late.overdue
    assert late.due_at == at("2026-10-12 23:59:59.999999")  # 2 working days: Sat 10 Oct (adjusted), Mon 12
    (escalated,) = service.check_deadlines(store=store, now=at("2026-10-13 08:00"))
    assert escalated.state == "escalated"
    assert [h.actor for h in escalated.history] == ["regulator", "system", "system"]
    assert [n.id for n in service.list_notices(store=store, overdue=True, now=at("2026-10-13 08:00"))] == [notice.id]
