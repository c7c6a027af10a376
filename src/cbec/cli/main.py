"""The cbec command line: thin commands that build the settings once and call one service.

A command's module is imported only when that command runs (or when help lists every command): the modules
import the services they call, and all of them together took 3.7 s to import, which every command paid before
it did anything.
"""

from __future__ import annotations

import importlib
from functools import cache
from typing import Any

import typer
from typer.core import TyperGroup
from typer.models import CommandInfo

from cbec.cli.context import show_warnings_as_notes
from cbec.config import load_settings

# name -> (module under cbec.cli, attribute): a Typer is a group of commands, a function is one command.
COMMANDS: dict[str, tuple[str, str]] = {
    "synth": ("synth", "synth"),
    "ingest": ("feeds", "ingest"),
    "ingest-dir": ("feeds", "ingest_dir"),
    "ingest-status": ("feeds", "ingest_status"),
    "demo": ("demo", "demo"),
    "quarantine": ("feeds", "quarantine_app"),
    "db": ("db", "app"),
    "monitor": ("monitor", "monitor_app"),
    "alerts": ("triage", "alerts_app"),  # monitor.py's commands and triage's
    "rules": ("monitor", "rules_app"),
    "review": ("review", "review_app"),
    "triage": ("feedback", "triage_app"),
    "rate": ("supervision", "rate"),
    "incidents": ("supervision", "incidents"),
    "settlement": ("supervision", "settlement"),
    "notices": ("supervision", "notices_app"),
    "audit": ("admin", "audit_app"),
    "users": ("admin", "users_app"),
    "tokens": ("admin", "tokens_app"),
    "complaints": ("complaints", "complaints_app"),
    "serve": ("serve", "serve"),
    "quality": ("quality", "quality_app"),
    "education": ("quality", "education_app"),
    "talent": ("talent", "talent_app"),
    "stats": ("report", "stats_app"),
    "report": ("report", "report_app"),
    "ip": ("ip", "ip_app"),
    "model": ("model", "model_app"),
    "cases": ("cases", "cases_app"),
    "credit": ("credit", "credit_app"),
    "security": ("security", "security_app"),
    "webhooks": ("webhooks", "webhooks_app"),
}


# Click's types: Typer 0.29 vendors Click in a private module, older releases use Click itself.
ClickContext = Any
ClickCommand = Any


@cache
def _command(name: str) -> ClickCommand:
    """Import a command's module and build its Click command, once."""
    module, attribute = COMMANDS[name]
    target = getattr(importlib.import_module(f"cbec.cli.{module}"), attribute)
    if isinstance(target, typer.Typer):
        command: ClickCommand = typer.main.get_group(target)
    else:
        command = typer.main.get_command_from_info(
            CommandInfo(name=name, callback=target),
            pretty_exceptions_short=app.pretty_exceptions_short,
            rich_markup_mode=app.rich_markup_mode,
        )
    command.name = name
    return command


class Commands(TyperGroup):
    """The top-level group: its commands are the table above, each loaded when it is first asked for."""

    def list_commands(self, ctx: ClickContext) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: ClickContext, cmd_name: str) -> ClickCommand | None:
        return _command(cmd_name) if cmd_name in COMMANDS else None


app = typer.Typer(
    name="cbec",
    help="浙江跨境电商监管平台 / Zhejiang cross-border e-commerce supervision platform.",
    cls=Commands,
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)


@app.callback()
def main(ctx: typer.Context) -> None:
    """Build the settings (CBEC_* environment variables) once for every command."""
    show_warnings_as_notes()
    ctx.obj = load_settings()


if __name__ == "__main__":
    app()
