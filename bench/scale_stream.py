"""Scale-out of streaming monitoring on NATS JetStream, printed: 1, 2, 4 workers and a soak at a fixed rate.

Usage: python bench/scale_stream.py [--payments 200000] [--workers 1,2,4] [--batch 20]
                                    [--soak-minutes 2] [--rate 3000] [--soak-workers 2] [--soak-payments 100000]
                                    [--clock data|wall] [--database sqlite]
- Throughput: for each worker count W, a fresh stream with W partitions gets the month's payments first
  (publish rate printed), then W worker processes drain it; payments/s from the first batch taken to the last
  batch acked, messages/s (a message carries many payments), CPU seconds per worker and CPU µs per payment
  (all workers' CPU over the payments: the fair figure on a loaded machine), per-worker efficiency =
  throughput / (W x throughput of 1), then the alerts stored per rule.
- Soak: the publisher puts payments on the stream at a fixed rate (a month of --soak-payments replayed pass after
  pass with fresh ids) while workers consume; every minute it prints the event time covered, each worker's RSS,
  p50/p99 latency from the message's store time in JetStream to its ack (after its alerts are stored) and the
  backlog. On the `data` clock (default) each pass keeps the month's own times, shifted a month further, so the
  rules' windows (up to a year) fill within minutes and then slide: memory must then stay flat. On the `wall`
  clock arrival times are 1/rate apart: nothing leaves a day's window in 30 minutes and the state only grows.
- Alerts go to a fresh PostgreSQL database (default) or SQLite under a temporary home.
The machine may be shared: figures are wall-clock under whatever load it carries; CPU seconds are printed too.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import os
import queue as queue_module
import shutil
import statistics
import tempfile
import time
import uuid
from dataclasses import replace
from pathlib import Path
from typing import Any

import nats
import nats.js.errors
import pyarrow.parquet as pq
import uvloop
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from cbec.config import Settings
from cbec.monitoring.engine import Payment, from_micros, micros
from cbec.monitoring.rules.parser import load_ruleset
from cbec.monitoring.streaming.jetstream.publish import ensure_stream, publish
from cbec.monitoring.streaming.jetstream.service import BatchReport, WorkerOptions, work
from cbec.monitoring.streaming.jetstream.subjects import Scheme, dimensions
from cbec.monitoring.streaming.rows import payment_from_text
from cbec.storage.store import open_store
from cbec.synth import generate

NATS_URL = os.environ.get("CBEC_NATS_URL", "nats://127.0.0.1:4222")
POSTGRES = os.environ.get("CBEC_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
MONTH = "2026-10"


def month_payments(root: Path, count: int) -> list[Payment]:
    """Generate a synthetic month and return its payments in the contract's order."""
    synth = generate(out_dir=root / "synth", month=MONTH, payments=count, seed=7, fmt="parquet")
    table = pq.read_table(synth.files["payments"])
    payments = [payment_from_text(row, "Asia/Shanghai") for row in table.to_pylist()]
    payments.sort(key=lambda p: (micros(p.initiated_at), p.institution_id, p.payment_id))
    shutil.rmtree(root / "synth")
    return payments


class Database:
    """A fresh relational store per run: a throw-away PostgreSQL database or a SQLite file."""

    def __init__(self, kind: str, root: Path) -> None:
        self.kind, self.root = kind, root
        self.names: list[str] = []

    def settings(self) -> Settings:
        home = self.root / f"home-{uuid.uuid4().hex[:6]}"
        if self.kind == "sqlite":
            return Settings(home=home, nats_url=NATS_URL)
        name = f"cbec_bench_{uuid.uuid4().hex[:8]}"
        with create_engine(POSTGRES, isolation_level="AUTOCOMMIT").connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        self.names.append(name)
        url = make_url(POSTGRES).set(database=name).render_as_string(hide_password=False)
        return Settings(home=home, database_url=url, nats_url=NATS_URL)

    def drop(self) -> None:
        engine = create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            for name in self.names:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


