"""One partition's monitor worker: pull micro-batches, run the partition's rules, store alerts, then ack.

Worker N of M owns partition N of every dimension (consumer filter `<prefix>.*.N`) and runs one streaming
engine per dimension, limited to the rules of that dimension. Per micro-batch: process in stream order,
store the alerts through the filter step (alert_key de-duplication), then ack. The engines' state is
checkpointed with the last stream sequence it covers; at start the worker restores it and re-anchors its
durable consumer at the next sequence, so a killed worker's successor replays exactly what the checkpoint
does not cover. Replayed payments re-detect alerts already stored, which the filter step counts as repeats:
at-least-once delivery plus an idempotent alert store gives each alert once.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import pickle  # nosec B403  # only our own checkpoint files are read
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nats.aio.client
from nats.js import JetStreamContext
from sqlalchemy.exc import IntegrityError, OperationalError

from cbec.core.money import FxTable
from cbec.monitoring.alerts.filter import save_alerts
from cbec.monitoring.engine import ACCOUNT_DIMENSION, Alert, Payment
from cbec.monitoring.rules.model import RuleSet
from cbec.monitoring.schemas import RunSummary
from cbec.monitoring.streaming.driver import Priced, StreamingEngine, write_atomically
from cbec.monitoring.streaming.jetstream.body import BadBody, decode_batch, late_line, rejected_line, row_text
from cbec.monitoring.streaming.jetstream.publish import (
    DEFAULT_PREFIX,
    DEFAULT_STREAM,
    StreamMismatch,
    check_body,
    connect,
    stream_scheme,
)
from cbec.monitoring.streaming.jetstream.pull import BatchPull, anchor_consumer
from cbec.monitoring.streaming.jetstream.subjects import Scheme, dimensions, rules_of
from cbec.storage.store import Store

STATE_FORMAT = 1
SAVE_ATTEMPTS = 5
SOURCE = "stream"
# A payment travels once per dimension, in messages close together: payments read from one are kept (up to
# about this many, ~1.3 KB each with their values) so that the others find them built (a Payment costs more to
# build than to look up). A micro-batch of 20 messages of 500 is about 2,500 payments of four dimensions.
KNOWN_PAYMENTS = 10_000


@dataclass
class WorkerOptions:
    """How a worker pulls, checkpoints and when it stops."""

    stream: str = DEFAULT_STREAM
    prefix: str = DEFAULT_PREFIX
    batch: int = 20  # messages per pull: each carries up to publish.PER_MESSAGE payments
    fetch_timeout: float = 1.0
    checkpoint_every: float = 10.0  # seconds between checkpoints; 0 checkpoints after every micro-batch
    until_idle: float | None = None  # stop after this many seconds without a message
    max_messages: int | None = None  # stop after about this many messages (whole micro-batches)
    ack_wait: float = 120.0
    background_checkpoints: bool = True  # write checkpoints from a forked child (POSIX), off the batch path


@dataclass
class BatchReport:
    """One stored and acked micro-batch, for benchmarks: its size and each message's time from stored to acked."""

    messages: int
    last_seq: int
    latencies: list[float]


@dataclass
class WorkerSummary:
    """What a worker run did; `alerts` carries the filter step's counts."""

    alerts: RunSummary
    partition: str = ""
    restored_seq: int = 0
    last_seq: int = 0
    messages: int = 0
    replayed: int = 0  # delivered again at or below what this worker already covered: skipped
    late: int = 0  # at or before the last payment of its dimension and partition: skipped, listed in rejected
    refused: int = 0  # a message that is no batch, or a payment in one the contract refuses: listed in rejected
    unconverted: int = 0  # no FX rate: not monitored (as in every driver)
    checkpoints: int = 0
    checkpoint_failures: int = 0  # background checkpoint writes that failed (the previous file stays)
    seconds: float = 0.0
    per_dim: dict[str, int] = field(default_factory=dict)
    rejected_file: str = ""


