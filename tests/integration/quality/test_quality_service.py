"""Filings checked, failed inspections opened as cases with "
"deadlines, the enterprise reports, the regulator verifies."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from cbec.auth.domain import Forbidden, NotVisible, Principal
from cbec.core.clock import SHANGHAI
from cbec.feeds.service import ingest, read_side
from cbec.quality import service as quality
from cbec.storage.store import Store
from cbec.synth import SynthResult, generate

NOW = datetime(2026, 10, 30, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture(scope="module")
def synth_month(tmp_path_factory: pytest.TempPathFactory) -> SynthResult:
    return generate(out_dir=tmp_path_factory.mktemp("synth"), month="2026-10", payments=3_000, seed=6)


@pytest.fixture
def loaded(store: Store, synth_month: SynthResult) -> Store:
    for feed in ("enterprises", "filings", "inspections"):
        ingest(store=store, feed=feed, paths=[synth_month.files[feed]])
    return store


def test_failed_inspections_open_one_case_each_and_a_rerun_opens_none(loaded: Store) -> None:
    con = read_side(store=loaded)
    (failed,) = con.execute("SELECT count(*) FROM inspections WHERE result = 'fail'").fetchone() or (0,)
    con.close()
    opened = quality.open_cases(store=loaded, now=NOW)
    assert len(opened) == failed > 0
    assert {c.measure for c in opened} <= {"delist", "rectify", "return", "destroy"}
    assert quality.open_cases(store=loaded, now=NOW) == []
    summary = {e.enterprise_id: e for e in quality.enterprise_quality(store=loaded, now=NOW)}
    assert sum(e.inspections_failed for e in summary.values()) == failed == sum(e.cases_open for e in summary.values())


def test_filing_checks_are_stored_once(loaded: Store) -> None:
    first = quality.check_filings(store=loaded, now=NOW)
    again = quality.check_filings(store=loaded, now=NOW)
    assert first == again  # the same findings counted, none stored twice
    total = sum(e.filing_findings for e in quality.enterprise_quality(store=loaded, now=NOW))
    assert total == sum(first.values())


def test_an_enterprise_reports_its_case_done_and_the_regulator_verifies(loaded: Store) -> None:
    case = quality.open_cases(store=loaded, now=NOW)[0]
    owner = Principal(username="e", role="enterprise", tenant_id=case.enterprise_id)
    stranger = Principal(username="s", role="enterprise", tenant_id="91330000000000000X")
    with pytest.raises(NotVisible):
        quality.advance_case(
            store=loaded, case_id=case.id, action="report_done", actor="s", reason="x", principal=stranger
        )
    with pytest.raises(Forbidden):
        quality.advance_case(store=loaded, case_id=case.id, action="verify", actor="e", reason="x", principal=owner)
    done = quality.advance_case(
        store=loaded,
        case_id=case.id,
        action="report_done",
        actor="e",
        reason="已下架并退运",
        principal=owner,
        now=NOW,
    )
    assert done.state == "done_reported"
    verified = quality.advance_case(store=loaded, case_id=case.id, action="verify", actor="r", reason="核验", now=NOW)
    assert verified.state == "verified"
    assert [c.id for c in quality.list_cases(store=loaded, principal=owner)] == [
        c.id for c in quality.list_cases(store=loaded) if c.enterprise_id == case.enterprise_id
    ]


def test_overdue_cases_escalate_on_the_scheduled_check(loaded: Store) -> None:
    opened = quality.open_cases(store=loaded, now=NOW)
    assert quality.check_case_deadlines(store=loaded, now=NOW) == []
    moved = quality.check_case_deadlines(store=loaded, now=datetime(2027, 3, 1, tzinfo=SHANGHAI))
    assert moved == sorted(c.id for c in opened)
    assert {c.state for c in quality.list_cases(store=loaded)} == {"escalated"}


def test_education_reach_is_summed_per_year_against_the_target(store: Store) -> None:
    quality.add_education_event(
        store=store,
        held_on=date(2026, 3, 15),
        city="杭州",
        topic="跨境网购维权",
        attendance=1200,
        organiser="市场监管局",
    )
    quality.add_education_event(
        store=store,
        held_on=date(2026, 9, 1),
        city="宁波",
        topic="进口食品标签",
        attendance=800,
        organiser="消保委",
    )
    quality.add_education_event(
        store=store, held_on=date(2025, 12, 31), city="杭州", topic="x", attendance=99, organiser="y"
    )
    reach = quality.education_reach(store=store, year=2026)
    assert (reach.events, reach.attendance, reach.target) == (2, 2000, 100_000)
    # Spellings of a city are counted under its full name, as the education_events feed gives them.
    assert reach.by_city == {"宁波市": 800, "杭州市": 1200} and reach.share_of_target == 0.02
    assert [(g.key, g.reach) for g in reach.by_channel] == [("entered_by_hand", 2000)]
