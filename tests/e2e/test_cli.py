"""A person's path through the command line: synthesise, load, look at quarantine and stats."""

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
    """Render tables 200 columns wide, as on a desktop terminal, so no cell is folded."""
    monkeypatch.setattr(context.console, "width", 200)


def _cbec(home: Path, *args: str) -> str:
    result = runner.invoke(app, list(args), env={"CBEC_HOME": str(home), "COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    return result.output


def test_synth_ingest_json_quarantine_and_stats(tmp_path: Path) -> None:
    home = tmp_path / "home"
    out = tmp_path / "month"
    _cbec(home, "synth", "--month", "2026-10", "--payments", "2000", "--out", str(out))
    payments = out / "payments.csv"
    broken = tmp_path / "payments-broken.csv"
    lines = payments.read_text(encoding="utf-8").splitlines()
    broken.write_text(
        "\n".join([lines[0], lines[1], lines[2].replace(",CN,", ",XX,", 1), lines[1]]) + "\n", encoding="utf-8"
    )

    loaded = [
        json.loads(line)
        for line in _cbec(home, "ingest", "payments", str(payments), "--json").splitlines()
        if line.startswith("{")
    ]
    assert [(c["read"], c["accepted"], c["quarantined"], c["duplicate"]) for c in loaded] == [(2000, 2000, 0, 0)]

    (counts,) = [
        json.loads(line)
        for line in _cbec(home, "ingest", "payments", str(broken), "--json").splitlines()
        if line.startswith("{")
    ]
    assert (counts["read"], counts["accepted"], counts["quarantined"], counts["duplicate"]) == (3, 0, 1, 2)
    assert counts["errors_by_rule"] == {"unknown_country": 1}

    listing = _cbec(home, "quarantine", "list", "--feed", "payments")
    assert "unknown_country" in listing and "payer_country" in listing
    shown = _cbec(home, "quarantine", "show", "1")
    assert "payments-broken.csv:3" in shown and "'XX'" in shown and "ISO 3166-1" in shown

    stats = _cbec(home, "stats")
    assert "payments" in stats and "2,000" in stats and "unknown_country" in stats


def test_unknown_feed_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("a\n1\n", encoding="utf-8")
    result = runner.invoke(app, ["ingest", "paymentz", str(path)], env={"CBEC_HOME": str(tmp_path / "h")})
    assert result.exit_code == 2
    assert "unknown feed 'paymentz'" in result.output
