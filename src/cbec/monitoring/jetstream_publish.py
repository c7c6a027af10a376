"""Put payments on a JetStream stream, partitioned by key per dimension (see jetstream_subjects).

The stream keeps its partition count and dimensions in its description, so publishers and workers that
disagree with it fail with a clear error instead of splitting a key over two partitions.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass

import nats
import nats.aio.client
import nats.errors
from nats.js import JetStreamContext
from nats.js.api import PubAck, RetentionPolicy, StorageType, StreamConfig
from nats.js.errors import NotFoundError

from cbec.monitoring.engine import Payment
from cbec.monitoring.jetstream_subjects import Scheme, encode

DEFAULT_STREAM = "CBEC_PAYMENTS"
DEFAULT_PREFIX = "cbec.pay"
DUPLICATE_WINDOW_S = 120.0
MAX_AGE_S = 35 * 86_400.0  # longer than the longest rule window: a worker without a checkpoint replays it all
ACK_CHUNK = 5_000  # publishes in flight before their acknowledgements are awaited
MSG_ID = "Nats-Msg-Id"


class StreamMismatch(ValueError):
    """The stream is missing, or has another partition count, or lacks a dimension the rule set needs."""


class NatsUnavailable(RuntimeError):
    """The NATS server cannot be reached."""


@dataclass
class PublishSummary:
    """What a publish did: payments taken, messages stored, repeats the stream's duplicate window dropped."""

    payments: int = 0
    messages: int = 0
    duplicates: int = 0
    last_seq: int = 0


def describe(scheme: Scheme) -> str:
    """Return the stream description that records a scheme."""
    return json.dumps({"cbec": "payments", "partitions": scheme.partitions, "dims": list(scheme.dims)})


def read_scheme(description: str | None, prefix: str, stream: str) -> Scheme:
    """Return the scheme a stream records; raise StreamMismatch when it records none."""
    try:
        data = json.loads(description or "")
        return Scheme(prefix, int(data["partitions"]), tuple(str(d) for d in data["dims"]))
    except (ValueError, KeyError, TypeError):
        raise StreamMismatch(
            f"stream {stream} was not made by cbec (no partition scheme in its description)"
        ) from None


async def ensure_stream(
    js: JetStreamContext,
    name: str,
    scheme: Scheme,
    *,
    duplicate_window: float = DUPLICATE_WINDOW_S,
    max_age: float = MAX_AGE_S,
) -> Scheme:
    """Create the stream for a scheme, or check that the existing one has the same partitions and dimensions."""
    try:
        info = await js.stream_info(name)
    except NotFoundError:
        config = StreamConfig(
            name=name,
            description=describe(scheme),
            subjects=[f"{scheme.prefix}.>"],
            retention=RetentionPolicy.LIMITS,  # workers re-anchor their consumers: acks must not delete
            storage=StorageType.FILE,
            duplicate_window=duplicate_window,
            max_age=max_age,
        )
        await js.add_stream(config)
        return scheme
    found = read_scheme(info.config.description, scheme.prefix, name)
    if found.partitions != scheme.partitions:
        raise StreamMismatch(
            f"stream {name} has {found.partitions} partitions, not {scheme.partitions}: "
            "drain it and make a new stream to repartition"
        )
    missing = [dim for dim in scheme.dims if dim not in found.dims]
    if missing:
        raise StreamMismatch(f"stream {name} does not carry dimension(s) {', '.join(missing)} the rules need")
    return found


async def stream_scheme(js: JetStreamContext, name: str, prefix: str = DEFAULT_PREFIX) -> Scheme:
    """Return the scheme an existing stream records."""
    try:
        info = await js.stream_info(name)
    except NotFoundError:
        raise StreamMismatch(
            f"stream {name} does not exist: publish with --partitions M to make it"
        ) from None
    return read_scheme(info.config.description, prefix, name)


async def connect(url: str, **options: object) -> nats.aio.client.Client:
    """Connect to NATS or raise NatsUnavailable naming the server."""
    try:
        return await nats.connect(url, **options)
    except (OSError, nats.errors.NoServersError, TimeoutError) as exc:
        raise NatsUnavailable(f"cannot reach NATS at {url}: {exc}") from None


async def publish(
    js: JetStreamContext, scheme: Scheme, payments: Iterable[Payment] | AsyncIterator[Payment]
) -> PublishSummary:
    """Publish payments in the order given (time order: a worker skips what arrives late) and wait for every
    acknowledgement; a refused or unanswered publish raises, and publishing again is safe within the window."""
    summary = PublishSummary()
    pending: list[asyncio.Future[PubAck]] = []

    async def settle() -> None:
        for ack in await asyncio.gather(*pending):
            summary.messages += 1
            summary.duplicates += bool(ack.duplicate)
            summary.last_seq = max(summary.last_seq, ack.seq)
        pending.clear()

    async def one(payment: Payment) -> None:
        body = encode(payment)
        summary.payments += 1
        for subject, msg_id in scheme.routes(payment):
            future = await js.publish_async(subject, body, headers={MSG_ID: msg_id})
            pending.append(future)
        if len(pending) >= ACK_CHUNK:
            await settle()

    if isinstance(payments, AsyncIterator):
        async for payment in payments:
            await one(payment)
    else:
        for payment in payments:
            await one(payment)
    await settle()
    return summary


async def publish_to(
    url: str, stream: str, scheme: Scheme, payments: Iterable[Payment], *, create: bool = True
) -> PublishSummary:
    """Connect to NATS, make or check the stream, publish the payments and wait for their acknowledgements."""
    connection = await connect(url)
    try:
        js = connection.jetstream(publish_async_max_pending=ACK_CHUNK)
        if create:
            scheme = await ensure_stream(js, stream, scheme)
        else:
            scheme = await stream_scheme(js, stream, scheme.prefix)
        return await publish(js, scheme, payments)
    finally:
        await connection.close()
