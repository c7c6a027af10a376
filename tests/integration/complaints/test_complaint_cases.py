"""Complaints from filing to closure, on both stores: deadlines, routing, roles, and no plaintext personal data."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import text

from cbec.auth.domain import Forbidden, NotVisible, Principal
from cbec.complaints import keys
from cbec.complaints import service as complaints
from cbec.complaints.models import ComplaintCase
from cbec.complaints.schemas import CATEGORIES, ComplaintCreate
from cbec.core.clock import SHANGHAI
from cbec.feeds.service import ingest, read_side
from cbec.storage.store import Store
from cbec.synth import generate

NAME, PHONE, ID_NUMBER, ADDRESS = (
    "王小明",
    "13987654321",
    "330106198805051234",
    "浙江省杭州市上城区清泰街 8 号",
)


def at(value: str) -> datetime:
    return datetime.fromisoformat(value).replace(tzinfo=SHANGHAI)


def _file(store: Store, when: str = "2026-09-29 10:00") -> complaints.ComplaintRead:
    data = ComplaintCreate(
        text="收到的面霜是临期产品，离过期只有一个月",
        language="zh",
        platform_id="PF-7",
        enterprise_id="91330100MA27XK0Q2B",
        consumer_name=NAME,
        consumer_phone=PHONE,
        consumer_id_number=ID_NUMBER,
        consumer_address=ADDRESS,
    )
    return complaints.file_complaint(store=store, data=data, now=at(when))


def test_no_plaintext_personal_data_is_stored_anywhere_in_the_database(store: Store) -> None:
    filed = _file(store)
    assert (filed.consumer_name, filed.consumer_phone) == ("王**", "139****4321")
    with store.engine.connect() as connection:
        tables = [
            r[0]
            for r in connection.execute(
                text(
                    "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
                    if store.engine.dialect.name == "postgresql"
                    else "SELECT name FROM sqlite_master WHERE type = 'table'"
                )
            )
        ]
        dump = "\n".join(str(row) for table in tables for row in connection.execute(text(f'SELECT * FROM "{table}"')))
    assert "complaint_cases" in tables and filed.tracking_code in dump  # the dump does hold the case
    for secret in (NAME, PHONE, ID_NUMBER, ADDRESS, "13987654321"[3:7] + "4321"):
        assert secret not in dump, secret
    if store.engine.dialect.name == "sqlite":
        raw = store.settings.home_dir.joinpath("cbec.sqlite3").read_bytes()
        raw += b"".join(p.read_bytes() for p in store.settings.home_dir.glob("cbec.sqlite3-wal"))
        for secret in (NAME, PHONE, ID_NUMBER, ADDRESS):
            assert secret.encode() not in raw, secret


def test_the_form_is_stored_as_given_and_read_back_from_the_stored_columns(store: Store) -> None:
    data = ComplaintCreate(
        text="The headphones I received are counterfeit",
        language="en",
        platform_id="PF-9",
        enterprise_id="91330100MA27XK0Q2B",
        order_id="ORD-2026-0042",
        amount_claimed=Decimal("399.00"),
        currency="CNY",
        consumer_name=NAME,
        consumer_phone=PHONE,
    )
    filed = complaints.file_complaint(store=store, data=data, now=at("2026-09-29 10:00"))
    shown = (filed.language, filed.platform_id, filed.enterprise_id, filed.order_id, filed.text)
    assert shown == ("en", "PF-9", "91330100MA27XK0Q2B", "ORD-2026-0042", "The headphones I received are counterfeit")
    assert (filed.consumer_id_number, filed.consumer_address, filed.received_at) == (None, None, at("2026-09-29 10:00"))
    with store.factory() as session:
        row = session.get_one(ComplaintCase, filed.id)
        assert (row.amount_claimed, row.currency, row.source) == (Decimal("399.00"), "CNY", "web")


def test_a_complaint_runs_from_filing_to_closure_with_statutory_deadlines(store: Store) -> None:
    filed = _file(store)
    # 7 working days after Tue 29 Sep 2026: 30 Sep, 8, 9, 10 (adjusted Saturday), 12, 13, 14 Oct
    assert filed.state == "received" and filed.due_at == at("2026-10-14 23:59:59.999999")
    accepted = complaints.advance_complaint(
        store=store,
        case_id=filed.id,
        action="accept",
        actor="regulator",
        reason="属于受理范围",
        now=at("2026-10-09 09:00"),
    )
    # the enterprise is not in the register: the platform gets it, 10 working days to settle
    assert (accepted.state, accepted.respondent_kind, accepted.respondent_id) == (
        "with_respondent",
        "platform",
        "PF-7",
    )
    assert accepted.due_at == at("2026-10-22 23:59:59.999999")  # Sat 10 Oct (adjusted), 12-16, 19-22 Oct
    platform = Principal(username="pf", role="platform", tenant_id="PF-7")
    answered = complaints.advance_complaint(
        store=store,
        case_id=filed.id,
        action="answer",
        actor="pf",
        reason="同意退货退款",
        principal=platform,
        now=at("2026-10-12 09:00"),
    )
    assert answered.due_at == accepted.due_at  # answering does not restart the settlement clock
    complaints.advance_complaint(
        store=store,
        case_id=filed.id,
        action="settle",
        actor="pf",
        reason="已退款",
        principal=platform,
        now=at("2026-10-13 09:00"),
    )
    with pytest.raises(ValueError, match="satisfaction"):
        complaints.consumer_step(store=store, tracking_code=filed.tracking_code, action="close", reason="ok")
    closed = complaints.consumer_step(
        store=store,
        tracking_code=filed.tracking_code,
        action="close",
        reason="满意",
        satisfaction=5,
        now=at("2026-10-14 09:00"),
    )
    assert closed.state == "closed" and closed.satisfaction == 5
    assert [h.action for h in closed.history] == ["file", "accept", "route", "answer", "settle", "close"]


def test_roles_and_tenants_are_enforced_and_late_cases_escalate(store: Store) -> None:
    filed = _file(store)
    other = Principal(username="x", role="platform", tenant_id="PF-OTHER")
    with pytest.raises(NotVisible):
        complaints.advance_complaint(
            store=store, case_id=filed.id, action="answer", actor="x", reason="r", principal=other
        )
    complaints.advance_complaint(
        store=store, case_id=filed.id, action="accept", actor="r", reason="ok", now=at("2026-09-30 09:00")
    )
    platform = Principal(username="pf", role="platform", tenant_id="PF-7")
    with pytest.raises(Forbidden):
        complaints.advance_complaint(
            store=store, case_id=filed.id, action="close", actor="pf", reason="r", principal=platform
        )
    assert [c.id for c in complaints.list_complaints(store=store, principal=platform)] == [filed.id]
    assert complaints.list_complaints(store=store, principal=other) == []
    assert complaints.check_deadlines(store=store, now=at("2026-10-20 09:00")) == []
    assert complaints.check_deadlines(store=store, now=at("2026-10-31 09:00")) == [filed.id]
    assert complaints.track(store=store, tracking_code=filed.tracking_code).state == "escalated"  # type: ignore[union-attr]


def test_keys_rotate_and_personal_data_is_erased_on_request(store: Store) -> None:
    filed = _file(store)
    admin = Principal(username="admin", role="regulator-admin")
    keys.add_key(store.settings, "k2")
    assert complaints.rotate_keys(store=store) == 4
    keys.drop_retired(store.settings, keys.load_keyring(store.settings))
    assert complaints.reveal_personal(store=store, case_id=filed.id, principal=admin, reason="调解需要联系消费者") == {
        "consumer_name": NAME,
        "consumer_phone": PHONE,
        "consumer_id_number": ID_NUMBER,
        "consumer_address": ADDRESS,
        "text": "收到的面霜是临期产品，离过期只有一个月",
    }
    with pytest.raises(Forbidden):
        complaints.reveal_personal(
            store=store,
            case_id=filed.id,
            principal=Principal(username="a", role="regulator-analyst"),
            reason="x",
        )
    complaints.erase_personal(store=store, case_id=filed.id, actor="admin", reason="消费者申请删除")
    shown = complaints.track(store=store, tracking_code=filed.tracking_code)
    assert shown is not None and shown.consumer_name is None and shown.consumer_phone is None and shown.text


def test_personal_data_typed_into_the_text_is_masked_and_sealed(store: Store) -> None:
    """Finding 6: a phone and an ID number in the free text reached the platform unmasked."""
    said = f"商家不退款，请打我电话 {PHONE} 或发邮件 wang@example.com，身份证 330106198805051232"
    data = ComplaintCreate(text=said, language="zh", platform_id="PF-7", consumer_name=NAME, consumer_phone=PHONE)
    filed = complaints.file_complaint(store=store, data=data, now=at("2026-09-29 10:00"))
    masked = "商家不退款，请打我电话 139****4321 或发邮件 w***@example.com，身份证 330***********1232"
    assert filed.text == masked
    shown = complaints.track(store=store, tracking_code=filed.tracking_code)
    assert shown is not None and shown.text == masked
    with store.engine.connect() as connection:
        stored = connection.execute(text("SELECT text, text_personal FROM complaint_cases")).one()
    assert stored[0] == masked and stored[1].startswith("pd1.") and PHONE not in stored[1]
    admin = Principal(username="admin", role="regulator-admin")
    keys.add_key(store.settings, "k2")
    assert complaints.rotate_keys(store=store) == 3  # name, phone and the text
    assert complaints.reveal_personal(store=store, case_id=filed.id, principal=admin, reason="调解")["text"] == said
    complaints.erase_personal(store=store, case_id=filed.id, actor="admin", reason="消费者申请删除")
    with store.engine.connect() as connection:
        assert connection.execute(text("SELECT text, text_personal FROM complaint_cases")).one() == (masked, None)


def test_the_complaints_feed_becomes_classified_cases_once(store: Store, tmp_path: Path) -> None:
    synth = generate(out_dir=tmp_path / "synth", month="2026-10", payments=2_000, seed=12)
    ingest(store=store, feed="complaints", paths=[synth.files["complaints"]])
    con = read_side(store=store)
    (expected,) = con.execute("SELECT count(*) FROM complaints WHERE month = '2026-10'").fetchone() or (0,)
    con.close()
    assert complaints.import_feed(store=store, month="2026-10") == expected > 0
    assert complaints.import_feed(store=store, month="2026-10") == 0  # a second import opens nothing
    cases = complaints.list_complaints(store=store, limit=1000)
    assert len(cases) == expected and all(c.state == "received" and c.due_at is not None for c in cases)
    assert {c.category for c in cases} <= set(CATEGORIES) and len({c.category for c in cases}) > 2
