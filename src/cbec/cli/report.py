"""cbec report / cbec stats reconcile: the monthly supervision report and the official figures' reconciliation."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from cbec.cli.context import console, err_console, store_of
from cbec.cli.feeds import stats as feed_stats
from cbec.reports import service
from cbec.stats import service as stats

report_app = typer.Typer(help="监管报告 / Supervision reports.", no_args_is_help=True)
stats_app = typer.Typer(
    help="数据量与官方统计 / Rows per feed (no subcommand) and official statistics.",
    invoke_without_command=True,
)
TABLE_1 = "cbec_import_export_total"
VERDICT = {
    "agrees": "[green]一致 / agrees[/]",
    "disagrees": "[bold red]不一致 / disagrees[/]",
    "no_base": "[dim]无上年数据 / no previous year[/]",
}


@report_app.command("monthly")
def monthly(
    ctx: typer.Context,
    month: str = typer.Option(..., help="YYYY-MM"),
    lang: str = typer.Option("zh", help="zh (default) or en"),
    out: Path | None = typer.Option(None, help="folder to write to (default: $CBEC_HOME/reports/<month>)"),
) -> None:
    """Build the month's supervision report from the lake and print the paths of its HTML and PDF."""
    try:
        files = service.monthly_report(store=store_of(ctx), month=month, lang=lang, out_dir=out)
    except (ValueError, service.FontMissing) as exc:
        err_console.print(f"[red]{exc}[/]")
        raise typer.Exit(2) from exc
    seconds = sum(files.build_seconds.values())
    console.print(f"HTML: {files.html}")
    console.print(f"PDF:  {files.pdf}")
    console.print(
        f"[dim]数据 / data {files.data} · 构建 / build {seconds:.1f} s · 排版 / render "
        f"{files.render_seconds:.1f} s · {files.pages} 页 / pages · 第 {files.revision} 版 / "
        f"revision {files.revision}[/]"
    )


@stats_app.callback()
def stats_main(ctx: typer.Context) -> None:
    """Without a subcommand: show rows per feed and month, and what sits in quarantine."""
    if ctx.invoked_subcommand is None:
        feed_stats(ctx)


@stats_app.command("reconcile")
def reconcile(
    ctx: typer.Context,
    tolerance: str | None = typer.Option(None, help="percentage points (default CBEC_GROWTH_TOLERANCE_PP, 0.05)"),
) -> None:
    """Compare every reported growth rate of the official figures with the one computed from the totals."""
    from decimal import Decimal, InvalidOperation

    store = store_of(ctx)
    stats.load_official(store=store)
    try:
        checks = stats.reconciliation(store=store, tolerance_pp=None if tolerance is None else Decimal(tolerance))
    except (InvalidOperation, ValueError) as exc:
        err_console.print(f"[red]tolerance {tolerance!r}: {exc}[/]")
        raise typer.Exit(2) from exc
    title = "表 1 总额与增速核对 / Table 1: totals and growth reconciled"
    table = Table(title=f"{title} (±{checks[0].tolerance_pp if checks else tolerance} pp)")
    for name in ("indicator", "year", "value", "previous", "reported %", "computed %", "diff pp", "verdict"):
        table.add_column(name, justify="left" if name in ("indicator", "verdict") else "right")
    for c in sorted(checks, key=lambda c: c.figure.indicator != TABLE_1):
        f = c.figure
        table.add_row(
            f.indicator,
            str(f.year),
            f"{f.value} {f.unit}",
            "—" if c.base_value is None else str(c.base_value),
            str(f.reported_growth_pct),
            "—" if c.computed_growth_pct is None else str(c.computed_growth_pct),
            "—" if c.difference_pp is None else f"{c.difference_pp:+}",
            VERDICT[c.verdict.value],
        )
    console.print(table)
    sources = sorted({c.figure.source for c in checks})
    flagged = sum(c.flagged for c in checks)
    console.print(f"{flagged} flagged · 来源 / sources: {'; '.join(sources)}")
