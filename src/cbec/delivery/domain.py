"""Outbound webhooks, the pure part: the signature scheme, its verification, the retry schedule, the target check.

A delivery is signed like Stripe's and Standard Webhooks' events: the signed content is
`<timestamp>.<body>` (the timestamp in Unix seconds, the body the exact bytes sent), the signature
HMAC-SHA256 under the endpoint's secret, sent as `X-CBEC-Signature: v1=<hex>`. A receiver recomputes it,
compares in constant time, and refuses a timestamp outside its tolerance (a replayed request).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit, urlunsplit

from cbec.core.i18n import labels

SCHEME = "v1"
TIMESTAMP_HEADER = "X-CBEC-Timestamp"
SIGNATURE_HEADER = "X-CBEC-Signature"
EVENT_ID_HEADER = "X-CBEC-Event-Id"
EVENT_TYPE_HEADER = "X-CBEC-Event-Type"
ATTEMPT_HEADER = "X-CBEC-Attempt"
DEFAULT_TOLERANCE = 300  # seconds a receiver accepts between the timestamp and its clock, either way
PENDING, DELIVERED, DEAD = "pending", "delivered", "dead"
STATES = (PENDING, DELIVERED, DEAD)
STATE_TITLES = labels.pairs("delivery_state")  # (zh, en) by code: the catalogs name each code once
MAX_URL_CHARS = 500


class TargetRefused(ValueError):
    """A webhook URL cbec will not call (message in Chinese and English)."""


class SignatureError(ValueError):
    """A webhook request whose signature or timestamp does not verify."""


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """Return the signature header's value for a body sent at `timestamp`: `v1=<hex HMAC-SHA256>`."""
    mac = hmac.new(secret.encode("utf-8"), str(timestamp).encode("ascii") + b"." + body, hashlib.sha256)
    return f"{SCHEME}={mac.hexdigest()}"


def verify_signature(
    secret: str, timestamp: str | int, body: bytes, header: str, *, tolerance: int = DEFAULT_TOLERANCE, now: int
) -> None:
    """Raise SignatureError unless `header` holds a valid v1 signature of body at a timestamp within tolerance.

    `now` is the receiver's clock in Unix seconds. The header may carry several signatures separated by
    spaces or commas (an endpoint's secret being rotated); one valid signature is enough.
    """
    try:
        sent_at = int(timestamp)
    except (TypeError, ValueError) as exc:
        raise SignatureError("the timestamp is not a number of seconds") from exc
    if abs(now - sent_at) > tolerance:
        raise SignatureError(f"the timestamp is {now - sent_at} s away from now (tolerance {tolerance} s)")
    expected = sign(secret, sent_at, body).encode("ascii")
    offered = [part.strip() for part in header.replace(",", " ").split() if part.strip().startswith(f"{SCHEME}=")]
    if not any(hmac.compare_digest(expected, part.encode("ascii", "replace")) for part in offered):
        raise SignatureError("no v1 signature in the header matches the body")


def retry_delay(failures: int, schedule: Sequence[int], *, jitter: float, spread: float) -> timedelta | None:
    """Return the wait before the next attempt after `failures` failed ones, or None when attempts are spent.

    The schedule holds the base wait before each retry (attempts = len(schedule) + 1). `spread` in [-1, 1]
    (a random draw by the caller) moves it by up to `jitter` of itself either way, so that endpoints failing
    together do not all come back at the same second.
    """
    if failures < 1:
        raise ValueError("a retry follows at least one failed attempt")
    if failures > len(schedule):
        return None
    base = schedule[failures - 1]
    return timedelta(seconds=max(1.0, base * (1 + jitter * max(-1.0, min(1.0, spread)))))


def check_url(url: str) -> tuple[str, str]:
    """Return a webhook URL's scheme and host, or raise TargetRefused (only http and https, with a host)."""
    if len(url) > MAX_URL_CHARS:
        raise TargetRefused(
            f"网址过长（上限 {MAX_URL_CHARS} 字符） / the URL is longer than {MAX_URL_CHARS} characters"
        )
    try:
        parts = urlsplit(url)
    except ValueError as exc:  # e.g. an unclosed IPv6 bracket
        raise TargetRefused("网址格式无效 / the URL is malformed") from exc
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise TargetRefused("只接受 http(s) 网址 / only http and https URLs with a host are accepted")
    if parts.username or parts.password:
        raise TargetRefused("网址不得含用户名或密码 / the URL must not carry a user name or password")
    return parts.scheme, parts.hostname


def check_addresses(host: str, addresses: Sequence[str], *, allow_private: bool) -> None:
    """Refuse a host that resolves to nothing, or (unless allowed) to any non-public address.

    Loopback, private, link-local (cloud metadata at 169.254.169.254), multicast, reserved and unspecified
    addresses are refused by default: a webhook must not become a way into the regulator's own network.
    """
    if not addresses:
        raise TargetRefused(f"无法解析主机 {host} / the host {host} does not resolve")
    if allow_private:
        return
    for text in addresses:
        address = ipaddress.ip_address(text.split("%", 1)[0])
        if not address.is_global or address.is_multicast:
            raise TargetRefused(
                f"目标地址 {address} 不是公网地址 / the target {host} resolves to a non-public address ({address})"
            )


def pinned(url: str, addresses: Sequence[str]) -> tuple[str, str, str]:
    """Return the URL aimed at one checked address (IPv4 first), its Host header, and the TLS server name.

    Connecting to the address that was checked, not to whatever the name resolves to a moment later, closes
    the DNS-rebinding gap between the check and the connection; Host and SNI keep the name, so virtual hosts
    and certificate verification work as for the name.
    """
    parts = urlsplit(url)
    host = parts.hostname or ""
    address = next((a for a in addresses if ":" not in a), addresses[0])
    literal = f"[{address}]" if ":" in address else address
    netloc = literal + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc)), parts.netloc, host


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one attempt came to: the receiver's status code or the error, and how long it took."""

    status_code: int | None
    error: str | None
    duration_ms: int

    @property
    def ok(self) -> bool:
        """Tell whether the receiver accepted the delivery (any 2xx)."""
        return self.status_code is not None and 200 <= self.status_code < 300


def next_state(
    outcome: Outcome, attempts: int, schedule: Sequence[int], *, jitter: float, spread: float, now: datetime
) -> tuple[str, datetime | None]:
    """Return a delivery's state after its `attempts`-th attempt, and when to try again (pending only)."""
    if outcome.ok:
        return DELIVERED, None
    wait = retry_delay(attempts, schedule, jitter=jitter, spread=spread)
    return (DEAD, None) if wait is None else (PENDING, now + wait)
