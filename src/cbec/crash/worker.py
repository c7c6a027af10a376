"""Crash target: a JetStream monitor worker (`cbec monitor worker --partition 0/2`) draining a published month.

The month's payments are published once, in the order the generator wrote them (time order, ties on a second in
any order), to a stream of its own with two partitions. The template home holds partition 1's alerts (its worker
drained it once, in process) and no checkpoint of partition 0; every run starts from a clone, so the worker of
partition 0 consumes its partition from the first message. After a kill the restarted worker restores its
checkpoint and continues. After the restart the home must hold exactly the clean run's alerts: every alert key, with
the same payment count and observed value; no alert key twice and no payment twice under one alert; and its
exported (payment, rule) pairs must be those of the single-process streaming driver (`cbec monitor stream`) over
the same file, pair for pair (issue 25).
"""

from __future__ import annotations

import asyncio
import csv
import uuid
from collections import Counter
from decimal import Decimal
from pathlib import Path

import nats

from cbec.crash.homes import Backend, Home
from cbec.crash.targets import AfterKill, Verdict, register
from cbec.monitoring import service as monitoring
from cbec.storage.store import Store, open_store
from cbec.synth.service import generate

MONTH = "2026-10"
PARTITIONS = 2
# Small messages and micro-batches (4 messages of up to 50 payments, a checkpoint after each): a kill then lands
# between two of the hundreds of checkpoints of a 10,000-payment month, not before the one batch of it all.
PER_MESSAGE, BATCH = 50, 4
Alerts = dict[str, tuple[int, Decimal]]
Pairs = set[tuple[str, str, str]]  # (institution_id, payment_id, rule_id), as `cbec alerts export` lists them


def exported_pairs(store: Store) -> Pairs:
    """Return the (institution, payment, rule) pairs of a home's alerts."""
    rows = monitoring.export_alerts(store=store)
    return {(row["institution_id"], row["payment_id"], rule) for row in rows for rule in row["rule_ids"]}


def _pairs_of(home: Home) -> Pairs:
    store = open_store(home.settings(), migrate=False)
    try:
        return exported_pairs(store)
    finally:
        store.close()


async def _delete_stream(url: str, stream: str) -> None:
    connection = await nats.connect(url)
    try:
        await connection.jetstream().delete_stream(stream)
    finally:
        await connection.close()


