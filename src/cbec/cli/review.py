"""cbec review: the analyst's steps on review items (assign, comment, attach, close, check, bulk), cases, STR drafts."""

from __future__ import annotations

import json
import mimetypes
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import typer

from cbec.auth.domain import REGULATOR_ANALYST, Forbidden, NotVisible, Principal
from cbec.cli.context import console, err_console, found_or_exit, refused, store_of
from cbec.core.workflow import TransitionError
from cbec.monitoring import service

review_app = typer.Typer(help="待审事项 / Review items: the analyst's workflow.", no_args_is_help=True)
T = TypeVar("T")
BY = typer.Option(..., "--by", help="who acts (kept in the item's steps and the audit log)")


def _as(by: str) -> Principal:
    return Principal(by, REGULATOR_ANALYST)


def _refusing(call: Callable[[], T]) -> T:
    """Run one service call; a refusal (role, visibility, state, value) is printed and exits 2, nothing done."""
    try:
        return call()
    except (Forbidden, NotVisible, TransitionError, ValueError) as exc:
        raise refused(exc) from exc


def _done(call: Any) -> None:
    """Run one step (or one bulk call); print each item as it stands, or the refusal (exit 2, nothing done)."""
    done = _refusing(call)
    for item in done if isinstance(done, list) else [done]:
        console.print(
            f"#{item['id']} {item['institution_id']}/{item['payment_id']} · {item['status']}"
            + (f" · {item['disposition']}" if item["disposition"] else "")
            + (f" · {item['assignee']}" if item["assignee"] else ""),
            markup=False,
        )


@review_app.command("show")
def show(ctx: typer.Context, item_id: int = typer.Argument(...)) -> None:
    """Show one item: score, why (Chinese and English), and its steps."""
    store = store_of(ctx)
    item = found_or_exit(
        service.get_item(store=store, item_id=item_id), f"no review item {item_id} / 待审事项 {item_id} 不存在"
    )
    console.print(
        f"#{item['id']} {item['institution_id']}/{item['payment_id']} · account {item['account_id']} · "
        f"score {item['score']:.3f} (account {item['account_score']:.3f}) · {item['severity']} · {item['status']}"
        + (f" · {item['assignee']}" if item["assignee"] else "")
        + (f" · case #{item['case_id']}" if item["case_id"] else ""),
        markup=False,
    )
    for c in item["contributions"]:
        console.print(f"  +{c['contribution']:.2f}  {c['zh']} / {c['en']}", markup=False)
    for s in service.item_steps(store=store, item_id=item_id, principal=Principal("cli", REGULATOR_ANALYST)):
        console.print(f"  {s['at']:%Y-%m-%d %H:%M} {s['actor']}: {s['action']} → {s['to_state']} · {s['reason']}")


@review_app.command("assign")
def assign(
    ctx: typer.Context, item_ids: list[int] = typer.Argument(...), to: str = typer.Option(...), by: str = BY
) -> None:
    """Give an item (or several, all or none) to a person or a team queue."""
    store, who = store_of(ctx), _as(by)
    if len(item_ids) > 1:
        _done(lambda: service.bulk_assign(store=store, item_ids=item_ids, assignee=to, principal=who))
    else:
        _done(lambda: service.assign_item(store=store, item_id=item_ids[0], assignee=to, principal=who))


@review_app.command("start")
def start(ctx: typer.Context, item_id: int = typer.Argument(...), by: str = BY) -> None:
    """Start reviewing an assigned item."""
    _done(lambda: service.start_item(store=store_of(ctx), item_id=item_id, principal=_as(by)))


@review_app.command("comment")
def comment(
    ctx: typer.Context, item_id: int = typer.Argument(...), text: str = typer.Option(...), by: str = BY
) -> None:
    """Comment on an open item."""
    _done(lambda: service.comment_item(store=store_of(ctx), item_id=item_id, text=text, principal=_as(by)))


