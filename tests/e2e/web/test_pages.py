"""The dashboard's pages through TestClient: login, roles, tenants, CSRF, language, htmx partials."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from cbec.monitoring import service as monitoring
from cbec.storage.store import Store
from cbec.supervision import service as supervision

from .world import MONTH, World

Login = Callable[[str], TestClient]
PAGES = ["/", "/alerts", "/alerts/1", "/institutions", "/institutions/X", "/notices", "/notices/1", "/portal"]


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([0-9a-f]+)"', html)
    assert found, "page has no CSRF field"
    return found.group(1)


def _main(html: str) -> str:
    return html.split("<main>", 1)[1].split("</main>", 1)[0]


def _json(html: str, element_id: str) -> object:
    found = re.search(rf'<script type="application/json" id="{element_id}">(.*?)</script>', html, re.S)
    assert found, f"no {element_id}"
    return json.loads(found.group(1))


@pytest.mark.parametrize("path", PAGES)
def test_every_page_sends_a_visitor_without_session_to_login(client: TestClient, path: str) -> None:
    reply = client.get(path)
    assert reply.status_code == 303
    assert reply.headers["location"] == f"/login?next={path}"


def test_a_wrong_password_opens_no_session(client: TestClient) -> None:
    reply = client.post("/login", data={"username": "admin", "password": "wrong password!"})
    assert reply.status_code == 401
    assert "用户名或密码错误" in reply.text
    assert "cbec_session" not in reply.headers.get("set-cookie", "")


def test_the_session_cookie_is_http_only_and_same_site_lax(client: TestClient, world: World) -> None:
    from .world import PASSWORD

    reply = client.post("/login", data={"username": "pi-a", "password": PASSWORD, "next": "/notices"})
    assert reply.status_code == 303 and reply.headers["location"] == "/notices"
    cookie = reply.headers["set-cookie"].lower()
    assert "cbec_session=" in cookie and "httponly" in cookie and "samesite=lax" in cookie


def test_login_never_redirects_to_another_site(client: TestClient) -> None:
    from .world import PASSWORD

    reply = client.post("/login", data={"username": "admin", "password": PASSWORD, "next": "//evil.example/x"})
    assert reply.headers["location"] == "/"


def test_a_login_posted_from_another_origin_is_refused(client: TestClient) -> None:
    from .world import PASSWORD

    reply = client.post(
        "/login",
        data={"username": "admin", "password": PASSWORD},
        headers={"Origin": "http://evil.example"},
    )
    assert reply.status_code == 403
    assert "cbec_session" not in reply.headers.get("set-cookie", "")


def test_the_regulator_overview_shows_the_month_per_city(store: Store, login: Login, world: World) -> None:
    page = login("analyst").get("/")
    assert page.status_code == 200
    assert "全省概览" in page.text and MONTH in page.text
    data = _json(page.text, "overview-data")
    assert isinstance(data, dict)
    cities = {c["name_zh"]: c for c in data["cities"]}
    assert len(cities) == 11 and "杭州市" in cities
    assert sum(c["payments"] for c in cities.values()) > 0
    assert sum(d["payments"] for d in data["trend"]) == 3_000
    assert {d["day"][:7] for d in data["trend"]} == {MONTH}  # the days of the month, and the title says so
    assert "<h2>本月每日支付与预警</h2>" in page.text and "近六个月" not in page.text
    assert sum(data["severity"].values()) == monitoring.count_alerts(store=store, month=MONTH)
    assert 'data-testid="payments">3,000<' in page.text


def test_a_tenant_lands_on_its_portal_and_may_not_open_province_pages(login: Login, world: World) -> None:
    client = login("pi-a")
    assert client.get("/").headers["location"] == "/portal"
    portal = client.get("/portal")
    assert portal.status_code == 200 and world.mine in portal.text
    assert client.get("/institutions").status_code == 403
    assert login("admin").get("/portal").status_code == 403


def test_a_tenant_cannot_open_another_tenants_institution_alert_or_notice(login: Login, world: World) -> None:
    client = login("pi-a")
    assert client.get(f"/institutions/{world.mine}").status_code == 200
    assert client.get(f"/alerts/{world.my_alert}").status_code == 200
    for path in (
        f"/institutions/{world.theirs}",
        f"/alerts/{world.their_alert}",
        f"/notices/{world.their_notice}",
    ):
        reply = client.get(path)
        assert reply.status_code == 404, path
        assert world.theirs not in _main(reply.text)


@pytest.mark.parametrize("user", ["shop", "firm"])
def test_platforms_and_enterprises_see_no_institution_rows(login: Login, world: World, user: str) -> None:
    client = login(user)
    assert client.get(f"/institutions/{world.mine}").status_code == 404
    assert client.get(f"/notices/{world.their_notice}").status_code == 404
    queue = client.get("/alerts")
    assert world.mine not in queue.text and world.theirs not in queue.text


def test_the_alert_queue_filters_and_answers_htmx_with_the_table_only(store: Store, login: Login, world: World) -> None:
    client = login("admin")
    full = client.get(f"/alerts?institution_id={world.theirs}&severity=")
    assert full.status_code == 200 and "<html" in full.text
    links = re.findall(r'href="/alerts/(\d+)" data-testid="alert-link"', full.text)
    expected = monitoring.list_alerts(store=store, institution_id=world.theirs, limit=25)
    assert [int(i) for i in links] == [a.id for a in expected]
    partial = client.get(f"/alerts?institution_id={world.theirs}", headers={"HX-Request": "true"})
    assert "<html" not in partial.text and 'data-testid="alert-table"' in partial.text


def test_the_evidence_graph_draws_every_payment_of_the_alert(store: Store, login: Login, world: World) -> None:
    page = login("analyst").get(f"/alerts/{world.my_alert}")
    graph = _json(page.text, "evidence-data")
    alert = monitoring.get_alert(store=store, alert_id=world.my_alert)
    assert alert is not None and isinstance(graph, dict)
    assert {(e["institution_id"], e["payment_id"]) for e in graph["edges"]} == {
        (p.institution_id, p.payment_id) for p in alert.payments
    }
    accounts = {e["source"] for e in graph["edges"]} | {e["target"] for e in graph["edges"]}
    assert {n["id"] for n in graph["nodes"]} == accounts
    observed = f"{alert.observed.normalize():,f}"
    assert f"<dd>{observed}</dd>" in page.text and (alert.observed < 1000 or "," in observed)


def test_issuing_a_notice_needs_the_sessions_csrf_token(store: Store, login: Login, world: World) -> None:
    client = login("analyst")
    form = {"kind": "rectification", "title": "CSRF 测试", "body": "请整改"}
    before = len(supervision.list_notices(store=store))
    refused = client.post(f"/alerts/{world.my_alert}/notice", data=form | {"csrf": "0" * 40})
    assert refused.status_code == 403
    assert len(supervision.list_notices(store=store)) == before
    token = _csrf(client.get(f"/alerts/{world.my_alert}").text)
    issued = client.post(f"/alerts/{world.my_alert}/notice", data=form | {"csrf": token})
    assert issued.status_code == 303
    notice_id = int(issued.headers["location"].rsplit("/", 1)[1])
    notice = supervision.get_notice(store=store, notice_id=notice_id)
    assert notice is not None and notice.institution_id == world.mine
    assert notice.issued_by == "analyst" and notice.evidence["alert_id"] == world.my_alert


def test_an_institution_may_not_issue_notices(login: Login, world: World) -> None:
    client = login("pi-a")
    token = _csrf(client.get("/portal").text)
    form = {"kind": "warning", "title": "x", "body": "y", "csrf": token}
    assert client.post(f"/alerts/{world.my_alert}/notice", data=form).status_code == 403


def test_the_notices_board_highlights_overdue_notices(store: Store, login: Login, world: World) -> None:
    late = supervision.issue_notice(
        store=store,
        data=supervision.NoticeCreate(
            kind="warning",
            institution_id=world.theirs,
            title="逾期测试",
            body="请确认",
            due_at=datetime.now(UTC) - timedelta(days=1),
        ),
        actor="admin",
    )
    board = login("admin").get("/notices?overdue=true")
    rows = re.findall(r'<tr class="([^"]*)">\s*<td><a href="/notices/(\d+)"', board.text)
    assert ("overdue", str(late.id)) in rows
    assert all(css == "overdue" for css, _ in rows)


def test_logging_out_revokes_the_session(login: Login) -> None:
    client = login("auditor")
    session = client.cookies.get("cbec_session")
    token = _csrf(client.get("/").text)
    assert client.post("/logout", data={"csrf": token}).headers["location"] == "/login"
    client.cookies.set("cbec_session", session or "")
    assert client.get("/").status_code == 303


def test_the_language_switch_is_kept_in_a_cookie(login: Login) -> None:
    client = login("admin")
    client.get("/lang/en?next=/")
    assert "Province overview" in client.get("/").text
    client.get("/lang/zh?next=/")
    assert "全省概览" in client.get("/").text


def test_text_from_the_data_is_escaped(store: Store, login: Login, world: World) -> None:
    hostile = supervision.issue_notice(
        store=store,
        data=supervision.NoticeCreate(
            kind="warning", institution_id=world.theirs, title="<script>alert(1)</script>", body="<img src=x>"
        ),
        actor="admin",
    )
    page = login("admin").get(f"/notices/{hostile.id}")
    assert "<script>alert(1)</script>" not in page.text and "<img src=x>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text


def test_the_statistics_page_shows_table_1_checked_and_labels_feed_figures_as_not_official(
    login: Login,
) -> None:
    html = login("analyst").get("/statistics").text
    main = _main(html)
    assert "5129.3" in main and "138.12" in main  # Table 1 from the shipped official figures
    assert main.count('class="overdue"') == 2  # 2022 and 2023 reported growth disagree with the totals
    assert "27.85" in main and "21.47" in main
    assert "非官方" in main  # brands and job demand come from the feeds


def test_a_regulator_downloads_the_monthly_report_and_a_tenant_cannot(login: Login) -> None:
    client = login("analyst")
    assert f"/reports/{MONTH}/zh.pdf" in client.get("/reports").text
    pdf = client.get(f"/reports/{MONTH}/en.pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert login("pi-a").get(f"/reports/{MONTH}/en.pdf").status_code == 403
