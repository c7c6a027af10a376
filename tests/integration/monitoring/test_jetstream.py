"""Partition workers on the real NATS JetStream: the single-process driver's alerts, once each, through
redeliveries, republishing, late payments and kill -9. Messages carry PER_MESSAGE payments at most: small
here, so that a 2,000-payment month makes hundreds of messages and a kill lands between two of them."""

from __future__ import annotations

import asyncio
import json
import os
import pickle
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import nats
import pytest
from nats.js.api import StreamConfig
from sqlalchemy import func, select

from cbec.config import Settings
from cbec.core.money import load_fx_table
from cbec.monitoring.engine import Payment
from cbec.monitoring.models import AlertPayment
from cbec.monitoring.rules.parser import load_ruleset
from cbec.monitoring.streaming.jetstream.body import decode_batch, encode_batch
from cbec.monitoring.streaming.jetstream.publish import (
    PublishSummary,
    StreamMismatch,
    ensure_stream,
    publish,
    publish_to,
)
from cbec.monitoring.streaming.jetstream.subjects import Scheme, dimensions
from cbec.monitoring.streaming.jetstream.worker import (
    PartitionWorker,
    WorkerOptions,
    WorkerSummary,
    state_dir,
)
from cbec.storage.store import Store, open_store

from .jetstream_month import NATS_URL, AlertState, reference_alerts, sorted_month, stored_alerts, stream_name

__all__ = ["stream_name"]  # the fixture, re-exported for pytest
ROOT = Path(__file__).resolve().parents[3]
PER_MESSAGE = 25


@pytest.fixture(scope="module")
def month(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Payment], AlertState]:
    """2,000 synthetic payments in the contract's order (as a CSV file too) and the reference alerts."""
    path, payments = sorted_month(tmp_path_factory.mktemp("jetstream"), 2_000)
    return path, payments, reference_alerts(payments)


def _scheme(prefix: str, partitions: int) -> Scheme:
    return Scheme(prefix, partitions, dimensions(load_ruleset()))


def _publish(stream: tuple[str, str], partitions: int, payments: list[Payment]) -> PublishSummary:
    scheme = _scheme(stream[1], partitions)
    return asyncio.run(publish_to(NATS_URL, stream[0], scheme, payments, per_message=PER_MESSAGE))


def _drain(store: Store, stream: tuple[str, str], partitions: int, **options: object) -> list[WorkerSummary]:
    """Run every partition's worker concurrently until the stream has been idle for a second."""

    async def run() -> list[WorkerSummary]:
        connection = await nats.connect(NATS_URL)
        workers = [
            PartitionWorker(
                store=store,
                ruleset=load_ruleset(),
                fx=load_fx_table(),
                scheme=_scheme(stream[1], partitions),
                partition=number,
                options=WorkerOptions(
                    stream=stream[0], prefix=stream[1], batch=16, fetch_timeout=0.3, until_idle=1.0, **options
                ),
            )  # type: ignore[arg-type]
            for number in range(partitions)
        ]
        try:
            return list(await asyncio.gather(*(worker.run(connection) for worker in workers)))
        finally:
            await connection.close()

    return asyncio.run(run())


def test_two_workers_raise_exactly_the_single_process_alerts(
    store: Store, month: tuple[Path, list[Payment], AlertState], stream_name: tuple[str, str]
) -> None:
    _, payments, reference = month
    published = _publish(stream_name, 2, payments)
    assert published.payments == len(payments) and published.duplicates == 0
    assert len(payments) * 4 < published.routed < len(payments) * 5  # a payment per dimension, twice by account
    assert published.routed / PER_MESSAGE <= published.messages < published.routed / PER_MESSAGE + 8
    summaries = _drain(store, stream_name, 2)
    assert len(reference) > 10
    assert stored_alerts(store) == reference
    assert sum(s.messages for s in summaries) == published.messages
    assert all(s.late == s.refused == s.replayed == 0 for s in summaries)
    assert all(set(s.per_dim) == {"payer_id", "payee_id", "account", "institution_id"} for s in summaries)