def _worker(settings: Settings, partition: int, partitions: int, options: WorkerOptions, queue: Any) -> None:
    """A worker process: report every batch's time, size and latencies, then the summary."""
    pending: list[float] = []
    state = {"first": 0.0, "flushed": time.monotonic()}

    def on_batch(report: BatchReport) -> None:
        now = time.time()
        state["first"] = state["first"] or now - 1e-3
        pending.extend(report.latencies)
        if time.monotonic() - state["flushed"] >= 2.0:
            queue.put(("batch", partition, now, len(pending), pending[:]))
            pending.clear()
            state["flushed"] = time.monotonic()
        state["last"] = now

    store = open_store(settings, migrate=False)  # migrated once by the parent: workers must not race on it
    summary = work(
        store=store, partition=partition, partitions=partitions, options=options, on_batch=on_batch, handle_signals=True
    )
    if pending:
        queue.put(("batch", partition, time.time(), len(pending), pending[:]))
    queue.put(
        (
            "done",
            partition,
            state["first"],
            state.get("last", 0.0),
            time.process_time(),
            summary.messages,
            summary.alerts.payments,
            summary.alerts.new,
            summary.late,
        )
    )
    store.close()


def _start(settings: Settings, workers: int, options: WorkerOptions) -> tuple[list[Any], Any]:
    open_store(settings).close()  # migrate the fresh store once
    context = mp.get_context("spawn")
    queue = context.Queue()
    processes = [context.Process(target=_worker, args=(settings, n, workers, options, queue)) for n in range(workers)]
    for process in processes:
        process.start()
    return processes, queue


async def _publish_all(stream: str, scheme: Scheme, payments: list[Payment]) -> tuple[int, float]:
    connection = await nats.connect(NATS_URL)
    js = connection.jetstream(publish_async_max_pending=5_000)
    await ensure_stream(js, stream, scheme)
    started = time.perf_counter()
    summary = await publish(connection, scheme, payments)
    seconds = time.perf_counter() - started
    await connection.close()
    return summary.messages, seconds


async def _delete(stream: str) -> None:
    connection = await nats.connect(NATS_URL)
    await connection.jetstream().delete_stream(stream)
    await connection.close()


def throughput(payments: list[Payment], counts: list[int], database: Database, batch: int) -> dict[int, float]:
    """Publish, then time W workers draining the stream, for each W; return payments/s by W."""
    dims = dimensions(load_ruleset())
    single: float | None = None
    rates: dict[int, float] = {}
    print(f"\n== throughput: {len(payments):,} payments, dimensions {', '.join(dims)} ==")
    print(" W  publish pay/s  messages  payments/s  messages/s  cpu s/worker  cpu µs/pay  efficiency  alerts  late")
    per_rule: dict[int, dict[str, int]] = {}
    for workers in counts:
        stream, prefix = f"BENCH_{uuid.uuid4().hex[:8].upper()}", f"bench{uuid.uuid4().hex[:8]}.pay"
        scheme = Scheme(prefix, workers, dims)
        messages, seconds = asyncio.run(_publish_all(stream, scheme, payments))
        options = WorkerOptions(stream=stream, prefix=prefix, batch=batch, until_idle=3.0, checkpoint_every=10.0)
        settings = database.settings()
        processes, queue = _start(settings, workers, options)
        done: list[Any] = []
        while len(done) < workers:
            try:
                item = queue.get(timeout=5)
            except queue_module.Empty:
                if any(p.exitcode not in (None, 0) for p in processes):  # a clean exit may still be queued
                    raise RuntimeError("a worker process failed: see its traceback above") from None
                continue
            if item[0] == "done":
                done.append(item)
        for process in processes:
            process.join()
        first, last = min(d[2] for d in done), max(d[3] for d in done)
        rate = len(payments) / (last - first)
        rates[workers] = rate
        if workers == 1:
            single = rate
        efficiency = rate / (workers * single) if single else float("nan")
        cpu = statistics.mean(d[4] for d in done)
        print(
            f"{workers:2d}  {len(payments) / seconds:13,.0f}  {messages:8,}  {rate:10,.0f} "
            f" {sum(d[5] for d in done) / (last - first):10,.0f}  {cpu:12.1f}"
            f"  {cpu * workers / len(payments) * 1e6:10.0f}  {efficiency:10.2f}"
            f"  {sum(d[7] for d in done):6,}  {sum(d[8] for d in done):4,}"
        )
        per_rule[workers] = _alerts_per_rule(settings)
        asyncio.run(_delete(stream))
    rules = sorted({rule for counts in per_rule.values() for rule in counts})
    print("alerts stored per rule: " + "  ".join(f"W={w}" for w in per_rule))
    for rule in rules:
        print(f"  {rule:40s} " + "  ".join(f"{counts.get(rule, 0):5,}" for counts in per_rule.values()))
    return rates


