"""An analyst's path through cases: run a month, list its cases, show one, export it as JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cbec.cli import context
from cbec.cli.main import app

from ..integration.monitoring.graph_month import write_month

runner = CliRunner()


@pytest.fixture(autouse=True)
def wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    """Render tables 200 columns wide so no cell is folded."""
    monkeypatch.setattr(context.console, "width", 200)


def _cbec(home: Path, *args: str, code: int = 0) -> str:
    result = runner.invoke(app, list(args), env={"CBEC_HOME": str(home)})
    assert result.exit_code == code, result.output
    return result.output


def test_run_list_show_and_export_a_cycle_case(tmp_path: Path) -> None:
    home = tmp_path / "home"
    _cbec(home, "ingest", "payments", str(write_month(tmp_path / "payments.csv")))
    run = _cbec(home, "monitor", "run", "--month", "2026-10", "--no-matching")
    assert "GRAPH-CYCLE" in run and "cases 1" in run

    listing = _cbec(home, "cases", "list", "--month", "2026-10")
    assert "cycle" in listing and "time-ordered cycle: ACC-A" in listing and "29,300.00" in listing

    shown = _cbec(home, "cases", "show", "1")
    assert "资金回流" in shown and "ACC-B → ACC-C  9800.00" in shown and "PI-BANK-B/GP-2" in shown
    assert "GRAPH-CYCLE" in shown and "CN-HR-CORRIDOR-IN" in shown

    exported = json.loads(_cbec(home, "cases", "export", "1", "--format", "json"))
    assert exported["pattern"] == "cycle" and exported["payment_count"] == 3
    assert [n["account"] for n in exported["subgraph"]["nodes"]] == ["ACC-A", "ACC-B", "ACC-C"]
    out = tmp_path / "case.json"
    _cbec(home, "cases", "export", "1", "--out", str(out))
    assert json.loads(out.read_text(encoding="utf-8")) == exported

    _cbec(home, "cases", "show", "99", code=1)
    _cbec(home, "cases", "export", "1", "--format", "csv", code=2)
