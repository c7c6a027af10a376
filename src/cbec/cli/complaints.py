"""cbec complaints classify: categorise complaint texts from a CSV file, offline."""

from __future__ import annotations

import csv
from pathlib import Path

import typer

from cbec.cli.context import err_console, settings_of, store_of
from cbec.cli.output import write_csv
from cbec.complaints import service

complaints_app = typer.Typer(help="消费者投诉 / Consumer complaints.", no_args_is_help=True)


def _read_texts(path: Path) -> list[str]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            if reader.fieldnames is None or "text" not in reader.fieldnames:
                raise typer.BadParameter(
                    f"{path}: 没有 text 列 / no `text` column (columns: {reader.fieldnames or []})"
                )
            return [row["text"] or "" for row in reader]
    except (OSError, UnicodeDecodeError) as error:
        raise typer.BadParameter(f"{path}: 无法读取 / cannot read: {error}") from error


@complaints_app.command("classify")
def classify(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help="CSV (UTF-8) with a `text` column"),
    threshold: float | None = typer.Option(
        None, min=0.0, max=1.0, help="review threshold (default CBEC_COMPLAINT_REVIEW_THRESHOLD)"
    ),
) -> None:
    """Print CSV text,category,confidence for every row; low-confidence rows become `other`."""
    texts = _read_texts(file)
    for line, text in enumerate(texts, start=2):
        if not text.strip():
            raise typer.BadParameter(f"{file}:{line}: 空投诉文本 / empty complaint text")
    try:
        results = service.classify_texts(texts, settings=settings_of(ctx), threshold=threshold)
    except service.EmptyComplaintError as error:
        raise typer.BadParameter(f"{file}: {error}") from error
    write_csv(["text", "category", "confidence"], ([r.text, r.category, f"{r.confidence:.4f}"] for r in results))
    review = sum(r.needs_review for r in results)
    if review:
        err_console.print(f"{review} 条置信度低，需人工复核 / {review} low-confidence rows need human review")


@complaints_app.command("rotate-keys")
def rotate_keys(
    ctx: typer.Context,
    new_key_id: str | None = typer.Option(None, help="add a new current master key first (embedded key file only)"),
    drop_old: bool = typer.Option(False, help="after re-wrapping, keep only the current key in the key file"),
) -> None:
    """Rotate the master key of consumers' personal data: re-wrap every data key under the current key."""
    count, current = service.rotate_master_key(
        store=store_of(ctx), actor="cli", new_key_id=new_key_id, drop_old=drop_old
    )
    err_console.print(f"re-wrapped {count} sealed value(s) under key {current}")


@complaints_app.command("import")
def import_feed(ctx: typer.Context, month: str = typer.Option(..., help="YYYY-MM")) -> None:
    """Open a case (classified, with its deadlines) for every complaint of the month's complaints feed."""
    count = service.import_feed(store=store_of(ctx), month=month)
    err_console.print(f"{count} complaint(s) imported from the feed / 从数据接入导入投诉 {count} 件")
