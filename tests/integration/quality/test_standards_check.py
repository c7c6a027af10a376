"""Filings of a synthetic month checked against the standards table: findings stored once, one case per filing."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import func, select

from cbec.core.clock import SHANGHAI
from cbec.feeds.service import ingest, read_side
from cbec.quality import service as quality
from cbec.quality.models import FilingFindingRecord
from cbec.storage.store import Store
from cbec.synth import SynthResult, generate

NOW = datetime(2026, 10, 30, 10, 0, tzinfo=SHANGHAI)
STANDARDS_KINDS = ("foreign_no_counterpart", "missing_mandatory", "not_on_positive_list", "stricter_chinese_limit")


@pytest.fixture(scope="module")
def synth_month(tmp_path_factory: pytest.TempPathFactory) -> SynthResult:
    return generate(out_dir=tmp_path_factory.mktemp("synth"), month="2026-10", payments=3_000, seed=6)


@pytest.fixture
def loaded(store: Store, synth_month: SynthResult) -> Store:
    for feed in ("enterprises", "filings", "inspections", "orders", "declarations"):
        ingest(store=store, feed=feed, paths=[synth_month.files[feed]])
    return store


def test_filings_are_checked_by_trade_mode_and_each_filing_with_findings_gets_one_case(loaded: Store) -> None:
    con = read_side(store=loaded)
    (active,) = con.execute("SELECT count(*) FROM filings WHERE status IN ('filed', 'pending', 'approved')").fetchone()
    (exports,) = con.execute(
        "SELECT count(*) FROM filings WHERE status IN ('filed', 'pending', 'approved') AND origin_country = 'CN'"
    ).fetchone()
    con.close()
    first = quality.check_standards(store=loaded, now=NOW)
    assert first.filings == active and first.by_trade_mode["export"] == exports
    assert first.by_trade_mode["general_trade"] + first.by_trade_mode["cbec_retail_import"] == active - exports
    assert first.by_kind["missing_mandatory"] > 0 and first.by_kind["stricter_chinese_limit"] > 0
    assert first.by_kind["foreign_no_counterpart"] > 0
    assert first.cases_opened == first.filings_with_findings > 0
    again = quality.check_standards(store=loaded, now=NOW)
    assert again.by_kind == first.by_kind and again.cases_opened == 0
    with loaded.factory() as session:
        stored = dict(
            session.execute(
                select(FilingFindingRecord.code, func.count())
                .where(FilingFindingRecord.code.in_(STANDARDS_KINDS))
                .group_by(FilingFindingRecord.code)
            ).all()
        )
    assert stored == first.by_kind
    cases = [c for c in quality.list_cases(store=loaded) if c.inspection_id.startswith("std:")]
    assert len(cases) == first.cases_opened
    stricter = [c for c in cases if "stricter" in (c.defect or "")]
    assert stricter and {c.measure for c in stricter} == {"delist"}
    assert {c.measure for c in cases} <= {"rectify", "delist"}
