"""Crash target: the JetStream monitor worker (`cbec monitor worker --partition 0/1`) draining a published month.

The month's payments are published once to a stream of its own (time-ordered, as institutions send them); every
run starts from a fresh home (no checkpoint), so its worker consumes the stream from the first message. After a
kill the restarted worker restores its checkpoint and continues. After the restart the home must hold exactly
the clean run's alerts: every alert key, with the same payment count and observed value; no alert key twice and
no payment twice under one alert.
"""

from __future__ import annotations

import csv
import uuid
from collections import Counter
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from cbec.core.clock import parse_timestamp
from cbec.crash.homes import Backend, Home
from cbec.crash.targets import AfterKill, Verdict, register
from cbec.monitoring import service as monitoring
from cbec.storage.store import open_store
from cbec.synth.service import generate

MONTH = "2026-10"
Alerts = dict[str, tuple[int, Decimal]]


@register("worker")
class WorkerTarget:
    """One partition worker (of one) over a synthetic month's payments on its own JetStream stream."""

    name = "worker"
    records = "alerts"

    def prepare(self, work: Path, backend: Backend, rows: int) -> None:
        """Publish the month's payments in time order to a new stream; the template is a fresh home."""
        synth = generate(out_dir=work / "inputs", month=MONTH, payments=rows, seed=23, fmt="csv")
        with synth.files["payments"].open(encoding="utf-8-sig", newline="") as handle:
            payments = list(csv.DictReader(handle))
        zone = ZoneInfo("Asia/Shanghai")
        payments.sort(key=lambda r: (parse_timestamp(r["initiated_at"], zone), r["institution_id"], r["payment_id"]))
        self.stream = f"CBEC_CRASH_{uuid.uuid4().hex[:10].upper()}"
        self.prefix = f"crash.{self.stream.lower()}"
        self.fresh = backend.create(work / "fresh", {})
        open_store(self.fresh.settings()).close()  # migrated, as a deployment is before its workers start
        summary, problems = monitoring.publish(
            settings=self.fresh.settings(),
            rows=enumerate(payments, start=2),
            partitions=1,
            stream=self.stream,
            prefix=self.prefix,
        )
        if problems:
            raise AssertionError(f"the synthetic month has refused rows: {problems[:3]}")
        self.published = summary

    def template(self, run: int) -> Home:
        """Every run starts from the fresh home: no alerts, no checkpoint."""
        return self.fresh

    def command(self) -> list[str]:
        """Drain the stream (stop after 3 s without a message), checkpointing every micro-batch."""
        return [
            "monitor",
            "worker",
            "--partition",
            "0/1",
            "--stream",
            self.stream,
            "--prefix",
            self.prefix,
            "--batch",
            "500",
            "--checkpoint-every",
            "0",
            "--until-idle",
            "3",
        ]

    def remember(self, clean: Home) -> None:
        """Keep the clean run's alerts: key → (payment count, observed)."""
        self.reference = self._alerts(clean)[0]
        if not self.reference:
            raise AssertionError("the clean run raised no alert: the drill would prove nothing")

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
        """Half-done work: a checkpoint or stored alerts short of the clean run's."""
        store = open_store(home.settings(), migrate=False)
        try:
            checkpoints = monitoring.worker_checkpoints(store=store, stream=self.stream)
        finally:
            store.close()
        alerts = self._alerts(home)[0]
        return AfterKill(mid_work=bool(checkpoints or alerts) and alerts != self.reference)

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
        return verdict