def test_redelivered_republished_and_late_payments_raise_no_second_alert(
    sqlite_settings_store: Store, month: tuple[Path, list[Payment], AlertState], stream_name: tuple[str, str]
) -> None:
    store, (_, payments, reference) = sqlite_settings_store, month
    first = _publish(stream_name, 2, payments)
    again = _publish(stream_name, 2, payments)  # within the duplicate window: the stream drops every message
    assert again.duplicates == again.messages == first.messages and again.last_seq == first.last_seq
    _drain(store, stream_name, 2)
    assert stored_alerts(store) == reference

    # a worker that lost its checkpoint replays the whole partition: every alert is a repeat
    for path in state_dir(store, stream_name[0]).glob("*.ckpt"):
        path.unlink()
    replayed = _drain(store, stream_name, 2)
    assert sum(s.alerts.new + s.alerts.grown for s in replayed) == 0
    assert sum(s.alerts.duplicate for s in replayed) >= len(reference)
    assert stored_alerts(store) == reference

    # redelivered messages at or below the covered sequence are skipped without reaching the engines
    worker = PartitionWorker(
        store=store,
        ruleset=load_ruleset(),
        fx=load_fx_table(),
        scheme=_scheme(stream_name[1], 2),
        partition=0,
        options=WorkerOptions(stream=stream_name[0], prefix=stream_name[1]),
    )
    assert worker.restore() > 0
    subject = f"{stream_name[1]}.payer_id.0"
    assert worker.take([(1, subject, encode_batch(payments[:3])), (worker.seq, subject, b"{}")]) == []
    assert worker.summary.replayed == 2 and worker.summary.refused == 0


def test_payments_published_late_are_skipped_counted_and_kept(
    sqlite_settings_store: Store, month: tuple[Path, list[Payment], AlertState], stream_name: tuple[str, str]
) -> None:
    store, (_, payments, reference) = sqlite_settings_store, month
    scheme = _scheme(stream_name[1], 1)

    async def publish_twice() -> tuple[int, PublishSummary]:
        connection = await nats.connect(NATS_URL)
        js = connection.jetstream()
        await ensure_stream(js, stream_name[0], scheme, duplicate_window=0.2)
        first = await publish(connection, scheme, payments, per_message=PER_MESSAGE)
        await asyncio.sleep(0.3)  # past the duplicate window: the stream keeps the second copies
        broken = await js.publish(f"{stream_name[1]}.payer_id.0", b"not json")
        second = await publish(connection, scheme, payments[:100], per_message=PER_MESSAGE)
        await connection.close()
        assert broken.seq == first.last_seq + 1
        return broken.seq, second

    broken, second = asyncio.run(publish_twice())
    assert second.duplicates == 0
    (summary,) = _drain(store, stream_name, 1)
    assert stored_alerts(store) == reference
    assert summary.late == second.routed and summary.refused == 1
    kept = [json.loads(line) for line in Path(summary.rejected_file).read_text(encoding="utf-8").splitlines()]
    assert [row["reason"] for row in kept].count("late") == second.routed
    assert kept[0]["body"] == "not json" and kept[0]["reason"].startswith("not a msgpack batch of payments")
    # a late payment is kept as itself: its message, its position in it and its columns
    late = [(row["seq"], row["position"], json.loads(row["body"])["payment_id"]) for row in kept[1:]]
    assert {pid for _, _, pid in late} == {p.payment_id for p in payments[:100]}
    assert len(set(late)) == len(late) and min(seq for seq, _, _ in late) == broken + 1


def test_a_background_checkpoint_holds_the_state_at_its_fork(
    sqlite_settings_store: Store, month: tuple[Path, list[Payment], AlertState]
) -> None:
    store, payments = sqlite_settings_store, month[1]
    scheme = _scheme("ckpt.pay", 1)

    def worker() -> PartitionWorker:
        return PartitionWorker(
            store=store,
            ruleset=load_ruleset(),
            fx=load_fx_table(),
            scheme=scheme,
            partition=0,
            options=WorkerOptions(stream="CKPT", prefix="ckpt.pay"),
        )

    routed = [(subject, encode_batch([p])) for p in payments for subject in scheme.routes(p)]
    messages = [(n, subject, body) for n, (subject, body) in enumerate(routed, 1)]
    third = len(messages) // 3
    first = worker()
    first.take(messages[:third])
    assert first.checkpoint(background=True)
    # the parent goes on while the child writes what it had at the fork
    first.take(messages[third : 2 * third])
    first.finish_checkpoints()
    assert first.summary.checkpoint_failures == 0
    assert not list(first.checkpoint_path.parent.glob("*.tmp"))
    second = worker()
    assert second.restore() == third
    # resumed at the fork, the second worker catches up with the first; nothing is late (the file holds the
    # state at the fork, not the parent's later one)
    second.take(messages[third : 2 * third])
    assert second.summary.late == 0
    engines = [[(e.state_size(), e.last_order) for e in w.engines.values()] for w in (first, second)]
    assert engines[0] == engines[1] and all(size > 0 for size, _ in engines[0])
    later = [w.take(messages[2 * third :]) for w in (first, second)]
    assert later[0] == later[1] and len(later[0]) > 0


