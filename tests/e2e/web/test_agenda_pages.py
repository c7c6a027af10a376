"""The talent, consumer-education and logistics pages: the month's figures for regulators, nothing for tenants."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from fastapi.testclient import TestClient

from cbec.quality import service as quality
from cbec.stats import service as stats
from cbec.storage.store import Store
from cbec.talent import service as talent

from .world import MONTH

Login = Callable[[str], TestClient]


def _main(html: str) -> str:
    return html.split("<main>", 1)[1].split("</main>", 1)[0]


def _table(html: str, testid: str) -> str:
    return html.split(f'data-testid="{testid}"', 1)[1].split("</table>", 1)[0]


def test_the_talent_page_shows_demand_by_city_turnover_of_core_roles_and_training_over_the_cap(
    login: Login, store: Store
) -> None:
    reply = login("analyst").get("/talent")
    assert reply.status_code == 200
    main = _main(reply.text)
    demand = talent.demand(store=store, month=MONTH)
    turnover = talent.turnover(store=store, month=MONTH)
    cities = _table(main, "demand-by-city")
    assert cities.count("<tr>") == len(demand.by_city) + 1  # the header row and one per city
    assert f'<td class="num">{demand.by_city[0].postings}</td>' in cities
    rows = _table(main, "turnover")
    assert rows.count("★") == 3 and rows.count('class="overdue"') == sum(r.flagged for r in turnover.roles)
    training = _table(main, "training")
    assert training.count('class="overdue"') == 1 and "超过上限 +200,000" in training
    assert "/talent" in reply.text and "/education" in reply.text  # in the navigation


def test_the_education_page_shows_reach_by_channel_against_the_target(login: Login, store: Store) -> None:
    reply = login("auditor").get("/education", params={"month": MONTH})
    assert reply.status_code == 200
    main = _main(reply.text)
    reach = quality.education_reach(store=store, year=2026, through_month=10)
    assert f"{reach.attendance:,}" in main and "100,000" in main and "落后于进度" in main
    channels = _table(main, "by-channel")
    top = reach.by_channel[0]
    assert channels.count("<tr>") == len(reach.by_channel) + 1 and f"{top.reach:,}" in channels
    events = quality.education_events(store=store, first=date(2026, 10, 1), last=date(2026, 10, 31))
    assert _table(main, "events").count("<tr>") == min(30, len(events)) + 1


def test_tenants_do_not_see_the_provinces_talent_or_education(login: Login) -> None:
    for user in ("pi-a", "firm"):
        client = login(user)
        for path in ("/talent", "/education"):
            assert client.get(path).status_code in (403, 404), (user, path)
        client.cookies.clear()


def test_a_bad_month_is_refused(login: Login) -> None:
    assert login("analyst").get("/talent", params={"month": "2026-13"}).status_code == 422


def test_the_logistics_page_shows_cost_and_transit_by_mode_corridor_and_carrier(login: Login, store: Store) -> None:
    reply = login("analyst").get("/logistics", params={"month": MONTH})
    assert reply.status_code == 200
    main = _main(reply.text)
    report = stats.logistics(store=store, month=MONTH)
    assert report.total.parcels > 0
    assert f"<strong>{report.total.parcels:,}</strong>" in _main(reply.text).split('data-testid="logistics-total"')[1]
    modes = [g for g in report.groups if g.dimension == "mode"]
    by_mode = _table(main, "by-mode")
    assert by_mode.count("<tr>") == len(modes) + 1 and "直邮" in by_mode and "direct_mail" not in by_mode
    corridors = [g for g in report.groups if g.dimension == "corridor"]
    assert _table(main, "by-corridor").count("<tr>") == len(corridors) + 1
    first = corridors[0]
    assert f'<td>{first.key}</td><td class="num">{first.parcels:,}</td>' in _table(main, "by-corridor")
    english = login("analyst").get("/logistics", params={"month": MONTH}, cookies={"cbec_lang": "en"}).text
    assert "direct mail" in _table(_main(english), "by-mode") and "直邮" not in _main(english)
    assert 'href="/logistics"' in login("analyst").get("/statistics").text  # reached from the statistics page
    for user in ("pi-a", "firm"):
        assert login(user).get("/logistics").status_code == 403
