"""The quality page and the case board: every kind of case in one list, with the API's role and tenant rules."""

from __future__ import annotations

import re
from collections.abc import Callable

from fastapi.testclient import TestClient

from .world import World


def test_the_regulator_sees_every_kind_of_case_with_links_and_the_institution_only_its_own(
    world: World, login: Callable[[str], TestClient]
) -> None:
    board = login("analyst").get("/cases")
    assert board.status_code == 200 and "案件总览" in board.text
    assert f'href="/notices/{world.their_notice}" data-testid="case-link"' in board.text
    assert "监管通知" in board.text and world.theirs in board.text  # the kind in words, the institution named
    only_notices = login("analyst").get("/cases", params={"kind": "notice"}).text
    assert set(re.findall(r'data-kind="([a-z_]+)"', only_notices)) == {"notice"}

    theirs = login("pi-b").get("/cases").text
    assert f'href="/notices/{world.their_notice}"' in theirs
    mine = login("pi-a").get("/cases").text
    assert f'href="/notices/{world.their_notice}"' not in mine  # another institution's notice stays hidden
    assert set(re.findall(r'data-kind="([a-z_]+)"', mine)) <= {"notice"}


def test_a_platform_sees_no_notices_and_may_not_open_the_quality_page(login: Callable[[str], TestClient]) -> None:
    shop = login("shop")
    board = shop.get("/cases")
    assert board.status_code == 200 and 'data-kind="notice"' not in board.text
    assert shop.get("/quality").status_code == 403


def test_the_quality_page_opens_for_the_regulator_and_the_enterprise(login: Callable[[str], TestClient]) -> None:
    page = login("analyst").get("/quality")
    assert page.status_code == 200 and "各企业质量情况" in page.text and 'data-testid="quality-cases"' in page.text
    english = login("firm").get("/quality", cookies={"cbec_lang": "en"})
    assert english.status_code == 200 and "Quality per enterprise" in english.text
    assert login("pi-a").get("/quality").status_code == 403


def test_the_platform_and_the_enterprise_find_what_is_theirs_on_the_case_board(
    login: Callable[[str], TestClient],
) -> None:
    shop = login("shop").get("/cases").text
    assert set(re.findall(r'data-kind="([a-z_]+)"', shop)) == {"complaint", "takedown"}
    assert "包裹三周未到" in shop and "退货后一个月" not in shop
    firm = login("firm").get("/cases", cookies={"cbec_lang": "en"}).text
    assert "退货后一个月仍未退款" in firm and "包裹三周未到" not in firm
    assert "IP takedown" in firm and "platform notified" in firm  # kinds and states in the page's language


def test_the_platform_portal_shows_its_cases_and_the_institution_portal_does_not(
    login: Callable[[str], TestClient],
) -> None:
    portal = login("shop").get("/portal").text
    section = re.search(r'data-testid="my-cases">(.*?)</section>', portal, re.S)
    assert section is not None and "包裹三周未到" in section.group(1) and "知识产权下架" in section.group(1)
    assert 'data-testid="my-cases"' not in login("pi-a").get("/portal").text