@register("worker")
class WorkerTarget:
    """Partition 0's worker (of two) over a synthetic month's payments on its own JetStream stream."""

    name = "worker"
    records = "alerts"

    def prepare(self, work: Path, backend: Backend, rows: int) -> None:
        """Publish the month as generated to a new stream; drain partition 1 into the template home once; keep the
        streaming driver's pairs over the same file as the reference of every run."""
        synth = generate(out_dir=work / "inputs", month=MONTH, payments=rows, seed=23, fmt="csv")
        with synth.files["payments"].open(encoding="utf-8-sig", newline="") as handle:
            payments = list(csv.DictReader(handle))
        self.stream = f"CBEC_CRASH_{uuid.uuid4().hex[:10].upper()}"
        self.prefix = f"crash.{self.stream.lower()}"
        embedded = backend.create(work / "embedded", {})
        store = open_store(embedded.settings())
        try:
            monitoring.stream(store=store, rows=enumerate(payments, start=2))
            self.embedded = exported_pairs(store)
        finally:
            store.close()
            backend.drop(embedded)
        self.fresh = backend.create(work / "fresh", {})
        self.nats_url = self.fresh.settings().nats_url
        summary, problems = monitoring.publish(
            settings=self.fresh.settings(),
            rows=enumerate(payments, start=2),
            partitions=PARTITIONS,
            stream=self.stream,
            prefix=self.prefix,
            per_message=PER_MESSAGE,
        )
        if problems:
            raise AssertionError(f"the synthetic month has refused rows: {problems[:3]}")
        self.published = summary
        store = open_store(self.fresh.settings())  # migrated, as a deployment is before its workers start
        try:
            options = monitoring.WorkerOptions(stream=self.stream, prefix=self.prefix, batch=BATCH, until_idle=2.0)
            monitoring.work(store=store, partition=1, partitions=PARTITIONS, options=options)
        finally:
            store.close()
        self.before = self._alerts(self.fresh)[0]  # partition 1's alerts, in every run's home from the start

    def template(self, run: int) -> Home:
        """Every run starts from the fresh home: partition 1's alerts, nothing of partition 0."""
        return self.fresh

    def command(self) -> list[str]:
        """Drain partition 0 (stop after 3 s without a message), checkpointing every micro-batch."""
        return [
            "monitor",
            "worker",
            "--partition",
            f"0/{PARTITIONS}",
            "--stream",
            self.stream,
            "--prefix",
            self.prefix,
            "--batch",
            str(BATCH),
            "--checkpoint-every",
            "0",
            "--until-idle",
            "3",
        ]

    def remember(self, clean: Home) -> None:
        """Keep the clean run's alerts: key → (payment count, observed); its pairs must be the streaming driver's."""
        self.reference = self._alerts(clean)[0]
        if not self.reference:
            raise AssertionError("the clean run raised no alert: the drill would prove nothing")
        pairs = _pairs_of(clean)
        if pairs != self.embedded:
            raise AssertionError(
                f"the clean run's {len(pairs)} pairs are not the streaming driver's {len(self.embedded)}: "
                f"{sorted(pairs - self.embedded)[:3]} more, {sorted(self.embedded - pairs)[:3]} fewer"
            )

    def close(self) -> None:
        """Delete the drill's stream."""
        asyncio.run(_delete_stream(self.nats_url, self.stream))

    def _alerts(self, home: Home) -> tuple[Alerts, int, int]:
        """Return the home's alerts, the alert keys stored twice, and payments named twice under one alert."""
        store = open_store(home.settings(), migrate=False)
        try:
            rows, doubled = monitoring.stored_alerts(store=store)
        finally:
            store.close()
        keys = Counter(key for key, _, _ in rows)
        alerts = {key: (count, Decimal(observed)) for key, count, observed in rows}
        return alerts, sum(n - 1 for n in keys.values()), doubled

    def after_kill(self, home: Home, run: int) -> AfterKill:
        """Half-done work: partition 0's checkpoint or alerts, short of the clean run's."""
        store = open_store(home.settings(), migrate=False)
        try:
            checkpoint = any(
                path.name == f"p0of{PARTITIONS}.ckpt"
                for path in monitoring.worker_checkpoints(store=store, stream=self.stream)
            )
        finally:
            store.close()
        alerts = self._alerts(home)[0]
        return AfterKill(mid_work=(checkpoint or alerts != self.before) and alerts != self.reference)

    def verify(self, home: Home, run: int) -> Verdict:
        """The clean run's alerts exactly: none missing, none extra or changed, nothing stored twice."""
        alerts, doubled_keys, doubled_payments = self._alerts(home)
        verdict = Verdict(
            rows_lost=len(self.reference.keys() - alerts.keys()),
            duplicate_rows=doubled_payments,
            duplicate_records=doubled_keys,
        )
        extra = sorted(alerts.keys() - self.reference.keys())
        changed = sorted(k for k in alerts.keys() & self.reference.keys() if alerts[k] != self.reference[k])
        verdict.problems += [f"alert not in the clean run: {k}" for k in extra[:5]]
        verdict.problems += [f"alert differs: {k} {alerts[k]} ≠ {self.reference[k]}" for k in changed[:5]]
        pairs = _pairs_of(home)
        verdict.problems += [f"pair not from the streaming driver: {p}" for p in sorted(pairs - self.embedded)[:5]]
        verdict.problems += [f"streaming driver's pair missing: {p}" for p in sorted(self.embedded - pairs)[:5]]
        verdict.note = (
            f"{len(pairs)} pairs, {len(pairs & self.embedded)} of the streaming driver's {len(self.embedded)}"
        )
        return verdict
