"""cbec db: migrations of the relational store."""

from __future__ import annotations

from datetime import UTC, datetime

import typer

from cbec.cli.context import console, settings_of, store_of
from cbec.storage import service as storage

app = typer.Typer(help="关系库迁移 / Relational store migrations.", no_args_is_help=True)


@app.command("upgrade")
def upgrade_command(ctx: typer.Context, revision: str = typer.Argument("head")) -> None:
    """Migrate the relational store to a revision (newest by default)."""
    at, where = storage.migrate(settings=settings_of(ctx), revision=revision)
    console.print(f"[green]数据库已迁移 / store migrated[/] to {at} ({where})")


@app.command("current")
def current_command(ctx: typer.Context) -> None:
    """Show the revision the relational store is at."""
    console.print(storage.revision(settings=settings_of(ctx)) or "(not migrated)")


@app.command("partitions")
def partitions_command(
    ctx: typer.Context,
    ahead: int = typer.Option(2, min=0, max=36, help="also create this many months after the current one"),
) -> None:
    """Create the alerts' monthly partitions up to some months ahead and list them (PostgreSQL)."""
    store = store_of(ctx)
    try:
        if not storage.partitioned(store=store):
            console.print("SQLite: 告警为单表，无分区 / alerts are one table, not partitioned")
            return
        for partition in storage.keep_alert_partitions(store=store, now=datetime.now(UTC), ahead=ahead):
            console.print(f"{partition.name:<16} {partition.month or '默认 / default':<14} {partition.rows:>12,}")
    finally:
        store.close()
