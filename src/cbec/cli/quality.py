"""cbec quality / education: filings, quality cases and consumer-education reach from the command line."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer
from rich.table import Table

from cbec.cli import talent
from cbec.cli.context import console, refused, store_of
from cbec.cli.output import titled_table
from cbec.core.workflow import TransitionError
from cbec.credit import service as credit
from cbec.quality import service as quality

quality_app = typer.Typer(help="产品质量 / Product quality: filings and quality cases.", no_args_is_help=True)
education_app = typer.Typer(help="消费者教育 / Consumer education.", no_args_is_help=True)


STANDARDS_FILE = typer.Option(
    None, "--standards", exists=True, dir_okay=False, help="a table extending the shipped one"
)


@quality_app.command("check")
def check(ctx: typer.Context, standards_file: Path | None = STANDARDS_FILE) -> None:
    """Check every filing (HS code, cited standards, origin; the standards table) and open quality cases."""
    store = store_of(ctx)
    try:
        result = quality.check_standards(store=store, standards_file=standards_file)
    except quality.StandardsFileError as exc:
        raise refused(exc) from exc
    counts = quality.check_filings(store=store)
    opened = quality.open_cases(store=store)
    table = Table(title="备案检查 / Filing checks")
    table.add_column("finding")
    table.add_column("filings", justify="right")
    for code, n in sorted((counts | result.by_kind).items()):
        table.add_row(code, f"{n:,}")
    console.print(table)
    modes = ", ".join(f"{m} {n:,}" for m, n in result.by_trade_mode.items())
    console.print(
        f"标准对照 / standards table: {result.filings:,} active filings ({modes}); "
        f"{result.filings_with_findings:,} with findings, {result.cases_opened:,} cases opened"
    )
    console.print(f"质量案件 / quality cases opened for failed inspections: {len(opened)}")


@quality_app.command("standards")
def standards_command(standards_file: Path | None = STANDARDS_FILE) -> None:
    """Show the standards table's size and sources (a subset: extend it with --standards FILE)."""
    try:
        summary = quality.standards_table(standards_file=standards_file)
    except quality.StandardsFileError as exc:
        raise refused(exc) from exc
    subset = "子集 / subset" if summary.subset else "完整 / complete"
    console.print(
        f"标准对照表 / standards table ({subset}): {summary.requirements} requirements over "
        f"{summary.hs_prefixes} HS prefixes naming {summary.chinese_standards} Chinese standards; "
        f"{summary.correspondences} foreign correspondences ({summary.stricter_cn} with a stricter Chinese rule); "
        f"positive list {summary.positive_list_prefixes} HS prefixes; {len(summary.sources)} sources"
    )
    for source in summary.sources:
        console.print(f"  • {source}", markup=False)


@quality_app.command("sample")
def sample(
    ctx: typer.Context,
    month: str = typer.Option(..., help="YYYY-MM: the month of the inspection plan"),
    base_rate: float | None = typer.Option(None, min=0.0, max=1.0, help="share drawn at grade B (quality.yaml)"),
) -> None:
    """Draw the month's inspection sample by credit grade (D inspected more, A less); each draw is audited."""
    try:
        result = credit.draw_inspection_sample(store=store_of(ctx), month=month, actor="cli", base_rate=base_rate)
    except ValueError as exc:
        raise refused(exc) from exc
    table = Table(title=f"抽检 / Inspection sample {result.month} (base rate {result.base_rate:.0%})")
    for name in ("grade", "enterprises", "drawn", "rate"):
        table.add_column(name, justify="right")
    for g in result.by_grade:
        table.add_row(g.grade, f"{g.enterprises:,}", f"{g.drawn:,}", f"{g.rate:.0%}")
    console.print(table)
    console.print(f"抽中 / drawn: {len(result.drawn):,} enterprises")


@quality_app.command("cases")
def cases(ctx: typer.Context, state: str | None = typer.Option(None)) -> None:
    """List quality cases with their measure and deadline."""
    titles = quality.measure_titles()
    table = titled_table("质量案件 / Quality cases", ("id", "enterprise", "product", "measure", "state", "due"))
    for c in quality.list_cases(store=store_of(ctx), state=state):
        title_zh, title_en = titles[c.measure]
        due = "-" if c.due_at is None else f"{c.due_at:%Y-%m-%d}"
        table.add_row(str(c.id), c.enterprise_id, c.product_name, f"{title_zh} / {title_en}", c.state, due)
    console.print(table)


@quality_app.command("advance")
def advance_case(
    ctx: typer.Context,
    case_id: int = typer.Argument(...),
    action: str = typer.Option(..., help="report_done (enterprise), verify or reject (regulator)"),
    reason: str = typer.Option(...),
    actor: str = typer.Option("regulator"),
) -> None:
    """Take one step on a quality case."""
    try:
        case = quality.advance_case(store=store_of(ctx), case_id=case_id, action=action, actor=actor, reason=reason)
    except (TransitionError, LookupError, PermissionError) as exc:
        raise refused(exc) from exc
    console.print(f"#{case.id}: {case.state}")


@quality_app.command("deadlines")
def deadlines(ctx: typer.Context) -> None:
    """The scheduled check: overdue quality cases are marked and escalated."""
    moved = quality.check_case_deadlines(store=store_of(ctx))
    console.print(f"{len(moved)} case(s) moved: {', '.join(map(str, moved)) or '-'}")


@education_app.command("add")
def add(
    ctx: typer.Context,
    held_on: str = typer.Option(..., help="YYYY-MM-DD"),
    city: str = typer.Option(...),
    topic: str = typer.Option(...),
    attendance: int = typer.Option(..., min=0),
    organiser: str = typer.Option(...),
) -> None:
    """Record a consumer-education event."""
    event = quality.add_education_event(
        store=store_of(ctx),
        held_on=date.fromisoformat(held_on),
        city=city,
        topic=topic,
        attendance=attendance,
        organiser=organiser,
        actor="cli",
    )
    console.print(f"event #{event}")


@education_app.command("reach")
def reach(
    ctx: typer.Context,
    year: int = typer.Option(..., help="calendar year"),
    through_month: int = typer.Option(12, min=1, max=12, help="count up to this month"),
) -> None:
    """People reached in a year by channel and city against the 100,000 target and its pace."""
    talent.reach(ctx, year, through_month)
