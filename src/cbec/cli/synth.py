"""cbec synth: write a synthetic province-month of every feed."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from cbec.cli.context import console, err_console, settings_of
from cbec.synth.service import SynthResult, generate


def run_synth(out: Path, month: str, payments: int, seed: int, fmt: Literal["csv", "parquet", "jsonl"]) -> SynthResult:
    """Generate with a progress bar per feed."""
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
    ) as bar:
        tasks: dict[str, TaskID] = {}

        def tick(feed: str, done: int, total: int) -> None:
            if feed not in tasks:
                tasks[feed] = bar.add_task(f"synth {feed}", total=total)
            bar.update(tasks[feed], completed=done, total=total)

        return generate(out_dir=out, month=month, payments=payments, seed=seed, fmt=fmt, progress=tick)


def synth(
    ctx: typer.Context,
    month: str = typer.Option("2026-10", help="month to generate, YYYY-MM"),
    payments: int = typer.Option(
        10_000,
        "--payments",
        "--scale",
        min=1_000,
        help="payments in the month (10k for tests, 100M for a province-month)",
    ),
    seed: int = typer.Option(7, help="random seed; the same seed gives the same files"),
    fmt: str = typer.Option("csv", "--format", help="csv, parquet or jsonl"),
    out: Path | None = typer.Option(None, help="output folder (default: $CBEC_HOME/synth/<month>)"),
) -> None:
    """Write a seeded synthetic Zhejiang province-month of every feed, with labelled anomalies."""
    fmt_checked: Literal["csv", "parquet", "jsonl"]
    if fmt not in ("csv", "parquet", "jsonl"):
        err_console.print(f"[red]unknown format {fmt!r}: use csv, parquet or jsonl[/]")
        raise typer.Exit(2)
    fmt_checked = fmt  # type: ignore[assignment]
    target = out or settings_of(ctx).home_dir / "synth" / month
    try:
        result = run_synth(target, month, payments, seed, fmt_checked)
    except ValueError as exc:
        err_console.print(f"[red]{exc}[/]")
        raise typer.Exit(2) from exc
    table = Table(title=f"合成数据 / Synthetic province {month} (scale factor {result.scale_factor})")
    table.add_column("feed")
    table.add_column("rows", justify="right")
    table.add_column("file")
    for feed, rows in result.rows.items():
        table.add_row(feed, f"{rows:,}", str(result.files[feed]))
    table.add_row("labels", f"{result.labels:,}", str(result.out_dir / "labels.csv"))
    console.print(table)
