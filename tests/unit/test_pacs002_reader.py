"""pacs.002 status reports read as safely as pacs.008: each status with its payment, times and problems."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from cbec.core.clock import SHANGHAI
from cbec.feeds.readers.base import FileRejected
from cbec.feeds.readers.pacs002_reader import read_pacs002

FILES = Path(__file__).resolve().parents[1] / "files"
LIMIT = 1_000_000


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def test_each_status_names_its_payment_the_original_creation_and_the_settlement_time() -> None:
    msg_id, rows = read_pacs002((FILES / "pacs002" / "settles-two-payments.xml").read_bytes(), LIMIT)
    assert msg_id == "STS-20261010-001"
    settled, rejected = rows
    assert (settled["payment_id"], settled["status"], settled["original_msg_id"]) == (
        "TX-0001",
        "ACSC",
        "MSG-20261009-001",
    )
    assert settled["original_created_at"] == at("2026-10-09 10:00")
    assert settled["status_at"] == at("2026-10-10 08:00")
    assert settled["problem"] is None and settled["line"] == 14
    assert (rejected["payment_id"], rejected["status"]) == ("TX-0002", "RJCT")
    assert rejected["status_at"] == at("2026-10-10 12:00")  # no AccptncDtTm: the report's creation time


def test_a_status_that_cannot_be_used_keeps_its_problem() -> None:
    _, rows = read_pacs002((FILES / "pacs002" / "broken-statuses.xml").read_bytes(), LIMIT)
    assert [(r["problem"], r["line"]) for r in rows] == [
        ("missing_payment_id", 8),
        ("bad_status", 12),
        ("bad_time", 16),
        (None, 21),  # no AccptncDtTm: the report's own creation time, which has an offset
    ]
    assert "2026-10-11T08:00:00" in rows[2]["message"]


@pytest.mark.parametrize(
    ("name", "rule"),
    [
        ("pacs008/billion-laughs.xml", "xml_forbidden"),
        ("pacs008/external-entity.xml", "xml_forbidden"),
        ("pacs008/truncated.xml", "malformed_xml"),
        ("pacs008/two-payments.xml", "not_pacs002"),
    ],
)
def test_an_unsafe_or_foreign_file_is_refused_whole(name: str, rule: str) -> None:
    with pytest.raises(FileRejected) as caught:
        read_pacs002((FILES / name).read_bytes(), LIMIT)
    assert caught.value.rule == rule


def test_the_size_cap_holds() -> None:
    with pytest.raises(FileRejected, match="file_too_large"):
        read_pacs002((FILES / "pacs002" / "settles-two-payments.xml").read_bytes(), 1_024)
