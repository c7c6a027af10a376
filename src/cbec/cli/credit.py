"""cbec credit ...: enterprise credit files, scores, lists, repair and model versions from the command line."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import typer

from cbec.cli.context import console, err_console, store_of
from cbec.cli.output import titled_table, write_csv
from cbec.core.clock import SHANGHAI, parse_timestamp
from cbec.core.workflow import TransitionError
from cbec.credit import service

credit_app = typer.Typer(help="企业信用评级 / Enterprise credit rating.", no_args_is_help=True)
GRADE_STYLE = {"A": "green", "B": "cyan", "C": "yellow", "D": "red"}


def _now(text: str | None) -> datetime | None:
    return None if text is None else parse_timestamp(text, SHANGHAI)


def _fail(exc: Exception) -> typer.Exit:
    err_console.print(f"[red]{exc}[/]")
    return typer.Exit(code=1)


@credit_app.command("customs-grades")
def customs_grades(ctx: typer.Context, path: Path = typer.Argument(..., exists=True, dir_okay=False)) -> None:
    """Load a customs credit grade file (effective_from,enterprise_id,grade,source) as a new input version."""
    try:
        version, rows = service.load_customs_grades(store=store_of(ctx), path=path)
    except service.CustomsGradeError as exc:
        raise _fail(exc) from None
    console.print(f"海关信用等级已载入 / customs grades loaded: input version {version}, {rows} rows")


@credit_app.command("train")
def train(
    ctx: typer.Context,
    month: list[str] = typer.Option(..., "--month", help="as-of month(s) of the training credit files"),
    outcomes: list[Path] = typer.Option(
        ..., "--outcomes", exists=True, help="outcome CSV(s): enterprise_id, as_of_month, bad"
    ),
    validate: str | None = typer.Option(None, help="a later month to validate on (time split)"),
    version: str | None = typer.Option(None, help="model version (default: credit-<timestamp>)"),
    if_due: bool = typer.Option(False, "--if-due", help="only train when the half-yearly retraining is due"),
) -> None:
    """Train a scorecard (optbinning + WOE logistic regression) and register it as a challenger."""
    store = store_of(ctx)
    if if_due and not service.retraining_due(store=store):
        console.print("半年度重训未到期 / half-yearly retraining not due")
        return
    try:
        model = service.train(store=store, months=month, outcomes=outcomes, validate_month=validate, version=version)
    except (ValueError, FileExistsError) as exc:
        raise _fail(exc) from None
    console.print(f"模型已训练 / model trained: [bold]{model.version}[/] ({model.status}) at {model.path}")
    console.print_json(json.dumps(model.metrics, ensure_ascii=False))


@credit_app.command("models")
def models(ctx: typer.Context) -> None:
    """List the registered models, newest first."""
    table = titled_table(
        "信用评分模型 / Credit models", ("version", "status", "trained on", "train AUC", "validation AUC", "created")
    )
    for m in service.list_models(store=store_of(ctx)):
        table.add_row(
            m.version,
            m.status,
            ",".join(m.trained_on),
            str(m.metrics.get("train", {}).get("auc", "-")),
            str(m.metrics.get("validation", {}).get("auc", "-")),
            f"{m.created_at.astimezone(SHANGHAI):%Y-%m-%d %H:%M}",
        )
    console.print(table)


@credit_app.command("compare")
def compare(
    ctx: typer.Context,
    challenger: str = typer.Argument(...),
    month: str = typer.Option(..., help="the period to compare on"),
    outcomes: list[Path] = typer.Option([], "--outcomes", exists=True, help="outcomes of that period (for AUC/KS)"),
) -> None:
    """Compare a challenger with the champion: AUC, KS, PSI of the score and of each feature."""
    try:
        result = service.compare(store=store_of(ctx), challenger=challenger, month=month, outcomes=outcomes)
    except LookupError as exc:
        raise _fail(exc) from None
    console.print_json(result.model_dump_json())


@credit_app.command("promote")
def promote(
    ctx: typer.Context,
    version: str = typer.Argument(...),
    reason: str = typer.Option(..., help="why this model becomes the champion (recorded)"),
    by: str = typer.Option("cli", help="who decides"),
) -> None:
    """Make a model the champion; the reason is recorded and the previous champion retired."""
    try:
        model = service.promote(store=store_of(ctx), version=version, reason=reason, actor=by)
    except (LookupError, ValueError) as exc:
        raise _fail(exc) from None
    console.print(f"冠军模型 / champion: [bold]{model.version}[/]")


@credit_app.command("score")
def score(
    ctx: typer.Context,
    month: str = typer.Option(..., help="YYYY-MM: the period whose credit files are scored"),
    model: str | None = typer.Option(None, help="a model version (default: the champion)"),
    now: str | None = typer.Option(None, help="the moment of the run (list entry dates), ISO 8601"),
) -> None:
    """Score every enterprise for a period; record the model version; update the red and black lists."""
    try:
        summary = service.score_month(store=store_of(ctx), month=month, model_version=model, now=_now(now))
    except LookupError as exc:
        raise _fail(exc) from None
    grades = ", ".join(f"[{GRADE_STYLE.get(g, '')}]{g}[/] {n}" for g, n in summary.grades.items())
    console.print(f"{summary.period} 评分 / scored {summary.scored} with {summary.model_version}: {grades}")
    console.print(
        f"硬性规则 / hard rules fired {summary.ruled}, lowered "
        f"the grade {summary.capped}; 红名单 / red +{summary.red_entered}; "
        f"黑名单 / black +{summary.black_entered}; 移出 / exited {summary.exited}"
    )


@credit_app.command("explain")
def explain(
    ctx: typer.Context,
    enterprise_id: str = typer.Argument(...),
    period: str | None = typer.Option(None, help="YYYY-MM (default: the latest scored)"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Explain an enterprise's score: each feature with source and as-of date, points, reasons, measures."""
    found = service.explain(store=store_of(ctx), enterprise_id=enterprise_id, period=period)
    if found is None:
        raise _fail(LookupError(f"{enterprise_id} 尚无评分 / has no score"))
    if as_json:
        console.print_json(found.model_dump_json())
        return
    style = GRADE_STYLE.get(found.grade, "")
    console.print(
        f"[bold]{found.enterprise_id}[/] {found.period}: {found.score} 分 → [{style}]{found.grade}[/] "
        f"(score grade {found.score_grade}, model {found.model_version})"
    )
    for rule in found.hard_rules:
        console.print(f"[red]硬性规则 / hard rule[/] {rule['title_zh']} / {rule['title_en']} — {rule['source']}")
    for reason in found.reasons:
        console.print(f"  • {reason['text_zh']} / {reason['text_en']}")
    table = titled_table("信用档案 / Credit file", ("feature", "value", "bin", "points", "source", "as of"))
    for f in found.features:
        value = "-" if f.value is None else f"{f.value:.4g}"
        table.add_row(
            f"{f.title_zh} / {f.title_en}",
            value,
            f.bin or "-",
            "-" if f.points is None else f"{f.points:+.1f}",
            f.source,
            f.as_of or "-",
        )
    console.print(table)
    m = found.measures
    console.print(f"措施 / measures: {m.title_zh} / {m.title_en} (inspection ×{m.inspection_rate_multiplier})")
    for e in found.lists:
        console.print(f"{e.list_kind} list: {e.entered_on} → {e.exited_on or '…'} {e.entry_reason}")


