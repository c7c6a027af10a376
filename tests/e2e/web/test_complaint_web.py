"""A complaint from the public web form to its closure: the consumer, the regulator and the platform's portal."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from cbec.api.deps import SESSION_COOKIE

from .world import PASSWORD


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([0-9a-f]+)"', html)
    assert found
    return found.group(1)


def _as(client: TestClient, user: str) -> TestClient:
    client.cookies.clear()
    assert client.post("/login", data={"username": user, "password": PASSWORD}).status_code == 303
    return client


def test_a_complaint_filed_on_the_web_form_runs_to_closure(client: TestClient) -> None:
    form = client.get("/complaint")
    assert form.status_code == 200 and "消费者投诉" in form.text and 'name="consumer_phone"' in form.text
    assert "File a complaint" in client.get("/complaint", cookies={"cbec_lang": "en"}).text
    refused = client.post("/complaint", data={"text": "x", "consumer_name": "张", "consumer_phone": "1"})
    assert refused.status_code == 422  # too short to be a complaint
    filed = client.post(
        "/complaint",
        data={
            "text": "买的奶粉收到时已经临近保质期，只剩一个月",
            "consumer_name": "王小明",
            "consumer_phone": "13987654321",
            "platform_id": "PF-1",
        },
    )
    assert filed.status_code == 303
    page = client.get(filed.headers["location"]).text
    code = re.search(r'data-testid="tracking-code">(TS[0-9A-F]{12})<', page).group(1)  # type: ignore[union-attr]
    assert "王**" in page and "139****4321" in page and "13987654321" not in page

    regulator = _as(client, "analyst")
    board = regulator.get("/complaints").text
    case_id = re.search(r'href="/complaints/(\d+)" data-testid="complaint-link"', board).group(1)  # type: ignore[union-attr]
    detail = regulator.get(f"/complaints/{case_id}").text
    assert "买的奶粉" in detail and 'value="accept"' in detail and 'value="reject"' in detail
    accepted = regulator.post(
        f"/complaints/{case_id}/act", data={"action": "accept", "reason": "受理", "csrf": _csrf(detail)}
    )
    assert accepted.status_code == 303 and accepted.headers["location"] == f"/complaints/{case_id}"
    forged = regulator.post(f"/complaints/{case_id}/act", data={"action": "reject", "reason": "x", "csrf": "0" * 40})
    assert forged.status_code == 403

    platform = _as(client, "shop")
    mine = platform.get("/complaints").text
    assert "临近保质期" in mine and f'href="/complaints/{case_id}"' in mine
    routed = platform.get(f"/complaints/{case_id}").text
    assert 'data-testid="respondent">PF-1' in routed and 'value="settle"' in routed and 'value="accept"' not in routed
    settled = platform.post(
        f"/complaints/{case_id}/act", data={"action": "settle", "reason": "已全额退款", "csrf": _csrf(routed)}
    )
    assert settled.status_code == 303
    other = _as(client, "pi-a")
    assert "临近保质期" not in other.get("/complaints").text  # an institution sees none of it
    assert other.get(f"/complaints/{case_id}").status_code == 404  # nor, by its number, the one routed elsewhere
    auditor = _as(client, "auditor").get(f"/complaints/{case_id}").text
    assert "complaint-action-form" not in auditor and "只读角色" in auditor

    client.cookies.pop(SESSION_COOKIE, None)
    tracked = client.get(f"/complaint/track/{code}").text
    assert "close_complaint" not in tracked and 'name="satisfaction"' in tracked
    closed = client.post(f"/complaint/track/{code}/close", data={"satisfaction": "4", "action": "close"})
    assert closed.status_code == 303
    assert "已办结" in client.get(f"/complaint/track/{code}").text


def test_the_tracking_lookup_answers_a_person_not_a_script(client: TestClient) -> None:
    client.cookies.clear()
    empty = client.get("/complaint/track", follow_redirects=False)
    assert empty.status_code == 200 and 'name="code"' in empty.text and "lookup-error" not in empty.text
    typo = client.get("/complaint/track", params={"code": "ts12345"})
    assert (
        typo.status_code == 400 and "查询码格式不对" in typo.text and "problem+json" not in typo.headers["content-type"]
    )
    english = client.get("/complaint/track/TS12345", cookies={"cbec_lang": "en"})
    assert english.status_code == 404 and "That is not a tracking code" in english.text and "^TS" not in english.text
    unknown = client.get("/complaint/track", params={"code": "ts0123456789ab"}, follow_redirects=False)
    assert unknown.status_code == 303 and unknown.headers["location"] == "/complaint/track/TS0123456789AB"
    missing = client.get(unknown.headers["location"])
    assert missing.status_code == 404 and "没有这个查询码的投诉" in missing.text
    login = client.get("/login").text
    assert 'href="/complaint"' in login and 'href="/complaint/track"' in login
