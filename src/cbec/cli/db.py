"""cbec db: migrations of the relational store."""

from __future__ import annotations

import typer

from cbec.cli.context import console, settings_of
from cbec.storage.engine import make_engine
from cbec.storage.migrate import current_revision, upgrade

app = typer.Typer(help="关系库迁移 / Relational store migrations.", no_args_is_help=True)


@app.command("upgrade")
def upgrade_command(ctx: typer.Context, revision: str = typer.Argument("head")) -> None:
    """Migrate the relational store to a revision (newest by default)."""
    settings = settings_of(ctx)
    engine = make_engine(settings)
    upgrade(engine, revision)
    console.print(
        f"[green]数据库已迁移 / store migrated[/] to {current_revision(engine)} ({engine.url.render_as_string()})"
    )


@app.command("current")
def current_command(ctx: typer.Context) -> None:
    """Show the revision the relational store is at."""
    engine = make_engine(settings_of(ctx))
    console.print(current_revision(engine) or "(not migrated)")
