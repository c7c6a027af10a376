"""The credit API walk: a regulator, a registered partner and an enterprise read ratings; nobody else does."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest
from fastapi.testclient import TestClient

from cbec.audit import service as audit
from cbec.config import Settings
from cbec.core.clock import SHANGHAI
from cbec.credit import service as credit
from cbec.storage.store import open_store

from .world import PASSWORD, monitored_month, serving

MONTH = "2026-09"
FEEDS = (
    "enterprises",
    "payments",
    "orders",
    "waybills",
    "declarations",
    "complaints",
    "reviews",
    "filings",
    "inspections",
)
USERS = {
    "analyst": ("regulator-analyst", None),
    "bank": ("partner", "BANK-ZJ-01"),
    "shop": ("platform", "PF-1"),
    "pi": ("institution", "PI-1"),
}


class Walk:
    """The running API, a token per user, two enterprises and the home."""

    def __init__(self, client: TestClient, tokens: dict[str, str], firm: str, other: str, settings: Settings) -> None:
        self.client, self.tokens, self.firm, self.other, self.settings = client, tokens, firm, other, settings

    def get(self, user: str, path: str, **params: str) -> tuple[int, object]:
        reply = self.client.get(
            f"/api/v1{path}", params=params, headers={"Authorization": f"Bearer {self.tokens[user]}"}
        )
        return reply.status_code, reply.json()


@pytest.fixture(scope="module")
def walk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Walk]:
    home = monitored_month(tmp_path_factory.mktemp("credit-api"), FEEDS, month=MONTH, seed=11)
    store, synth = home.store, home.synth
    now = datetime(2026, 10, 15, 10, 0, tzinfo=SHANGHAI)
    credit.load_customs_grades(store=store, path=synth.customs_grades_file, now=now)
    credit.train(store=store, months=[MONTH], outcomes=[synth.outcomes_file], version="m1", now=now)
    credit.score_month(store=store, month=MONTH, now=now)
    rows = credit.export_scores(store=store, period=MONTH)
    firm, other = rows[0]["enterprise_id"], rows[1]["enterprise_id"]
    with serving(home.settings, store, USERS | {"firm": ("enterprise", firm)}) as (client, tokens):
        yield Walk(client, tokens, firm, other, home.settings)


def test_a_regulator_lists_every_rating_with_reasons_and_measures(walk: Walk) -> None:
    status, page = walk.get("analyst", "/credit/ratings", limit="500")
    assert status == 200 and isinstance(page, dict)
    assert page["total"] == 200 and len(page["items"]) == 200
    first = page["items"][0]
    assert first["period"] == MONTH and first["grade"] in "ABCD" and first["reasons"]
    assert {"fast_clearance", "inspection_rate_multiplier"} <= set(first["measures"])
    status, graded = walk.get("analyst", "/credit/ratings", grade="D", limit="500")
    assert status == 200 and isinstance(graded, dict)
    assert graded["total"] == sum(1 for r in page["items"] if r["grade"] == "D")


def test_a_partner_reads_any_enterprise_and_each_query_is_audited(walk: Walk) -> None:
    status, found = walk.get("bank", f"/credit/enterprises/{walk.other}")
    assert status == 200 and isinstance(found, dict)
    assert found["enterprise_id"] == walk.other and found["reasons"] and found["grade_title_en"]
    status, listed = walk.get("bank", "/credit/ratings")
    assert status == 200 and isinstance(listed, dict) and listed["total"] == 200
    status, past = walk.get("bank", f"/credit/enterprises/{walk.other}/history")
    assert status == 200 and past == [
        {k: found[k] for k in ("period", "grade", "score", "model_version", "computed_at")}
    ]
    store = open_store(walk.settings)
    try:
        shared = audit.list_entries(store=store, entity="credit_rating", entity_id=walk.other)
    finally:
        store.close()
    assert shared and shared[0].actor == "bank" and shared[0].action == "credit.shared"


def test_an_enterprise_sees_only_its_own_file(walk: Walk) -> None:
    status, mine = walk.get("firm", f"/credit/enterprises/{walk.firm}")
    assert status == 200 and isinstance(mine, dict) and mine["enterprise_id"] == walk.firm
    status, page = walk.get("firm", "/credit/ratings", limit="500")
    assert status == 200 and isinstance(page, dict)
    assert page["total"] == 1 and [r["enterprise_id"] for r in page["items"]] == [walk.firm]
    for path in (f"/credit/enterprises/{walk.other}", f"/credit/enterprises/{walk.other}/history"):
        status, problem = walk.get("firm", path)
        assert status == 404 and isinstance(problem, dict) and walk.other in problem["detail"]
    status, entries = walk.get("firm", "/credit/lists")
    assert status == 200 and isinstance(entries, list)
    assert {e["enterprise_id"] for e in entries} <= {walk.firm}


def test_other_roles_are_refused_and_a_partner_sees_no_tenant_rows(walk: Walk) -> None:
    for user in ("shop", "pi"):
        for path in ("/credit/ratings", f"/credit/enterprises/{walk.firm}", "/credit/lists"):
            status, _ = walk.get(user, path)
            assert status == 403, (user, path)
    status, alerts = walk.get("bank", "/alerts")
    assert status == 200 and isinstance(alerts, dict) and alerts["total"] == 0
    status, _ = walk.get("bank", "/notices")
    assert status == 200


def test_unauthenticated_requests_are_refused(walk: Walk) -> None:
    for path in ("/credit/ratings", f"/credit/enterprises/{walk.firm}", "/credit/lists"):
        assert walk.client.get(f"/api/v1{path}").status_code == 401


def test_unknown_enterprise_reads_as_missing(walk: Walk) -> None:
    status, _ = walk.get("analyst", "/credit/enterprises/91330100MA27XK0Q2B")
    assert status == 404


def _browser(walk: Walk, user: str) -> TestClient:
    client = TestClient(walk.client.app, follow_redirects=False, headers={"Origin": "http://testserver"})
    reply = client.post("/login", data={"username": user, "password": PASSWORD})
    assert reply.status_code == 303, reply.text
    return client


def test_the_credit_page_shows_grades_to_a_regulator_and_only_its_own_file_to_an_enterprise(walk: Walk) -> None:
    regulator = _browser(walk, "analyst").get("/credit")
    assert regulator.status_code == 200 and "script-src 'self'" in regulator.headers["content-security-policy"]
    assert 'data-testid="grade-counts"' in regulator.text and walk.other in regulator.text
    partner = _browser(walk, "bank")
    assert partner.post("/login", data={"username": "bank", "password": PASSWORD}).headers["location"] == "/credit"
    assert walk.other in partner.get("/credit").text
    firm = _browser(walk, "firm").get("/credit")
    assert firm.status_code == 200 and walk.firm in firm.text and walk.other not in firm.text
    assert _browser(walk, "shop").get("/credit").status_code == 403
