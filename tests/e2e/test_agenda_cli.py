"""cbec talent / education / stats brands: a synthetic month's talent, education and brand figures from the CLI."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cbec.cli import context
from cbec.cli.main import app
from cbec.config import Settings
from cbec.quality import service as quality
from cbec.storage.store import open_store
from cbec.synth.service import generate
from cbec.talent import service as talent

runner = CliRunner()
FEEDS = ("job_postings", "employment_records", "training_programmes", "education_events", "brand_recognitions")
CELLS = r"[\s│┃]+"  # between a table's cells


@pytest.fixture(autouse=True)
def wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    """Render tables 200 columns wide, as on a desktop terminal, so no cell is folded."""
    monkeypatch.setattr(context.console, "width", 200)


def test_talent_education_and_brands_commands_print_the_months_figures(tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = {"CBEC_HOME": str(home), "COLUMNS": "200"}
    synth = generate(out_dir=tmp_path / "synth", month="2026-10", payments=2_000, seed=5)
    for feed in FEEDS:
        loaded = runner.invoke(app, ["ingest", feed, str(synth.files[feed])], env=env)
        assert loaded.exit_code == 0, loaded.output
    store = open_store(Settings(home=home))
    try:
        turnover = talent.turnover(store=store, month="2026-10")
        demand = talent.demand(store=store, month="2026-10")
        reach = quality.education_reach(store=store, year=2026, through_month=10)
    finally:
        store.close()

    shown = runner.invoke(app, ["talent", "turnover", "--month", "2026-10"], env=env)
    assert shown.exit_code == 0, shown.output
    ops = next(r for r in turnover.roles if r.role == "operations")
    assert re.search(rf"operations ★[ ⚠]*{CELLS}{ops.enterprises}{CELLS}{ops.headcount_start:,}{CELLS}", shown.output)
    assert f"{turnover.core_turnover_pct}%" in shown.output

    shown = runner.invoke(app, ["talent", "demand", "--month", "2026-10"], env=env)
    first_city = demand.by_city[0]
    assert re.search(rf"{first_city.city}{CELLS}{first_city.postings}{CELLS}", shown.output), shown.output

    shown = runner.invoke(app, ["talent", "training", "--year", "2026"], env=env)
    assert "⚠ +200,000.00" in shown.output and "over the cap: 1" in shown.output

    shown = runner.invoke(app, ["education", "reach", "--year", "2026", "--through-month", "10"], env=env)
    top = reach.by_channel[0]
    assert re.search(rf"{top.key}{CELLS}{top.events}{CELLS}{top.reach:,}", shown.output), shown.output
    assert f"{reach.attendance:,} people" in shown.output and "behind pace" in shown.output

    shown = runner.invoke(app, ["stats", "brands"], env=env)
    assert "2023: 名录 / register 84 · 论文数字 / paper's figure 84" in shown.output

    refused = runner.invoke(app, ["talent", "demand", "--month", "2026-13"], env=env)
    assert refused.exit_code == 2 and "2026-13" in refused.output
