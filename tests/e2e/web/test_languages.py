"""Every page as every demo role, and the monthly report, in Chinese and in English: one language at a time.

A Chinese page shows no raw identifier (a typology, rule id, status, severity, category, role, job role, action
or channel code, or any snake_case token) and no English unit; an English page shows no Chinese unit, no
full-width colon and no amount in tens of thousands ("CNY 5,865.96 10k"). Only the text a person reads counts:
tags, attributes (ids in links), scripts and styles are stripped first. What people typed (a complaint, a
notice's title, a reason) is data and may be in either language: it is read from the store and left aside.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from cbec.auth.domain import REGULATOR_ANALYST, Principal
from cbec.complaints.models import ComplaintCase
from cbec.core.clock import SHANGHAI
from cbec.core.i18n import labels
from cbec.monitoring import service as monitoring
from cbec.reports.document import cover
from cbec.reports.render import render_html
from cbec.reports.service import build_report
from cbec.storage.store import Store

from .languages import PIECES, problems, typed, visible_text
from .world import MONTH, World

USERS = ("admin", "analyst", "pi-a", "shop", "firm", "auditor")
LANGS = ("zh", "en")
PUBLIC = ("/login", "/complaint", "/complaint/track")
# The first link of each kind of detail page found on the pages a user can reach is opened too.
DETAIL = re.compile(r'href="(/(?:alerts|notices|institutions|complaints|ip/takedowns|cases)/[^"?#]+|/logistics)"')
NAV = re.compile(r'<nav class="wide"[^>]*>(.*?)</nav>', re.S)
HREF = re.compile(r'href="([^"]+)"')
REVIEW_ITEM = re.compile(r'href="(/review/\d+)" data-testid="review-link"')
REASON = "资金快进快出，与申报贸易不符"  # what the analyst typed when closing a review item: data, any language


def _pages(client: TestClient) -> Iterator[tuple[str, str]]:
    """Yield (path, html) of the navigation's pages and the first detail page of each kind they link to."""
    home = client.get("/", follow_redirects=True)
    nav = NAV.search(home.text)
    paths = HREF.findall(nav.group(1)) if nav else []
    seen: set[str] = set()
    details: dict[str, str] = {}
    for path in paths:
        if path in seen:
            continue
        seen.add(path)
        reply = client.get(path)
        assert reply.status_code == 200, f"{path}: HTTP {reply.status_code}"
        yield path, reply.text
        for link in DETAIL.findall(reply.text):
            details.setdefault(link.split("/")[1], link)
    for link in details.values():
        reply = client.get(link)
        assert reply.status_code == 200, f"{link}: HTTP {reply.status_code}"
        yield link, reply.text


def _review_pages(client: TestClient, reviewed: int) -> Iterator[tuple[str, str]]:
    """Yield the review queue (linked from the alert queue), its first item, and the item closed as a true
    positive with its report draft, where the user may see them."""
    queue = client.get("/review", params={"status": ""})
    assert queue.status_code == 200, f"/review: HTTP {queue.status_code}"
    yield "/review", queue.text
    links = dict.fromkeys([*REVIEW_ITEM.findall(queue.text)[:1], f"/review/{reviewed}", f"/review/{reviewed}/report"])
    for link in links:
        reply = client.get(link)
        if reply.status_code != 404:  # another tenant's item
            assert reply.status_code == 200, f"{link}: HTTP {reply.status_code}"
            yield link, reply.text


@pytest.fixture(scope="module")
def reviewed(store: Store, world: World) -> int:
    """Close an open item as a true positive (its report is drafted); return its id.

    The lowest-scored open item of an institution not the test institution's: the other tests take the first ones.
    """
    analyst = Principal("analyst", REGULATOR_ANALYST)
    items = monitoring.list_items(store=store, limit=None)
    item = [i for i in items if i["status"] in ("new", "assigned") and i["institution_id"] != world.mine][-1]
    item_id = int(str(item["id"]))
    if item["status"] == "new":
        monitoring.assign_item(store=store, item_id=item_id, assignee="analyst", principal=analyst)
    monitoring.start_item(store=store, item_id=item_id, principal=analyst)
    monitoring.close_item(store=store, item_id=item_id, disposition="true_positive", reason=REASON, principal=analyst)
    return item_id