@review_app.command("close")
def close(
    ctx: typer.Context,
    item_ids: list[int] = typer.Argument(..., help="one item, or several to close all or none"),
    disposition: str = typer.Option(..., help=", ".join(service.DISPOSITIONS) + " (several: not true_positive)"),
    reason: str = typer.Option("", help="required for false_positive"),
    by: str = BY,
) -> None:
    """Close items in review; a high or critical false positive waits for a second person (cbec review check)."""
    store, who = store_of(ctx), _as(by)
    if len(item_ids) > 1:
        _done(
            lambda: service.bulk_close(
                store=store, item_ids=item_ids, disposition=disposition, reason=reason, principal=who
            )
        )
    else:
        _done(
            lambda: service.close_item(
                store=store, item_id=item_ids[0], disposition=disposition, reason=reason, principal=who
            )
        )


@review_app.command("check")
def check(
    ctx: typer.Context,
    item_id: int = typer.Argument(...),
    approve: bool = typer.Option(..., "--approve/--send-back"),
    reason: str = typer.Option(""),
    by: str = BY,
) -> None:
    """Confirm (a second person) or send back a proposed close."""
    _done(
        lambda: service.check_close(
            store=store_of(ctx), item_id=item_id, approve=approve, reason=reason, principal=_as(by)
        )
    )


@review_app.command("cases")
def cases(
    ctx: typer.Context,
    month: str | None = typer.Option(None, help="YYYY-MM"),
    status: str | None = typer.Option(None, help="open or closed"),
    limit: int = typer.Option(50),
) -> None:
    """List review cases (items grouped per account or pattern), highest score first."""
    for c in service.list_review_cases(store=store_of(ctx), month=month, status=status, limit=limit):
        console.print(
            f"case #{c['id']} {c['institution_id']} {c['month']} {c['subject_key']} · {c['status']} · "
            f"{c['item_count']} items · score {c['score']:.3f} (combined {c['combined_score']:.3f})",
            markup=False,
        )


@review_app.command("case")
def case(ctx: typer.Context, case_id: int = typer.Argument(...)) -> None:
    """Show one review case and its items."""
    try:
        found = service.get_review_case(store=store_of(ctx), case_id=case_id)
    except NotVisible as exc:
        err_console.print(str(exc), markup=False)
        raise typer.Exit(1) from exc
    console.print(
        f"case #{found['id']} {found['institution_id']} {found['month']} {found['subject_key']} · {found['status']}",
        markup=False,
    )
    for i in found["items"]:
        console.print(
            f"  #{i['id']} {i['payment_id']} · {i['severity']} · {i['score']:.3f} · {i['status']}", markup=False
        )


@review_app.command("attach")
def attach(
    ctx: typer.Context,
    item_id: int = typer.Argument(...),
    file: Path = typer.Option(..., exists=True, dir_okay=False, readable=True),
    content_type: str | None = typer.Option(None, help="default: guessed from the file name"),
    by: str = BY,
) -> None:
    """Keep a file in evidence on an open item (its SHA-256 recorded)."""
    kind = content_type or mimetypes.guess_type(file.name)[0] or "application/octet-stream"
    data = file.read_bytes()[: service.MAX_ATTACHMENT_BYTES + 1]
    row = _refusing(
        lambda: service.attach_file(
            store=store_of(ctx), item_id=item_id, name=file.name, content_type=kind, data=data, principal=_as(by)
        )
    )
    console.print(f"#{item_id} + {row['name']} ({row['content_type']}, {row['size']} B) sha256 {row['sha256']}")


@review_app.command("report")
def report(
    ctx: typer.Context,
    item_id: int = typer.Argument(...),
    as_json: bool = typer.Option(False, "--json", help="the draft's fields as JSON"),
) -> None:
    """Show the suspicious transaction report drafted for an item closed as a true positive."""
    draft = found_or_exit(
        service.get_report_draft(store=store_of(ctx), item_id=item_id),
        f"no report draft for review item {item_id} / 待审事项 {item_id} 无可疑交易报告草稿",
        style=None,
    )
    if as_json:
        typer.echo(json.dumps(draft, ensure_ascii=False, indent=2, default=str))
    else:
        typer.echo(service.report_text(draft), nl=False)