def test_publishing_where_no_stream_takes_the_subjects_fails_clearly(
    month: tuple[Path, list[Payment], AlertState], stream_name: tuple[str, str]
) -> None:
    payments = month[1][:50]

    async def publish_nowhere() -> None:
        connection = await nats.connect(NATS_URL)
        try:
            await publish(connection, _scheme(stream_name[1], 2), payments)
        finally:
            await connection.close()

    with pytest.raises(StreamMismatch, match="no stream takes the published subjects"):
        asyncio.run(publish_nowhere())


def test_a_message_stays_under_its_byte_bound_and_a_republished_split_batch_is_dropped(
    month: tuple[Path, list[Payment], AlertState], stream_name: tuple[str, str]
) -> None:
    payments, scheme = month[1][:300], _scheme(stream_name[1], 1)

    async def publish_twice() -> tuple[PublishSummary, PublishSummary, list[tuple[str, bytes]]]:
        connection = await nats.connect(NATS_URL)
        js = connection.jetstream()
        await ensure_stream(js, stream_name[0], scheme)
        first = await publish(connection, scheme, payments, per_message=200, max_bytes=8_000)
        again = await publish(connection, scheme, payments, per_message=200, max_bytes=8_000)
        stored = [await js.get_msg(stream_name[0], seq) for seq in range(1, first.last_seq + 1)]
        await connection.close()
        return first, again, [(msg.subject or "", msg.data or b"") for msg in stored]

    first, again, stored = asyncio.run(publish_twice())
    # 200 payments of ~170 bytes would be ~35 KB: cut in halves until under 8 KB, the same cuts both times
    assert first.messages == len(stored) > first.routed / 200 and all(len(body) <= 8_000 for _, body in stored)
    assert again.duplicates == again.messages == first.messages and again.routed == first.routed
    # each subject's messages, read in stream order, give its payments in publish order, each once
    read: dict[str, list[Payment]] = {}
    for subject, body in stored:
        batch, refused = decode_batch(body)
        assert refused == []
        read.setdefault(subject, []).extend(batch)
    routed: dict[str, list[Payment]] = {}
    for payment in payments:
        for subject in scheme.routes(payment):
            routed.setdefault(subject, []).append(payment)
    assert read == routed and sum(map(len, read.values())) == first.routed


def test_a_stream_of_one_json_payment_per_message_is_refused_by_publisher_and_worker(
    sqlite_settings_store: Store, stream_name: tuple[str, str]
) -> None:
    scheme = _scheme(stream_name[1], 1)

    async def make_old_stream() -> None:  # as the versions before batches described their streams
        connection = await nats.connect(NATS_URL)
        old = {"cbec": "payments", "partitions": 1, "dims": list(scheme.dims)}
        config = StreamConfig(name=stream_name[0], description=json.dumps(old), subjects=[f"{stream_name[1]}.>"])
        await connection.jetstream().add_stream(config)
        await connection.close()

    asyncio.run(make_old_stream())
    message = f"stream {stream_name[0]} holds payment-json/1 messages, not payments-msgpack/1"
    for create in (True, False):
        with pytest.raises(StreamMismatch, match=message):
            asyncio.run(publish_to(NATS_URL, stream_name[0], scheme, [], create=create))
    with pytest.raises(StreamMismatch, match=message):
        _drain(sqlite_settings_store, stream_name, 1)


