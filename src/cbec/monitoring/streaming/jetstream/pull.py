"""A lean pull of micro-batches from a durable JetStream consumer.

nats-py's `PullSubscription.fetch` awaits every message of a batch on its own (`asyncio.wait_for` per
message: a task, a timer and several event-loop turns each), which cost a worker about two thirds of its
CPU at 12,000 messages a second. This pull speaks the same documented JetStream protocol with less: one
`$JS.API.CONSUMER.MSG.NEXT.<stream>.<consumer>` request per batch (`batch`, `expires`), delivered to a
callback subscription on a private inbox that only collects messages; the batch ends when it is full or
the server answers a status (404 no messages, 408 request expired, 409 consumer changed).
A message's stream sequence and store time come from its ack subject (both token layouts).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from dataclasses import dataclass

import nats.aio.client
from nats.aio.msg import Msg
from nats.aio.subscription import Subscription
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from nats.js.errors import NotFoundError

STATUS = "Status"
HEARTBEAT = "100"
_V1_TOKENS = 9  # $JS.ACK.<stream>.<consumer>.<delivered>.<stream seq>.<consumer seq>.<ns>.<pending>


@dataclass(frozen=True, slots=True)
class Pulled:
    """One delivered message: its stream sequence, JetStream store time (epoch seconds), subject and body."""

    seq: int
    stored: float
    subject: str
    data: bytes


def ack_position(reply: str) -> tuple[int, float]:
    """Return (stream sequence, store time in epoch seconds) from a JetStream ack subject."""
    tokens = reply.split(".")
    if len(tokens) == _V1_TOKENS:
        return int(tokens[5]), int(tokens[7]) / 1e9
    if len(tokens) >= 12 and tokens[1] == "ACK":  # $JS.ACK.<domain>.<account hash>.<stream>.<consumer>...
        return int(tokens[7]), int(tokens[9]) / 1e9
    raise ValueError(f"not a JetStream ack subject: {reply!r}")


class BatchPull:
    """Pull batches from one durable consumer; `ack_last()` acknowledges a whole batch (AckPolicy.ALL)."""

    def __init__(self, nc: nats.aio.client.Client, stream: str, consumer: str) -> None:
        self._nc, self._request = nc, f"$JS.API.CONSUMER.MSG.NEXT.{stream}.{consumer}"
        self._inbox = nc.new_inbox()
        self._sub: Subscription | None = None
        self._messages: list[Msg] = []
        self._want = 0
        self._done = asyncio.Event()
        self.last: Msg | None = None

    async def start(self) -> BatchPull:
        """Subscribe the private inbox."""
        self._sub = await self._nc.subscribe(self._inbox, cb=self._take)
        return self

    async def _take(self, msg: Msg) -> None:
        status = msg.headers.get(STATUS) if msg.headers else None
        if status is None and msg.reply:
            self._messages.append(msg)  # kept even when it outlives its request: the next fetch returns it
            if len(self._messages) >= self._want:
                self._done.set()
        elif status != HEARTBEAT:  # 404 / 408 / 409: a request is over
            self._done.set()

    async def fetch(self, batch: int, timeout: float) -> list[Pulled]:
        """Return about `batch` messages in stream order, waiting at most about `timeout` seconds for them."""
        if len(self._messages) < batch:
            self._want = batch
            self._done.clear()
            request = {
                "batch": batch - len(self._messages),
                "expires": max(int(timeout * 1e9) - 100_000, 10**6),
            }
            await self._nc.publish(self._request, json.dumps(request).encode(), reply=self._inbox)
            # no answer in time (a reconnect): what arrived is returned, a late arrival comes next time
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._done.wait(), timeout + 1.0)
        taken, self._messages = self._messages, []
        self.last = taken[-1] if taken else None
        pulled = []
        for msg in taken:
            seq, stored = ack_position(msg.reply)
            pulled.append(Pulled(seq, stored, msg.subject, msg.data))
        return pulled

    async def ack_last(self) -> None:
        """Acknowledge everything up to the last message of the latest batch (AckPolicy.ALL)."""
        if self.last is not None:
            await self.last.ack()

    async def stop(self) -> None:
        """Unsubscribe the inbox."""
        if self._sub is not None:
            await self._sub.unsubscribe()
            self._sub = None


async def anchor_consumer(
    js: JetStreamContext, stream: str, name: str, *, filter_subject: str, ack_wait: float, batch: int, covered: int
) -> None:
    """(Re)create a durable pull consumer at the first stream sequence after `covered` (all, when 0).

    Re-anchoring, rather than resuming the consumer's own ack floor, keeps the stream order after a crash:
    the messages a dead worker held are delivered first, not after newer ones.
    """
    with contextlib.suppress(NotFoundError):
        await js.delete_consumer(stream, name)
    config = ConsumerConfig(
        durable_name=name,
        filter_subject=filter_subject,
        ack_policy=AckPolicy.ALL,  # one explicit ack per micro-batch, after its alerts are stored
        ack_wait=ack_wait,
        max_ack_pending=max(4 * batch, 10_000),
        deliver_policy=DeliverPolicy.BY_START_SEQUENCE if covered else DeliverPolicy.ALL,
        opt_start_seq=covered + 1 if covered else None,
    )
    await js.add_consumer(stream, config)
