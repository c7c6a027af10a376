"""What entry points call to publish payments to JetStream and to run a partition's monitor worker."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from cbec.config import Settings
from cbec.core.money import load_fx_table
from cbec.monitoring.engine import Payment
from cbec.monitoring.rules.parser import SHIPPED_RULES, load_ruleset
from cbec.monitoring.streaming.jetstream.publish import (
    DEFAULT_PREFIX,
    DEFAULT_STREAM,
    PER_MESSAGE,
    NatsUnavailable,
    PublishSummary,
    StreamMismatch,
    publish_to,
)
from cbec.monitoring.streaming.jetstream.subjects import Scheme, dimensions
from cbec.monitoring.streaming.jetstream.worker import (
    BatchReport,
    PartitionWorker,
    WorkerOptions,
    WorkerSummary,
    work_on,
)
from cbec.monitoring.streaming.rows import payment_from_text
from cbec.storage.store import Store

__all__ = [
    "DEFAULT_PREFIX",
    "DEFAULT_STREAM",
    "PER_MESSAGE",
    "BatchReport",
    "NatsUnavailable",
    "PublishSummary",
    "StreamMismatch",
    "WorkerOptions",
    "WorkerSummary",
    "publish",
    "work",
]


def publish(
    *,
    settings: Settings,
    rows: Iterable[tuple[int, Mapping[str, Any]]],
    partitions: int | None = None,
    rules: Path | None = None,
    stream: str = DEFAULT_STREAM,
    prefix: str = DEFAULT_PREFIX,
    per_message: int = PER_MESSAGE,
) -> tuple[PublishSummary, list[str]]:
    """Put payments (line, row) on the JetStream stream, once per key dimension the rule set uses, in messages
    of up to `per_message` payments of one partition and dimension.

    With `partitions` the stream is made when missing (and must have that many partitions when it exists);
    without, the stream must exist. Rows the payments contract refuses are reported, not published.
    """
    scheme = Scheme(prefix, partitions or 1, dimensions(load_ruleset(rules or SHIPPED_RULES)))
    problems: list[str] = []

    def payments() -> Iterator[Payment]:
        for line, row in rows:
            try:
                yield payment_from_text(row, settings.timezone)
            except ValueError as exc:
                problems.append(f"line {line}: {exc}")

    import uvloop

    run = publish_to(
        settings.nats_url, stream, scheme, payments(), create=partitions is not None, per_message=per_message
    )
    return uvloop.run(run), problems


def work(
    *,
    store: Store,
    partition: int,
    partitions: int,
    rules: Path | None = None,
    options: WorkerOptions | None = None,
    on_batch: Callable[[BatchReport], None] | None = None,
    handle_signals: bool = False,
) -> WorkerSummary:
    """Run the monitor worker of one partition of the JetStream stream until it is told to stop."""
    options = options or WorkerOptions()
    ruleset, fx = load_ruleset(rules or SHIPPED_RULES), load_fx_table(store.settings.fx_file)
    scheme = Scheme(options.prefix, partitions, dimensions(ruleset))
    worker = PartitionWorker(store=store, ruleset=ruleset, fx=fx, scheme=scheme, partition=partition, options=options)
    import uvloop  # the worker spends much of its time in the event loop: uvloop's is cheaper per message

    return uvloop.run(work_on(store.settings.nats_url, worker, on_batch=on_batch, handle_signals=handle_signals))