def _alerts_per_rule(settings: Settings) -> dict[str, int]:
    """Return how many alerts each rule has in a run's store."""
    engine = create_engine(settings.sqlalchemy_url)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT rule_id, count(*) FROM alerts GROUP BY rule_id"))
        counts = {str(rule): int(count) for rule, count in rows}
    engine.dispose()
    return counts


def _rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class Replay:
    """An endless replay of the month with fresh payment ids per pass, on one of two clocks.

    - `data`: each pass is the month again with its own times, shifted one month span further, so event time
      moves at the data's pace (a month per pass) and the rules' windows, up to a year, fill and then slide:
      the state reaches its plateau and memory can be seen to stay flat;
    - `wall`: arrival times 1/rate apart from the month's first moment (event time = wall time): at 3,000/s
      nothing leaves a window of a day or more during a soak, so the state only grows.
    """

    def __init__(self, payments: list[Payment], rate: int, clock: str) -> None:
        self.payments, self.rate, self.clock = payments, rate, clock
        self.times = [micros(p.initiated_at) for p in payments]
        self.start_us = self.times[0]
        self.span_us = self.times[-1] - self.start_us + 1  # the next pass starts after this one's last moment

    def __getitem__(self, index: int) -> Payment:
        turn, at = divmod(index, len(self.payments))
        base = self.payments[at]
        if self.clock == "data":
            moment = self.times[at] + turn * self.span_us
        else:
            moment = self.start_us + index * 1_000_000 // self.rate
        return replace(base, payment_id=f"{base.payment_id}-{turn}", initiated_at=from_micros(moment))

    def event_days(self, index: int) -> float:
        """Return the event time covered by the first `index` payments, in days."""
        if index == 0:
            return 0.0
        return (micros(self[index - 1].initiated_at) - self.start_us) / 86_400e6