# The kill rounds start the worker through the service rather than the whole CLI, whose imports take seconds.
LIGHT_WORKER = """
import sys
from cbec.config import Settings
from cbec.monitoring.streaming.jetstream.service import WorkerOptions, work
from cbec.storage.store import open_store
home, stream, prefix, partition = sys.argv[1:5]
options = WorkerOptions(stream=stream, prefix=prefix, batch=4, checkpoint_every=0)
work(store=open_store(Settings(home=home)), partition=int(partition), partitions=2, options=options)
"""


def _worker(home: Path, stream: tuple[str, str], partition: int, *cli: str) -> subprocess.Popen[str]:
    """Start partition N of 2 in its own process: through the CLI when given CLI options, else the service."""
    # The worker uses the store this process opens for the home (a PostgreSQL database under CBEC_TEST_STORE).
    url = Settings(home=home).sqlalchemy_url
    env = os.environ | {"CBEC_HOME": str(home), "CBEC_DATABASE_URL": url, "PYTHONPATH": str(ROOT / "src")}
    args = ["-c", LIGHT_WORKER, str(home), stream[0], stream[1], str(partition)]
    if cli:
        args = [
            "-m",
            "cbec.cli.main",
            "monitor",
            "worker",
            "--partition",
            f"{partition}/2",
            "--stream",
            stream[0],
            "--prefix",
            stream[1],
            "--batch",
            "8",
            "--checkpoint-every",
            "1",
            *cli,
        ]
    return subprocess.Popen([sys.executable, *args], env=env, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _covered(checkpoint: Path) -> int:
    """Return the stream sequence a worker's checkpoint covers (0 before its first)."""
    try:
        with checkpoint.open("rb") as handle:
            return int(pickle.load(handle)["seq"])
    except (FileNotFoundError, EOFError):
        return 0


def _kill_past(checkpoints: list[Path], targets: list[int], processes: list[subprocess.Popen[str]]) -> int:
    """SIGKILL each worker as soon as its checkpoint covers its target sequence; return how many were killed."""
    deadline, killed = time.monotonic() + 60, 0
    waiting = set(range(len(processes)))
    while waiting and time.monotonic() < deadline:
        for index in list(waiting):
            if processes[index].poll() is not None:
                waiting.discard(index)
            elif _covered(checkpoints[index]) >= targets[index]:
                processes[index].send_signal(signal.SIGKILL)
                waiting.discard(index)
                killed += 1
        time.sleep(0.005)
    for process in processes:
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=30)
    return killed


def test_workers_killed_with_sigkill_and_restarted_lose_and_repeat_nothing(
    tmp_path: Path, month: tuple[Path, list[Payment], AlertState], stream_name: tuple[str, str]
) -> None:
    _, payments, reference = month
    home = tmp_path / "home"
    store = open_store(Settings(home=home))
    last = _publish(stream_name, 2, payments).last_seq
    folder, chance = state_dir(store, stream_name[0]), random.Random(20)
    kills, covered = 0, {0: [], 1: []}  # the sequence each partition's checkpoint covered after each kill
    for low, high in ((0.1, 0.35), (0.45, 0.75)):  # kill at a random point of each stretch of the stream
        workers = [_worker(home, stream_name, n) for n in range(2)]
        checkpoints = [folder / f"p{n}of2.ckpt" for n in range(2)]
        kills += _kill_past(checkpoints, [int(last * chance.uniform(low, high)) for _ in workers], workers)
        for number, checkpoint in enumerate(checkpoints):
            covered[number].append(_covered(checkpoint))
    finals = [_worker(home, stream_name, n, "--until-idle", "1.5", "--json") for n in range(2)]
    outputs = [process.communicate(timeout=120) for process in finals]
    assert [process.returncode for process in finals] == [0, 0], outputs
    summaries = [json.loads(out) for out, _ in outputs]
    assert kills == 4 and [s["restored_seq"] for s in summaries] == [covered[0][-1], covered[1][-1]]
    assert all(0 < seq < s["last_seq"] for s, n in zip(summaries, (0, 1), strict=True) for seq in covered[n])
    assert stored_alerts(store) == reference
    with store.factory() as session:
        rows = session.scalar(select(func.count()).select_from(AlertPayment))
        distinct = session.scalar(
            select(func.count()).select_from(
                select(AlertPayment.alert_id, AlertPayment.institution_id, AlertPayment.payment_id)
                .distinct()
                .subquery()
            )
        )
    assert rows == distinct  # no payment listed twice under one alert
    store.close()
