"""The security programme over the API: regulators see every institution's findings, an institution its own."""

from __future__ import annotations

from cbec.api.app import API_PREFIX

from .world import World, as_user

FINDINGS = f"{API_PREFIX}/security/findings"


def test_an_institution_sees_and_answers_only_its_own_findings(world: World) -> None:
    everyone = world.client.get(FINDINGS, headers=as_user(world, "analyst")).json()
    assert {f["institution_id"] for f in everyone} == {world.mine, world.theirs} and len(everyone) == 7
    mine = world.client.get(FINDINGS, params={"institution_id": world.theirs}, headers=as_user(world, "pi-a")).json()
    assert {f["institution_id"] for f in mine} == {world.mine} and len(mine) == 4
    theirs = next(f for f in everyone if f["institution_id"] == world.theirs)["finding_id"]
    assert world.client.get(f"{FINDINGS}/{theirs}", headers=as_user(world, "pi-a")).status_code == 404
    assert world.client.get(f"{FINDINGS}/{theirs}", headers=as_user(world, "pi-b")).status_code == 200
    step = {"action": "start_plan", "reason": "应急预案已启动"}
    assert (
        world.client.post(f"{FINDINGS}/{theirs}/transitions", json=step, headers=as_user(world, "pi-a")).status_code
        == 404
    )
    own = next(f for f in mine if f["severity"] == "critical")
    moved = world.client.post(f"{FINDINGS}/{own['finding_id']}/transitions", json=step, headers=as_user(world, "pi-a"))
    assert moved.status_code == 200 and moved.json()["state"] == "plan_started"
    assert moved.json()["due_at"] == moved.json()["fix_by"]
    assert [s["action"] for s in moved.json()["history"]] == ["discover", "start_plan"]
    verify = {"action": "verify", "reason": "looks fine"}
    refused = world.client.post(
        f"{FINDINGS}/{own['finding_id']}/transitions", json=verify, headers=as_user(world, "pi-a")
    )
    assert refused.status_code == 403  # only a later scan verifies


def test_other_roles_may_not_read_findings(world: World) -> None:
    for user in ("shop", "firm", "auditor"):
        assert world.client.get(FINDINGS, headers=as_user(world, user)).status_code == 403
    assert world.client.get(f"{FINDINGS}/not-an-id", headers=as_user(world, "analyst")).status_code == 422
