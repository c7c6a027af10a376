"""Helpers of the pair-for-pair tests: a synthetic month as generated, and each driver's exported (payment, rule) pairs.

Every driver stores its alerts in a fresh home through the filter step, as its command does, and the pairs are
read back with `export_alerts` (what `cbec alerts export` writes): one (institution, payment, rule) per payment an
alert lists.
"""

from __future__ import annotations

import asyncio
import csv
import uuid
from pathlib import Path
from typing import Any

import nats

from cbec.config import Settings
from cbec.core.money import load_fx_table
from cbec.feeds.service import ingest
from cbec.monitoring import service
from cbec.monitoring.batch.backend import Backend
from cbec.monitoring.engine import micros
from cbec.monitoring.rules.parser import load_ruleset
from cbec.monitoring.streaming.jetstream.publish import publish_to
from cbec.monitoring.streaming.jetstream.subjects import Scheme, dimensions
from cbec.monitoring.streaming.jetstream.worker import PartitionWorker, WorkerOptions
from cbec.monitoring.streaming.rows import payment_from_text
from cbec.storage.store import Store, open_store
from cbec.synth import generate

from .jetstream_month import NATS_URL

MONTH = "2026-03"
Pairs = set[tuple[str, str, str]]  # (institution_id, payment_id, rule_id)


def month_file(root: Path, seed: int, payments: int, *, minutes: bool = False) -> Path:
    """Generate a month; return its payments file in the generator's order (ties on a second in any order).

    With `minutes`, initiated_at is cut to the minute, as a feed with a coarser clock sends it: still in time
    order, but many payments share an instant and arrive in the generator's order, not the contract's.
    """
    path = generate(out_dir=root / f"synth-{seed}", month=MONTH, payments=payments, seed=seed).files["payments"]
    if not minutes:
        return path
    rows = read_rows(path)
    for row in rows:  # 2026-03-10T07:53:41+08:00 -> 2026-03-10T07:53:00+08:00
        row["initiated_at"] = f"{row['initiated_at'][:17]}00{row['initiated_at'][19:]}"
    coarse = path.with_name("payments-minutes.csv")
    with coarse.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return coarse


def out_of_order(path: Path) -> tuple[int, int]:
    """Return how many payments of a file come after a later one in the contract's order: ties, and earlier instants."""
    ties = earlier = 0
    last: tuple[int, str, str] | None = None
    for row in read_rows(path):
        payment = payment_from_text(row, "Asia/Shanghai")
        position = (micros(payment.initiated_at), payment.institution_id, payment.payment_id)
        if last is not None and position <= last:
            ties, earlier = ties + (position[0] == last[0]), earlier + (position[0] < last[0])
        else:
            last = position
    return ties, earlier


def read_rows(path: Path) -> list[dict[str, Any]]:
    """Return the rows of a payments CSV file in file order."""
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def exported_pairs(store: Store) -> Pairs:
    """Return the (institution, payment, rule) pairs of every stored alert, as `cbec alerts export` lists them."""
    rows = service.export_alerts(store=store)
    return {(row["institution_id"], row["payment_id"], rule) for row in rows for rule in row["rule_ids"]}


def _home(root: Path, name: str, **settings: Any) -> Store:
    return open_store(Settings(home=root / f"{name}-{uuid.uuid4().hex[:6]}", **settings))


def stream_pairs(root: Path, path: Path, batch: int) -> Pairs:
    """`cbec monitor stream FILE` with micro-batches of `batch` payments, on a fresh home."""
    store = _home(root, f"stream{batch}")
    try:
        summary, problems = service.stream(store=store, rows=enumerate(read_rows(path), 2), batch_size=batch)
        assert not problems and summary.skipped_rows == 0  # a month in time order: no payment is late
        return exported_pairs(store)
    finally:
        store.close()


def batch_pairs(root: Path, path: Path, backend: Backend) -> Pairs:
    """`cbec ingest` the file, then `cbec monitor run --backend B` (rules only) on a fresh home."""
    extra: dict[str, Any] = {"spark_shuffle_partitions": 2, "spark_driver_memory": "1g"} if backend == "spark" else {}
    store = _home(root, backend, **extra)
    try:
        ingest(store=store, feed="payments", paths=[path])
        service.run_month(store=store, month=MONTH, matching=False, backend=backend)
        return exported_pairs(store)
    finally:
        store.close()


def worker_pairs(root: Path, path: Path, partitions: int, batch: int) -> Pairs:
    """`cbec monitor publish FILE --partitions M` to a new stream, then M workers drain it into a fresh home."""
    store = _home(root, f"workers{partitions}x{batch}")
    tag = uuid.uuid4().hex[:10]
    stream, prefix = f"P_{tag.upper()}", f"p{tag}.pay"
    ruleset, fx = load_ruleset(), load_fx_table()
    scheme = Scheme(prefix, partitions, dimensions(ruleset))
    payments = [payment_from_text(row, "Asia/Shanghai") for row in read_rows(path)]
    options = WorkerOptions(stream=stream, prefix=prefix, batch=batch, fetch_timeout=0.3, until_idle=1.0)
    options.background_checkpoints = False  # no fork: the test process may hold a JVM (Spark)

    async def drain() -> None:
        await publish_to(NATS_URL, stream, scheme, payments)
        connection = await nats.connect(NATS_URL)
        try:
            workers = [
                PartitionWorker(store=store, ruleset=ruleset, fx=fx, scheme=scheme, partition=n, options=options)
                for n in range(partitions)
            ]
            summaries = await asyncio.gather(*(worker.run(connection) for worker in workers))
            assert all(s.late == s.refused == 0 for s in summaries)
        finally:
            try:
                await connection.jetstream().delete_stream(stream)
            finally:
                await connection.close()

    try:
        asyncio.run(drain())
        return exported_pairs(store)
    finally:
        store.close()
