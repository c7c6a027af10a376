"""cbec model: train and inspect the learned detector."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from cbec.cli.context import console, err_console, settings_of, store_of
from cbec.core.money import load_fx_table
from cbec.monitoring import service

model_app = typer.Typer(help="学习模型 / Learned detector.", no_args_is_help=True)


def print_validation(meta: dict[str, Any]) -> None:
    validation = meta["validation"]
    second = len(meta.get("second_stage_features") or [])
    stages = f" + {second} of the accounts' scores (second stage)" if second else ""
    members = meta.get("members") or []
    if members:
        stages += f" · {len(members)} fold models averaged"
    cutoffs = [m["cascade_cutoff"] for m in members if m["cascade_cutoff"]]
    if cutoffs:
        stages += f" · second stage at first-stage score ≥ {min(cutoffs):.4f}–{max(cutoffs):.4f}"
    console.print(
        f"[bold]{meta['name']}[/] v{meta['version']} · {meta['kind']} · threshold {meta['threshold']:.4f} · "
        f"{len(meta['features'])} features{stages} · created {meta['created_at']}"
    )
    console.print(f"验证 / validation: {validation['method']}", markup=False)
    if "f1" in validation:
        console.print(
            f"precision {validation['precision']:.3f} · recall {validation['recall']:.3f} · "
            f"F1 {validation['f1']:.3f} · PR-AUC {validation['pr_auc']:.3f} · "
            f"flagged {validation['flagged']:,} of {validation['payments']:,} "
            f"(laundering {validation['laundering']:,})"
        )
    patterns = validation.get("recall_by_pattern") or {}
    if patterns:
        table = Table(title="按模式召回 / Recall per pattern (out of fold)")
        for name in ("pattern", "payments", "recall"):
            table.add_column(name, justify="left" if name == "pattern" else "right")
        for pattern, row in patterns.items():
            table.add_row(pattern, f"{row['payments']:,}", f"{row['recall']:.3f}")
        console.print(table)


@model_app.command("train")
def train(
    ctx: typer.Context,
    payments: Path = typer.Option(..., exists=True, dir_okay=False, help="payments feed file (Parquet or CSV)"),
    labels: Path | None = typer.Option(
        None, exists=True, dir_okay=False, help="payment_id,is_laundering[,pattern] (Parquet or CSV)"
    ),
    out: Path = typer.Option(..., help="model directory (a new version replaces the one there)"),
    name: str = typer.Option("aml", help="model name; alerts are MODEL-<name>"),
    unsupervised: bool = typer.Option(False, help="ignore labels: fit an IsolationForest"),
    from_dispositions: bool = typer.Option(
        False,
        "--from-dispositions",
        help="label payments by the store's closed review items (true positive, escalated: 1; false positive, "
        "no action: 0), with --labels as well when given (a disposition wins)",
    ),
    months: list[str] = typer.Option([], "--month", help="with --from-dispositions: only these months' items"),
) -> None:
    """Train the detector on labelled payments (LightGBM, validated out of fold), or unsupervised."""
    settings = settings_of(ctx)
    now = datetime.now(UTC)
    try:
        if from_dispositions and not unsupervised:
            result = service.train_with_dispositions(
                store=store_of(ctx), payments=payments, labels=labels, out=out, name=name, now=now, months=months
            )
        else:
            result = service.train_model(
                payments=payments,
                labels=None if unsupervised else labels,
                out=out,
                name=name,
                fx=load_fx_table(settings.fx_file),
                timezone=settings.timezone,
                now=now,
            )
    except ValueError as exc:
        err_console.print(f"[red]{exc}[/]")
        raise typer.Exit(2) from exc
    console.print(f"已训练 / trained on {result.payments:,} payments ({result.laundering:,} laundering) → {out}")
    origin = result.meta.get("labels") or {}
    if origin.get("known"):
        given = ", ".join(f"{n:,} {d}" for d, n in sorted(origin["known"].items()))
        console.print(
            f"标签来自处置 / labels from dispositions: {given}; {origin['known_matched']:,} found in the payments, "
            f"{origin['known_overriding_file']:,} overriding the labels file"
        )
    print_validation(result.meta)


@model_app.command("show")
def show(
    path: Path = typer.Argument(..., exists=True, file_okay=False, help="model directory"),
    as_json: bool = typer.Option(False, "--json", help="print the whole metadata as JSON"),
) -> None:
    """Show a model's version, threshold, features and out-of-fold validation figures."""
    try:
        meta = service.show_model(path=path)
    except (FileNotFoundError, ValueError) as exc:
        err_console.print(f"[red]{exc}[/]")
        raise typer.Exit(2) from exc
    if as_json:
        console.print_json(json.dumps(meta, ensure_ascii=False))
        return
    print_validation(meta)
