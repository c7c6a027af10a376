"""In Debian's Chromium, the analyst's day on the review queue: assign, comment, attach, maker-checker, an STR draft."""

from __future__ import annotations

import hashlib
from pathlib import Path

from cbec.audit import service as audit
from cbec.monitoring import service as monitoring
from cbec.storage.store import Store

from .browsing import logged_in_page, needs_chromium

pytestmark = needs_chromium
PDF = b"%PDF-1.4\n% bank statement\ntrailer << >>\n%%EOF\n"


def _open_item(store: Store, severities: tuple[str, ...], skip: set[int]) -> int:
    return next(
        int(str(i["id"]))
        for i in monitoring.list_items(store=store, limit=None)
        if i["severity"] in severities and i["status"] in ("new", "assigned") and int(str(i["id"])) not in skip
    )


def test_assign_comment_attach_a_checked_false_positive_and_a_true_positives_report(
    base_url: str, browser: object, store: Store, tmp_path: Path
) -> None:
    high = _open_item(store, ("high", "critical"), set())
    other = _open_item(store, ("low", "medium", "high", "critical"), {high})
    analyst, page, errors = logged_in_page(browser, base_url, "analyst")
    page.wait_for_selector("#city-map[data-ready='1'] canvas")  # the overview drawn before we leave it

    # From the alert queue to the review queue, then the item.
    page.goto(f"{base_url}/alerts")
    page.click("[data-testid=review-queue-link]")
    page.wait_for_url(f"{base_url}/review")
    assert "待审队列" in page.inner_text("h1")
    page.goto(f"{base_url}/review/{high}")

    # Assign to oneself, start, comment, attach a file.
    page.fill("[data-testid=assign-form] input[name=assignee]", "analyst")
    page.click("[data-testid=assign-form] button[type=submit]")
    page.wait_for_url(f"{base_url}/review/{high}")
    assert page.inner_text("[data-testid=review-assignee]") == "analyst"
    page.click("[data-testid=start-form] button[type=submit]")
    page.wait_for_selector("[data-testid=close-form]")
    assert page.inner_text("[data-testid=review-status]") == "审查中"
    page.fill("[data-testid=comment-form] textarea[name=text]", "同一账户当日多笔拆分 / split the same day")
    page.click("[data-testid=comment-form] button[type=submit]")
    page.wait_for_url(f"{base_url}/review/{high}")
    assert "同一账户当日多笔拆分" in page.inner_text("[data-testid=history]")
    statement = tmp_path / "流水 statement.pdf"
    statement.write_bytes(PDF)
    page.set_input_files("[data-testid=attach-form] input[name=file]", str(statement))
    page.click("[data-testid=attach-form] button[type=submit]")
    page.wait_for_url(f"{base_url}/review/{high}")
    files = page.inner_text("[data-testid=review-files]")
    assert "流水_statement.pdf" in files and hashlib.sha256(PDF).hexdigest() in files
    with page.expect_download() as download:
        page.click("[data-testid=review-files] a")
    assert Path(download.value.path()).read_bytes() == PDF

    # A high item closed as a false positive waits for a second person; the maker cannot confirm it.
    page.select_option("[data-testid=close-form] select[name=disposition]", "false_positive")
    page.fill("[data-testid=close-form] textarea[name=reason]", "学费缴纳 / tuition abroad")
    page.click("[data-testid=close-form] button[type=submit]")
    page.wait_for_url(f"{base_url}/review/{high}")
    assert page.inner_text("[data-testid=review-status]").startswith("待复核")
    assert page.inner_text("[data-testid=proposed-by]") == "analyst"
    page.click("[data-testid=check-form] button[value=approve]")
    page.wait_for_selector("[data-testid=message-detail]")
    assert "second person" in page.inner_text("[data-testid=message-detail]")

    checker, second, _ = logged_in_page(browser, base_url, "admin")
    second.wait_for_selector("#city-map[data-ready='1'] canvas")
    second.goto(f"{base_url}/review/{high}")
    second.fill("[data-testid=check-form] textarea[name=reason]", "同意 / agreed")
    second.click("[data-testid=check-form] button[value=approve]")
    second.wait_for_url(f"{base_url}/review/{high}")
    assert second.inner_text("[data-testid=review-status]") == "已结案 · 误报"
    checker.close()

    # Another item closed as a true positive drafts its suspicious transaction report.
    page.goto(f"{base_url}/review/{other}")
    page.fill("[data-testid=assign-form] input[name=assignee]", "analyst")
    page.click("[data-testid=assign-form] button[type=submit]")
    page.wait_for_url(f"{base_url}/review/{other}")
    page.click("[data-testid=start-form] button[type=submit]")
    page.wait_for_selector("[data-testid=close-form]")
    page.select_option("[data-testid=close-form] select[name=disposition]", "true_positive")
    page.fill("[data-testid=close-form] textarea[name=reason]", "资金快进快出 / in and out within hours")
    page.click("[data-testid=close-form] button[type=submit]")
    page.wait_for_selector("[data-testid=str-draft]")
    page.click("[data-testid=str-draft] a[href$='/report']")
    page.wait_for_url(f"{base_url}/review/{other}/report")
    report = page.inner_text("[data-testid=str-report]")
    item = monitoring.get_item(store=store, item_id=other)
    assert item is not None and item["payment_id"] in report and "第十九条" in report
    assert page.inner_text("[data-testid=str-totals]").strip() != ""
    analyst.close()
    assert errors == []

    audited = [e.action for e in audit.list_entries(store=store, entity="review_item", entity_id=str(high))]
    for action in ("assign", "start", "comment", "attach", "propose_close", "confirm_close"):
        assert f"review_item.{action}" in audited


