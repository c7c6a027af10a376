"""cbec rate / notices / incidents / settlement: supervision of payment institutions from the command line."""

from __future__ import annotations

import json
from datetime import datetime

import typer
from rich import box
from rich.table import Table

from cbec.cli.context import console, found_or_exit, refused, store_of
from cbec.cli.output import titled_table
from cbec.cli.words import named
from cbec.core.clock import SHANGHAI, parse_timestamp
from cbec.core.workflow import TransitionError
from cbec.supervision import service

notices_app = typer.Typer(help="预警与整改通知 / Risk warnings and rectification notices.", no_args_is_help=True)
GRADE_STYLE = {"A": "green", "B": "green", "C": "yellow", "D": "red", "E": "bold red"}


def _now(text: str | None) -> datetime | None:
    return None if text is None else parse_timestamp(text, SHANGHAI)


def _local(moment: datetime | None) -> str:
    return "-" if moment is None else f"{moment.astimezone(SHANGHAI):%Y-%m-%d %H:%M}"


def rating_table(ratings: list[service.RatingRead], month: str) -> Table:
    """Return the ratings as a table: module scores, total, class and last month's class."""
    table = Table(title=f"支付机构监管评级 / Institution ratings {month}", box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("institution", no_wrap=True)
    for m in ratings[0].modules if ratings else []:
        table.add_column(m.module, justify="right", overflow="ellipsis", min_width=5)
    for name in ("total", "class", "before"):
        table.add_column(name, justify="right", no_wrap=True)
    for r in ratings:
        style = GRADE_STYLE.get(r.grade, "")
        table.add_row(
            r.institution_id,
            *(f"{m.score}" for m in r.modules),
            f"{r.total}",
            f"[{style}]{r.grade}[/]",
            r.previous_grade or "-",
        )
    return table


def rate(
    ctx: typer.Context,
    month: str = typer.Option(..., help="YYYY-MM"),
    warn: bool = typer.Option(False, help="issue a risk warning to every institution rated in a warned class"),
    institution: str | None = typer.Option(None, help="show one institution's modules and evidence"),
    as_json: bool = typer.Option(False, "--json", help="print the ratings as JSON"),
) -> None:
    """Rate every payment institution for a month (modules, total, class A-E), worst first."""
    store = store_of(ctx)
    ratings = service.rate_month(store=store, month=month)
    if institution:
        ratings = [r for r in ratings if r.institution_id == institution]
    if as_json:
        console.print_json(json.dumps([r.model_dump(mode="json") for r in ratings], ensure_ascii=False))
        return
    console.print(rating_table(ratings, month))
    if institution:
        for m in ratings[0].modules if ratings else []:
            console.print(f"[bold]{m.title_zh} / {m.title_en}[/]: value {m.value}, score {m.score} × {m.weight}")
            console.print_json(json.dumps(m.evidence, ensure_ascii=False, default=str))
    if warn:
        for notice in service.warn_risky(store=store, month=month, actor="cli"):
            console.print(
                f"预警已下发 / warning issued: #{notice.id} {notice.institution_id}, due {_local(notice.due_at)}"
            )


def _print_notices(rows: list[service.NoticeRead], title: str) -> None:
    table = titled_table(title, ("id", "kind", "institution", "state", "due", "title"))
    for n in rows:
        due = f"[bold red]{_local(n.due_at)}[/]" if n.overdue else _local(n.due_at)
        table.add_row(
            str(n.id), named("notice_kind", n.kind), n.institution_id, named("notice_state", n.state), due, n.title
        )
    console.print(table)


@notices_app.command("list")
def list_notices(
    ctx: typer.Context,
    institution: str | None = typer.Option(None),
    state: str | None = typer.Option(None),
    overdue: bool = typer.Option(False, help="only notices past their deadline"),
) -> None:
    """List notices, newest first; overdue deadlines in red."""
    rows = service.list_notices(store=store_of(ctx), institution_id=institution, state=state, overdue=overdue)
    _print_notices(rows, "通知 / Notices")


@notices_app.command("issue")
def issue(
    ctx: typer.Context,
    kind: str = typer.Option(..., help="warning (预警) or rectification (整改通知)"),
    institution: str = typer.Option(...),
    title: str = typer.Option(...),
    body: str = typer.Option(..., help="what is wrong and what is required"),
    month: str | None = typer.Option(None, help="the supervision month it concerns"),
    actor: str = typer.Option("regulator", help="who issues it"),
) -> None:
    """Issue a notice; its deadline is counted in Chinese working days."""
    try:
        data = service.NoticeCreate(kind=kind, institution_id=institution, title=title, body=body, month=month)
        notice = service.issue_notice(store=store_of(ctx), data=data, actor=actor)
    except ValueError as exc:
        raise refused(exc) from exc
    console.print(
        f"#{notice.id} {named('notice_kind', notice.kind)} → {notice.institution_id}, due {_local(notice.due_at)}"
    )


@notices_app.command("advance")
def advance(
    ctx: typer.Context,
    notice_id: int = typer.Argument(...),
    action: str = typer.Option(..., help="acknowledge, submit_plan, report_rectified, verify, reject, withdraw"),
    reason: str = typer.Option(..., help="why (recorded with who and when)"),
    actor: str = typer.Option("regulator"),
    at: str | None = typer.Option(None, help="when it happened (default now), ISO 8601"),
) -> None:
    """Take one action on a notice; refused when its lifecycle does not allow it."""
    try:
        notice = service.advance_notice(
            store=store_of(ctx), notice_id=notice_id, action=action, actor=actor, reason=reason, now=_now(at)
        )
    except (TransitionError, LookupError, ValueError) as exc:
        raise refused(exc) from exc
    console.print(f"#{notice.id}: {named('notice_state', notice.state)}, due {_local(notice.due_at)}")


@notices_app.command("show")
def show(ctx: typer.Context, notice_id: int = typer.Argument(...)) -> None:
    """Show a notice with every recorded step (who, when, why)."""
    found = service.get_notice(store=store_of(ctx), notice_id=notice_id)
    notice = found_or_exit(found, f"no notice {notice_id} / 通知 {notice_id} 不存在", style=None)
    _print_notices([notice], f"通知 / Notice #{notice_id}")
    table = titled_table("经过 / History", ("at", "action", "from", "to", "actor", "reason", "due"))
    for h in notice.history:
        table.add_row(_local(h.at), h.action, h.from_state or "-", h.to_state, h.actor, h.reason, _local(h.due_at))
    console.print(table)


@notices_app.command("check")
def check(ctx: typer.Context, at: str | None = typer.Option(None, help="check as of (default now), ISO 8601")) -> None:
    """The scheduled deadline check: overdue notices are marked, long overdue ones escalated."""
    moved = service.check_deadlines(store=store_of(ctx), now=_now(at))
    _print_notices(moved, f"期限检查 / Deadline check: {len(moved)} moved")


def incidents(ctx: typer.Context, month: str = typer.Option(..., help="YYYY-MM")) -> None:
    """Show the month's security incidents against 48-hour response and 7-working-day fix deadlines."""
    rows = service.incidents(store=store_of(ctx), month=month)
    columns = ("incident", "institution", "severity", "reported", "response h", "response due", "fix due", "breach")
    table = titled_table(f"安全事件 / Security incidents {month}", columns)
    for i in rows:
        breach = ", ".join(n for n, b in (("响应/response", i.response_breached), ("修复/fix", i.fix_breached)) if b)
        table.add_row(
            i.incident_id,
            i.institution_id,
            i.severity,
            _local(i.reported_at),
            str(i.response_hours or "-"),
            _local(i.response_due),
            _local(i.fix_due),
            f"[red]{breach}[/]" if breach else "-",
        )
    console.print(table)
    console.print(f"{sum(1 for i in rows if i.response_breached or i.fix_breached)} of {len(rows)} past a deadline")


def settlement(ctx: typer.Context, month: str = typer.Option(..., help="YYYY-MM")) -> None:
    """Show settlement confirmation time per institution and channel against the 24-hour target."""
    rows = service.settlement_kpi(store=store_of(ctx), month=month)
    table = Table(title=f"支付确认时间 / Settlement confirmation {month} (target < 24 h, baseline 72 h)")
    for name in (
        "institution",
        "channel",
        "payments",
        "confirmed",
        "median h",
        "p90 h",
        "< 24 h",
        "median/72h",
        "source",
        "self-reported median h",
        "difference h",
    ):
        table.add_column(name, justify="left" if name in ("institution", "channel") else "right")
    for r in rows:
        share = "-" if r.share_within_target is None else f"{r.share_within_target:.1%}"
        table.add_row(
            r.institution_id,
            r.channel or "[bold]all[/]",
            f"{r.payments:,}",
            f"{r.confirmed:,}",
            str(r.median_hours),
            str(r.p90_hours),
            share,
            str(r.median_vs_baseline),
            f"{r.source} ({r.from_messages:,} pacs.002, {r.self_reported:,} confirmed_at)",
            str(r.self_reported_median_hours),
            str(r.median_difference_hours),
        )
    console.print(table)
