"""The case board gathers quality cases, takedowns and notices through their services, with their tenant rules."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from cbec.auth.domain import Principal
from cbec.cases import service as cases
from cbec.core.clock import SHANGHAI
from cbec.feeds.service import ingest
from cbec.ip import service as ip
from cbec.quality import service as quality
from cbec.storage.store import Store
from cbec.supervision import service as supervision
from cbec.synth import SynthResult, generate

NOW = datetime(2026, 10, 30, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture(scope="module")
def synth_month(tmp_path_factory: pytest.TempPathFactory) -> SynthResult:
    return generate(out_dir=tmp_path_factory.mktemp("synth"), month="2026-10", payments=3_000, seed=6)


def test_every_kind_shows_with_its_state_and_lateness_and_each_tenant_sees_only_its_own(
    store: Store, synth_month: SynthResult
) -> None:
    for feed in ("enterprises", "institutions", "filings", "inspections"):
        ingest(store=store, feed=feed, paths=[synth_month.files[feed]])
    opened = quality.open_cases(store=store, now=NOW)
    assert opened, "the synthetic month has failed inspections"
    firm = opened[0].enterprise_id
    takedown = ip.open_takedown(
        store=store,
        listing_id="L-1",
        platform_id="PF-1",
        enterprise_id=firm,
        mark_id="M-1",
        rights_holder="某品牌",
        evidence="商标近似",
        actor="rights",
        now=NOW,
    )
    data = supervision.NoticeCreate(kind="rectification", institution_id="BANK-HZB", title="整改通知", body="请整改")
    notice = supervision.issue_notice(store=store, data=data, actor="regulator", now=NOW)

    # A day later nothing is late; months later every open case is, and the late ones come first.
    early = cases.case_board(store=store, now=NOW + timedelta(days=1))
    assert {r.kind for r in early} == {"quality_case", "takedown", "notice"}
    assert not any(r.overdue for r in early)
    assert len([r for r in early if r.kind == "quality_case"]) == len(opened)
    late = cases.case_board(store=store, now=NOW + timedelta(days=120))
    assert all(r.overdue for r in late)
    row = next(r for r in late if r.kind == "takedown")
    assert (row.id, row.subject_id, row.state, row.state_title) == (
        takedown.id,
        firm,
        "notified",
        ("已通知平台", "platform notified"),
    )
    assert [r.kind for r in cases.case_board(store=store, kind="notice", now=NOW)] == ["notice"]
    assert cases.case_board(store=store, overdue_only=True, now=NOW) == []

    # The enterprise sees its quality cases and the takedown against it; the platform its takedown; the bank its notice.
    enterprise = Principal(username="firm", role="enterprise", tenant_id=firm)
    seen = cases.case_board(store=store, principal=enterprise, now=NOW)
    assert {r.kind for r in seen} == {"quality_case", "takedown"} and {r.subject_id for r in seen} == {firm}
    platform = Principal(username="shop", role="platform", tenant_id="PF-1")
    assert [(r.kind, r.id) for r in cases.case_board(store=store, principal=platform, now=NOW)] == [
        ("takedown", takedown.id)
    ]
    bank = Principal(username="pi", role="institution", tenant_id="BANK-HZB")
    assert [(r.kind, r.id) for r in cases.case_board(store=store, principal=bank, now=NOW)] == [("notice", notice.id)]
    other = Principal(username="pi2", role="institution", tenant_id="BANK-CZB")
    assert cases.case_board(store=store, principal=other, now=NOW) == []
