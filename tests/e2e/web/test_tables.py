"""The alert queue's table: sortable by its columns, names beside codes, every id a link."""

from __future__ import annotations

import re
from collections.abc import Callable

from fastapi.testclient import TestClient

from cbec.feeds import service as feeds
from cbec.storage.store import Store

from .world import World


def _ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'href="/alerts/(\d+)" data-testid="alert-link"', html)]


def test_the_alert_queue_sorts_by_a_clicked_column_and_turns_round_on_a_second_click(
    login: Callable[[str], TestClient],
) -> None:
    client = login("analyst")
    newest = client.get("/alerts", params={"sort": "-id"}).text
    assert _ids(newest) == sorted(_ids(newest), reverse=True) and len(_ids(newest)) == 25
    assert 'aria-sort="descending"' in newest and "sort=id" in newest  # the header now offers the other way round
    oldest = _ids(client.get("/alerts", params={"sort": "id"}).text)
    assert oldest == sorted(oldest) and oldest[0] == 1
    assert client.get("/alerts", params={"sort": "payer; drop table"}).status_code == 422


def test_alert_rows_name_the_institution_beside_its_code_and_link_it(
    world: World, store: Store, login: Callable[[str], TestClient]
) -> None:
    name = feeds.register_names(store=store, feed="institutions")[world.mine][0]
    html = login("analyst").get("/alerts", params={"institution_id": world.mine}).text
    assert f'<a href="/institutions/{world.mine}">{name}</a> <span class="code">{world.mine}</span>' in html
    # The institution itself sees its name, but no link to the province's institution pages.
    own = login("pi-a").get("/alerts").text
    assert f"{name} <span" in own and f'href="/institutions/{world.mine}"' not in own
