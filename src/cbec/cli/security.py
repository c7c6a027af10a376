"""cbec security: the payment security programme (scan import, checks, deadlines, steps, upgrades)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import typer

from cbec.auth.domain import Forbidden
from cbec.cli.context import console, err_console, store_of
from cbec.cli.output import titled_table, write_csv
from cbec.core.clock import SHANGHAI, parse_date, parse_timestamp
from cbec.core.months import check_month
from cbec.core.workflow import TransitionError
from cbec.supervision import service

security_app = typer.Typer(
    help="支付安全管理 / Payment security programme (scans, findings, upgrades).", no_args_is_help=True
)


def _now(text: str | None) -> datetime | None:
    return None if text is None else parse_timestamp(text, SHANGHAI)


def _iso(moment: datetime | None) -> str:
    return "" if moment is None else moment.astimezone(SHANGHAI).isoformat(timespec="seconds")


@security_app.command("import")
def import_scan(
    ctx: typer.Context,
    path: Path = typer.Argument(..., exists=True, dir_okay=False, help="SARIF 2.1.0 or Trivy JSON file"),
    institution: str = typer.Option(..., "--institution", help="the scanned payment institution"),
    kind: str = typer.Option("internal", help="external (ASV, quarterly) or internal (authenticated, monthly)"),
    now: str | None = typer.Option(None, help="import time (ISO 8601), default now"),
    as_json: bool = typer.Option(False, "--json", help="print what the import did as JSON"),
) -> None:
    """Import a scanner's output as one scan of an institution; every row is stored or quarantined."""
    try:
        report = service.import_scan(
            store=store_of(ctx), path=path, institution_id=institution, kind=kind, actor="cli", now=_now(now)
        )
    except ValueError as exc:
        err_console.print(f"[red]{exc}[/]")
        raise typer.Exit(2) from exc
    if as_json:
        console.print_json(json.dumps(report.model_dump(mode="json"), ensure_ascii=False))
    else:
        state = "已导入过 / already imported" if report.already_imported else report.status
        console.print(
            f"scan #{report.scan_id} {report.institution_id} {report.kind} {report.file_format or '-'} "
            f"({report.tool or '-'}, {_iso(report.scanned_at) or '-'}): {state}; read {report.read}, new {report.new}, "
            f"seen again {report.seen_again}, reopened {len(report.reopened)}, verified {len(report.verified)}, "
            f"quarantined {len(report.quarantined)}"
        )
        for q in report.quarantined:
            console.print(f"  {q.message}", style="yellow", markup=False, highlight=False)
    if report.status == "rejected":
        raise typer.Exit(1)


@security_app.command("deadlines")
def deadlines(
    ctx: typer.Context,
    month: str = typer.Option(..., help="YYYY-MM: findings discovered or due in the month"),
    output_format: str = typer.Option("table", "--format", help="table or csv"),
    institution: str | None = typer.Option(None, help="one institution"),
    now: str | None = typer.Option(None, help="judge overdue at this time (ISO 8601), default now"),
) -> None:
    """List findings with their 48-hour response and 7-working-day fix deadlines."""
    rows = service.list_findings(
        store=store_of(ctx), month=check_month(month), institution_id=institution, now=_now(now)
    )
    cells = [
        [f.finding_id, f.institution_id, f.severity, _iso(f.discovered_at), _iso(f.respond_by), _iso(f.fix_by), f.state]
        for f in rows
    ]
    if output_format == "csv":
        write_csv(service.DEADLINE_COLUMNS, cells)
        return
    if output_format != "table":
        err_console.print("--format must be table or csv")
        raise typer.Exit(2)
    table = titled_table(f"安全漏洞期限 / Security finding deadlines {month}", (*service.DEADLINE_COLUMNS, "overdue"))
    for f, row in zip(rows, cells, strict=True):
        table.add_row(*row, "yes" if f.overdue else "")
    console.print(table)


@security_app.command("check")
def check(
    ctx: typer.Context,
    month: str = typer.Option(..., help="YYYY-MM: judge the scan and upgrade periods ending with this month"),
    now: str | None = typer.Option(None, help="check time (ISO 8601), default now"),
) -> None:
    """Open findings for missed scans and upgrades, mark overdue findings and issue their risk warnings."""
    done = service.check_security(store=store_of(ctx), month=check_month(month), actor="cli", now=_now(now))
    console.print(f"opened {len(done['opened'])}: {', '.join(done['opened']) or '-'}")
    console.print(f"overdue {len(done['overdue'])}: {', '.join(done['overdue']) or '-'}")


@security_app.command("step")
def step(
    ctx: typer.Context,
    finding_id: str = typer.Argument(...),
    action: str = typer.Argument(..., help="start_plan, report_fixed, withdraw"),
    reason: str = typer.Option(..., help="why (kept with the step and in the audit log)"),
    now: str | None = typer.Option(None, help="time of the step (ISO 8601), default now"),
) -> None:
    """Record a step of a finding: emergency plan started, fix reported (verified only by a later scan)."""
    try:
        f = service.advance_finding(
            store=store_of(ctx), finding_id=finding_id, action=action, actor="cli", reason=reason, now=_now(now)
        )
    except (TransitionError, LookupError, ValueError, Forbidden) as exc:
        err_console.print(f"[red]{exc}[/]")
        raise typer.Exit(2) from exc
    console.print(f"{f.finding_id}: {f.state}, due {_iso(f.due_at) or '-'}")


@security_app.command("upgrade")
def upgrade(
    ctx: typer.Context,
    institution: str = typer.Option(..., "--institution"),
    planned_on: str = typer.Option(..., help="YYYY-MM-DD planned date (its half-year names the plan item)"),
    done_on: str | None = typer.Option(None, help="YYYY-MM-DD date it was done"),
    evidence: str = typer.Option("", help="evidence of the upgrade (change ticket, report reference)"),
) -> None:
    """Record the half-yearly full system upgrade as a dated plan item with its evidence."""
    try:
        item = service.record_upgrade(
            store=store_of(ctx),
            institution_id=institution,
            planned_on=parse_date(planned_on),
            done_on=None if done_on is None else parse_date(done_on),
            evidence=evidence,
            actor="cli",
        )
    except ValueError as exc:
        err_console.print(f"[red]{exc}[/]")
        raise typer.Exit(2) from exc
    console.print(f"{item.institution_id} {item.half}: planned {item.planned_on}, done {item.done_on or '-'}")
