"""/talent, /education and /brands over HTTP: regulators and auditors read the province's figures, tenants cannot."""

from __future__ import annotations

import pytest

from .world import MONTH, World, as_user

ROUTES = (
    f"/api/v1/talent/demand?month={MONTH}",
    f"/api/v1/talent/turnover?month={MONTH}",
    "/api/v1/talent/training?year=2026",
    "/api/v1/education/events?first=2026-10-01&last=2026-10-31",
    "/api/v1/education/reach?year=2026&through_month=10",
    "/api/v1/brands",
)


def test_turnover_by_core_role_and_demand_by_city_for_the_month(world: World) -> None:
    demand = world.client.get(ROUTES[0], headers=as_user(world, "analyst"))
    assert demand.status_code == 200, demand.text
    body = demand.json()
    assert body["postings"] == sum(c["postings"] for c in body["by_city"]) > 0
    assert {c["city"] for c in body["by_city"]} <= {
        "杭州市",
        "宁波市",
        "金华市",
        "温州市",
        "台州市",
        "嘉兴市",
        "绍兴市",
        "湖州市",
        "丽水市",
        "衢州市",
        "舟山市",
    }
    turnover = world.client.get(ROUTES[1], headers=as_user(world, "auditor")).json()
    core = [r for r in turnover["roles"] if r["core"]]
    assert [r["role"] for r in core] == ["operations", "product_development", "promotion"]
    assert all(r["reason_zh"] and r["turnover_pct"] is not None for r in core)


def test_training_funding_against_the_cap_and_education_reach_by_channel(world: World) -> None:
    training = world.client.get(ROUTES[2], headers=as_user(world, "admin")).json()
    assert training["over_cap"] == 1 and training["cap_cny"] == "1000000"
    over = training["programmes"][0]
    assert over["over_cap_by"] == "200000.00" and over["findings"] == ["over_cap"]
    events = world.client.get(ROUTES[3], headers=as_user(world, "analyst")).json()
    reach = world.client.get(ROUTES[4], headers=as_user(world, "analyst")).json()
    assert len(events) == reach["events"] == 40
    assert sum(g["reach"] for g in reach["by_channel"]) == reach["attendance"] == sum(e["reach"] for e in events)
    assert (reach["target"], reach["pace_target"], reach["on_pace"]) == (100_000, 83_333, False)


def test_fig1_from_the_register_stands_beside_the_papers_figure(world: World) -> None:
    years = {y["year"]: y for y in world.client.get(ROUTES[5], headers=as_user(world, "analyst")).json()["years"]}
    assert (years[2023]["total"], years[2023]["paper_value"]) == (84, "84")
    assert years[2023]["synthetic"] and "Liu 2025" in years[2023]["paper_source"]


@pytest.mark.parametrize("user", ["pi-a", "shop", "firm"])
def test_tenants_cannot_read_the_provinces_figures(world: World, user: str) -> None:
    for route in ROUTES:
        assert world.client.get(route, headers=as_user(world, user)).status_code == 403, route


def test_bad_parameters_are_refused(world: World) -> None:
    headers = as_user(world, "analyst")
    assert world.client.get("/api/v1/talent/demand?month=2026-13", headers=headers).status_code == 422
    assert world.client.get("/api/v1/education/reach?year=2026&through_month=13", headers=headers).status_code == 422
    assert (
        world.client.get(
            "/api/v1/education/events?first=2026-10-01&last=2026-10-31&limit=5000", headers=headers
        ).status_code
        == 422
    )
    assert world.client.get("/api/v1/brands").status_code == 401
