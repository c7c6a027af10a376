"""Every row read is stored or quarantined with its reason, file and line; counts always add up."""

from __future__ import annotations

from pathlib import Path

import pytest

from cbec.feeds.catalog import FEEDS
from cbec.feeds.service import ingest, list_quarantine
from cbec.storage.store import Store

from .broken import broken_csv, file_cases


@pytest.mark.parametrize("feed", list(FEEDS))
def test_broken_rows_of_every_kind_are_each_explained(store: Store, tmp_path: Path, feed: str) -> None:
    path, expects = broken_csv(feed, tmp_path)
    cases = file_cases(feed, tmp_path)
    kinds = {e.kind for e in expects if e.outcome != "accepted"} | set(cases)
    assert len(kinds) >= 15, sorted(kinds)

    (report,) = ingest(store=store, feed=feed, paths=[path])

    assert report.read == len(expects)
    assert report.read == report.accepted + report.quarantined + report.duplicate
    assert report.accepted == sum(e.outcome == "accepted" for e in expects)
    assert report.duplicate == sum(e.outcome == "duplicate" for e in expects)
    held = {q.line: q for q in list_quarantine(store=store, feed=feed, limit=1000)}
    for expect in expects:
        if expect.outcome in ("accepted", "duplicate"):
            assert expect.line not in held, expect
            continue
        quarantined = held[expect.line]
        assert quarantined.rule == expect.outcome, (expect, quarantined.message)
        assert quarantined.source == path.name
        assert f"{path.name}:{expect.line}" in quarantined.message
        assert f"[rule {expect.outcome}]" in quarantined.message
        assert quarantined.raw.strip() != ""


@pytest.mark.parametrize("feed", list(FEEDS))
def test_whole_file_cases_add_up(sqlite_settings_store: Store, tmp_path: Path, feed: str) -> None:
    for name, (path, expect) in file_cases(feed, tmp_path).items():
        (report,) = ingest(store=sqlite_settings_store, feed=feed, paths=[path])
        assert report.read == report.accepted + report.quarantined + report.duplicate, name
        for field in ("read", "accepted", "quarantined", "status", "encoding"):
            if field in expect:
                assert getattr(report, field) == expect[field], (name, field, report)
        if "rule" in expect:
            assert report.errors_by_rule.get(str(expect["rule"]), 0) >= 1, (name, report.errors_by_rule)
        if report.status == "rejected":  # the reason names the rule and, for a missing column, the column
            assert report.reason and report.reason.startswith(f"{expect['rule']}: "), (name, report.reason)
            assert str(expect.get("reason", "")) in report.reason, (name, report.reason)
        if name == "extra-columns":
            assert any("merchant_note" in w for w in report.warnings)
        if name == "header-only":
            assert any("header only" in w for w in report.warnings)
