"""cbec ip takedown / border-flags / evidence: takedown cases, customs border flags, evidence packages."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import typer
from rich.table import Table

from cbec.cli.context import console, refused, store_of
from cbec.core.clock import SHANGHAI, parse_timestamp
from cbec.ip import service as ip

takedown_app = typer.Typer(
    help="下架案件 / takedowns (E-Commerce Law arts. 42-45): notice, platform action, counter-notice, restoration.",
    no_args_is_help=True,
)


def _local(when: datetime | None) -> str:
    return when.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") if when else ""


@takedown_app.command("open")
def open_case(
    ctx: typer.Context,
    listing_id: str = typer.Option(...),
    platform_id: str = typer.Option(...),
    enterprise_id: str = typer.Option(..., help="the seller's credit code"),
    right: str = typer.Option(..., help="the mark, patent or work infringed"),
    rights_holder: str = typer.Option(...),
    note: str = typer.Option("", help="the notice's preliminary evidence, in words"),
    evidence: list[Path] = typer.Option([], exists=True, dir_okay=False, help="files given in evidence"),
    actor: str = typer.Option("rights-holder"),
) -> None:
    """Record a rights holder's notice (art. 42) with its evidence files; the platform's time to act starts."""
    store = store_of(ctx)
    case = ip.open_takedown(
        store=store,
        listing_id=listing_id,
        platform_id=platform_id,
        enterprise_id=enterprise_id,
        mark_id=right,
        rights_holder=rights_holder,
        evidence=note,
        actor=actor,
    )
    console.print(f"#{case.id}: {case.state}, platform to act by {_local(case.due_at)}")
    for path in evidence:
        try:
            kept = ip.add_evidence(store=store, case_id=case.id, name=path.name, data=path.read_bytes(), actor=actor)
        except ValueError as exc:  # the case stands; the file can be given again with evidence-add
            raise refused(exc) from exc
        console.print(f"  evidence {kept.name}  sha256 {kept.sha256}  {kept.size} bytes")


@takedown_app.command("step")
def step(
    ctx: typer.Context,
    case_id: int = typer.Argument(...),
    action: str = typer.Option(..., help="take_down, reject, counter_notice, complain_or_sue, restore, close"),
    reason: str = typer.Option(..., help="why (recorded with who and when)"),
    actor: str = typer.Option("regulator"),
) -> None:
    """Take one step on a case; refused when the lifecycle does not allow it."""
    try:
        case = ip.advance_takedown(store=store_of(ctx), case_id=case_id, action=action, actor=actor, reason=reason)
    except (LookupError, ValueError) as exc:
        raise refused(exc) from exc
    due = f", due {_local(case.due_at)}" if case.due_at else ""
    console.print(f"#{case.id}: {case.state}{due}")


@takedown_app.command("check-deadlines")
def check_deadlines(
    ctx: typer.Context,
    at: str | None = typer.Option(None, help="the time to check as of (default now), ISO 8601"),
) -> None:
    """The scheduled check: a platform late to act is flagged; 15 days after a counter-notice without a complaint
    or suit the listing is restored (art. 43)."""
    try:
        now = None if at is None else parse_timestamp(at, SHANGHAI)
    except ValueError as exc:
        raise refused(exc) from exc
    moved = ip.check_takedown_deadlines(store=store_of(ctx), now=now)
    console.print(f"{len(moved)} takedown cases moved by their deadlines: {', '.join(f'#{i}' for i in moved)}")


@takedown_app.command("evidence-add")
def evidence_add(
    ctx: typer.Context,
    case_id: int = typer.Argument(...),
    file: Path = typer.Argument(..., exists=True, dir_okay=False),
    actor: str = typer.Option("rights-holder"),
) -> None:
    """Keep a file in evidence on a case (under CBEC_HOME, with its SHA-256)."""
    try:
        kept = ip.add_evidence(
            store=store_of(ctx), case_id=case_id, name=file.name, data=file.read_bytes(), actor=actor
        )
    except (LookupError, ValueError) as exc:
        raise refused(exc) from exc
    console.print(f"#{case_id}: {kept.name}  sha256 {kept.sha256}  {kept.size} bytes")


@takedown_app.command("list")
def list_cases(ctx: typer.Context, state: str | None = typer.Option(None)) -> None:
    """List takedown cases, newest first."""
    table = Table("id", "listing", "platform", "seller", "right", "state", "due")
    for c in ip.list_takedowns(store=store_of(ctx), state=state):
        due = _local(c.due_at) if c.due_at else ""
        table.add_row(str(c.id), c.listing_id, c.platform_id, c.enterprise_id, c.mark_id, c.state, due)
    console.print(table)


@takedown_app.command("show")
def show(ctx: typer.Context, case_id: int = typer.Argument(...)) -> None:
    """Show a case, its steps and its evidence files."""
    store = store_of(ctx)
    try:
        case = ip.get_takedown(store=store, case_id=case_id)
    except LookupError as exc:
        raise refused(exc) from exc
    console.print(f"#{case.id} {case.listing_id} ({case.platform_id}) seller {case.enterprise_id}: {case.state}")
    for s in ip.takedown_steps(store=store, case_id=case_id):
        moved = f"{s.from_state or '-'} → {s.to_state}"
        console.print(f"  {_local(s.at)} {s.action}: {moved} ({s.actor}) {s.reason}", markup=False)
    for e in ip.list_evidence(store=store, case_id=case_id):
        console.print(f"  evidence {e.name}  sha256 {e.sha256}  {e.size} bytes")


def border_flags(
    ctx: typer.Context,
    month: str = typer.Option(..., "--month", help="YYYY-MM"),
) -> None:
    """Flag the month's declarations of goods recorded with customs from neither owner nor licensee."""
    try:
        flags = ip.flag_border(store=store_of(ctx), month=month)
    except ValueError as exc:
        raise refused(exc) from exc
    console.print(f"{month}: {len(flags)} declarations flagged for the border / 布控提示 {len(flags)} 票")
    table = Table("declaration", "seller", "HS", "recordation", "right", "owner", "why")
    for f in flags[:50]:
        why = "; ".join(f.evidence.get("carries_right", [])[:2])
        table.add_row(f.declaration_id, f.enterprise_id, f.hs_code, f.recordation_id, f.right_id, f.owner, why)
    console.print(table)


def evidence(
    ctx: typer.Context,
    case_id: int = typer.Argument(...),
    out: Path = typer.Option(..., "--out", dir_okay=False, help="the zip to write"),
    actor: str = typer.Option("regulator"),
) -> None:
    """Export a case's evidence package (files, hashes, timeline, findings, in Chinese) as a zip with a manifest."""
    try:
        package = ip.evidence_package(store=store_of(ctx), case_id=case_id, out=out, actor=actor)
    except (LookupError, ValueError) as exc:
        raise refused(exc) from exc
    console.print(f"{package.path}: {len(package.files)} files + manifest.json")
    for name, digest, size in package.files:
        console.print(f"  {name}  {size} bytes  sha256 {digest}")
