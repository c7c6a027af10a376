"""/api/v1/ip: takedowns (notice, platform action, counter-notice, evidence, package), copy findings and border
flags, each role seeing only its own: a platform its listings' cases, an enterprise the cases against it."""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from cbec.config import Settings
from cbec.feeds.service import ingest
from cbec.ip import service as ip
from cbec.storage.store import open_store

from ..integration.ip.copies_world import INFRINGER, LICENSEE, T0, load_border_world, picture
from .api.world import PASSWORD, serving

USERS = {
    "admin": ("regulator-admin", None),
    "pf1": ("platform", "PF-1"),
    "pf2": ("platform", "PF-2"),
    "seller": ("enterprise", INFRINGER),
    "licensee": ("enterprise", LICENSEE),
    "pi": ("institution", "PI-1"),
    "auditor": ("auditor", None),
}


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, dict[str, dict[str, str]]]]:
    folder = tmp_path_factory.mktemp("ip-api")
    settings = Settings(home=folder / "home")
    store = open_store(settings)
    load_border_world(store, folder)
    picture(7).save(folder / "view.png")
    picture(7).resize((200, 200)).save(folder / "copy.png")
    (folder / "patents.csv").write_text(
        "patent_id,kind,title,owner,classes,views,jurisdiction,valid_from,valid_to\n"
        f'ZL1,design,鞋,"Nike, Inc.",02-04,{folder / "view.png"},CN,2021-01-01,2035-01-01\n',
        encoding="utf-8",
    )
    (folder / "listings2.csv").write_text(
        "listing_id,platform_id,enterprise_id,title,image,listed_at\n"
        f"LS-IMG,PF-1,{INFRINGER},running shoes,{folder / 'copy.png'},2026-10-01T10:00:00+08:00\n"
        f"LS-IMG2,PF-2,{LICENSEE},running shoes,{folder / 'copy.png'},2026-10-01T10:00:00+08:00\n",
        encoding="utf-8",
    )
    ingest(store=store, feed="patents", paths=[folder / "patents.csv"])
    ingest(store=store, feed="listings", paths=[folder / "listings2.csv"])
    assert ip.scan_copies(store=store, now=T0).image_findings == 2
    ip.flag_border(store=store, month="2026-10", now=T0)
    with serving(settings, store, USERS) as (test_client, tokens):
        yield test_client, {name: {"Authorization": f"Bearer {token}"} for name, token in tokens.items()}


def _notice(platform: str, seller: str) -> dict[str, str]:
    return {
        "listing_id": f"LS-{platform}",
        "platform_id": platform,
        "enterprise_id": seller,
        "mark_id": "TM-1",
        "rights_holder": "Nike, Inc.",
        "evidence": "注册证与比对截图",
    }


def test_a_takedown_runs_through_the_api_and_each_party_sees_only_its_own(
    client: tuple[TestClient, dict[str, dict[str, str]]],
) -> None:
    api, as_ = client
    created = api.post("/api/v1/ip/takedowns", json=_notice("PF-1", INFRINGER), headers=as_["admin"])
    assert created.status_code == 201, created.text
    case = created.json()
    assert case["state"] == "notified" and case["due_at"]
    other = api.post("/api/v1/ip/takedowns", json=_notice("PF-2", LICENSEE), headers=as_["pf2"]).json()
    refused = api.post("/api/v1/ip/takedowns", json=_notice("PF-2", LICENSEE), headers=as_["pf1"])
    assert refused.status_code == 403  # a platform records notices on its own listings only
    assert api.post("/api/v1/ip/takedowns", json=_notice("PF-1", INFRINGER), headers=as_["seller"]).status_code == 403

    def ids(user: str) -> set[int]:
        reply = api.get("/api/v1/ip/takedowns", headers=as_[user])
        assert reply.status_code == 200, reply.text
        return {c["id"] for c in reply.json()}

    assert ids("admin") >= {case["id"], other["id"]}
    assert ids("pf1") == {case["id"]} and ids("pf2") == {other["id"]}
    assert ids("seller") == {case["id"]} and ids("licensee") == {other["id"]}
    for user in ("pi", "auditor"):
        assert api.get("/api/v1/ip/takedowns", headers=as_[user]).status_code == 403
    assert api.get(f"/api/v1/ip/takedowns/{other['id']}", headers=as_["pf1"]).status_code == 404
    assert api.get(f"/api/v1/ip/takedowns/{other['id']}", headers=as_["seller"]).status_code == 404

    url = f"/api/v1/ip/takedowns/{case['id']}"
    assert api.post(
        f"{url}/steps", json={"action": "counter_notice", "reason": "x"}, headers=as_["pf1"]
    ).status_code in (
        403,
        409,
    )
    step = api.post(f"{url}/steps", json={"action": "take_down", "reason": "已下架"}, headers=as_["pf1"])
    assert step.status_code == 200 and step.json()["state"] == "removed"
    assert api.post(f"{url}/steps", json={"action": "take_down", "reason": "x"}, headers=as_["pf2"]).status_code == 404
    answer = api.post(f"{url}/steps", json={"action": "counter_notice", "reason": "自有设计"}, headers=as_["seller"])
    assert answer.status_code == 200 and answer.json()["state"] == "counter_noticed"

    photo = b"\x89PNG screenshot of the listing"
    kept = api.post(f"{url}/evidence", files={"file": ("截图.png", photo, "image/png")}, headers=as_["seller"])
    assert kept.status_code == 201 and kept.json()["sha256"] == hashlib.sha256(photo).hexdigest()
    stranger = api.post(f"{url}/evidence", files={"file": ("x.png", b"x", "image/png")}, headers=as_["licensee"])
    assert stranger.status_code == 404
    detail = api.get(url, headers=as_["seller"]).json()
    assert [s["action"] for s in detail["steps"]] == ["take_down", "counter_notice"]
    assert [e["name"] for e in detail["evidence"]] == ["截图.png"]

    assert api.get(f"{url}/evidence-package", headers=as_["pf1"]).status_code == 403
    package = api.get(f"{url}/evidence-package", headers=as_["admin"])
    assert package.status_code == 200 and package.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(package.content)) as archive:
        assert archive.read("files/01_截图.png") == photo and "manifest.json" in archive.namelist()


