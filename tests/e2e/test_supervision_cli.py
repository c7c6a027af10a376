"""A regulator's path: rate a month, warn the risky, run a rectification notice, check deadlines, incidents."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cbec.cli import context
from cbec.cli.main import app

runner = CliRunner()


@pytest.fixture(autouse=True)
def wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    """Render tables 200 columns wide so no cell is folded."""
    monkeypatch.setattr(context.console, "width", 200)


def _cbec(home: Path, *args: str, code: int = 0) -> str:
    result = runner.invoke(app, list(args), env={"CBEC_HOME": str(home)})
    assert result.exit_code == code, result.output
    return result.output


def test_rate_warn_notice_lifecycle_and_deadline_check(tmp_path: Path) -> None:
    home, month = tmp_path / "home", tmp_path / "m"
    _cbec(home, "synth", "--month", "2026-10", "--payments", "3000", "--out", str(month))
    _cbec(home, "ingest-dir", str(month))
    _cbec(home, "monitor", "run", "--month", "2026-10")
    ratings = json.loads(_cbec(home, "rate", "--month", "2026-10", "--json"))
    assert ratings and all(r["grade"] in "ABCDE" and len(r["modules"]) == 6 for r in ratings)
    worst = ratings[0]["institution_id"]
    assert worst in _cbec(home, "rate", "--month", "2026-10", "--institution", worst)

    issued = _cbec(
        home,
        "notices",
        "issue",
        "--kind",
        "rectification",
        "--institution",
        worst,
        "--title",
        "整改通知",
        "--body",
        "三单对碰不一致",
    )
    assert issued.startswith("#1 整改通知")
    refused = _cbec(home, "notices", "advance", "1", "--action", "verify", "--reason", "x", code=2)
    assert "does not allow" in refused
    moved = _cbec(home, "notices", "advance", "1", "--action", "submit_plan", "--reason", "计划", "--actor", "pi")
    assert "plan submitted" in moved
    history = _cbec(home, "notices", "show", "1")
    assert "submit_plan" in history and "计划" in history and "pi" in history
    # far in the future the plan is overdue, and two working days later it escalates
    checked = _cbec(home, "notices", "check", "--at", "2030-01-15T10:00:00+08:00")
    assert "1 moved" in checked and "escalated" in checked

    incidents = _cbec(home, "incidents", "--month", "2026-10")
    assert "past a deadline" in incidents and "SI" in incidents
    settlement = _cbec(home, "settlement", "--month", "2026-10")
    assert "all" in settlement and "%" in settlement
