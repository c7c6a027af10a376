"""Findings 1–3 replayed: stored XSS into a regulator's browser, missing security headers, unbounded bodies."""

from __future__ import annotations

import http.client
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from cbec.api.headers import CSP
from cbec.cli.main import app as cli
from cbec.monitoring import service as monitoring
from cbec.storage.store import open_store

from .world import INSTITUTION, MONTH, PASSWORD, World

CHROMIUM = Path("/usr/bin/chromium")
needs_chromium = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium (make system-deps)")
XSS_PAYER = "<img src=x onerror=window.__xss=1>"
# Collects every CSP violation of the page from its first script on (a CSP report would need a server endpoint).
WATCH_CSP = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + (e.sourceFile || ""));
});
"""


def _token(client: TestClient, username: str) -> str:
    reply = client.post("/api/v1/auth/token", json={"username": username, "password": PASSWORD})
    assert reply.status_code == 200, reply.text
    return str(reply.json()["access_token"])


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        yield launched
        launched.close()


def _page(browser: Any, base_url: str, username: str) -> tuple[Any, list[str]]:
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN")
    context.add_init_script(WATCH_CSP)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if "Content Security Policy" in msg.text else None)
    page.goto(f"{base_url}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action='/login'] button[type=submit]")
    page.wait_for_load_state("networkidle")
    return page, errors


@needs_chromium
def test_finding_1_a_payer_id_with_html_never_runs_in_the_regulators_browser(
    world: World, client: TestClient, base_url: str, browser: Any
) -> None:
    """The institution reports a payment whose payer_id is an <img onerror>; the analyst hovers its node."""
    payment = {
        "payment_id": "PXSS0000001",
        "institution_id": INSTITUTION,
        "channel": "third_party",
        "direction": "outbound",
        "payer_id": XSS_PAYER,
        "payee_id": "ACE83FA4F19C",
        "payer_type": "individual",
        "payee_type": "enterprise",
        "payer_country": "CN",
        "payee_country": "US",
        "amount": "250000.00",
        "currency": "CNY",
        "initiated_at": f"{MONTH}-15T10:00:00+08:00",
        "status": "succeeded",
    }
    token = _token(client, "pi")
    reply = client.post("/api/v1/payments/batch", json=[payment], headers={"Authorization": f"Bearer {token}"})
    assert reply.status_code == 201 and reply.json()["accepted"] == 1, reply.text
    ran = CliRunner().invoke(cli, ["monitor", "run", "--month", MONTH], env={"CBEC_HOME": str(world.settings.home)})
    assert ran.exit_code == 0, ran.output
    store = open_store(world.settings, migrate=False)
    try:
        (alert,) = [a for a in monitoring.list_alerts(store=store, limit=None) if XSS_PAYER in (a.key_text or "")]
    finally:
        store.close()

    page, errors = _page(browser, base_url, "analyst")
    page.goto(f"{base_url}/alerts/{alert.id}")
    page.wait_for_selector("#evidence[data-ready='1'] canvas")
    assert XSS_PAYER in page.inner_text(".facts")  # shown, as text
    shown = page.evaluate(
        """() => {
          var chart = echarts.getInstanceByDom(document.getElementById("evidence"));
          var series = chart.getOption().series[0], shown = 0;
          series.data.forEach(function (node, i) {
            chart.dispatchAction({ type: "showTip", seriesIndex: 0, dataIndex: i }); shown++; });
          series.links.forEach(function (link, i) {
            chart.dispatchAction({ type: "showTip", seriesIndex: 0, dataType: "edge", dataIndex: i }); shown++; });
          return shown;
        }"""
    )
    page.mouse.move(700, 450)
    page.wait_for_timeout(500)
    assert shown >= 3  # every node and edge had its tooltip drawn
    assert page.evaluate("() => window.__xss") is None
    assert page.locator("img[src='x']").count() == 0
    # Were a value ever to reach HTML again, the CSP refuses its inline handler: the second fence holds.
    page.evaluate("""() => document.body.insertAdjacentHTML("beforeend", '<img src="x" onerror="window.__xss=2">')""")
    page.wait_for_timeout(500)
    assert page.evaluate("() => window.__xss") is None
    assert any(v.startswith("script-src-attr inline") for v in page.evaluate("() => window.__csp"))
    assert [e for e in errors if "Content Security Policy" not in e] == []
    page.context.close()


def test_finding_2_pages_and_api_answers_carry_the_security_headers(client: TestClient) -> None:
    pages = {"/login": client.get("/login")}
    reply = client.post("/login", data={"username": "analyst", "password": PASSWORD})
    assert reply.status_code == 303
    pages["/"] = client.get("/")
    pages["/api/v1/auth/me"] = client.get(
        "/api/v1/auth/me", headers={"Authorization": f"Bearer {_token(client, 'pi')}"}
    )
    for path, served in pages.items():
        assert served.status_code == 200, path
        headers = served.headers
        assert headers["content-security-policy"] == CSP, path
        assert "'unsafe-inline'" not in CSP and "'unsafe-eval'" not in CSP and "frame-ancestors 'none'" in CSP
        assert headers["x-frame-options"] == "DENY"
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "same-origin"
        assert headers["cache-control"] == "no-store", path
    assert "cache-control" not in client.get("/static/app.css").headers  # assets may be cached
    explorer = client.get("/api/v1/docs")
    assert explorer.status_code == 200 and "http" not in explorer.text.replace("http-equiv", "")
    sources = re.findall(r'(?:src|href)="([^"]+)"', explorer.text)
    assert sources and all(s.startswith("/static/") for s in sources)
    assert all(client.get(s).status_code == 200 for s in sources)  # vendored: `make vendor`


PAGES = ("/", "/alerts", "/institutions", "/notices", "/complaints", "/statistics", "/reports", "/api/v1/docs")


@needs_chromium
def test_finding_2_the_csp_breaks_no_page(base_url: str, browser: Any) -> None:
    """Every page draws its charts and runs its scripts with no CSP violation and no script error."""
    page, errors = _page(browser, base_url, "analyst")
    for path in PAGES:
        page.goto(f"{base_url}{path}")
        page.wait_for_load_state("networkidle")
        assert page.evaluate("() => window.__csp") == [], path
    page.goto(f"{base_url}/")
    page.wait_for_selector("#city-map[data-ready='1'] canvas")
    page.goto(f"{base_url}/statistics")
    page.wait_for_selector("#trade-chart[data-ready='1'] canvas")
    page.goto(f"{base_url}/api/v1/docs")
    page.wait_for_selector(".swagger-ui .opblock")
    page.goto(f"{base_url}/notices")
    with page.expect_navigation():  # the state filter submits itself through app.js, not an inline handler
        page.select_option("select[name=state]", "issued")
    assert "state=issued" in page.url
    page.goto(f"{base_url}/alerts")
    page.select_option("select[name=severity]", "high")  # htmx swaps the rows (hx-get, no eval)
    page.wait_for_url(re.compile(r"severity=high"))
    assert page.evaluate("() => window.__csp") == []
    assert errors == []
    page.context.close()


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def test_finding_3_a_200_mb_complaint_is_refused_before_it_is_read(base_url: str) -> None:
    """413 from the declared length alone; a chunked body is cut off once it passes the limit."""
    host, port = urlsplit(base_url).hostname, urlsplit(base_url).port
    before = _rss_mb()
    connection = http.client.HTTPConnection(str(host), port, timeout=30)
    connection.putrequest("POST", "/api/v1/complaints")
    connection.putheader("Content-Type", "application/json")
    connection.putheader("Content-Length", str(200 * 1024 * 1024))
    connection.endheaders()
    started = time.monotonic()
    reply = connection.getresponse()  # answered without a byte of the body sent
    assert reply.status == 413 and time.monotonic() - started < 5
    assert "1048576" in reply.read().decode()
    connection.close()

    connection = http.client.HTTPConnection(str(host), port, timeout=30)
    connection.putrequest("POST", "/api/v1/complaints")
    connection.putheader("Content-Type", "application/json")
    connection.putheader("Transfer-Encoding", "chunked")
    connection.endheaders()
    sent = 0
    chunk = b"x" * (256 * 1024)
    try:
        while sent < 200 * 1024 * 1024:
            connection.send(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
            sent += len(chunk)
    except (BrokenPipeError, ConnectionResetError):
        pass  # the server answered and closed while the body was still coming
    assert connection.getresponse().status == 413
    assert sent < 32 * 1024 * 1024  # refused within a few MB, not after 200
    connection.close()
    assert _rss_mb() - before < 50  # the server (this process) held no body
