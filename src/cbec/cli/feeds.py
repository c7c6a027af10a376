"""cbec ingest / ingest-dir / quarantine / stats.

Exit status of `ingest` and `ingest-dir`, so that a script can tell a refused file from a loaded one:
0 every file loaded (rows that broke the contract are quarantined and counted, never lost);
2 the command was wrong (unknown feed, no files);
3 at least one file was refused whole (missing required column, forbidden XML, wrong encoding, empty, unknown
  format...): its reason is printed on stderr, and in the JSON line's "reason"; the other files still load.
"""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich import box
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from cbec.cli.context import console, err_console, found_or_exit, store_of
from cbec.feeds import service
from cbec.feeds.schemas import LoadReport
from cbec.storage.store import Store

EXIT_USAGE, EXIT_REFUSED = 2, 3
quarantine_app = typer.Typer(help="隔离区 / Rows that broke the contract.", no_args_is_help=True)


def _progress() -> Progress:
    return Progress(
        SpinnerColumn(),
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("rows"),
        TimeElapsedColumn(),
        console=err_console,
        transient=False,
    )


def _run(store: Store, jobs: list[tuple[str, Path]], as_json: bool) -> list[LoadReport]:
    """Load each file; exit 3 after the last one when any was refused whole."""
    reports: list[LoadReport] = []
    unreadable: list[str] = []
    with _progress() as bar:
        for feed, path in jobs:
            task = bar.add_task(f"{feed} ← {path.name}", total=None)

            def advance(_path: Path, rows: int, task: TaskID = task) -> None:
                bar.advance(task, rows)

            try:
                reports += service.ingest(store=store, feed=feed, paths=[path], progress=advance)
            except service.FileRejected as exc:  # a format we cannot even name: no batch is opened
                unreadable.append(f"{path}: {exc}")
            bar.update(task, total=bar.tasks[task].completed)
    if as_json:
        for report in reports:
            print(json.dumps(_counts(report), ensure_ascii=False))
    else:
        console.print(_table(reports))
    refused = unreadable + [f"{r.source}: {r.reason}" for r in reports if r.status == "rejected"]
    for line in refused:
        err_console.print(f"拒收 / refused {line}", style="red", markup=False, soft_wrap=True)
    if refused:
        raise typer.Exit(EXIT_REFUSED)
    return reports


def _counts(report: LoadReport) -> dict[str, object]:
    return {
        "feed": report.feed,
        "file": report.source,
        "batch": report.batch_id,
        "status": report.status,
        "encoding": report.encoding,
        "read": report.read,
        "accepted": report.accepted,
        "quarantined": report.quarantined,
        "duplicate": report.duplicate,
        "new_versions": report.new_versions,
        "errors_by_rule": report.errors_by_rule,
        "warnings": report.warnings,
        "reason": report.reason,
    }


def _table(reports: list[LoadReport]) -> Table:
    """Return the load reports as a table; errors by rule follow it as a caption, one line per file with errors."""
    table = Table(title="导入结果 / Load results (read = accepted + quarantined + duplicate)", box=box.SIMPLE_HEAD)
    table.add_column("batch", justify="right", no_wrap=True)
    table.add_column("feed ← file", no_wrap=True, overflow="ellipsis")
    for name in ("读取\nread", "接收\naccepted", "隔离\nquarantined", "重复\nduplicate", "新版本\nversions"):
        table.add_column(name, justify="right", no_wrap=True, min_width=6)
    errors = []
    for r in reports:
        style = "red" if r.status == "rejected" else None
        name = Path(r.source).name
        source = r.feed if Path(name).stem == r.feed else f"{r.feed} ← {name}"
        counts = (r.read, r.accepted, r.quarantined, r.duplicate, r.new_versions)
        table.add_row(str(r.batch_id), source, *(f"{n:,}" for n in counts), style=style)
        if r.errors_by_rule:
            errors.append(f"{r.batch_id} {name}: " + ", ".join(f"{k}={v}" for k, v in r.errors_by_rule.items()))
    if errors:
        table.caption = "隔离原因 / errors by rule\n" + "\n".join(errors)
        table.caption_justify = "left"
    return table


def ingest(
    ctx: typer.Context,
    feed: str = typer.Argument(..., help=f"feed name: {', '.join(service.feed_names())}"),
    paths: list[Path] = typer.Argument(..., exists=True, dir_okay=False, help="files to load"),
    as_json: bool = typer.Option(False, "--json", help="print one JSON object of counts per file"),
) -> None:
    """Load files into a feed: every row is stored or quarantined, and counts add up.

    Exit 0 when every file loaded, 3 when one was refused whole (reason on stderr), 2 for a wrong command.
    """
    if feed not in service.feed_names():
        err_console.print(f"[red]未知数据源 / unknown feed {feed!r}; known: {', '.join(service.feed_names())}[/]")
        raise typer.Exit(EXIT_USAGE)
    _run(store_of(ctx), [(feed, p) for p in paths], as_json)


