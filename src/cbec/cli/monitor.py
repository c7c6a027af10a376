"""cbec monitor / alerts / rules: payment monitoring from the command line."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import typer
from rich import box
from rich.table import Table

from cbec.cli.context import console, err_console, found_or_exit, refused, settings_of, store_of
from cbec.cli.words import named
from cbec.core.clock import SHANGHAI, parse_timestamp
from cbec.core.figures import figure
from cbec.monitoring import service
from cbec.reports import service as reports

monitor_app = typer.Typer(help="支付监测 / Payment monitoring.", no_args_is_help=True)
alerts_app = typer.Typer(help="预警 / Alerts.", no_args_is_help=True)
rules_app = typer.Typer(help="监测规则 / Monitoring rules (YAML).", no_args_is_help=True)
SEVERITY_SHORT = {"critical": "crit", "high": "high", "medium": "med", "low": "low"}
SEVERITY_STYLE = {"critical": "bold red", "high": "red", "medium": "yellow", "low": "dim"}


def print_summary(title: str, summary: service.RunSummary) -> None:
    table = Table(title=title)
    table.add_column("rule")
    table.add_column("alerts", justify="right")
    for rule_id, count in sorted(summary.by_rule.items(), key=lambda item: -item[1]):
        table.add_row(rule_id, f"{count:,}")
    console.print(table)
    rate = "" if summary.match_rate is None else f"; 三单对碰匹配率 / match rate {summary.match_rate:.2%}"
    console.print(
        f"{summary.payments:,} payments · rule set {summary.ruleset} · detected {summary.detected:,} · "
        f"new {summary.new:,} · grown {summary.grown:,} · repeat {summary.duplicate:,} · "
        f"snoozed {summary.snoozed:,} · cases {summary.cases:,}{rate}"
    )
    if summary.model:
        console.print(f"学习模型 / model {summary.model} scored {summary.scored:,} payments")
    if summary.triage:
        console.print(
            f"分流 / triage {summary.triage}: 待审事项 / review items {summary.review_items_passed:,} "
            f"(new {summary.review_items_new:,}) · 大额交易报告 / large-value reports {summary.large_value_reports:,} "
            "(cbec alerts queue · cbec alerts reports)"
        )


@monitor_app.command("run")
def run(
    ctx: typer.Context,
    month: str = typer.Option(..., help="YYYY-MM"),
    rules: Path | None = typer.Option(None, exists=True, help="rule file (default: the shipped China rules)"),
    matching: bool = typer.Option(True, help="also run three-document matching (三单对碰)"),
    model: Path | None = typer.Option(
        None, exists=True, file_okay=False, help="learned model directory (cbec model train)"
    ),
    graph: bool = typer.Option(True, help="also look for fund-flow graph patterns and open cases (资金网络)"),
    backend: str | None = typer.Option(
        None, help="duckdb or spark: where the rules and matching run (default: CBEC_BATCH_BACKEND)"
    ),
) -> None:
    """Run the rules, three-document matching, graph patterns and optionally a learned model over a month."""
    try:
        if backend is not None and backend not in service.BACKENDS:
            raise ValueError(f"--backend must be one of {', '.join(service.BACKENDS)}, got {backend!r}")
        summary = service.run_month(
            store=store_of(ctx),
            month=month,
            rules=rules,
            matching=matching,
            model=model,
            graph=graph,
            backend=backend,  # type: ignore[arg-type]  # checked above
        )
        # The report's sections that read the month's raw payments read these instead (reports/rollups.py).
        rolled = reports.write_rollups(store=store_of(ctx), month=month)
    except (service.RuleSetError, ValueError, FileNotFoundError) as exc:
        raise refused(exc) from exc
    print_summary(f"监测结果 / Monitoring {month}", summary)
    console.print(f"月报汇总 / report rollups: {', '.join(rolled)}")


@monitor_app.command("rates")
def rates(
    ctx: typer.Context,
    month: str = typer.Option(..., help="YYYY-MM"),
    by: str = typer.Option("institution_id", help="institution_id, platform_id or enterprise_id"),
    limit: int = typer.Option(30, help="the lowest rates first, at most this many rows"),
) -> None:
    """Show three-document (三单对碰) match rates, lowest first."""
    try:
        rows = service.match_rate_table(store=store_of(ctx), month=month, by=by)
    except ValueError as exc:
        err_console.print(f"[red]{exc}[/]")
        raise typer.Exit(2) from exc
    table = Table(title=f"三单对碰匹配率 / Three-document match rate {month} by {by}")
    for name in (by, "payments", "matched", "rate", "refunded/reversed"):
        table.add_column(name, justify="left" if name == by else "right")
    for row in rows[:limit]:
        rate = "-" if row["rate"] is None else f"{row['rate']:.2%}"
        table.add_row(
            str(row[by]), f"{row['payments']:,}", f"{row['matched']:,}", rate, f"{row['refunded_or_reversed']:,}"
        )
    console.print(table)


def _rows(source: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """Read payments rows from a CSV or JSON Lines file, or standard input ('-'), as they come."""
    handle = sys.stdin if source == "-" else Path(source).open(encoding="utf-8-sig")  # noqa: SIM115
    try:
        first = handle.readline()
        if first.lstrip().startswith("{"):
            yield 1, json.loads(first)
            for number, line in enumerate(handle, start=2):
                if line.strip():
                    yield number, json.loads(line)
            return
        reader = csv.DictReader(io.StringIO(first))
        header = reader.fieldnames or []
        for number, line in enumerate(handle, start=2):
            values = next(csv.reader([line]), [])
            if values:
                yield number, dict(zip(header, values, strict=False))
    finally:
        if handle is not sys.stdin:
            handle.close()


@monitor_app.command("stream")
def stream(
    ctx: typer.Context,
    source: str = typer.Argument("-", help="payments CSV or JSON Lines file, or - for standard input"),
    rules: Path | None = typer.Option(None, exists=True, help="rule file (default: the shipped China rules)"),
    checkpoint: Path | None = typer.Option(None, help="state file (default: $CBEC_HOME/checkpoints/stream.ckpt)"),
) -> None:
    """Run the streaming driver over payments as they arrive, checkpointing after every micro-batch."""
    state = checkpoint or settings_of(ctx).checkpoints_dir / "stream.ckpt"
    summary, problems = service.stream(store=store_of(ctx), rows=_rows(source), rules=rules, checkpoint=state)
    for problem in problems[:20]:
        err_console.print(f"[yellow]{problem}[/]")
    if len(problems) > 20:
        err_console.print(f"[yellow]… {len(problems) - 20} more rows refused[/]")
    print_summary("实时监测 / Streaming", summary)


def _partition(text: str) -> tuple[int, int]:
    """Parse N/M (partition N of M, counted from 0)."""
    try:
        number, _, count = text.partition("/")
        partition, partitions = int(number), int(count)
    except ValueError:
        raise typer.BadParameter(f"{text!r}: write the partition as N/M, e.g. 0/4") from None
    if partitions < 1 or not 0 <= partition < partitions:
        raise typer.BadParameter(f"{text!r}: N must be in 0..M-1 and M at least 1")
    return partition, partitions


@monitor_app.command("publish")
def publish(
    ctx: typer.Context,
    source: str = typer.Argument("-", help="payments CSV or JSON Lines file, or - for standard input"),
    partitions: int | None = typer.Option(
        None, min=1, help="make the stream with this many partitions when missing (default: it must exist)"
    ),
    stream: str = typer.Option(service.DEFAULT_STREAM, help="JetStream stream name"),
    prefix: str = typer.Option(service.DEFAULT_PREFIX, help="subject prefix of the stream"),
    rules: Path | None = typer.Option(None, exists=True, help="rule file (default: the shipped China rules)"),
    per_message: int = typer.Option(
        service.PER_MESSAGE, min=1, help="payments of one partition and key dimension a message carries at most"
    ),
) -> None:
    """Publish payments to the JetStream stream, partitioned by every key the rules group by (in time order)."""
    try:
        summary, problems = service.publish(
            settings=settings_of(ctx),
            rows=_rows(source),
            partitions=partitions,
            rules=rules,
            stream=stream,
            prefix=prefix,
            per_message=per_message,
        )
    except (service.StreamMismatch, service.NatsUnavailable, OSError) as exc:
        err_console.print(f"{type(exc).__name__}: {exc}", markup=False)
        raise typer.Exit(2) from exc
    for problem in problems[:20]:
        err_console.print(f"[yellow]{problem}[/]")
    console.print(
        f"已发布 / published {summary.payments:,} payments as {summary.messages:,} messages to {stream} · "
        f"repeats dropped by the stream {summary.duplicates:,} · refused rows {len(problems):,} · "
        f"last sequence {summary.last_seq:,}"
    )


@monitor_app.command("worker")
def worker(
    ctx: typer.Context,
    partition: str = typer.Option(..., help="N/M: run partition N of M (from 0)"),
    stream: str = typer.Option(service.DEFAULT_STREAM, help="JetStream stream name"),
    prefix: str = typer.Option(service.DEFAULT_PREFIX, help="subject prefix of the stream"),
    rules: Path | None = typer.Option(None, exists=True, help="rule file (default: the shipped China rules)"),
    batch: int = typer.Option(
        service.WorkerOptions.batch, min=1, help="messages per micro-batch (each carries many payments)"
    ),
    checkpoint_every: float = typer.Option(
        10.0, min=0, help="seconds between checkpoints, written by a forked child (0: every batch)"
    ),
    until_idle: float | None = typer.Option(None, min=0, help="stop after this many seconds without a message"),
    max_messages: int | None = typer.Option(None, min=1, help="stop after about this many messages"),
    as_json: bool = typer.Option(False, "--json", help="print the summary as one JSON object"),
) -> None:
    """Consume one partition: run its rules, store alerts, then ack; checkpoint; SIGTERM stops after the batch."""
    number, count = _partition(partition)
    options = service.WorkerOptions(
        stream=stream,
        prefix=prefix,
        batch=batch,
        checkpoint_every=checkpoint_every,
        until_idle=until_idle,
        max_messages=max_messages,
    )
    try:
        summary = service.work(
            store=store_of(ctx), partition=number, partitions=count, rules=rules, options=options, handle_signals=True
        )
    except (service.NatsUnavailable, ValueError) as exc:
        err_console.print(f"{type(exc).__name__}: {exc}", markup=False)
        raise typer.Exit(2) from exc
    if as_json:
        sys.stdout.write(json.dumps(dataclasses.asdict(summary) | {"alerts": summary.alerts.model_dump()}) + "\n")
        return
    print_summary(f"分区监测 / Partition {summary.partition} of {stream}", summary.alerts)
    console.print(
        f"{summary.messages:,} messages to sequence {summary.last_seq:,} (resumed after {summary.restored_seq:,}) "
        f"· late skipped {summary.late:,} · refused {summary.refused:,} · replays skipped {summary.replayed:,} "
        f"· checkpoints {summary.checkpoints:,} · {summary.seconds:.1f} s"
    )
    if summary.late or summary.refused:
        err_console.print(f"[yellow]late and refused messages are listed in {summary.rejected_file}[/]")


def alert_table(alerts: list[service.AlertRead]) -> Table:
    """Return alerts as a table that stays readable at 80 columns: the key shortens, ids and numbers never wrap."""
    table = Table(title="预警 / Alerts", box=box.SIMPLE_HEAD, padding=(0, 0), pad_edge=False)
    table.add_column("id", justify="right", no_wrap=True)
    table.add_column("sev", no_wrap=True)
    table.add_column("rule", no_wrap=True)
    table.add_column("key", overflow="ellipsis", no_wrap=True, max_width=16)
    table.add_column("observed", justify="right", no_wrap=True)
    table.add_column("limit", justify="right", no_wrap=True)
    table.add_column("win", no_wrap=True)
    table.add_column("first", no_wrap=True)
    for a in alerts:
        table.add_row(
            str(a.id),
            SEVERITY_SHORT.get(a.severity, a.severity),
            a.rule_id,
            a.key_text,
            figure(a.observed),
            figure(a.threshold) if a.threshold is not None else "",
            a.window,
            a.first_at.astimezone(SHANGHAI).strftime("%m-%d %H:%M"),
            style=SEVERITY_STYLE.get(a.severity),
        )
    return table


@alerts_app.command("list")
def list_(
    ctx: typer.Context,
    month: str | None = typer.Option(None),
    rule: str | None = typer.Option(None),
    severity: str | None = typer.Option(None),
    institution: str | None = typer.Option(None),
    limit: int = typer.Option(50),
) -> None:
    """List alerts, most severe and newest first."""
    alerts = service.list_alerts(
        store=store_of(ctx), limit=limit, month=month, rule_id=rule, severity=severity, institution_id=institution
    )
    console.print(alert_table(alerts))


@alerts_app.command("show")
def show(ctx: typer.Context, alert_id: int = typer.Argument(...)) -> None:
    """Show one alert: why it fired, in Chinese and English, and the payments behind it."""
    alert = found_or_exit(service.get_alert(store=store_of(ctx), alert_id=alert_id), f"no alert {alert_id}")
    console.print(
        f"[bold]#{alert.id}[/] {alert.rule_id} v{alert.rule_version} · {named('severity', alert.severity)} · "
        f"{alert.key_text}",
        soft_wrap=True,
    )
    console.print(named("rule", alert.rule_id), markup=False)
    console.print(alert.explanation_zh, markup=False)
    console.print(alert.explanation_en, markup=False)
    console.print(
        f"observed {alert.observed} · threshold {alert.threshold} · window {alert.window} · "
        f"{alert.first_at.isoformat()} → {alert.last_at.isoformat()}"
    )
    for ref in alert.payments:
        institution, payment = ref.institution_id, ref.payment_id
        console.print(f"  {institution} / {payment}")


@alerts_app.command("snooze")
def snooze(
    ctx: typer.Context,
    rule: str = typer.Option(...),
    key: str = typer.Option(..., help="the alert's key as shown, e.g. payer_id=AC12"),
    until: str = typer.Option(..., help="ISO 8601 time; without offset it is Asia/Shanghai"),
    reason: str = typer.Option(...),
    by: str = typer.Option("cli", help="who decides"),
) -> None:
    """Silence one rule for one key until a time (the reason is kept)."""
    service.snooze(store=store_of(ctx), rule_id=rule, key=key, until=parse_timestamp(until), reason=reason, by=by)
    console.print(f"已暂停 / snoozed {rule} for {key} until {until}")


@rules_app.command("check")
def check(paths: list[Path] = typer.Argument(None, help="rule files (default: the shipped set)")) -> None:
    """Check rule files whole and print every error with its file and line."""
    errors = service.check_rules(paths=paths)
    for error in errors:
        console.print(str(error), markup=False)
    if errors:
        err_console.print(f"[red]{len(errors)} error(s)[/]")
        raise typer.Exit(1)
    console.print("[green]规则检查通过 / rules OK[/]")


@rules_app.command("backtest")
def backtest(
    ctx: typer.Context,
    candidate: Path = typer.Option(..., exists=True, help="the changed rule file"),
    months: str = typer.Option(..., help="comma-separated YYYY-MM"),
    current: Path | None = typer.Option(None, exists=True, help="the rule file to compare with (default: shipped)"),
) -> None:
    """Run the current and a changed rule set over past months and show alert counts per rule."""
    rows = service.backtest(store=store_of(ctx), months=months.split(","), candidate=candidate, current=current)
    table = Table(title=f"回测 / Backtest {months}")
    for name in ("rule", "before", "after", "change"):
        table.add_column(name, justify="left" if name == "rule" else "right")
    for row in rows:
        change = row.after - row.before
        table.add_row(
            row.rule_id, f"{row.before:,}", f"{row.after:,}", f"{change:+,}", style="yellow" if change else None
        )
    console.print(table)
