"""The analyst's day from the command line: the queue, one item's steps, maker-checker, the register."""

from __future__ import annotations

import csv
import io
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
