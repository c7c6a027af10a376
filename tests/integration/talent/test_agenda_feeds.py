"""Talent, education and brand feeds on both stores: hand-made files with broken rows, exact figures, reloads.

Each file holds good rows and rows that break the contract; the broken ones are quarantined with their rule,
file and line, the good ones give the figures asserted here, and loading every file again changes nothing.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from cbec.feeds.service import ingest, list_quarantine
from cbec.quality import service as quality
from cbec.stats import service as stats
from cbec.storage.store import Store
from cbec.talent import service as talent

SELLER = "91330100716105852F"
OTHER = "91330400116161789F"
FILES = {
    "job_postings": f"""posting_id,enterprise_id,city,role,posted_at,salary_min,salary_max
P1,{SELLER},杭州市,operations,2026-10-02T10:00:00+08:00,8000,12000
P2,{SELLER},Hangzhou,operations,2026-10-03T10:00:00+08:00,10000,15000
P3,{OTHER},宁波市,promotion,2026-10-03T10:00:00+08:00,6000,9000
P4,{OTHER},宁波,operations,2026-10-04T10:00:00+08:00,,
P5,{SELLER},杭州市,sourcing,2026-09-04T10:00:00+08:00,5000,6000
""",
    "employment_records": f"""enterprise_id,role,period,city,headcount_start,hires,leavers
{SELLER},operations,2026-10-01,杭州市,20,2,4
{OTHER},operations,2026-10-01,Ningbo,10,1,1
{SELLER},logistics,2026-10-01,杭州,5,0,1
{SELLER},operations,2026-10-32,杭州市,1,1,1
{SELLER},dancer,2026-10-01,杭州市,1,1,1
{OTHER},promotion,2026-10-01,,8,-1,0
{SELLER},promotion,2026-09-01,杭州市,10,0,5
""",
    "training_programmes": """programme_id,name,provider,provider_kind,mode,city,start_date,end_date,trainees,\
tests_passed,placed_within_6_months,funding_granted
TP-1,跨境运营实训,浙江省商务厅,government,online,杭州市,2026-03-01,2026-04-01,100,80,60,1200000.00
TP-2,海外推广,杭州市跨境电子商务协会,association,offline,宁波市,2026-05-01,,50,,,1000000
TP-3,选品,浙江工商大学,school,offline,宁波市,2026-05-01,,50,,,100
TP-4,物流,浙江工商大学,university,offline,宁波市,2026-05-01,,50,,,-5
TP-5,品牌,义乌跨境电商产业园,enterprise,blended,温州市,2025-05-01,,20,20,10,500000
""",
    "education_events": """event_id,channel,held_on,organiser,city,reach,topic
E1,live_stream,2026-10-05,杭州市消保委,杭州市,5000,跨境网购维权
E2,school_lecture,2026-10-06,宁波市市场监管局,Ningbo,300,
E3,live_stream,2026-03-01,杭州市消保委,杭州,1000,
E4,podcast,2026-10-01,某协会,杭州市,10,
E5,short_video,2026-10-01,某协会,上海市,10,
""",
    "brand_recognitions": f"""recognition_id,brand,enterprise_id,city,year,level,source
