"""One webhook POST: resolve and check the target, sign the exact body, send with a short timeout, time it."""

from __future__ import annotations

import socket
import time

import httpx

from cbec.delivery.domain import (
    ATTEMPT_HEADER,
    EVENT_ID_HEADER,
    EVENT_TYPE_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    Outcome,
    TargetRefused,
    check_addresses,
    check_url,
    pinned,
    sign,
)

USER_AGENT = "cbec-webhooks/1"


def resolve(host: str) -> list[str]:
    """Return every address a host name resolves to (an address literal resolves to itself)."""
    try:
        found = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError, ValueError):  # no such name, or not a name at all
        return []
    return sorted({str(info[4][0]) for info in found})


def check_target(url: str, *, allow_private: bool) -> list[str]:
    """Return the URL's addresses; raise TargetRefused unless it is http(s) and (unless allowed) public only."""
    _, host = check_url(url)
    addresses = resolve(host)
    check_addresses(host, addresses, allow_private=allow_private)
    return addresses


def post(
    client: httpx.Client,
    *,
    url: str,
    secret: str,
    body: bytes,
    event_id: str,
    event_type: str,
    attempt: int,
    allow_private: bool,
    now: int,
) -> Outcome:
    """POST one signed body; return the status code or the error, never raise for the receiver's failings.

    The target is resolved and checked again right before each attempt (a name may resolve elsewhere since
    it was registered) and the connection goes to the address checked; redirects are not followed, so a 3xx
    is a failed attempt, not a way around the check.
    """
    started = time.perf_counter()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        EVENT_ID_HEADER: event_id,
        EVENT_TYPE_HEADER: event_type,
        ATTEMPT_HEADER: str(attempt),
        TIMESTAMP_HEADER: str(now),
        SIGNATURE_HEADER: sign(secret, now, body),
    }
    try:
        target, headers["Host"], server_name = pinned(url, check_target(url, allow_private=allow_private))
        extensions = {"sni_hostname": server_name} if target.startswith("https:") else {}
        # Streamed and left unread: the receiver's answer is its status code, whatever body it sends back.
        with client.stream("POST", target, content=body, headers=headers, extensions=extensions) as reply:
            status, error = reply.status_code, None if reply.is_success else f"HTTP {reply.status_code}"
    except TargetRefused as exc:
        status, error = None, f"refused: {exc}"
    except httpx.TimeoutException as exc:
        status, error = None, f"timeout: {type(exc).__name__}"
    except httpx.HTTPError as exc:
        status, error = None, f"{type(exc).__name__}: {exc}"[:500]
    return Outcome(status_code=status, error=error, duration_ms=round((time.perf_counter() - started) * 1000))


def client(timeout: float) -> httpx.Client:
    """Return the HTTP client of a delivery pass: short timeouts, no redirects, no proxies from the environment."""
    return httpx.Client(
        timeout=httpx.Timeout(timeout, connect=min(timeout, 3.0)), follow_redirects=False, trust_env=False
    )