@credit_app.command("export")
def export(
    ctx: typer.Context,
    month: str = typer.Option(..., help="YYYY-MM"),
    out: Path | None = typer.Option(None, help="CSV file (default: stdout)"),
) -> None:
    """Export a period's scores, grades and reason codes (zh + en) as CSV."""
    rows = service.export_scores(store=store_of(ctx), period=month)
    header = list(rows[0]) if rows else ["period", "enterprise_id"]
    write_csv(header, ([r[name] for name in header] for r in rows), out)
    if out:
        console.print(f"{len(rows)} 行已导出 / rows exported to {out}")


@credit_app.command("customs-export")
def customs_export(
    ctx: typer.Context,
    month: str = typer.Option(..., help="YYYY-MM: the grades in force at the end of this month"),
    out: Path | None = typer.Option(None, help="CSV file (default: stdout)"),
) -> None:
    """Export the grade and its measures (fast clearance, inspection multiplier) per enterprise for customs."""
    try:
        rows = service.customs_export(store=store_of(ctx), month=month, actor="cli", now=datetime.now(SHANGHAI))
    except ValueError as exc:
        raise _fail(exc) from None
    header = list(service.CUSTOMS_EXPORT_COLUMNS)
    write_csv(header, ([r[name] for name in header] for r in rows), out)
    if out:
        fast = sum(r["fast_clearance"] == "1" for r in rows)
        console.print(f"{len(rows)} 行已导出 / rows exported to {out}; 快速通关 / fast clearance: {fast}")