def test_copy_findings_and_border_flags_are_scoped_to_their_tenant(
    client: tuple[TestClient, dict[str, dict[str, str]]],
) -> None:
    api, as_ = client

    def listings(user: str) -> list[str]:
        reply = api.get("/api/v1/ip/copies", headers=as_[user])
        assert reply.status_code == 200, reply.text
        return sorted(f["listing_id"] for f in reply.json())

    assert listings("admin") == ["LS-IMG", "LS-IMG2"]
    assert listings("pf1") == ["LS-IMG"] and listings("pf2") == ["LS-IMG2"]
    assert listings("seller") == ["LS-IMG"] and listings("licensee") == ["LS-IMG2"]
    finding = api.get("/api/v1/ip/copies", headers=as_["pf1"]).json()[0]
    assert finding["rule"] == "image_copy" and finding["right_id"] == "ZL1" and finding["how"] == "same"
    assert api.get("/api/v1/ip/copies", headers=as_["pi"]).status_code == 403

    def flags(user: str) -> list[str]:
        reply = api.get("/api/v1/ip/border-flags", params={"month": "2026-10"}, headers=as_[user])
        assert reply.status_code == 200, reply.text
        return [f["declaration_id"] for f in reply.json()]

    assert flags("admin") == ["DC-1"] and flags("seller") == ["DC-1"] and flags("licensee") == []
    for user in ("pf1", "pi", "auditor"):
        assert api.get("/api/v1/ip/border-flags", params={"month": "2026-10"}, headers=as_[user]).status_code == 403
    assert api.get("/api/v1/ip/border-flags", params={"month": "2026-13"}, headers=as_["admin"]).status_code == 422


def test_enterprise_ip_risk_is_read_by_regulators_and_by_each_enterprise_for_itself(
    client: tuple[TestClient, dict[str, dict[str, str]]],
) -> None:
    api, as_ = client

    def risk(user: str, **params: str) -> dict[str, dict[str, int]]:
        reply = api.get("/api/v1/ip/risk", params=params, headers=as_[user])
        assert reply.status_code == 200, reply.text
        return {r["enterprise_id"]: {c["name"]: c["score"] for c in r["components"]} for r in reply.json()}

    every = risk("admin")
    assert {INFRINGER, LICENSEE} <= set(every)
    # no own mark, found in Nice classes 25 and 28: 30 + 2 x 25; DC-1 flagged at the border: 20
    assert every[INFRINGER]["rd"] == 80 and every[INFRINGER]["sourcing"] == 20
    assert list(risk("seller")) == [INFRINGER] and list(risk("licensee")) == [LICENSEE]
    assert risk("seller", enterprise_id=LICENSEE) == {}  # another enterprise's risk is not shown
    assert list(risk("admin", enterprise_id=LICENSEE)) == [LICENSEE]
    for user in ("pf1", "pi", "auditor"):
        assert api.get("/api/v1/ip/risk", headers=as_[user]).status_code == 403
    assert api.get("/api/v1/ip/risk", params={"enterprise_id": "x" * 33}, headers=as_["admin"]).status_code == 422


def _login(api: TestClient, user: str) -> dict[str, str]:
    reply = api.post(
        "/login",
        data={"username": user, "password": PASSWORD},
        headers={"Origin": "http://testserver"},
        follow_redirects=False,
    )
    assert reply.status_code == 303, reply.text
    return {"cbec_session": reply.cookies["cbec_session"]}


def test_the_ip_page_shows_each_party_its_own_cases_and_findings_escaped(
    client: tuple[TestClient, dict[str, dict[str, str]]],
) -> None:
    api, as_ = client
    notice = _notice("PF-1", INFRINGER) | {"rights_holder": "<b>Evil</b> Corp", "listing_id": "LS-WEB"}
    case = api.post("/api/v1/ip/takedowns", json=notice, headers=as_["admin"]).json()
    theirs = api.post("/api/v1/ip/takedowns", json=_notice("PF-2", LICENSEE), headers=as_["admin"]).json()

    seller = _login(api, "seller")
    html = api.get("/ip", cookies=seller, params={"month": "2026-10"}).text
    assert "LS-WEB" in html and "&lt;b&gt;Evil&lt;/b&gt; Corp" in html and "<b>Evil</b>" not in html
    assert "PF-1/LS-IMG</td>" in html and "PF-2/LS-IMG2" not in html
    assert "DC-1" in html and 'href="/ip"' in html  # its border flag; the nav entry
    detail = api.get(f"/ip/takedowns/{case['id']}", cookies=seller)
    assert detail.status_code == 200 and "LS-WEB" in detail.text
    assert api.get(f"/ip/takedowns/{theirs['id']}", cookies=seller).status_code == 404

    platform = api.get("/ip", cookies=_login(api, "pf2"), params={"month": "2026-10"}).text
    assert "PF-2/LS-IMG2" in platform and "LS-WEB" not in platform and "DC-1" not in platform
    assert api.get("/ip", cookies=_login(api, "pi"), follow_redirects=False).status_code == 403
