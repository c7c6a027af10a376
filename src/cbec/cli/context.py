"""Shared helpers of the CLI: the console and opening storage from the settings."""

from __future__ import annotations

import typer
from rich.console import Console

from cbec.config import Settings
from cbec.storage.store import Store, open_store

console = Console()
err_console = Console(stderr=True)


def settings_of(ctx: typer.Context) -> Settings:
    """Return the settings built by the main callback."""
    settings = ctx.find_root().obj
    assert isinstance(settings, Settings)
    return settings


def store_of(ctx: typer.Context) -> Store:
    """Open storage (migrated to the newest revision) for a command."""
    return open_store(settings_of(ctx))
