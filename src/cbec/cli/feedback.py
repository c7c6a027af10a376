"""cbec triage precision / shadow / publish: what dispositions say of the rules and of a candidate weight version."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from cbec.cli.context import console, refused, store_of
from cbec.monitoring import service

triage_app = typer.Typer(
    help="分诊反馈 / Triage feedback: precision from dispositions, shadow runs, publishing weights.",
    no_args_is_help=True,
)
MONTH = typer.Option(..., "--month", help="YYYY-MM")
AS_JSON = typer.Option(False, "--json", help="print JSON instead of a table")


def _share(row: dict[str, Any]) -> str:
    if row["precision"] is None:
        return "–"
    return f"{row['precision']:.3f} [{row['interval_low']:.3f}, {row['interval_high']:.3f}]"


@triage_app.command("precision")
def precision(ctx: typer.Context, month: str = MONTH, as_json: bool = AS_JSON) -> None:
    """Precision per evidence source and rule, from the month's dispositioned review items (95 % Wilson)."""
    rows = service.rule_precision(store=store_of(ctx), month=month)
    if as_json:
        console.print_json(json.dumps(rows, ensure_ascii=False))
        return
    table = Table(title=f"{month} 处置精确率 / precision from dispositions")
    for name in ("source", "rule", "dispositioned", "true positives", "precision [95 % interval]"):
        table.add_column(name, justify="left" if name in ("source", "rule") else "right")
    for r in rows:
        table.add_row(
            r["source"], r["rule_id"] or "(all)", f"{r['dispositioned']:,}", f"{r['true_positives']:,}", _share(r)
        )
    console.print(table)


@triage_app.command("shadow")
def shadow(
    ctx: typer.Context,
    month: str = MONTH,
    weights: Path = typer.Option(..., exists=True, dir_okay=False, help="candidate weights.yaml"),
    as_json: bool = AS_JSON,
) -> None:
    """Run candidate weights in shadow over a month: items added and removed, precision of each. Writes nothing."""
    try:
        found = service.shadow_month(store=store_of(ctx), month=month, weights=weights)
    except ValueError as exc:
        raise refused(exc) from exc
    if as_json:
        console.print_json(json.dumps(found, ensure_ascii=False))
        return
    table = Table(title=f"{month} 影子运行 / shadow run over {found['scored']:,} scored payments")
    for name in ("queue", "config", "items", "dispositioned", "true positives", "precision [95 % interval]"):
        table.add_column(name, justify="left" if name in ("queue", "config") else "right")
    for side in ("live", "candidate"):
        q = found[side]
        table.add_row(
            side, q["config"], f"{q['items']:,}", f"{q['dispositioned']:,}", f"{q['true_positives']:,}", _share(q)
        )
    console.print(table)
    console.print(
        f"新增 / added {found['added']:,} · 移除 / removed {found['removed']:,} "
        f"(of them true positives {found['removed_true_positives']:,}, "
        f"judged not suspicious {found['removed_not_suspicious']:,}) · kept {found['kept']:,}"
    )


@triage_app.command("publish")
def publish(
    ctx: typer.Context,
    weights: Path = typer.Option(..., exists=True, dir_okay=False, help="the weights.yaml to make live"),
    reason: str = typer.Option(..., help="why (the shadow run's figures, say); kept in the audit log"),
    by: str = typer.Option(..., "--by", help="who publishes (kept in the audit log)"),
) -> None:
    """Make a weight version the live one for the next triage runs (audited; the version must be new)."""
    try:
        done = service.publish_weights(
            store=store_of(ctx), weights=weights, actor=by, reason=reason, now=datetime.now(UTC)
        )
    except ValueError as exc:
        raise refused(exc) from exc
    console.print(f"已发布 / published {done['after']['version']} (was {done['before']['version']}) → {done['path']}")