@credit_app.command("tighten-monitoring")
def tighten_monitoring(ctx: typer.Context, month: str = typer.Option(..., help="YYYY-MM: the month to check")) -> None:
    """Check the month's three-document amounts at the tighter tolerance of grades C and D (credit.yaml)."""
    try:
        result = service.apply_monitoring_tightening(
            store=store_of(ctx), month=month, actor="cli", now=datetime.now(SHANGHAI)
        )
    except ValueError as exc:
        raise _fail(exc) from None
    grades = ", ".join(f"{g} {n}" for g, n in result.enterprises_by_grade.items()) or "-"
    console.print(
        f"{result.month} 收紧容差 / tightened tolerance (base {result.base_tolerance:.0%}) for {grades}: "
        f"{result.alerts_found} amount mismatches found, {result.alerts_new} new alerts"
    )


@credit_app.command("lists")
def lists_command(
    ctx: typer.Context,
    kind: str | None = typer.Option(None, help="red or black"),
    all_entries: bool = typer.Option(False, "--all", help="include exited entries"),
) -> None:
    """Show the red and black lists with entry and exit dates."""
    table = titled_table(
        "红黑名单 / Red and black lists", ("id", "list", "enterprise", "severity", "entered", "exited", "reason")
    )
    for e in service.list_entries(store=store_of(ctx), kind=kind, current=not all_entries):
        table.add_row(
            str(e.id),
            e.list_kind,
            e.enterprise_id,
            e.severity or "-",
            str(e.entered_on),
            str(e.exited_on or "-"),
            e.exit_reason or e.entry_reason,
        )
    console.print(table)


@credit_app.command("repair")
def repair(
    ctx: typer.Context,
    enterprise_id: str = typer.Option(None, help="apply for this enterprise"),
    statement: str = typer.Option(None, help="what the enterprise corrected"),
    application: int | None = typer.Option(None, help="act on this application instead"),
    action: str | None = typer.Option(None, help="accept, approve, reject, withdraw"),
    reason: str = typer.Option("", help="the reason of the action"),
    by: str = typer.Option("cli"),
    now: str | None = typer.Option(None, help="the moment, ISO 8601"),
) -> None:
    """Apply for credit repair, or review an application (history kept, nothing overwritten)."""
    store = store_of(ctx)
    try:
        if application is not None and action:
            found = service.advance_repair(
                store=store, application_id=application, action=action, actor=by, reason=reason, now=_now(now)
            )
        elif enterprise_id and statement:
            found = service.apply_repair(
                store=store, enterprise_id=enterprise_id, statement=statement, actor=by, now=_now(now)
            )
        else:
            raise ValueError("give --enterprise-id and --statement, or --application and --action")
    except (LookupError, ValueError, TransitionError) as exc:
        raise _fail(exc) from None
    console.print(f"修复申请 / repair application #{found.id}: {found.state} (earliest {found.earliest_on})")
    for t in found.history:
        console.print(
            f"  {t.at.astimezone(SHANGHAI):%Y-%m-%d %H:%M} {t.action}: "
            f"{t.from_state} → {t.to_state} ({t.actor}) {t.reason}"
        )