def test_two_items_ticked_in_the_queue_are_assigned_in_one_step(base_url: str, browser: object, store: Store) -> None:
    context, page, errors = logged_in_page(browser, base_url, "analyst")
    page.goto(f"{base_url}/review?status=assigned")
    ticks = page.locator("[data-testid=bulk-item]")
    chosen = [int(ticks.nth(n).get_attribute("value") or 0) for n in (0, 1)]
    ticks.nth(0).check()
    ticks.nth(1).check()
    page.fill("[data-testid=bulk-form] input[name=assignee]", "团队-b")
    page.click("[data-testid=bulk-assign]")
    page.wait_for_selector("[data-testid=bulk-notice]")
    notice = page.inner_text("[data-testid=bulk-notice]")
    assert notice.startswith("已分派事项：2 → 团队-b") and all(f"#{i}" in notice for i in chosen)
    for item_id in chosen:
        item = monitoring.get_item(store=store, item_id=item_id)
        assert item is not None and (item["status"], item["assignee"]) == ("assigned", "团队-b")
    # the queue comes back filtered as it was
    assert "status=assigned" in page.url
    assert page.locator("[data-testid=review-filters] select[name=status]").input_value() == "assigned"
    context.close()
    assert errors == []


def test_choose_all_ticks_every_item_on_the_page_and_assigns_them(base_url: str, browser: object, store: Store) -> None:
    context, page, errors = logged_in_page(browser, base_url, "analyst")
    page.goto(f"{base_url}/review?status=assigned&sort=id")
    ticks = page.locator("[data-testid=bulk-item]")
    page.check("[data-testid=bulk-all]")
    values = [int(ticks.nth(n).get_attribute("value") or 0) for n in range(ticks.count())]
    assert len(values) >= 2 and all(ticks.nth(n).is_checked() for n in range(len(values)))
    page.uncheck("[data-testid=bulk-all]")
    assert not any(ticks.nth(n).is_checked() for n in range(len(values)))
    page.check("[data-testid=bulk-all]")
    page.fill("[data-testid=bulk-form] input[name=assignee]", "团队-c")
    page.click("[data-testid=bulk-assign]")
    page.wait_for_selector("[data-testid=bulk-notice]")
    assert page.inner_text("[data-testid=bulk-notice]").startswith(f"已分派事项：{len(values)} → 团队-c")
    for item_id in values:
        item = monitoring.get_item(store=store, item_id=item_id)
        assert item is not None and item["assignee"] == "团队-c"
    assert "sort=id" in page.url
    context.close()
    assert errors == []