def ingest_dir(
    ctx: typer.Context,
    directory: Path = typer.Argument(..., exists=True, file_okay=False, help="folder of <feed>.<ext> files"),
    as_json: bool = typer.Option(False, "--json", help="print one JSON object of counts per file"),
) -> None:
    """Load every <feed>.csv/.jsonl/.parquet/.xml file of a folder, registers first (exit 3: a file refused)."""
    jobs = [(feed, path) for feed in service.load_order() for path in sorted(directory.glob(f"{feed}.*"))]
    if not jobs:
        err_console.print(f"[red]no <feed>.<ext> files in {directory}[/]")
        raise typer.Exit(EXIT_USAGE)
    _run(store_of(ctx), jobs, as_json)


def stats(ctx: typer.Context) -> None:
    """Show rows per feed and month (current rows and stored versions) and what sits in quarantine."""
    store = store_of(ctx)
    table = Table(title="数据量 / Rows per feed and month")
    for name in ("feed", "month", "current rows", "versions"):
        table.add_column(name, justify="left" if name in ("feed", "month") else "right", no_wrap=True)
    by_feed: dict[str, list[tuple[str, int, int]]] = {}
    for feed, month, current, versions in service.feed_stats(store=store):
        by_feed.setdefault(feed, []).append((month, current, versions))
    for feed, months in by_feed.items():
        if len(months) > 4:  # a long tail of small months reads better as one line
            first, last = months[0][0], months[-1][0]
            months = [(f"{first} … {last} ({len(months)})", sum(m[1] for m in months), sum(m[2] for m in months))]
        for month, current, versions in months:
            table.add_row(feed, month, f"{current:,}", f"{versions:,}")
    console.print(table)
    counts = service.quarantine_counts(store=store)
    if not counts:
        console.print("[green]隔离区为空 / quarantine is empty[/]")
        return
    held = Table(title="隔离区 / Quarantine by rule")
    for name in ("feed", "rule", "rows"):
        held.add_column(name, justify="right" if name == "rows" else "left")
    for feed, rule, count in counts:
        held.add_row(feed, rule, f"{count:,}")
    console.print(held)


@quarantine_app.command("list")
def quarantine_list(
    ctx: typer.Context,
    feed: str | None = typer.Option(None, help="only this feed"),
    rule: str | None = typer.Option(None, help="only this rule"),
    batch: int | None = typer.Option(None, help="only this batch"),
    limit: int = typer.Option(50, help="at most this many rows"),
) -> None:
    """List quarantined rows, newest first (`quarantine show ID` gives the message and raw text)."""
    table = Table(title="隔离区 / Quarantine")
    for name in ("id", "batch", "feed", "file:line", "rule", "column"):
        table.add_column(name, overflow="fold")
    for row in service.list_quarantine(store=store_of(ctx), feed=feed, rule=rule, batch_id=batch, limit=limit):
        where = f"{row.source}:{row.line}" if row.line is not None else row.source
        table.add_row(str(row.id), str(row.batch_id), row.feed, where, row.rule, row.column_name or "")
    console.print(table)


@quarantine_app.command("show")
def quarantine_show(ctx: typer.Context, quarantine_id: int = typer.Argument(..., help="quarantine row id")) -> None:
    """Show one quarantined row: every reason and its raw text."""
    found = service.get_quarantined(store=store_of(ctx), quarantine_id=quarantine_id)
    row = found_or_exit(found, f"no quarantined row {quarantine_id}")
    console.print(f"[bold]#{row.id}[/] batch {row.batch_id} · {row.feed} · {row.source}:{row.line}")
    console.print(row.message, markup=False)
    console.rule("raw / 原始内容")
    console.print(row.raw, markup=False, highlight=False)


def ingest_status(
    ctx: typer.Context,
    paths: list[Path] = typer.Argument(..., exists=True, dir_okay=False, help="ISO 20022 pacs.002 files"),
) -> None:
    """Load pacs.002 payment status reports beside the payments (the settlement KPI times payments by them).

    Exit 0 when every file loaded, 3 when one was refused whole (reason on stderr).
    """
    store = store_of(ctx)
    for path in paths:
        try:
            counts = service.load_payment_status(store=store, path=path, actor="cli")
        except service.FileRejected as exc:
            err_console.print(f"[red]{path}: {exc}[/]")
            raise typer.Exit(EXIT_REFUSED) from exc
        console.print_json(json.dumps(counts | {"file": str(path)}, ensure_ascii=False))
