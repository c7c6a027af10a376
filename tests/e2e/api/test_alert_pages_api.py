"""GET /alerts pages by keyset (next_cursor as `after`) as well as by offset, and a tenant's cursor stays its own."""

from __future__ import annotations

from .world import World, as_user


def _walk(world: World, user: str, **params: object) -> tuple[list[int], int]:
    ids: list[int] = []
    page = world.client.get("/api/v1/alerts", params={"limit": 7, **params}, headers=as_user(world, user)).json()
    total = page["total"]
    while True:
        ids += [a["id"] for a in page["items"]]
        if page["next_cursor"] is None:
            return ids, total
        assert page["offset"] == 0
        page = world.client.get(
            "/api/v1/alerts",
            params={"limit": 7, "after": page["next_cursor"], **params},
            headers=as_user(world, user),
        ).json()
        assert page["total"] == total


def test_keyset_pages_give_the_whole_queue_in_order_and_the_same_total(world: World) -> None:
    everything = world.client.get("/api/v1/alerts", params={"limit": 500}, headers=as_user(world, "analyst")).json()
    walked, total = _walk(world, "analyst")
    assert walked == [a["id"] for a in everything["items"]] and total == everything["total"] == len(walked) > 7
    newest, _ = _walk(world, "analyst", sort="-first_at")
    assert sorted(newest) == sorted(walked) and newest != walked


def test_an_institution_pages_only_its_own_alerts_by_cursor(world: World) -> None:
    mine, total = _walk(world, "pi-a")
    shown = world.client.get("/api/v1/alerts", params={"limit": 500}, headers=as_user(world, "pi-a")).json()
    assert mine == [a["id"] for a in shown["items"]] and total == len(mine)
    assert {a["institution_id"] for a in shown["items"]} == {world.mine}


def test_a_broken_cursor_or_a_cursor_with_an_offset_is_a_422_problem(world: World) -> None:
    first = world.client.get("/api/v1/alerts", params={"limit": 2}, headers=as_user(world, "analyst")).json()
    for params in ({"after": "garbage"}, {"after": first["next_cursor"], "offset": 2}, {"after": "x" * 201}):
        reply = world.client.get("/api/v1/alerts", params=params, headers=as_user(world, "analyst"))
        assert reply.status_code == 422, params
        assert reply.headers["content-type"] == "application/problem+json"
