"""An analyst's path: run a month, read the queue, export it, check and backtest rules, stream a file."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cbec.cli import context
from cbec.cli.main import app

runner = CliRunner()
BROKEN_RULES = Path(__file__).resolve().parents[1] / "files" / "rules" / "broken_rules.yaml"


@pytest.fixture(autouse=True)
def wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    """Render tables 200 columns wide so no cell is folded."""
    monkeypatch.setattr(context.console, "width", 200)


def _cbec(home: Path, *args: str, code: int = 0) -> str:
    result = runner.invoke(app, list(args), env={"CBEC_HOME": str(home)})
    assert result.exit_code == code, result.output
    return result.output


def test_a_month_run_before_any_payment_is_loaded_says_so(tmp_path: Path) -> None:
    output = _cbec(tmp_path / "home", "monitor", "run", "--month", "2026-10", code=2)
    assert "no payments loaded yet: run cbec ingest" in " ".join(output.split())


def test_monitor_month_alerts_export_and_backtest(tmp_path: Path) -> None:
    home, month = tmp_path / "home", tmp_path / "m"
    _cbec(home, "synth", "--month", "2026-10", "--payments", "3000", "--out", str(month))
    _cbec(home, "ingest-dir", str(month))
    run = _cbec(home, "monitor", "run", "--month", "2026-10")
    assert "match rate" in run and "new" in run
    # the report's month rollups, written after the run (docs/reports.md): the report reads them, not raw rows
    assert "report rollups: summary, settlement, ip, logistics" in run
    rollups = sorted(p.name.split("-")[0] for p in (home / "reports" / ".rollups").glob("*-2026-10-*.json"))
    assert rollups == ["ip", "logistics", "settlement", "summary"]

    rates = _cbec(home, "monitor", "rates", "--month", "2026-10", "--by", "platform_id")
    assert "PF-" in rates and "%" in rates
    _cbec(home, "monitor", "rates", "--month", "2026-10", "--by", "payer_id", code=2)

    listing = _cbec(home, "alerts", "list", "--limit", "5")
    assert "CN-" in listing or "DOC-" in listing
    shown = _cbec(home, "alerts", "show", "1")
    assert "observed" in shown and "/" in shown

    exported = _cbec(home, "alerts", "export", "--format", "csv", "--all-alerts", "--month", "2026-10")
    alerted = list(csv.DictReader(io.StringIO(exported)))
    assert alerted and set(alerted[0]) == {"payment_id", "institution_id", "rule_ids", "severity", "alert_ids"}
    assert len({(r["institution_id"], r["payment_id"]) for r in alerted}) == len(alerted)

    # The contract: the review queue, one row per payment with a payment_id column; --include-reports adds the
    # large-value register's payments, marked as not in the queue.
    queue = list(csv.DictReader(io.StringIO(_cbec(home, "alerts", "export", "--format", "csv", "--month", "2026-10"))))
    assert queue and next(iter(queue[0])) == "payment_id" and {r["in_queue"] for r in queue} == {"yes"}
    assert len({(r["institution_id"], r["payment_id"]) for r in queue}) == len(queue) < len(alerted)
    with_reports = _cbec(home, "alerts", "export", "--format", "csv", "--month", "2026-10", "--include-reports")
    both = list(csv.DictReader(io.StringIO(with_reports)))
    assert len({(r["institution_id"], r["payment_id"]) for r in both}) == len(both) > len(queue)
    assert all(r["large_value_reports"].startswith("CN-LV-") for r in both if r["in_queue"] == "no")
    register = _cbec(home, "alerts", "reports", "--month", "2026-10", "--format", "csv")
    assert register.startswith("institution_id,trade_date,due_on,rule_id,customer_id")

    stricter = tmp_path / "stricter.yaml"
    shipped = Path(__file__).resolve().parents[2] / "src" / "cbec" / "monitoring" / "rules" / "china_payments.yaml"
    text = shipped.read_text(encoding="utf-8")
    assert "threshold: 5000" in text  # the fan-in style count/spike threshold this test tightens
    stricter.write_text(text.replace("threshold: 5000", "threshold: 1"), encoding="utf-8")
    table = _cbec(home, "rules", "backtest", "--candidate", str(stricter), "--months", "2026-10")
    assert "CN-INST-FREQ-SPIKE" in table


def test_rules_check_reports_every_error_with_its_line(tmp_path: Path) -> None:
    output = _cbec(tmp_path, "rules", "check", str(BROKEN_RULES), code=1)
    lines = [line for line in output.splitlines() if line.startswith(str(BROKEN_RULES))]
    assert len(lines) == 13
    assert all(line.split(":")[1].isdigit() for line in lines)
    assert "13 error(s)" in output
    assert "rules OK" in _cbec(tmp_path, "rules", "check")


def test_stream_reads_a_file_and_reports_refused_rows(tmp_path: Path) -> None:
    home, month = tmp_path / "home", tmp_path / "m"
    _cbec(home, "synth", "--month", "2026-10", "--payments", "2000", "--out", str(month))
    payments = month / "payments.csv"
    lines = payments.read_text(encoding="utf-8").splitlines()
    lines.append(lines[1].replace(lines[1].split(",")[12], "abc", 1))  # an amount that is not a decimal
    payments.write_text("\n".join(lines) + "\n", encoding="utf-8")
    output = _cbec(home, "monitor", "stream", str(payments))
    assert "2,000 payments" in output
    assert f"line {len(lines)}: amount 'abc' is not a decimal" in output
