"""The report commands from the command line: reconcile the official figures, report a month with no payments."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader
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


def test_stats_reconcile_prints_table_1_with_the_flagged_years(tmp_path: Path) -> None:
    out = _cbec(tmp_path / "home", "stats", "reconcile")
    rows = {line.split("│")[2].strip(): line for line in out.splitlines() if "cbec_import_export_total" in line}
    assert "138.12" in rows["2021"] and "agrees" in rows["2021"]
    assert "27.85" in rows["2022"] and "-9.15" in rows["2022"] and "disagrees" in rows["2022"]
    assert "21.47" in rows["2023"] and "-2.57" in rows["2023"] and "disagrees" in rows["2023"]
    assert "2 flagged" in out and "浙江省商务厅 (Liu 2025 Table 1)" in out
    loose = _cbec(tmp_path / "home", "stats", "reconcile", "--tolerance", "10")
    assert "0 flagged" in loose
    assert "rows per feed" in _cbec(tmp_path / "home", "stats").lower()  # without a subcommand: feed stats


def test_report_of_a_month_without_payments_says_so(tmp_path: Path) -> None:
    out = _cbec(tmp_path / "home", "report", "monthly", "--month", "2026-10", "--lang", "en", "--out", str(tmp_path))
    pdf = tmp_path / "supervision-report-2026-10-en.pdf"
    assert f"PDF:  {pdf}" in out.replace("\n", "")
    text = "\n".join(page.extract_text() for page in PdfReader(pdf).pages)
    # The official 2023 total, 5,129.3 亿元, as English writes it in a table (CNY 512.93 billion).
    assert "There are no payments for this month." in text and "CNY 512.93 bn" in text
    assert "The month's data call for no action." in text  # the executive summary of an empty month
    assert f"PDF:  {tmp_path / 'supervision-report-2026-10-zh.pdf'}" in out.replace("\n", "")  # built beside it
    foreign = runner.invoke(
        app, ["report", "monthly", "--month", "2026-10", "--lang", "fr"], env={"CBEC_HOME": str(tmp_path / "h")}
    )
    assert foreign.exit_code == 2 and "language must be one of zh, en, got 'fr'" in foreign.output
    bad = runner.invoke(app, ["report", "monthly", "--month", "2026-13"], env={"CBEC_HOME": str(tmp_path / "h")})
    assert bad.exit_code == 2 and "month must look like YYYY-MM (e.g. 2026-10), got '2026-13'" in bad.output
