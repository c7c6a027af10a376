"""cbec audit / users / tokens: the audit log and accounts from the command line."""

from __future__ import annotations

import json
from datetime import timedelta

import typer

from cbec.audit import service as audit
from cbec.auth import service as auth
from cbec.auth.domain import ROLES
from cbec.cli.context import console, err_console, refused, store_of
from cbec.cli.output import titled_table

audit_app = typer.Typer(help="审计日志 / Audit log (append-only, hash-chained).", no_args_is_help=True)
users_app = typer.Typer(help="用户 / Users and roles.", no_args_is_help=True)
tokens_app = typer.Typer(help="API 令牌 / API tokens.", no_args_is_help=True)


@audit_app.command("verify")
def verify(ctx: typer.Context) -> None:
    """Walk the chain against its MAC key and signed checkpoints; exit 1 when anything was changed or cut off.

    Catches an edited or deleted entry, a cut tail, a chain recomputed with `entry_hash`, forged checkpoint
    lines and dropped or disabled append-only triggers.
    """
    result = audit.verify(store=store_of(ctx))
    anchored = f"{result.checkpoints:,} signed checkpoints"
    if result.unkeyed:
        anchored += f", {result.unkeyed:,} entries older than the keyed MAC"
    if result.ok:
        console.print(f"[green]审计链完整 / audit chain intact[/]: {result.entries:,} entries, {anchored}")
        return
    for found in result.problems:
        err_console.print(f"[red]#{found.seq}[/] {found.problem}", soft_wrap=True)
    err_console.print(f"[red]审计链被改动 / audit chain tampered with[/]: {result.entries:,} entries, {anchored}")
    raise typer.Exit(1)


@audit_app.command("checkpoint")
def checkpoint(ctx: typer.Context) -> None:
    """Sign the chain's head into the checkpoint file now (after an upgrade, or from cron)."""
    seq, digest = audit.checkpoint(store=store_of(ctx))
    console.print(f"checkpoint #{seq} {digest[:16]}… signed / 已签名")


@audit_app.command("list")
def list_entries(
    ctx: typer.Context,
    entity: str | None = typer.Option(None),
    entity_id: str | None = typer.Option(None),
    limit: int = typer.Option(30),
) -> None:
    """Show the newest audit entries."""
    table = titled_table("审计日志 / Audit log", ("seq", "at", "actor", "action", "entity", "before → after"))
    for e in audit.list_entries(store=store_of(ctx), entity=entity, entity_id=entity_id, limit=limit):
        change = f"{json.dumps(e.before, ensure_ascii=False)} → {json.dumps(e.after, ensure_ascii=False)}"
        table.add_row(str(e.seq), f"{e.at:%Y-%m-%d %H:%M:%S}", e.actor, e.action, f"{e.entity}:{e.entity_id}", change)
    console.print(table)


@users_app.command("add")
def add_user(
    ctx: typer.Context,
    username: str = typer.Argument(...),
    role: str = typer.Option(..., help=", ".join(ROLES)),
    tenant: str | None = typer.Option(None, help="institution, platform or enterprise id for tenant roles"),
    password: str = typer.Option(..., prompt=True, hide_input=True, confirmation_prompt=True),
    name: str | None = typer.Option(None, help="display name"),
) -> None:
    """Create a user (password hashed with argon2)."""
    try:
        user = auth.create_user(
            store=store_of(ctx),
            username=username,
            password=password,
            role=role,
            tenant_id=tenant,
            display_name=name,
            actor="cli",
        )
    except ValueError as exc:
        err_console.print(str(exc), markup=False, soft_wrap=True)
        raise typer.Exit(2) from exc
    console.print(f"user #{user.id} {user.username} ({user.role}{', ' + user.tenant_id if user.tenant_id else ''})")


@users_app.command("list")
def list_users(ctx: typer.Context) -> None:
    """List users and their roles."""
    table = titled_table("用户 / Users", ("id", "username", "role", "tenant", "active", "locked until"))
    for u in auth.list_users(store=store_of(ctx)):
        locked = f"{u.locked_until:%Y-%m-%d %H:%M} UTC" if u.locked_until else "-"
        table.add_row(str(u.id), u.username, u.role, u.tenant_id or "-", "yes" if u.active else "no", locked)
    console.print(table)


@users_app.command("unlock")
def unlock_user(ctx: typer.Context, username: str = typer.Argument(...)) -> None:
    """Unlock an account locked after failed logins and forget its failures (audited).

    With the default in-memory throttle, the server's own short windows (minutes) are not reached from here:
    POST /api/v1/auth/unlock clears those too, and with CBEC_THROTTLE_STORAGE=redis://... this command does.
    """
    try:
        was_locked = auth.unlock_user(store=store_of(ctx), username=username, actor="cli")
    except ValueError as exc:
        raise refused(exc) from exc
    console.print(f"{username}: {'unlocked / 已解锁' if was_locked else 'was not locked / 未锁定'}")


@tokens_app.command("issue")
def issue_token(
    ctx: typer.Context,
    username: str = typer.Argument(...),
    hours: int | None = typer.Option(None, help="lifetime in hours (default and cap by role: admin 24, tenants 720)"),
    label: str = typer.Option("", help="what the token is for"),
) -> None:
    """Issue an API bearer token for a user; the secret is printed once."""
    ttl = None if hours is None else timedelta(hours=hours)
    try:
        issued = auth.issue_token(store=store_of(ctx), username=username, label=label, ttl=ttl)
    except (ValueError, auth.AuthError) as exc:
        err_console.print(str(exc), markup=False, soft_wrap=True)
        raise typer.Exit(2) from exc
    console.print(issued.token, soft_wrap=True)
    err_console.print(f"token #{issued.token_id}, expires {issued.expires_at:%Y-%m-%d %H:%M} UTC")


@tokens_app.command("revoke")
def revoke_token(ctx: typer.Context, token: str = typer.Argument(...)) -> None:
    """Revoke an API token."""
    if not auth.revoke_token(store=store_of(ctx), token=token, actor="cli"):
        err_console.print("no live token matches / 无匹配的有效令牌")
        raise typer.Exit(1)
    console.print("revoked / 已撤销")
