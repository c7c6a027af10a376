"""The complaints queue: paged, filtered by state and category, each row a link, the respondent named."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal

from fastapi.testclient import TestClient

from cbec.auth import service as auth
from cbec.complaints import service as complaints
from cbec.complaints.schemas import ComplaintCreate
from cbec.storage.store import Store

from .world import PASSWORD


def _delivery(text: str) -> tuple[str, Decimal | None, str]:
    return "delivery", Decimal("0.9"), "test"


def test_a_platform_pages_through_the_complaints_routed_to_it_and_filters_them(
    store: Store, login: Callable[[str], TestClient]
) -> None:
    auth.create_user(store=store, username="pf9", password=PASSWORD, role="platform", tenant_id="PF-9")
    for n in range(27):
        data = ComplaintCreate(
            text=f"包裹第{n}天仍未送达",
            language="zh",
            consumer_name="李雷",
            consumer_phone="13800000000",
            platform_id="PF-9",
        )
        filed = complaints.file_complaint(store=store, data=data, classifier=_delivery)
        complaints.advance_complaint(store=store, case_id=filed.id, action="accept", actor="analyst", reason="受理")

    client = login("pf9")
    first = client.get("/complaints").text
    assert "共 27 条 · 1/2 页" in first
    assert len(re.findall(r'data-testid="complaint-link"', first)) == 25
    assert first.count("物流配送") >= 25  # the category in words, not its code
    assert "PF-9" in first and "待经营者处理" in first
    second = client.get("/complaints", params={"page": 2}).text
    assert len(re.findall(r'data-testid="complaint-link"', second)) == 2 and "2/2" in second
    assert "共 0 条" in client.get("/complaints", params={"state": "closed"}).text
    assert "共 0 条" in client.get("/complaints", params={"category": "privacy"}).text
    narrowed = client.get("/complaints", params={"state": "with_respondent", "category": "delivery"}).text
    assert "共 27 条" in narrowed and 'value="delivery" selected' in narrowed
    # An unknown filter value is ignored rather than echoed back.
    assert "共 27 条" in client.get("/complaints", params={"state": "<script>"}).text
    # Another platform sees none of them.
    assert "包裹第" not in login("shop").get("/complaints").text
