"""cbec stats logistics: a synthetic month's parcels by mode, carrier and corridor, from the command line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cbec.cli import context
from cbec.cli.main import app
from cbec.config import Settings
from cbec.stats import service as stats
from cbec.storage.store import open_store
from cbec.synth.service import generate

runner = CliRunner()


@pytest.fixture(autouse=True)
def wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    """Render tables 200 columns wide, as on a desktop terminal, so no cell is folded."""
    monkeypatch.setattr(context.console, "width", 200)


def test_stats_logistics_prints_the_months_tables_and_refuses_a_bad_month(tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = {"CBEC_HOME": str(home), "COLUMNS": "200"}
    synth = generate(out_dir=tmp_path / "synth", month="2026-10", payments=2_000, seed=5)
    for feed in ("orders", "waybills"):
        assert runner.invoke(app, ["ingest", feed, str(synth.files[feed])], env=env).exit_code == 0
    result = runner.invoke(app, ["stats", "logistics", "--month", "2026-10", "--top", "3"], env=env)
    assert result.exit_code == 0, result.output
    store = open_store(Settings(home=home))
    try:
        report = stats.logistics(store=store, month="2026-10")
    finally:
        store.close()
    total, first = report.total, next(g for g in report.groups if g.dimension == "corridor")
    cells = r"[\s│┃]+"  # between a table's cells
    assert re.search(
        rf"\ball{cells}{total.parcels}{cells}{total.delivered}{cells}{total.lost_or_returned}\b", result.output
    )
    assert re.search(rf"\b{first.key}{cells}{first.parcels}{cells}{first.delivered}\b", result.output)
    assert {"direct_mail", "bonded"} <= {g.key for g in report.groups if g.dimension == "mode"}
    assert "direct_mail" in result.output and "2026-10" in result.output
    refused = runner.invoke(app, ["stats", "logistics", "--month", "2026-13"], env=env)
    assert refused.exit_code == 2 and "2026-13" in refused.output
