"""A consumer files without logging in, the regulator accepts, the platform answers, the consumer closes."""

from __future__ import annotations

from .world import World, as_user


def test_a_complaint_through_the_public_routes_and_the_platforms_portal(world: World) -> None:
    filed = world.client.post(
        "/api/v1/complaints",
        json={
            "text": "The parcel never arrived and tracking stopped at customs",
            "language": "en",
            "platform_id": "PF-1",
            "consumer_name": "Jane Doe",
            "consumer_phone": "+1 415 555 0100",
        },
    ).json()
    code = filed["tracking_code"]
    assert (
        filed["state"] == "received" and filed["consumer_name"] == "J*** D**" and "555" not in filed["consumer_phone"]
    )
    tracked = world.client.get(f"/api/v1/complaints/track/{code}").json()
    assert tracked["id"] == filed["id"] and tracked["history"][0]["action"] == "file"
    assert world.client.get("/api/v1/complaints/track/TS000000000000").status_code == 404
    # the platform cannot see it before the regulator accepts and routes it
    assert world.client.get("/api/v1/complaints", headers=as_user(world, "shop")).json() == []
    accepted = world.client.post(
        f"/api/v1/complaints/{filed['id']}/transitions",
        headers=as_user(world, "analyst"),
        json={"action": "accept", "reason": "受理"},
    ).json()
    assert (accepted["respondent_kind"], accepted["respondent_id"]) == ("platform", "PF-1")
    mine = world.client.get("/api/v1/complaints", headers=as_user(world, "shop")).json()
    assert [c["id"] for c in mine] == [filed["id"]]
    assert world.client.get("/api/v1/complaints", headers=as_user(world, "pi-a")).json() == []
    answered = world.client.post(
        f"/api/v1/complaints/{filed['id']}/transitions",
        headers=as_user(world, "shop"),
        json={"action": "settle", "reason": "refunded in full"},
    )
    assert answered.status_code == 200 and answered.json()["state"] == "settled"
    closed = world.client.post(
        f"/api/v1/complaints/track/{code}/steps",
        json={"action": "close", "reason": "thanks", "satisfaction": 4},
    ).json()
    assert closed["state"] == "closed" and closed["satisfaction"] == 4
