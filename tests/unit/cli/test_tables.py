"""The CLI's tables read well in 80 columns: no column squeezed to a letter a line, numbers as people write them."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from rich.console import Console
from rich.table import Table

from cbec.cli.feeds import _table
from cbec.cli.monitor import alert_table
from cbec.cli.output import titled_table
from cbec.core.figures import figure
from cbec.feeds.schemas import LoadReport
from cbec.monitoring.schemas import AlertRead


def _render(table: Table) -> list[str]:
    console = Console(width=80, record=True, color_system=None)
    console.print(table)
    return console.export_text().splitlines()


def _alert() -> AlertRead:
    at = datetime(2026, 10, 21, 14, 41, tzinfo=UTC)
    return AlertRead(
        id=83,
        rule_id="CN-HR-CORRIDOR-OUT",
        rule_version=1,
        ruleset_version="china_payments@1",
        severity="critical",
        typology="corridor",
        key_text="payer_id=AC80F0DBF078",
        observed=Decimal("340605.60"),
        threshold=Decimal("30.000000"),
        window="24h",
        first_at=at,
        last_at=at,
        month="2026-10",
        institution_id="PI-ALIPAY",
        payment_count=1,
        explanation_zh="",
        explanation_en="",
        status="open",
        source="batch",
    )


def test_figures_have_separators_and_no_trailing_zeros() -> None:
    assert figure(Decimal("340605.60")) == "340,605.6"
    assert figure(Decimal("30.000000")) == "30"
    assert figure(Decimal("0.9572")) == "0.9572"
    assert figure(Decimal("1E+2")) == "100"


def test_an_alert_row_keeps_its_rule_and_numbers_whole_at_80_columns() -> None:
    lines = _render(alert_table([_alert()]))
    assert max(len(line) for line in lines) <= 80
    row = next(line for line in lines if line.lstrip().startswith("83"))
    assert "CN-HR-CORRIDOR-OUT" in row and "340,605.6" in row and " 30 " in row and "10-21 22:41" in row


def test_the_load_table_shows_errors_only_when_a_file_has_some() -> None:
    clean = LoadReport(
        feed="payments",
        source="payments.csv",
        batch_id=7,
        status="loaded",
        file_format="csv",
        checksum="x",
        read=20000,
        duplicate=20000,
    )
    lines = _render(_table([clean]))
    assert not any("errors by rule" in line for line in lines)
    assert any("20,000" in line and "payments" in line for line in lines)
    dirty = clean.model_copy(update={"quarantined": 3, "duplicate": 19997, "errors_by_rule": {"bad_amount": 3}})
    text = "\n".join(_render(_table([dirty])))
    assert "bad_amount=3" in text and "errors by rule" in text


def test_a_titled_table_has_its_title_and_one_plain_column_per_name() -> None:
    table = titled_table("用户 / Users", ("id", "username", "locked until"))
    assert [c.header for c in table.columns] == ["id", "username", "locked until"]
    assert all(c.justify == "left" for c in table.columns)
    table.add_row("1", "admin", "-")
    lines = _render(table)
    assert lines[0].strip() == "用户 / Users"
    assert lines[2].split() == ["┃", "id", "┃", "username", "┃", "locked", "until", "┃"]
