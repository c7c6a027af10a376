"""cbec review: the analyst's steps on review items (assign, start, comment, close, check), audited."""

from __future__ import annotations

from typing import Any

import typer

from cbec.auth.domain import REGULATOR_ANALYST, Forbidden, NotVisible, Principal
from cbec.cli.context import console, err_console, store_of
from cbec.core.workflow import TransitionError
from cbec.monitoring import service

review_app = typer.Typer(help="待审事项 / Review items: the analyst's workflow.", no_args_is_help=True)
BY = typer.Option(..., "--by", help="who acts (kept in the item's steps and the audit log)")


def _as(by: str) -> Principal:
    return Principal(by, REGULATOR_ANALYST)


def _done(call: Any) -> None:
    """Run one step; print the item as it stands, or the refusal (exit 2)."""
    try:
        item = call()
    except (Forbidden, NotVisible, TransitionError, ValueError) as exc:
        err_console.print(str(exc), markup=False)
        raise typer.Exit(2) from exc
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
    item = service.get_item(store=store, item_id=item_id)
    if item is None:
        err_console.print(f"[red]no review item {item_id} / 待审事项 {item_id} 不存在[/]")
        raise typer.Exit(1)
    console.print(
        f"#{item['id']} {item['institution_id']}/{item['payment_id']} · account {item['account_id']} · "
        f"score {item['score']:.3f} (account {item['account_score']:.3f}) · {item['severity']} · {item['status']}",
        markup=False,
    )
    for c in item["contributions"]:
        console.print(f"  +{c['contribution']:.2f}  {c['zh']} / {c['en']}", markup=False)
    for s in service.item_steps(store=store, item_id=item_id, principal=Principal("cli", REGULATOR_ANALYST)):
        console.print(f"  {s['at']:%Y-%m-%d %H:%M} {s['actor']}: {s['action']} → {s['to_state']} · {s['reason']}")


@review_app.command("assign")
def assign(ctx: typer.Context, item_id: int = typer.Argument(...), to: str = typer.Option(...), by: str = BY) -> None:
    """Give an item to a person or a team queue."""
    _done(lambda: service.assign_item(store=store_of(ctx), item_id=item_id, assignee=to, principal=_as(by)))


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
    item_id: int = typer.Argument(...),
    disposition: str = typer.Option(..., help=", ".join(service.DISPOSITIONS)),
    reason: str = typer.Option("", help="required for false_positive"),
    by: str = BY,
) -> None:
    """Close an item in review; a high or critical false positive waits for a second person (cbec review check)."""
    _done(
        lambda: service.close_item(
            store=store_of(ctx), item_id=item_id, disposition=disposition, reason=reason, principal=_as(by)
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
