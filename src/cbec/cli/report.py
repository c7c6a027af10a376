"""cbec report / cbec stats reconcile / cbec stats logistics: the monthly report, the official figures' reconciliation
and logistics cost and time."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from cbec.cli.context import console, err_console, store_of
from cbec.cli.feeds import stats as feed_stats
from cbec.cli.talent import brands
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
    lang: str = typer.Option("zh", help="zh (default) or en: built first; the other language is built with it"),
    out: Path | None = typer.Option(None, help="folder to write to (default: $CBEC_HOME/reports/<month>)"),
) -> None:
    """Build the month's supervision report in both languages from the lake and print their HTML and PDF paths."""
    try:
        built = service.monthly_reports(
            store=store_of(ctx), month=month, langs=service.languages_first(lang), out_dir=out
        )
    except (ValueError, service.FontMissing) as exc:
        err_console.print(f"[red]{exc}[/]")
        raise typer.Exit(2) from exc
    for files in built.values():
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


DIMENSION_TITLES = {
    "corridor": "通道 / corridor",
    "carrier": "承运商 / carrier",
    "mode": "模式 / mode",
    "total": "全省 / province",
}


def _cell(value: object) -> str:
    return "—" if value is None else str(value)


@stats_app.command("logistics")
def logistics(
    ctx: typer.Context,
    month: str = typer.Option(..., help="YYYY-MM"),
    top: int = typer.Option(10, min=1, max=100, help="rows per table"),
) -> None:
    """Freight per parcel and per kg (CNY) and transit days p50/p90 by corridor, carrier and mode; the trend."""
    try:
        report = stats.logistics(store=store_of(ctx), month=month)
    except ValueError as exc:
        err_console.print(f"[red]{exc}[/]")
        raise typer.Exit(2) from exc
    columns = ("parcels", "delivered", "lost/returned", "kg", "costed", "CNY/parcel", "CNY/kg", "p50 d", "p90 d")
    for dimension in DIMENSION_TITLES:
        rows = [report.total] if dimension == "total" else [g for g in report.groups if g.dimension == dimension]
        table = Table(title=f"物流成本与时效 / Logistics cost and time {month}: {DIMENSION_TITLES[dimension]}")
        table.add_column(dimension)
        for name in columns:
            table.add_column(name, justify="right")
        for g in rows[:top]:
            table.add_row(
                g.key,
                str(g.parcels),
                str(g.delivered),
                str(g.lost_or_returned),
                str(g.weight_kg),
                str(g.costed),
                _cell(g.cost_per_parcel),
                _cell(g.cost_per_kg),
                _cell(g.transit_p50_days),
                _cell(g.transit_p90_days),
            )
        console.print(table)
    trend = Table(title="趋势 / trend")
    for name in ("month", "parcels", "CNY/parcel", "CNY/kg", "p50 d", "p90 d"):
        trend.add_column(name, justify="left" if name == "month" else "right")
    for m in report.trend:
        trend.add_row(
            m.month,
            str(m.parcels),
            _cell(m.cost_per_parcel),
            _cell(m.cost_per_kg),
            _cell(m.transit_p50_days),
            _cell(m.transit_p90_days),
        )
    console.print(trend)
    console.print(
        "[dim]成本为订单所列运费（按下单日汇率折人民币），包邮订单不计 / cost is the freight the order "
        "states, in CNY at the order date's rate; free-shipping orders are not costed · "
        f"{report.unconverted} 无汇率 / without an FX rate[/]"
    )


stats_app.command("brands")(brands)
