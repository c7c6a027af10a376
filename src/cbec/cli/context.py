"""Shared helpers of the CLI: the console and opening storage from the settings."""

from __future__ import annotations

import warnings
from typing import TextIO, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from cbec.config import Settings
from cbec.storage.store import Store, open_store

console = Console()
err_console = Console(stderr=True)
T = TypeVar("T")


def show_warnings_as_notes() -> None:
    """Print warnings meant for the user (the calendar's coverage) as a plain note on stderr, without a source path."""

    def note(
        message: Warning | str,
        category: type[Warning],
        filename: str,
        lineno: int,
        file: TextIO | None = None,
        line: str | None = None,
    ) -> None:
        err_console.print(f"[yellow]注意 / note:[/] {escape(str(message))}", soft_wrap=True)

    warnings.showwarning = note


def settings_of(ctx: typer.Context) -> Settings:
    """Return the settings built by the main callback."""
    settings = ctx.find_root().obj
    assert isinstance(settings, Settings)
    return settings


def store_of(ctx: typer.Context) -> Store:
    """Open storage (migrated to the newest revision) for a command."""
    return open_store(settings_of(ctx))


def found_or_exit(found: T | None, message: str, *, style: str | None = "red") -> T:
    """Return what a command looked up; when there is nothing, say so on stderr and exit with status 1."""
    if found is None:
        err_console.print(message, style=style)
        raise typer.Exit(1)
    return found


def refused(exc: Exception) -> typer.Exit:
    """Print why a command was refused on stderr (plain text, never markup); return the exit (status 2) to raise."""
    err_console.print(str(exc), markup=False)
    return typer.Exit(2)
