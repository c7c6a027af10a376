"""In Debian's Chromium: a regulator opens an alert and issues a notice; the institution sees it and submits a plan."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from .browsing import browser_login, logged_in_page, needs_chromium
from .world import World

pytestmark = needs_chromium


@pytest.fixture
def shoot(tmp_path: Path, record_property: Callable[[str, object], None]) -> Callable[[object, str], Path]:
    def screenshot(page: object, name: str) -> Path:
        path = tmp_path / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)  # type: ignore[attr-defined]
        record_property(f"screenshot:{name}", str(path))
        print(f"screenshot {name}: {path}")
        return path

    return screenshot


def test_regulator_issues_a_notice_and_the_institution_submits_a_plan(
    world: World, base_url: str, browser: object, shoot: Callable[[object, str], Path]
) -> None:
    # The regulator lands on the province overview: the city map and the charts are drawn.
    context, page, errors = logged_in_page(browser, base_url, "analyst")
    page.wait_for_selector("#city-map[data-ready='1'] canvas")
    page.wait_for_selector("#trend canvas")
    assert "全省概览" in page.inner_text("h1")
    assert "杭州市" in page.inner_text("[data-testid=city-table]")
    page.wait_for_timeout(800)  # let the charts' entry animation finish before the picture
    shoot(page, "1-overview")

    # The language switch redraws the page (and the map's city names) in English, and back.
    page.click("a.lang")
    page.wait_for_selector("#city-map[data-ready='1'] canvas")
    assert "Province overview" in page.inner_text("h1")
    assert "Hangzhou" in page.inner_text("[data-testid=city-table]")
    page.wait_for_timeout(800)
    shoot(page, "1-overview-en")
    page.click("a.lang")
    page.wait_for_selector("#city-map[data-ready='1'] canvas")

    # The alert queue, narrowed to one institution, then one alert with its evidence graph.
    page.goto(f"{base_url}/alerts?institution_id={world.mine}")
    page.click(f"a[href='/alerts/{world.my_alert}']")
    page.wait_for_url(f"{base_url}/alerts/{world.my_alert}")
    page.wait_for_selector("#evidence[data-ready='1'] canvas")
    assert world.mine in page.inner_text(".facts")
    page.wait_for_timeout(1200)  # the force layout settles
    shoot(page, "2-alert-evidence")

    # Issue a rectification notice from the alert: the new notice is issued, with a deadline.
    title = f"整改通知 {world.mine} 预警 #{world.my_alert}"
    page.fill("[data-testid=notice-form] input[name=title]", title)
    page.select_option("[data-testid=notice-form] select[name=kind]", "rectification")
    page.click("[data-testid=notice-form] button[type=submit]")
    page.wait_for_url(f"{base_url}/notices/*")
    notice_url = page.url
    assert page.inner_text("[data-testid=notice-title]") == title
    assert page.inner_text("[data-testid=notice-state]") == "已下发"
    assert page.inner_text("[data-testid=due]").startswith("20")
    shoot(page, "3-notice-issued")
    page.click("header form[action='/logout'] button")
    page.wait_for_url(f"{base_url}/login")

    # The institution lands on its portal and finds the notice among those to answer.
    browser_login(page, base_url, "pi-a")
    page.wait_for_url(f"{base_url}/portal")
    assert title in page.inner_text("[data-testid=to-answer-section]")
    shoot(page, "4-portal")

    # It submits a rectification plan; the notice moves on and records who did it.
    page.click(f"a[href='{notice_url.removeprefix(base_url)}']")
    page.select_option("[data-testid=action-form] select[name=action]", "submit_plan")
    page.fill("[data-testid=action-form] textarea[name=reason]", "整改计划：两周内完成客户身份复核")
    page.click("[data-testid=action-form] button[type=submit]")
    page.wait_for_url(notice_url)
    assert page.inner_text("[data-testid=notice-state]") == "已提交整改计划"
    history = page.inner_text("[data-testid=history]")
    assert "pi-a" in history and "两周内完成客户身份复核" in history
    shoot(page, "5-plan-submitted")

    # The other institution cannot open this notice.
    page.click("header form[action='/logout'] button")
    browser_login(page, base_url, "pi-b")
    page.wait_for_url(f"{base_url}/portal")
    reply = page.goto(notice_url)
    assert reply is not None and reply.status == 404
    assert errors == []
    context.close()
