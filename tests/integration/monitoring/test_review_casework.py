"""The analyst's workflow beyond one item: cases per account, evidence files, bulk actions, the STR draft."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from tests.integration.monitoring.triage_month import MONTH, load_rows, triage_with_model

from cbec.audit import service as audit
from cbec.auth.domain import Forbidden, NotVisible, Principal
from cbec.core.clock import SHANGHAI
from cbec.monitoring import service
from cbec.monitoring.triage.attachments import AttachmentError
from cbec.monitoring.triage.bulk import BulkError
from cbec.storage.store import Store

ANALYST = Principal("wang", "regulator-analyst")
CHECKER = Principal("li", "regulator-admin")
PI_A = Principal("pi-a", "institution", "PI-A")
PI_B = Principal("pi-b", "institution", "PI-B")
NOW = datetime(2026, 11, 2, 10, tzinfo=SHANGHAI)
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
Items = dict[str, dict[str, object]]


def _id(item: dict[str, object]) -> int:
    return int(str(item["id"]))


@pytest.fixture
def world(store: Store, tmp_path: Path) -> Iterator[tuple[Store, Path, Items]]:
    """Items P1, P3 (payer I1 at PI-A: one case) and Q1, Q2 (PI-B, two payers: two cases)."""
    load_rows(store, tmp_path)
    service.run_month(store=store, month=MONTH, matching=False, graph=False, triage=False)
    triage_with_model(store, tmp_path, {"P1": 0.99, "P3": 0.9, "Q1": 0.99, "Q2": 0.999})
    yield store, tmp_path, {str(i["payment_id"]): i for i in service.list_items(store=store, limit=None)}


def test_items_of_one_account_and_month_share_a_case_scored_by_max_and_noisy_or(
    world: tuple[Store, Path, Items],
) -> None:
    store, tmp_path, items = world
    assert set(items) == {"P1", "P3", "Q1", "Q2"}
    assert items["P1"]["case_id"] == items["P3"]["case_id"] != items["Q1"]["case_id"] != items["Q2"]["case_id"]
    case = service.get_review_case(store=store, case_id=int(str(items["P1"]["case_id"])))
    scores = sorted((float(str(items[p]["score"])) for p in ("P1", "P3")), reverse=True)
    assert (case["subject_key"], case["status"], case["item_count"]) == ("account:I1", "open", 2)
    assert case["score"] == scores[0]
    assert case["combined_score"] == pytest.approx(1 - (1 - scores[0]) * (1 - scores[1]), abs=1e-6)
    assert [i["payment_id"] for i in case["items"]] == ["P1", "P3"]
    # A later run of the month: the account's new item joins its open case.
    triage_with_model(store, tmp_path, {"P1": 0.99, "P2": 0.95, "P3": 0.9, "Q1": 0.99, "Q2": 0.999})
    again = service.get_review_case(store=store, case_id=int(str(items["P1"]["case_id"])))
    assert (again["item_count"], sorted(i["payment_id"] for i in again["items"])) == (3, ["P1", "P2", "P3"])
    # An institution sees its own cases only; another's reads as missing.
    assert {c["institution_id"] for c in service.list_review_cases(store=store, principal=PI_A)} == {"PI-A"}
    with pytest.raises(NotVisible):
        service.get_review_case(store=store, case_id=int(str(items["Q1"]["case_id"])), principal=PI_A)


def test_a_case_closes_with_its_last_item_and_a_new_item_then_opens_a_new_case(
    world: tuple[Store, Path, Items],
) -> None:
    store, tmp_path, items = world
    closed = service.bulk_close(
        store=store,
        item_ids=[_id(items["P1"]), _id(items["P3"])],
        disposition="no_action",
        reason="",
        principal=ANALYST,
    )
    assert [(i["status"], i["disposition"]) for i in closed] == [("closed", "no_action"), ("closed", "no_action")]
    old_case = int(str(items["P1"]["case_id"]))
    assert service.get_review_case(store=store, case_id=old_case)["status"] == "closed"
    triage_with_model(store, tmp_path, {"P1": 0.99, "P2": 0.95, "P3": 0.9, "Q1": 0.99, "Q2": 0.999})
    p2 = next(i for i in service.list_items(store=store, limit=None) if i["payment_id"] == "P2")
    assert p2["case_id"] not in (None, old_case)
    assert service.get_review_case(store=store, case_id=int(str(p2["case_id"])))["subject_key"] == "account:I1"


def test_a_file_is_kept_with_its_sha256_checked_on_download_and_audited(world: tuple[Store, Path, Items]) -> None:
    store, _, items = world
    item_id = _id(items["P1"])
    kept = service.attach_file(
        store=store,
        item_id=item_id,
        name="../../etc/银行流水 march.pdf",
        content_type="application/pdf",
        data=PDF,
        principal=ANALYST,
    )
    assert (kept["name"], kept["size"], kept["added_by"]) == ("银行流水_march.pdf", len(PDF), "wang")
    assert kept["sha256"] == hashlib.sha256(PDF).hexdigest()
    stored = store.settings.home_dir / "evidence" / "review" / str(item_id) / kept["sha256"]
    assert stored.read_bytes() == PDF
    again = service.attach_file(
        store=store, item_id=item_id, name="copy.pdf", content_type="application/pdf", data=PDF, principal=ANALYST
    )
    assert again["id"] == kept["id"]  # the same bytes are kept once
    record, data = service.read_attachment(store=store, item_id=item_id, attachment_id=kept["id"], principal=ANALYST)
    assert (record["name"], data) == ("银行流水_march.pdf", PDF)
    # The institution answers with a file on its own item, and cannot read another's.
    answer = service.attach_file(
        store=store, item_id=item_id, name="reply.txt", content_type="text/plain", data="说明".encode(), principal=PI_A
    )
    assert [a["name"] for a in service.list_attachments(store=store, item_id=item_id, principal=PI_A)] == [
        "银行流水_march.pdf",
        "reply.txt",
    ]
    with pytest.raises(NotVisible):
        service.read_attachment(store=store, item_id=item_id, attachment_id=answer["id"], principal=PI_B)
    audited = [e.action for e in audit.list_entries(store=store, entity="review_item", entity_id=str(item_id))]
    assert audited.count("review_item.attach") == 2
    stored.write_bytes(PDF.replace(b"1.4", b"1.7"))  # the file changed on disk
    with pytest.raises(AttachmentError, match="SHA-256"):
        service.read_attachment(store=store, item_id=item_id, attachment_id=kept["id"], principal=ANALYST)


@pytest.mark.parametrize(
    ("name", "content_type", "data", "why"),
    [
        ("empty.pdf", "application/pdf", b"", "empty"),
        ("tool.exe", "application/x-msdownload", b"MZ\x90\x00", "not allowed"),
        ("fake.pdf", "application/pdf", b"<html>hello</html>", "the bytes are not application/pdf"),
        ("bin.txt", "text/plain", b"ab\x00cd", "UTF-8"),
        ("huge.txt", "text/plain", b"a" * (10 * 1024 * 1024 + 1), "too large"),
    ],
)
def test_a_file_that_is_empty_too_large_of_a_type_not_allowed_or_not_what_it_says_is_refused(
    world: tuple[Store, Path, Items], name: str, content_type: str, data: bytes, why: str
) -> None:
    store, _, items = world
    with pytest.raises(AttachmentError, match=why):
        service.attach_file(
            store=store, item_id=_id(items["P1"]), name=name, content_type=content_type, data=data, principal=ANALYST
        )
    assert service.list_attachments(store=store, item_id=_id(items["P1"]), principal=ANALYST) == []


def test_bulk_assign_steps_each_item_and_audits_each(world: tuple[Store, Path, Items]) -> None:
    store, _, items = world
    ids = [_id(items["Q1"]), _id(items["Q2"])]
    done = service.bulk_assign(store=store, item_ids=ids, assignee="team-east", principal=ANALYST, now=NOW)
    assert [(i["id"], i["assignee"], i["status"]) for i in done] == [
        (ids[0], "team-east", "assigned"),
        (ids[1], "team-east", "assigned"),
    ]
    for item_id in ids:
        steps = service.item_steps(store=store, item_id=item_id, principal=ANALYST)
        assert [(s["action"], s["actor"]) for s in steps] == [("assign", "system"), ("assign", "wang")]
        audited = [e.action for e in audit.list_entries(store=store, entity="review_item", entity_id=str(item_id))]
        assert audited == ["review_item.assign", "review_item.assign"]


def test_bulk_is_all_or_nothing_and_names_the_item_that_stopped_it(world: tuple[Store, Path, Items]) -> None:
    store, _, items = world
    q1, q2 = _id(items["Q1"]), _id(items["Q2"])
    service.bulk_close(store=store, item_ids=[q2], disposition="no_action", reason="", principal=ANALYST)
    with pytest.raises(BulkError, match=f"#{q2}.*nothing in this call was done"):
        service.bulk_close(store=store, item_ids=[q1, q2], disposition="no_action", reason="", principal=ANALYST)
    assert service.get_item(store=store, item_id=q1)["status"] == "assigned"  # type: ignore[index]
    assert [s["action"] for s in service.item_steps(store=store, item_id=q1, principal=ANALYST)] == ["assign"]
    with pytest.raises(Forbidden, match=f"#{_id(items['P1'])}"):
        service.bulk_assign(store=store, item_ids=[_id(items["P1"])], assignee="x", principal=PI_A)
    with pytest.raises(NotVisible):
        service.bulk_assign(store=store, item_ids=[q1], assignee="x", principal=PI_A)
    with pytest.raises(BulkError, match="bulk disposition"):
        service.bulk_close(store=store, item_ids=[q1], disposition="true_positive", reason="", principal=ANALYST)


def test_bulk_false_positives_of_critical_items_still_wait_for_a_second_person(
    world: tuple[Store, Path, Items],
) -> None:
    store, _, items = world
    ids = [_id(items["Q1"]), _id(items["Q2"])]
    proposed = service.bulk_close(
        store=store, item_ids=ids, disposition="false_positive", reason="payroll batch", principal=ANALYST
    )
    assert [(i["status"], i["proposed_by"]) for i in proposed] == [("pending_check", "wang")] * 2
    with pytest.raises(Forbidden, match="second person"):
        service.check_close(store=store, item_id=ids[0], approve=True, reason="ok", principal=ANALYST)
    done = service.check_close(store=store, item_id=ids[0], approve=True, reason="agreed", principal=CHECKER)
    assert (done["status"], done["disposition"]) == ("closed", "false_positive")


def test_a_true_positive_drafts_its_suspicious_transaction_report(world: tuple[Store, Path, Items]) -> None:
    store, _, items = world
    item_id = _id(items["P1"])
    assert service.get_report_draft(store=store, item_id=item_id) is None
    service.start_item(store=store, item_id=item_id, principal=ANALYST, now=NOW)
    service.close_item(
        store=store,
        item_id=item_id,
        disposition="true_positive",
        reason="拆分规避 / split to stay under the line",
        principal=ANALYST,
        now=NOW,
    )
    draft = service.get_report_draft(store=store, item_id=item_id, principal=ANALYST)
    assert draft is not None
    assert (draft["reporting_institution"], draft["subject_account"], draft["subject_party"]) == ("PI-A", "I1", "I1")
    assert (draft["analyst"], draft["status"], draft["typology"]) == ("wang", "draft", "model_margin")
    # The item's payment, then its case's other open item's (P3): amounts as decimals beside their currency.
    assert [(p["payment_id"], Decimal(p["amount"]), p["currency"]) for p in draft["payments"]] == [
        ("P1", Decimal("150000.00"), "CNY"),
        ("P3", Decimal("150000.00"), "CNY"),
    ]
    assert [(t["currency"], Decimal(t["amount"])) for t in draft["totals"]] == [("CNY", Decimal("300000.00"))]
    assert draft["first_payment_at"] == datetime(2026, 10, 9, 10, tzinfo=SHANGHAI)
    assert draft["last_payment_at"] == datetime(2026, 10, 10, 8, tzinfo=SHANGHAI)
    assert "第十九条" in draft["legal_basis"] and "〔2016〕第3号" in draft["legal_basis"]
    assert draft["reasons"] and draft["reasons"][0]["signal"] == "model_margin"
    assert draft["file_by"].astimezone(SHANGHAI).date().isoformat() == "2026-11-09"  # five working days on
    assert service.get_report_draft(store=store, item_id=item_id, principal=PI_B) is None
    assert service.get_report_draft(store=store, item_id=item_id, principal=PI_A) is not None
    text = service.report_text(draft)
    assert "可疑交易报告" in text and "CNY 300000.00" in text and "P3" in text and "wang" in text
    assert "交易期间 / Period: 2026-10-09 10:00 — 2026-10-10 08:00" in text
    assert "报送期限 / File by: 2026-11-09 23:59 (Asia/Shanghai)" in text
