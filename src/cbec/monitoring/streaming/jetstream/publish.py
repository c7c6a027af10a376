"""Put payments on a JetStream stream, partitioned by key per dimension (see subjects), in micro-batches.

A partition's consecutive payments of one dimension travel as one message of up to `per_message` payments
and well under the server's max_payload (see body). The stream keeps its partition count, dimensions and
body format in its description, so publishers and workers that disagree with it fail with a clear error
instead of splitting a key over two partitions or misreading a body.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass

import nats
import nats.aio.client
import nats.errors
import orjson
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.api import RetentionPolicy, StorageType, StreamConfig
from nats.js.errors import NotFoundError

from cbec.monitoring.engine import Payment
from cbec.monitoring.streaming.jetstream.body import encode_batch
from cbec.monitoring.streaming.jetstream.subjects import Scheme

DEFAULT_STREAM = "CBEC_PAYMENTS"
DEFAULT_PREFIX = "cbec.pay"
DUPLICATE_WINDOW_S = 120.0
MAX_AGE_S = 35 * 86_400.0  # longer than the longest rule window: a worker without a checkpoint replays it all
PER_MESSAGE = 500  # payments a message carries at most
MAX_BODY_BYTES = 256 * 1024  # and bytes, well under NATS's default max_payload of 1 MiB
ACK_CHUNK = 256  # messages in flight before their acknowledgements are awaited (at most ~64 MiB)
OLD_BODY = "payment-json/1"  # streams made before batches: one JSON payment per message, no format recorded
ACK_TIMEOUT_S = 10.0  # no acknowledgement for this long: the publish fails
MSG_ID = "Nats-Msg-Id"


class StreamMismatch(ValueError):
    """The stream is missing, or has another partition count, or lacks a dimension the rule set needs."""


class NatsUnavailable(RuntimeError):
    """The NATS server cannot be reached."""


@dataclass
class PublishSummary:
    """What a publish did: payments taken, messages stored, repeats the stream's duplicate window dropped.

    `routed` counts a payment once per partition and dimension it went to (what workers count as taken).
    """

    payments: int = 0
    routed: int = 0
    messages: int = 0
    duplicates: int = 0
    last_seq: int = 0


def describe(scheme: Scheme) -> str:
    """Return the stream description that records a scheme."""
    return json.dumps(
        {"cbec": "payments", "partitions": scheme.partitions, "dims": list(scheme.dims), "body": scheme.body}
    )


def read_scheme(description: str | None, prefix: str, stream: str) -> Scheme:
    """Return the scheme a stream records; raise StreamMismatch when it records none."""
    try:
        data = json.loads(description or "")
        dims = tuple(str(d) for d in data["dims"])
        return Scheme(prefix, int(data["partitions"]), dims, str(data.get("body", OLD_BODY)))
    except (ValueError, KeyError, TypeError):
        raise StreamMismatch(f"stream {stream} was not made by cbec (no partition scheme in its description)") from None


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
    check_body(found, scheme, name)
    if found.partitions != scheme.partitions:
        raise StreamMismatch(
            f"stream {name} has {found.partitions} partitions, not {scheme.partitions}: "
            "drain it and make a new stream to repartition"
        )
    missing = [dim for dim in scheme.dims if dim not in found.dims]
    if missing:
        raise StreamMismatch(f"stream {name} does not carry dimension(s) {', '.join(missing)} the rules need")
    return found


def check_body(found: Scheme, wanted: Scheme, name: str) -> None:
    """Refuse a stream whose messages have another body format than the one wanted."""
    if found.body != wanted.body:
        raise StreamMismatch(
            f"stream {name} holds {found.body} messages, not {wanted.body}: let the workers of its version "
            "drain it, then publish to a new stream"
        )


async def stream_scheme(js: JetStreamContext, name: str, prefix: str = DEFAULT_PREFIX) -> Scheme:
    """Return the scheme an existing stream records."""
    try:
        info = await js.stream_info(name)
    except NotFoundError:
        raise StreamMismatch(f"stream {name} does not exist: publish with --partitions M to make it") from None
    return read_scheme(info.config.description, prefix, name)


async def connect(url: str, **options: object) -> nats.aio.client.Client:
    """Connect to NATS or raise NatsUnavailable naming the server."""
    try:
        return await nats.connect(url, **options)
    except (OSError, nats.errors.NoServersError, TimeoutError) as exc:
        raise NatsUnavailable(f"cannot reach NATS at {url}: {exc}") from None


class _Acks:
    """The stream's acknowledgements of in-flight publishes, collected on one private inbox.

    nats-py's `publish_async` makes a future, a task and a response inbox per message (~30 µs, most of a
    publisher's CPU at 12,000 messages a second); here every message is published with the same reply
    inbox and a callback only counts the acknowledgements (PubAck JSON: seq, duplicate, or an error).
    """

    def __init__(self) -> None:
        self.sent = self.answered = self.duplicates = self.last_seq = 0
        self.error: str | None = None
        self.changed = asyncio.Event()

    async def take(self, msg: Msg) -> None:
        headers = msg.headers or {}
        status = headers.get("Status")
        if status == "503":
            self.error = self.error or "no stream takes the published subjects (NATS: no responders)"
        elif status is not None:
            self.error = self.error or f"NATS answered status {status} {headers.get('Description', '')}"
        else:
            ack = orjson.loads(msg.data)
            if "error" in ack:
                self.error = self.error or f"the stream refused a message: {ack['error']}"
            else:
                self.duplicates += bool(ack.get("duplicate"))
                self.last_seq = max(self.last_seq, int(ack.get("seq", 0)))
        self.answered += 1
        self.changed.set()

    async def wait(self, at_most: int, timeout: float = ACK_TIMEOUT_S) -> None:
        """Wait until no more than `at_most` publishes are unanswered; raise on an error or silence."""
        while self.error is None and self.sent - self.answered > at_most:
            self.changed.clear()
            try:
                await asyncio.wait_for(self.changed.wait(), timeout)
            except TimeoutError:
                raise NatsUnavailable(
                    f"{self.sent - self.answered:,} publishes unanswered for {timeout:g} s: "
                    "is there a stream for these subjects?"
                ) from None
        if self.error is not None:
            raise StreamMismatch(self.error)


async def publish(
    nc: nats.aio.client.Client,
    scheme: Scheme,
    payments: Iterable[Payment] | AsyncIterator[Payment],
    *,
    per_message: int = PER_MESSAGE,
    max_bytes: int = MAX_BODY_BYTES,
) -> PublishSummary:
    """Publish payments in the order given (time order: a worker skips what arrives late) and wait for every
    acknowledgement; a refused or unanswered publish raises, and publishing again is safe within the window.

    Each subject's payments wait until a message's worth (`per_message`) has gathered; the call ends by
    sending every partial message. The same payments published again in the same order make the same
    messages with the same ids, which the stream's duplicate window drops.
    """
    summary, acks = PublishSummary(), _Acks()
    inbox = nc.new_inbox()
    subscription = await nc.subscribe(inbox, cb=acks.take)
    limit = min(max_bytes, nc.max_payload - 4_096) if nc.max_payload else max_bytes
    waiting: dict[str, list[Payment]] = {}

    async def send(subject: str, batch: list[Payment]) -> None:
        body = encode_batch(batch)
        if len(body) > limit and len(batch) > 1:  # split where the content says, so a re-publish splits alike
            half = len(batch) // 2
            await send(subject, batch[:half])
            await send(subject, batch[half:])
            return
        await nc.publish(subject, body, reply=inbox, headers={MSG_ID: scheme.message_id(subject, batch)})
        acks.sent += 1
        summary.routed += len(batch)
        if acks.sent - acks.answered >= ACK_CHUNK:
            await acks.wait(ACK_CHUNK // 2)

    async def one(payment: Payment) -> None:
        summary.payments += 1
        for subject in scheme.routes(payment):
            batch = waiting.setdefault(subject, [])
            batch.append(payment)
            if len(batch) >= per_message:
                del waiting[subject]
                await send(subject, batch)

    try:
        if isinstance(payments, AsyncIterator):
            async for payment in payments:
                await one(payment)
        else:
            for payment in payments:
                await one(payment)
        for subject, batch in waiting.items():
            await send(subject, batch)
        await nc.flush()
        await acks.wait(0)
    finally:
        await subscription.unsubscribe()
    summary.messages, summary.duplicates, summary.last_seq = acks.answered, acks.duplicates, acks.last_seq
    return summary


async def publish_to(
    url: str,
    stream: str,
    scheme: Scheme,
    payments: Iterable[Payment],
    *,
    create: bool = True,
    per_message: int = PER_MESSAGE,
) -> PublishSummary:
    """Connect to NATS, make or check the stream, publish the payments and wait for their acknowledgements."""
    connection = await connect(url)
    try:
        js = connection.jetstream()
        if create:
            scheme = await ensure_stream(js, stream, scheme)
        else:
            found = await stream_scheme(js, stream, scheme.prefix)
            check_body(found, scheme, stream)
            scheme = found
        return await publish(connection, scheme, payments, per_message=per_message)
    finally:
        await connection.close()
