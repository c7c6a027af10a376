"""The analyst's day from the command line: the queue, one item's steps, maker-checker, the register."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cbec.cli import context
from cbec.cli.main import app

runner = CliRunner()


@pytest.fixture(autouse=True)
def wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(context.console, "width", 200)


def _cbec(home: Path, *args: str, code: int = 0) -> str:
    result = runner.invoke(app, list(args), env={"CBEC_HOME": str(home)})
    assert result.exit_code == code, result.output
    return result.output


def test_review_an_item_from_the_queue_to_a_checked_close(tmp_path: Path) -> None:
    home, month = tmp_path / "home", tmp_path / "m"
    _cbec(home, "synth", "--month", "2026-10", "--payments", "3000", "--out", str(month))
    _cbec(home, "ingest-dir", str(month))
    run = _cbec(home, "monitor", "run", "--month", "2026-10", "--no-graph")
    assert "review items" in run and "large-value reports" in run
    queue = list(csv.DictReader(io.StringIO(_cbec(home, "alerts", "export", "--month", "2026-10"))))
    high = next(r for r in queue if r["severity"] in ("high", "critical"))
    item = high["review_item_id"]
    assert "score" in _cbec(home, "review", "show", item)
    assert "assigned" in _cbec(home, "review", "assign", item, "--to", "team-east", "--by", "wang")
    assert "in_review" in _cbec(home, "review", "start", item, "--by", "wang")
    _cbec(home, "review", "comment", item, "--text", "核对客户资料 / checking KYC", "--by", "wang")
    proposed = _cbec(
        home, "review", "close", item, "--disposition", "false_positive", "--reason", "payroll", "--by", "wang"
    )
    assert "pending_check" in proposed
    refused = _cbec(home, "review", "check", item, "--approve", "--by", "wang", code=2)
    assert "second person" in refused
    assert "closed · false_positive" in _cbec(home, "review", "check", item, "--approve", "--by", "li")
    shown = _cbec(home, "review", "show", item)
    assert "wang: comment → in_review · 核对客户资料 / checking KYC" in shown and "li: confirm_close" in shown
    after = list(csv.DictReader(io.StringIO(_cbec(home, "alerts", "export", "--month", "2026-10"))))
    assert high["payment_id"] not in {r["payment_id"] for r in after} and len(after) == len(queue) - 1
    _cbec(home, "review", "start", item, "--by", "wang", code=2)  # closed: no further step

    # The rest of the day: cases, a file in evidence, bulk actions, a true positive's report draft.
    others = [r for r in after if r["status"] != "closed"]
    first, second, third = (r["review_item_id"] for r in others[:3])
    case_id = _cbec(home, "review", "show", first).split("case #")[1].split()[0]
    assert f"case #{case_id} " in _cbec(home, "review", "cases", "--month", "2026-10", "--limit", "500")
    assert f"#{first} " in _cbec(home, "review", "case", case_id)
    note = tmp_path / "kyc.txt"
    note.write_text("客户资料核对记录 / KYC notes\n", encoding="utf-8")
    attached = _cbec(home, "review", "attach", first, "--file", str(note), "--by", "wang")
    assert "kyc.txt (text/plain" in attached and hashlib.sha256(note.read_bytes()).hexdigest() in attached
    bulk = _cbec(home, "review", "assign", second, third, "--to", "team-west", "--by", "wang")
    assert bulk.count("team-west") == 2
    closed = _cbec(home, "review", "close", second, third, "--disposition", "no_action", "--by", "wang")
    assert closed.count("closed") == 2
    _cbec(
        home, "review", "close", first, second, "--disposition", "no_action", "--by", "wang", code=2
    )  # second is closed: none done
    assert "· closed" not in _cbec(home, "review", "show", first).splitlines()[0]
    _cbec(home, "review", "start", first, "--by", "wang")
    _cbec(home, "review", "close", first, "--disposition", "true_positive", "--reason", "拆分 / split", "--by", "wang")
    text = _cbec(home, "review", "report", first)
    assert "可疑交易报告(草稿)" in text and "第十九条" in text and "wang" in text
    draft = json.loads(_cbec(home, "review", "report", first, "--json"))
    assert draft["item_id"] == int(first) and draft["payments"][0]["currency"] and draft["totals"]
