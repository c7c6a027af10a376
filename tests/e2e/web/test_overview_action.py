"""The overview points to action: amounts beside counts, names beside codes, a prompt for unwarned C/D institutions."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal

from fastapi.testclient import TestClient

from cbec.feeds import service as feeds
from cbec.monitoring import service as monitoring
from cbec.storage.store import Store
from cbec.supervision import service as supervision

from .world import MONTH, World


def test_the_overview_gives_the_amount_beside_the_count_and_names_the_institutions(
    store: Store, login: Callable[[str], TestClient]
) -> None:
    html = login("analyst").get("/", params={"month": MONTH}).text
    amounts = monitoring.payment_amounts(store=store, month=MONTH)
    assert amounts and all(total > Decimal(0) for total in amounts.values())
    # Each amount as Chinese writes it: yuan after the figure, another currency by its code after the figure.
    assert f'data-testid="amount-CNY">{amounts["CNY"]:,.2f} 元</span>' in html
    assert f'data-testid="amount-USD">{amounts["USD"]:,.2f} USD</span>' in html
    assert f"另有 {len(amounts) - 3} 种币种" in html  # CNY, USD and EUR summed; the others counted
    names = feeds.register_names(store=store, feed="institutions")
    worst = supervision.list_ratings(store=store, month=MONTH)[0].institution_id
    assert f'">{names[worst][0]}</a> <span class="code">{worst}</span>' in html


def test_class_c_institutions_without_an_open_notice_are_listed_as_a_prompt(
    world: World, store: Store, login: Callable[[str], TestClient]
) -> None:
    ratings = supervision.list_ratings(store=store, month=MONTH)
    low = {r.institution_id for r in ratings if r.grade >= "C"}
    html = login("analyst").get("/", params={"month": MONTH}).text
    prompt = re.search(r'data-testid="unwarned">(.*?)</section>', html, re.S)
    # Those with a notice open (the world's goes to `theirs`; other tests may issue more) are not prompted.
    closed = ("verified", "acknowledged", "withdrawn", "escalated")  # as the overview counts open notices
    with_notice = {n.institution_id for n in supervision.list_notices(store=store) if n.state not in closed}
    expected = low - with_notice
    assert expected, "the world's month has a class C-or-lower institution without a notice"
    assert prompt is not None and "尚无未结通知" in html
    listed = set(re.findall(r'href="/institutions/([^"?]+)\?', prompt.group(1)))
    assert listed == expected and world.theirs not in listed


def test_a_corridor_alert_names_the_counterparty_country(login: Callable[[str], TestClient]) -> None:
    client = login("analyst")
    queue = client.get("/alerts", params={"rule_id": "CN-HR-CORRIDOR-OUT"}).text
    first = re.search(r'href="/alerts/(\d+)" data-testid="alert-link"', queue)
    assert first is not None, "the world's month has a corridor alert"
    detail = client.get(f"/alerts/{first.group(1)}").text
    countries = re.search(r'data-testid="countries">([A-Z, ]+)<', detail)
    assert countries is not None and "CN" not in countries.group(1).split(", ")
    assert "对方国家/地区" in detail and "涉及金额" in detail