B1,Aurora,{SELLER},杭州市,2023,provincial_export_famous,浙江省商务厅公告
B2,Bolt,,宁波市,2023,provincial_export_famous,浙江省商务厅公告
B3,Cove,,宁波市,2023,national,商务部
B4,Dune,,宁波市,1899,provincial_export_famous,浙江省商务厅公告
""",
}
QUARANTINED = {  # feed: {(line, rule)}; line 1 is the header
    "job_postings": set(),
    "employment_records": {(5, "bad_date"), (6, "not_allowed"), (7, "out_of_range")},
    "training_programmes": {(4, "not_allowed"), (5, "negative")},
    "education_events": {(5, "not_allowed"), (6, "unknown_city")},
    "brand_recognitions": {(5, "bad_year")},
}


def _load(store: Store, folder: Path) -> dict[str, tuple[int, int, int]]:
    out = {}
    for feed, text in FILES.items():
        path = folder / f"{feed}.csv"
        path.write_text(text, encoding="utf-8")
        (report,) = ingest(store=store, feed=feed, paths=[path])
        out[feed] = (report.accepted, report.quarantined, report.duplicate)
    return out


@pytest.fixture
def loaded(store: Store, tmp_path: Path) -> Store:
    counts = _load(store, tmp_path)
    assert counts == {
        "job_postings": (5, 0, 0),
        "employment_records": (4, 3, 0),
        "training_programmes": (3, 2, 0),
        "education_events": (3, 2, 0),
        "brand_recognitions": (3, 1, 0),
    }
    quality.add_education_event(
        store=store, held_on=date(2026, 10, 9), city="杭州市", topic="手工", attendance=200, organiser="区消保委"
    )
    return store


def test_broken_rows_are_quarantined_with_rule_file_and_line(loaded: Store) -> None:
    for feed, expected in QUARANTINED.items():
        rows = list_quarantine(store=loaded, feed=feed)
        assert {(r.line, r.rule) for r in rows} == expected, feed
        assert all(r.source == f"{feed}.csv" for r in rows)


def test_demand_by_role_and_city_with_salary_percentiles_and_the_fig2_ranking(loaded: Store) -> None:
    report = talent.demand(store=loaded, month="2026-10")
    assert report.postings == 4
    roles = {c.role: c for c in report.by_role}
    assert (roles["operations"].postings, roles["operations"].share_pct) == (3, Decimal("75.00"))
    assert roles["operations"].salary_p50 == Decimal(9000)  # P4 states no salary: counted, not in percentiles
    assert {c.city: c.postings for c in report.by_city} == {"杭州市": 2, "宁波市": 2}  # spellings merged
    assert {(c.role, c.city): c.postings for c in report.by_role_city} == {
        ("operations", "杭州市"): 2,
        ("operations", "宁波市"): 1,
        ("promotion", "宁波市"): 1,
    }
    assert [(r.role, r.rank, r.paper_rank) for r in report.ranking] == [("operations", 1, 1), ("promotion", 2, 2)]
    assert report.ranking_agrees
    trend = {m.month: m.by_role for m in report.trend}
    assert trend["2026-09"] == {"sourcing": 1} and trend["2026-10"] == {"operations": 3, "promotion": 1}


def test_turnover_of_core_roles_is_flagged_from_the_employment_records(loaded: Store) -> None:
    report = talent.turnover(store=loaded, month="2026-10")
    roles = {r.role: r for r in report.roles}
    ops = roles["operations"]
    assert (ops.enterprises, ops.headcount_start, ops.hires, ops.leavers, ops.headcount_end) == (2, 30, 3, 5, 28)
    assert ops.turnover_pct == Decimal("17.24") and ops.core and ops.flagged and ops.reason_en
    logistics = roles["logistics"]
    assert logistics.turnover_pct == Decimal("22.22") and not logistics.core and not logistics.flagged
    assert [r.role for r in report.roles] == ["operations", "logistics"]  # core first
    assert report.core_turnover_pct == Decimal("17.24")


def test_training_funding_is_checked_against_the_cap(loaded: Store) -> None:
    report = talent.training(store=loaded, year=2026)
    assert [p.programme_id for p in report.programmes] == ["TP-1", "TP-2"]  # over the cap first
    first, second = report.programmes
    assert first.over_cap_by == Decimal("200000.00") and first.findings == ["over_cap"]
    assert (first.pass_rate_pct, first.placement_rate_pct) == (Decimal("80.00"), Decimal("60.00"))
    assert second.over_cap_by is None and second.findings == ["no_test_results", "no_placement_results"]
    assert (report.over_cap, report.funding_total, report.cap_cny) == (1, Decimal("2200000.00"), Decimal(1_000_000))
    assert {g.key: g.trainees for g in report.by_provider_kind} == {"association": 50, "government": 100}
    assert len(talent.training(store=loaded).programmes) == 3  # every year
    assert [p.programme_id for p in talent.training(store=loaded, until=date(2026, 4, 30)).programmes] == [
        "TP-1",
        "TP-5",
    ]  # started by the end of April


def test_education_reach_by_channel_and_city_against_the_yearly_target(loaded: Store) -> None:
    reach = quality.education_reach(store=loaded, year=2026, through_month=10)
    assert (reach.events, reach.attendance, reach.target, reach.pace_target) == (4, 6500, 100_000, 83_333)
    assert not reach.on_pace
    assert [(g.key, g.events, g.reach) for g in reach.by_channel] == [
        ("live_stream", 2, 6000),
        ("school_lecture", 1, 300),
        ("entered_by_hand", 1, 200),
    ]
    assert reach.by_city == {"宁波市": 300, "杭州市": 6200}
    october = quality.education_events(store=loaded, first=date(2026, 10, 1), last=date(2026, 10, 31))
    assert [e.event_id for e in october] == ["hand-1", "E2", "E1"]  # latest first


def test_fig1_is_counted_from_the_register_beside_the_papers_figure(loaded: Store) -> None:
    report = stats.brands(store=loaded)
    year = next(y for y in report.years if y.year == 2023)
    assert (year.total, year.by_city) == (2, {"330100": 1, "330200": 1})
    assert (year.paper_value, year.paper_indicator) == (Decimal(84), "new_cbec_export_famous_brands")
    assert not year.synthetic and report.other_levels == {"national": 1}


def test_loading_every_file_again_changes_nothing(loaded: Store, tmp_path: Path) -> None:
    before = (
        talent.demand(store=loaded, month="2026-10"),
        talent.turnover(store=loaded, month="2026-10"),
        talent.training(store=loaded),
        quality.education_reach(store=loaded, year=2026),
        stats.brands(store=loaded),
    )
    (tmp_path / "again").mkdir()
    again = _load(loaded, tmp_path / "again")  # the same bytes under another path: still nothing new
    assert all(accepted == 0 and quarantined == 0 for accepted, quarantined, _ in again.values())
    assert again["employment_records"][2] == 7 and again["brand_recognitions"][2] == 4
    after = (
        talent.demand(store=loaded, month="2026-10"),
        talent.turnover(store=loaded, month="2026-10"),
        talent.training(store=loaded),
        quality.education_reach(store=loaded, year=2026),
        stats.brands(store=loaded),
    )
    assert after == before
