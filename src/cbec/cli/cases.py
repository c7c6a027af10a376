"""cbec cases: fund-flow pattern cases (a pattern's alerts with its subgraph) from the command line."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer
from rich.table import Table

from cbec.cli.context import console, err_console, found_or_exit, store_of
from cbec.cli.words import named
from cbec.monitoring import service as monitoring

cases_app = typer.Typer(help="案件 / Cases: fund-flow patterns with their alerts and subgraph.", no_args_is_help=True)


@cases_app.command("list")
def list_(
    ctx: typer.Context,
    month: str | None = typer.Option(None, help="YYYY-MM"),
    pattern: str | None = typer.Option(None, help="fan_out, fan_in, cycle, scatter_gather, ..."),
    limit: int = typer.Option(50),
) -> None:
    """List cases, newest first."""
    rows = monitoring.list_cases(store=store_of(ctx), month=month, pattern=pattern, limit=limit)
    table = Table(title="案件 / Cases")
    for name in ("id", "pattern", "severity", "title", "accounts", "payments", "CNY", "first", "alerts"):
        table.add_column(name, justify="right" if name in ("id", "accounts", "payments", "CNY", "alerts") else "left")
    for c in rows:
        table.add_row(
            str(c.id),
            named("graph_pattern", c.pattern),
            named("severity", c.severity),
            c.title_en,
            str(c.account_count),
            str(c.payment_count),
            f"{c.total_cny:,.2f}",
            f"{c.first_at:%Y-%m-%d}",
            str(len(c.alert_ids)),
        )
    console.print(table)


@cases_app.command("show")
def show(ctx: typer.Context, case_id: int = typer.Argument(...)) -> None:
    """Show one case: its pattern, its alerts, its accounts and payments."""
    case = found_or_exit(monitoring.get_case(store=store_of(ctx), case_id=case_id), f"no case {case_id}")
    console.print(f"[bold]case #{case.id}[/] {case.pattern} · {case.severity} · {case.status} · {case.case_key}")
    console.print(case.title_zh, markup=False)
    console.print(case.title_en, markup=False)
    console.print(
        f"{case.first_at.isoformat()} → {case.last_at.isoformat()} · {case.payment_count} payments · "
        f"CNY {case.total_cny} · institutions {', '.join(case.institutions)}"
    )
    console.print(f"alerts {', '.join(f'#{a}' for a in case.alert_ids)} ({', '.join(case.rule_ids)})")
    console.print("accounts (in / out CNY):")
    for node in case.subgraph["nodes"]:
        console.print(f"  {node['account']}  {node['in_cny']} / {node['out_cny']}", markup=False)
    console.print("payments:")
    for edge in case.subgraph["edges"]:
        console.print(
            f"  {edge['at']}  {edge['payer_id']} → {edge['payee_id']}  {edge['amount_cny']}  "
            f"{edge['institution_id']}/{edge['payment_id']}",
            markup=False,
        )


@cases_app.command("export")
def export(
    ctx: typer.Context,
    case_id: int = typer.Argument(...),
    fmt: str = typer.Option("json", "--format", help="json"),
    out: Path | None = typer.Option(None, help="file to write (default: standard output)"),
) -> None:
    """Export one case with its alerts and subgraph (nodes and edges) as JSON."""
    if fmt != "json":
        err_console.print(f"[red]unknown format {fmt!r}: use json[/]")
        raise typer.Exit(2)
    data = found_or_exit(monitoring.export_case(store=store_of(ctx), case_id=case_id), f"no case {case_id}")
    text = json.dumps(data, ensure_ascii=False, indent=1)
    if out:
        out.write_text(text + "\n", encoding="utf-8")
        err_console.print(f"case {case_id} → {out}")
    else:
        sys.stdout.write(text + "\n")