@pytest.mark.parametrize("lang", LANGS)
def test_every_page_of_every_role_speaks_one_language(
    client: TestClient, login: Callable[[str], TestClient], store: Store, reviewed: int, lang: str
) -> None:
    said = [*typed(store), *PIECES.split(REASON)]
    found: list[str] = []
    count = 0
    seen: set[str] = set()
    with store.factory() as session:  # a consumer's own page, reached by the tracking code
        code = session.scalars(select(ComplaintCase.tracking_code).order_by(ComplaintCase.id)).first()
    for path in (*PUBLIC, f"/complaint/track/{code}"):
        client.get(f"/lang/{lang}?next=/")
        found += problems(lang, f"public {path}", client.get(path).text, said)
        count += 1
    for user in USERS:
        client.cookies.clear()
        login(user)
        client.get(f"/lang/{lang}?next=/")
        for path, page in [*_pages(client), *_review_pages(client, reviewed)]:
            found += problems(lang, f"{user} {path}", page, said)
            count += 1
            seen.add(path)
    assert count > 40  # every role's navigation and the detail pages it links to
    assert {"/review", f"/review/{reviewed}", f"/review/{reviewed}/report"} <= seen  # the review pages, a draft
    assert found == [], "\n".join(found)


@pytest.mark.parametrize("lang", LANGS)
def test_the_report_speaks_one_language(store: Store, world: World, tmp_path: Path, lang: str) -> None:
    data = build_report(store=store, month=MONTH, now=datetime(2026, 11, 5, 9, tzinfo=SHANGHAI))
    front = cover(store.settings, month=MONTH, sequence=11, lang=lang)  # the cover and the executive summary too
    page = render_html(data, lang=lang, out_dir=tmp_path, cover=front).read_text(encoding="utf-8")
    text = visible_text(page)
    assert len(text) > 2_000
    authority, number, summary = {
        "zh": ("浙江省商务厅", f"浙跨境监〔{MONTH[:4]}〕11号", "本月要点与建议行动"),
        "en": (
            "Zhejiang Provincial Department of Commerce",
            f"ZJ CBEC Supervision [{MONTH[:4]}] No. 11",
            "The month's actions",
        ),
    }[lang]
    assert authority in text and number in text and summary in text
    assert len(data.sections["executive"]["actions"]) >= 1  # the summary's sentences are checked, not only its title
    found = problems(lang, f"report {lang}", page)
    assert found == [], "\n".join(found)


def test_the_checks_catch_what_they_exist_to_catch() -> None:
    zh = "<p>类型 <b>three_document</b> 严重程度 medium <a href='/alerts/CN-RAPID-IN-OUT'>金额 1.2 CNY million</a></p>"
    assert problems("zh", "x", zh) == [
        "x: raw code 'medium'",
        "x: raw code 'three_document'",
        "x: snake_case 'three_document'",
        "x: English unit 'CNY'",
        "x: English unit 'million'",
    ]
    en = "<p>Amount: 5.3 亿元 in 12 个 cities：<a href='/x?state=plan_submitted'>CNY 5,865.96 10k</a></p>"
    assert problems("en", "x", en) == [
        "x: Chinese unit '2 个'",
        "x: Chinese unit '3 亿元'",
        "x: Chinese unit '：'",
        "x: 万 in English '10k'",
    ]
    assert problems("zh", "x", "<p>中等 <script>var three_document = 1</script></p>") == []


@pytest.mark.parametrize("lang", LANGS)
def test_the_overview_charts_name_typologies_in_the_pages_language(
    client: TestClient, login: Callable[[str], TestClient], lang: str
) -> None:
    login("analyst")
    client.get(f"/lang/{lang}?next=/")
    page = client.get("/", params={"month": MONTH}).text
    data = json.loads(re.search(r'id="overview-data">(.*?)</script>', page, re.S).group(1))  # type: ignore[union-attr]
    names = json.loads(re.search(r'id="labels">(.*?)</script>', page, re.S).group(1))["typology"]  # type: ignore[union-attr]
    assert data["typology"] and set(names) == set(data["typology"])
    assert names == {code: labels.label("typology", code, lang) for code in data["typology"]}
    assert all(name != code for code, name in names.items())


def test_an_institutions_rating_shows_shares_as_percentages(
    world: World, store: Store, login: Callable[[str], TestClient]
) -> None:
    from cbec.supervision import service as supervision

    rating = next(r for r in supervision.list_ratings(store=store, month=MONTH) if r.institution_id == world.mine)
    documents = next(m for m in rating.modules if m.module == "documents")
    assert documents.value is not None and documents.value <= 1
    page = login("analyst").get(f"/institutions/{world.mine}", params={"month": MONTH}).text
    row = re.search(r"<td>三单对碰[^<]*</td>\s*<td class=\"num\">([^<]+)</td>", page)
    assert row is not None and row.group(1) == f"{documents.value * 100:,.2f}%"
    # The rating's score keeps its word; the review queue's risk score has a key of its own (risk_score).
    assert '<th class="num">得分</th>' in page and "风险评分" not in page
    queue = login("analyst").get("/review").text
    assert '<th class="num">风险评分</th>' in queue and '<th class="num">得分</th>' not in queue