def state_dir(store: Store, stream: str) -> Path:
    """Return where a stream's workers keep their checkpoints and rejected messages."""
    return store.settings.checkpoints_dir / "jetstream" / stream


def consumer_name(partition: int, partitions: int) -> str:
    """Return the durable consumer name of a partition."""
    return f"cbec-p{partition}of{partitions}"


class PartitionWorker:
    """The engines, checkpoint and counters of one partition; `run` drives them from a JetStream consumer."""

    def __init__(
        self,
        *,
        store: Store,
        ruleset: RuleSet,
        fx: FxTable,
        scheme: Scheme,
        partition: int,
        options: WorkerOptions,
    ) -> None:
        if not 0 <= partition < scheme.partitions:
            raise ValueError(f"partition {partition} is outside 0..{scheme.partitions - 1}")
        self.store, self.scheme, self.partition, self.options = store, scheme, partition, options
        owns = scheme.owner(partition)
        self._priced: Priced = {}  # a payment's time and fen, worked out once for all its dimensions
        self.engines = {
            dim: StreamingEngine(
                rules_of(ruleset, dim), fx, owns=owns if dim == ACCOUNT_DIMENSION else None, priced=self._priced
            )
            for dim in dimensions(ruleset)
        }
        self.seq = 0  # the last stream sequence the engines have taken
        self._known: dict[tuple[Any, ...], Payment] = {}  # payments read lately, for their other dimensions
        self._writing: int | None = None  # pid of the child writing a checkpoint
        name = f"p{partition}of{scheme.partitions}"
        folder = state_dir(store, options.stream)
        self.checkpoint_path, self.rejected_path = folder / f"{name}.ckpt", folder / f"{name}.rejected.jsonl"
        self.summary = WorkerSummary(
            alerts=RunSummary(month=None, ruleset=f"{ruleset.id}@{ruleset.version}"),
            partition=f"{partition}/{scheme.partitions}",
            rejected_file=str(self.rejected_path),
        )

    def restore(self) -> int:
        """Load the checkpoint when there is one; return the stream sequence it covers (0: none)."""
        for partial in self.checkpoint_path.parent.glob(f"{self.checkpoint_path.name}.*.tmp"):
            partial.unlink(missing_ok=True)  # a writer killed half way (its rename, if it comes, then fails)
        if not self.checkpoint_path.exists():
            return 0
        with self.checkpoint_path.open("rb") as handle:
            payload = pickle.load(handle)  # nosec B301  # our own file, written by checkpoint()
        where = str(self.checkpoint_path)
        if payload.get("format") != STATE_FORMAT or payload.get("partitions") != self.scheme.partitions:
            raise ValueError(f"{where}: checkpoint is for another format or partition count")
        for dim, engine in self.engines.items():
            if dim not in payload["engines"]:
                raise ValueError(f"{where}: checkpoint has no state for dimension {dim}")
            engine.resume(payload["engines"][dim], where)
        self.seq = self.summary.restored_seq = int(payload["seq"])
        return self.seq

    def checkpoint(self, *, background: bool = False) -> bool:
        """Write every engine's state and the sequence it covers, atomically; return whether one was started.

        In the background a forked child pickles and writes the state as it was at the fork (copy-on-write)
        while the worker goes on with its batches: pickling half a gigabyte of windows in the worker stalled
        its batches for seconds. A checkpoint still being written makes the next one wait for its turn.
        """
        if self._writing is not None and not self._reap(block=not background):
            return False
        self.checkpoint_path.parent.mkdir(parents=True, exist_ok=True)
        payload = {
            "format": STATE_FORMAT,
            "stream": self.options.stream,
            "partition": self.partition,
            "partitions": self.scheme.partitions,
            "seq": self.seq,
            "engines": {dim: engine.snapshot() for dim, engine in self.engines.items()},
        }
        if background and hasattr(os, "fork"):
            pid = os.fork()
            if pid == 0:  # the child: write, then leave without running the parent's cleanup
                code = 1
                try:
                    write_atomically(self.checkpoint_path, payload)
                    code = 0
                finally:
                    os._exit(code)
            self._writing = pid
        else:
            write_atomically(self.checkpoint_path, payload)
        self.summary.checkpoints += 1
        return True

    def _reap(self, *, block: bool) -> bool:
        """Collect the checkpoint child; return whether none is running any more (block: wait for it)."""
        assert self._writing is not None
        pid, status = os.waitpid(self._writing, 0 if block else os.WNOHANG)
        if pid == 0:
            return False
        self._writing = None
        if os.waitstatus_to_exitcode(status) != 0:
            self.summary.checkpoint_failures += 1  # the previous checkpoint file stays: more replay, no loss
        return True

    def finish_checkpoints(self) -> None:
        """Wait for a checkpoint still being written."""
        if self._writing is not None:
            self._reap(block=True)

    def take(self, messages: list[tuple[int, str, bytes]]) -> list[Alert]:
        """Run (stream sequence, subject, body) messages through the engines in order; return their alerts.

        A body is a batch of payments (see body). Messages at or below the covered sequence are replays and
        skipped whole; payments the contract refuses, and payments their dimension's engine finds late (an
        instant before the newest it holds or took, or a repeat), are skipped and listed.
        """
        batches: dict[str, list[Payment]] = {dim: [] for dim in self.engines}
        starts: dict[str, list[tuple[int, int, str, bytes]]] = {dim: [] for dim in self.engines}
        rejected: list[dict[str, Any]] = []
        if len(self._known) > KNOWN_PAYMENTS:
            self._known = {}
        for seq, subject, body in messages:
            if seq <= self.seq:
                self.summary.replayed += 1
                continue
            self.seq = seq
            dim = self.scheme.dim_of(subject)
            if dim not in batches:  # a dimension of another rule set: nothing of ours to run on it
                continue
            try:
                payments, refused = decode_batch(body, self._known)
            except BadBody as exc:
                self.summary.refused += 1
                rejected.append(rejected_line(seq, subject, body.decode("utf-8", "replace"), str(exc)))
                continue
            self.summary.refused += len(refused)
            rejected += (rejected_line(seq, subject, row_text(body, at), reason, at) for at, reason in refused)
            starts[dim].append((len(batches[dim]), seq, subject, body))
            batches[dim] += payments
        alerts: list[Alert] = []
        late: list[int]
        self._priced.clear()  # in place: the engines hold it
        for dim, payments in batches.items():
            if payments:
                engine, late = self.engines[dim], []  # the batch's positions its engine found late
                before = engine.unconverted
                alerts += engine.process_many(payments, late=late)
                self.summary.unconverted += engine.unconverted - before
                self.summary.late += len(late)
                rejected += (late_line(starts[dim], number) for number in late)
                self.summary.per_dim[dim] = self.summary.per_dim.get(dim, 0) + len(payments) - len(late)
                self.summary.alerts.payments += len(payments) - len(late)  # payment messages: one per dimension
        self._priced.clear()
        if rejected:
            self._reject(sorted(rejected, key=lambda row: (int(row["seq"]), int(row.get("position", -1)))))
        return alerts

    def drain(self) -> list[Alert] | None:
        """Take every engine's held instant (the partition has no message for now); None when none was held."""
        if not any(engine.held for engine in self.engines.values()):
            return None
        return [alert for engine in self.engines.values() for alert in engine.drain()]

    def _reject(self, rows: list[dict[str, Any]]) -> None:
        """Keep refused and late messages with the reason (they also stay in the stream)."""
        self.rejected_path.parent.mkdir(parents=True, exist_ok=True)
        with self.rejected_path.open("a", encoding="utf-8") as handle:
            for row in rows:
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")

    async def run(
        self,
        nc: nats.aio.client.Client,
        *,
        stop: asyncio.Event | None = None,
        on_batch: Callable[[BatchReport], None] | None = None,
    ) -> WorkerSummary:
        """Consume until stopped (event, idle time or message count); checkpoint on the way out."""
        started = time.monotonic()
        js = nc.jetstream()
        await self._check_stream(js)
        covered = self.restore()
        consumer = consumer_name(self.partition, self.scheme.partitions)
        partition = self.scheme.partition_filter(self.partition)
        options = self.options
        await anchor_consumer(
            js,
            options.stream,
            consumer,
            filter_subject=partition,
            ack_wait=options.ack_wait,
            batch=options.batch,
            covered=covered,
        )
        pull = await BatchPull(nc, options.stream, consumer).start()
        summary = self.summary
        last_checkpoint, idle_since = time.monotonic(), time.monotonic()
        dirty = False
        try:  # an error leaves the checkpoint as it was: the state may hold a batch whose alerts were not stored
            while stop is None or not stop.is_set():
                if options.max_messages is not None and summary.messages >= options.max_messages:
                    break
                msgs = await pull.fetch(options.batch, options.fetch_timeout)
                if not msgs:
                    drained = self.drain()  # nothing more for now: the newest instant is complete as far as we know
                    if drained is not None:
                        await self._save(drained)
                        dirty = True
                    elif options.until_idle is not None and time.monotonic() - idle_since >= options.until_idle:
                        break
                    continue
                idle_since = time.monotonic()
                alerts = self.take([(msg.seq, msg.subject, msg.data) for msg in msgs])
                await self._save(alerts)
                dirty = True
                if time.monotonic() - last_checkpoint >= options.checkpoint_every and self.checkpoint(
                    background=options.background_checkpoints
                ):
                    last_checkpoint, dirty = time.monotonic(), False
                await pull.ack_last()  # AckPolicy.ALL: acks the whole micro-batch, which arrived in stream order
                summary.messages += len(msgs)
                summary.last_seq = self.seq
                if on_batch is not None:
                    now = time.time()
                    latencies = [now - msg.stored for msg in msgs]
                    on_batch(BatchReport(messages=len(msgs), last_seq=self.seq, latencies=latencies))
            if dirty:
                self.checkpoint()  # waits for a background one first
        finally:
            with contextlib.suppress(Exception):
                self.finish_checkpoints()
            summary.seconds = time.monotonic() - started
            with contextlib.suppress(Exception):  # cleanup must not hide the error that ended the run
                await pull.stop()
        return summary

    async def _save(self, alerts: list[Alert]) -> None:
        """Store a batch's alerts; a transaction that lost a race with another worker is rolled back and redone.

        The first audit entry of a fresh database is such a race (two workers both start the hash chain);
        re-running is safe: the filter step sees what the winner stored.
        """
        for attempt in range(SAVE_ATTEMPTS):
            try:
                save_alerts(self.store, alerts, self.summary.alerts, SOURCE)
                return
            except (IntegrityError, OperationalError):
                if attempt == SAVE_ATTEMPTS - 1:
                    raise
                await asyncio.sleep(0.05 * (attempt + 1))

    async def _check_stream(self, js: JetStreamContext) -> None:
        """Refuse a stream with another partition count or without one of the worker's dimensions."""
        found = await stream_scheme(js, self.options.stream, self.scheme.prefix)
        check_body(found, self.scheme, self.options.stream)
        if found.partitions != self.scheme.partitions:
            raise StreamMismatch(
                f"stream {self.options.stream} has {found.partitions} partitions, not {self.scheme.partitions}"
            )
        missing = [dim for dim in self.engines if dim not in found.dims]
        if missing:
            raise StreamMismatch(f"stream {self.options.stream} does not carry dimension(s) {', '.join(missing)}")


async def work_on(
    url: str,
    worker: PartitionWorker,
    *,
    on_batch: Callable[[BatchReport], None] | None = None,
    handle_signals: bool = False,
) -> WorkerSummary:
    """Connect to NATS and run a worker; with handle_signals, SIGTERM and SIGINT finish the batch and stop."""
    stop = asyncio.Event()
    if handle_signals:
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
    connection = await connect(url, max_reconnect_attempts=-1)
    try:
        return await worker.run(connection, stop=stop, on_batch=on_batch)
    finally:
        await connection.close()