async def _soak_publish(
    stream: str, scheme: Scheme, replay: Replay, minutes: float, processes: list[Any], queue: Any
) -> None:
    connection = await nats.connect(NATS_URL)
    js = connection.jetstream(publish_async_max_pending=20_000)
    for number in range(scheme.partitions):  # start the clock once every worker has anchored its consumer
        while True:
            try:
                await js.consumer_info(stream, f"cbec-p{number}of{scheme.partitions}")
                break
            except nats.js.errors.NotFoundError:
                await asyncio.sleep(0.2)
    rate, sent, started = replay.rate, 0, time.monotonic()
    next_report, minute, latencies = started + 60, 1, []
    rss_by_minute: list[list[float]] = []
    print(" min  published/s  event days  backlog  p50 ms  p99 ms  RSS MiB per worker")
    while time.monotonic() - started < minutes * 60:
        due = min(int((time.monotonic() - started) * rate), sent + max(rate // 4, 1))  # behind: catch up in steps
        if due > sent:
            await publish(connection, scheme, (replay[i] for i in range(sent, due)))
            sent = due
        await asyncio.sleep(0.01)
        while not queue.empty():
            item = queue.get_nowait()
            if item[0] == "batch":
                latencies.extend(item[4])
        if time.monotonic() >= next_report:
            backlog = 0
            for number in range(scheme.partitions):
                info = await js.consumer_info(stream, f"cbec-p{number}of{scheme.partitions}")
                backlog += (info.num_pending or 0) + (info.num_ack_pending or 0)
            rss = [_rss_mib(p.pid) for p in processes]
            rss_by_minute.append(rss)
            ordered = sorted(latencies) or [float("nan")]
            p50, p99 = ordered[len(ordered) // 2] * 1e3, ordered[int(len(ordered) * 0.99)] * 1e3
            print(
                (
                    f"{minute:4d}  {sent / (time.monotonic() - started):11,.0f} "
                    f" {replay.event_days(sent):10,.1f}  {backlog:7,} "
                    f" {p50:6.0f}  {p99:6.0f}  "
                )
                + " ".join(f"{r:6.0f}" for r in rss),
                flush=True,
            )
            latencies, minute, next_report = [], minute + 1, next_report + 60
    if rss_by_minute:
        first, half, last = rss_by_minute[0], rss_by_minute[len(rss_by_minute) // 2], rss_by_minute[-1]
        print(
            f"soak: {sent:,} payments in {minutes:g} min; RSS per worker first->last minute "
            + ", ".join(f"{b - a:+.0f} MiB" for a, b in zip(first, last, strict=True))
            + f"; over the second half (minute {len(rss_by_minute) // 2 + 1} on) "
            + ", ".join(f"{b - a:+.0f} MiB" for a, b in zip(half, last, strict=True))
        )
    await connection.close()


def soak(
    payments: list[Payment],
    workers: int,
    rate: int,
    minutes: float,
    database: Database,
    batch: int,
    clock: str,
    checkpoint_every: float = 10.0,
) -> None:
    """Publish at a fixed rate while workers consume; print RSS, latency and backlog every minute."""
    stream, prefix = f"SOAK_{uuid.uuid4().hex[:8].upper()}", f"soak{uuid.uuid4().hex[:8]}.pay"
    scheme = Scheme(prefix, workers, dimensions(load_ruleset()))
    replay = Replay(payments, rate, clock)
    print(
        f"\n== soak: {rate:,} payments/s for {minutes:g} min, {workers} workers; {len(payments):,} payments "
        f"replayed on the {clock} clock ({replay.span_us / 86_400e6:.1f} event days per pass) =="
    )

    async def make() -> None:
        connection = await nats.connect(NATS_URL)
        await ensure_stream(connection.jetstream(), stream, scheme)
        await connection.close()

    asyncio.run(make())
    options = WorkerOptions(
        stream=stream, prefix=prefix, batch=batch, fetch_timeout=0.2, checkpoint_every=checkpoint_every
    )
    processes, queue = _start(database.settings(), workers, options)
    try:
        uvloop.run(_soak_publish(stream, scheme, replay, minutes, processes, queue))
    finally:
        for process in processes:
            process.terminate()  # SIGTERM: each worker finishes its batch, checkpoints and exits
        deadline = time.monotonic() + 120
        while any(p.is_alive() for p in processes) and time.monotonic() < deadline:
            while not queue.empty():  # a child exits only once what it queued is read
                queue.get_nowait()
            time.sleep(0.1)
        asyncio.run(_delete(stream))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--payments", type=int, default=200_000)
    parser.add_argument("--workers", default="1,2,4", help="comma-separated worker counts ('' to skip)")
    parser.add_argument("--batch", type=int, default=WorkerOptions.batch, help="messages per pull")
    parser.add_argument("--soak-minutes", type=float, default=0.0)
    parser.add_argument("--rate", type=int, default=3_000)
    parser.add_argument("--soak-workers", type=int, default=2)
    parser.add_argument("--soak-payments", type=int, default=100_000, help="the month the soak replays")
    parser.add_argument("--checkpoint-every", type=float, default=10.0, help="soak workers' checkpoint interval")
    parser.add_argument("--clock", choices=("data", "wall"), default="data", help="the soak's event clock")
    parser.add_argument("--database", choices=("postgresql", "sqlite"), default="postgresql")
    parser.add_argument("--json", type=Path, help="also write payments/s by worker count to this file")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="cbec-scale-stream-"))
    database = Database(args.database, root)
    try:
        payments = month_payments(root, args.payments)
        print(f"{len(payments):,} payments generated; cores {os.cpu_count()}; load {os.getloadavg()[0]:.1f}")
        if args.workers:
            rates = throughput(payments, [int(w) for w in args.workers.split(",")], database, args.batch)
            if args.json:
                args.json.write_text(json.dumps({"payments": len(payments), "rates": rates}))
        if args.soak_minutes:
            if args.soak_payments != len(payments):
                payments = month_payments(root, args.soak_payments)
            soak(
                payments,
                args.soak_workers,
                args.rate,
                args.soak_minutes,
                database,
                args.batch,
                args.clock,
                args.checkpoint_every,
            )
    finally:
        if args.database == "postgresql":
            database.drop()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
