"""cbec alerts export / queue / reports: the review queue (what passed triage) and the large-value register."""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from cbec.cli.context import console, err_console, refused, store_of
from cbec.cli.monitor import SEVERITY_STYLE, alerts_app
from cbec.monitoring import service

__all__ = ["alerts_app"]

QUEUE_COLUMNS = (
    "payment_id",
    "institution_id",
    "account_id",
    "in_queue",
    "score",
    "severity",
    "status",
    "disposition",
    "review_item_id",
    "large_value_reports",
    "reason_en",
    "reason_zh",
)
ALERT_COLUMNS = ("payment_id", "institution_id", "rule_ids", "severity", "alert_ids")
REPORT_COLUMNS = (
    "institution_id",
    "trade_date",
    "due_on",
    "rule_id",
    "customer_id",
    "customer_type",
    "direction",
    "currencies",
    "payment_count",
    "total_cny",
    "threshold_cny",
    "status",
    "payment_ids",
    "legal_basis",
)


def _queue_rows(month: str | None, include_reports: bool, ctx: typer.Context) -> list[dict[str, Any]]:
    """One row per payment: the queue's, then (when asked) the register's payments, merged by payment."""
    store = store_of(ctx)
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for item in service.export_queue(store=store, month=month):
        rows[(item["institution_id"], item["payment_id"])] = item | {"in_queue": "yes", "large_value_reports": ""}
    if include_reports:
        for report in service.list_reports(store=store, month=month):
            tag = f"{report['rule_id']}@{report['trade_date']}"
            for payment in report["payment_ids"]:
                key = (report["institution_id"], payment)
                row = rows.setdefault(
                    key,
                    {"payment_id": payment, "institution_id": report["institution_id"], "in_queue": "no"}
                    | {"account_id": report["customer_id"], "large_value_reports": ""},
                )
                row["large_value_reports"] = ";".join(filter(None, [row["large_value_reports"], tag]))
    return list(rows.values())


def _write(rows: list[dict[str, Any]], columns: tuple[str, ...], fmt: str, out: Path | None, what: str) -> None:
    buffer = io.StringIO()
    if fmt == "json":
        json.dump(rows, buffer, ensure_ascii=False, indent=1, default=str)
    elif fmt == "csv":
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow(
                [
                    ";".join(map(str, v)) if isinstance(v := row.get(c), list) else ("" if v is None else v)
                    for c in columns
                ]
            )
    else:
        err_console.print(f"[red]unknown format {fmt!r}: use csv or json[/]")
        raise typer.Exit(2)
    if out:
        out.write_text(buffer.getvalue(), encoding="utf-8")
        err_console.print(f"{len(rows):,} {what} → {out}")
    else:
        sys.stdout.write(buffer.getvalue())


@alerts_app.command("export")
def export(
    ctx: typer.Context,
    fmt: str = typer.Option("csv", "--format", help="csv or json"),
    month: str | None = typer.Option(None),
    include_reports: bool = typer.Option(
        False, "--include-reports", help="add the payments of the large-value report register (大额交易报告)"
    ),
    all_alerts: bool = typer.Option(
        False, "--all-alerts", help="every alerted payment instead of the review queue (the evidence, untriaged)"
    ),
    out: Path | None = typer.Option(None, help="file to write (default: standard output)"),
) -> None:
    """Export the review queue, one row per payment (payment_id first): items that passed triage, open or true."""
    if all_alerts:
        _write(service.export_alerts(store=store_of(ctx), month=month), ALERT_COLUMNS, fmt, out, "alerted payments")
        return
    _write(_queue_rows(month, include_reports, ctx), QUEUE_COLUMNS, fmt, out, "payments")


@alerts_app.command("queue")
def queue(
    ctx: typer.Context,
    month: str | None = typer.Option(None),
    status: str | None = typer.Option(None, help="new, assigned, in_review, pending_check or closed"),
    institution: str | None = typer.Option(None),
    limit: int = typer.Option(30, min=1),
) -> None:
    """List review items, highest risk score first, with why in Chinese and English."""
    items = service.list_items(store=store_of(ctx), month=month, status=status, institution_id=institution, limit=limit)
    table = Table(title="待审事项 / Review queue")
    for name in ("id", "score", "severity", "status", "institution", "payment", "account", "why / 原因"):
        table.add_column(name, overflow="fold")
    for i in items:
        table.add_row(
            str(i["id"]),
            f"{i['score']:.3f}",
            i["severity"],
            i["status"],
            i["institution_id"],
            i["payment_id"],
            i["account_id"] or "",
            f"{i['reason_zh']}\n{i['reason_en']}",
            style=SEVERITY_STYLE.get(i["severity"]),
        )
    console.print(table)


@alerts_app.command("reports")
def reports(
    ctx: typer.Context,
    month: str | None = typer.Option(None),
    institution: str | None = typer.Option(None),
    day: str | None = typer.Option(None, help="YYYY-MM-DD: one trade day"),
    fmt: str = typer.Option("table", "--format", help="table, csv or json"),
    out: Path | None = typer.Option(None, help="file to write (csv/json; default: standard output)"),
) -> None:
    """List or export the large-value report register (大额交易报告): per institution, day and customer, due dates."""
    try:
        rows = service.list_reports(store=store_of(ctx), month=month, institution_id=institution, day=day)
    except ValueError as exc:
        raise refused(exc) from exc
    if fmt != "table":
        _write(rows, REPORT_COLUMNS, fmt, out, "large-value reports")
        return
    table = Table(title="大额交易报告登记 / Large-value report register")
    for name in ("institution", "day", "due", "rule", "customer", "payments", "total CNY", "status"):
        table.add_column(name, justify="right" if name in ("payments", "total CNY") else "left")
    for r in rows:
        table.add_row(
            r["institution_id"],
            r["trade_date"],
            r["due_on"],
            r["rule_id"],
            r["customer_id"],
            f"{r['payment_count']:,}",
            f"{r['total_cny']:,.2f}",
            r["status"],
        )
    console.print(table)
    console.print(f"{len(rows):,} 份报告 / reports")
