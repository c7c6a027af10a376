"""The webhook signature, its verification window, the retry schedule with jitter, and which targets are refused."""

from __future__ import annotations

import hashlib
import hmac
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from cbec.delivery.domain import (
    DEAD,
    DELIVERED,
    PENDING,
    Outcome,
    SignatureError,
    TargetRefused,
    check_addresses,
    check_url,
    next_state,
    pinned,
    retry_delay,
    sign,
    verify_signature,
)

SECRET = "whsec_test-secret-of-enough-length"
BODY = b'{"id":"evt_1","type":"notice.warning.issued"}'
SENT = 1_796_000_000


def test_the_signature_is_hmac_sha256_over_timestamp_dot_body() -> None:
    expected = hmac.new(SECRET.encode(), f"{SENT}.".encode() + BODY, hashlib.sha256).hexdigest()
    assert sign(SECRET, SENT, BODY) == f"v1={expected}"
    assert len(expected) == 64


def test_a_valid_signature_verifies_within_the_tolerance_either_way() -> None:
    header = sign(SECRET, SENT, BODY)
    verify_signature(SECRET, str(SENT), BODY, header, tolerance=300, now=SENT + 300)
    verify_signature(SECRET, SENT, BODY, header, tolerance=300, now=SENT - 300)


def test_a_replay_outside_the_tolerance_is_refused_even_with_a_good_signature() -> None:
    header = sign(SECRET, SENT, BODY)
    with pytest.raises(SignatureError, match="301 s away"):
        verify_signature(SECRET, SENT, BODY, header, tolerance=300, now=SENT + 301)


@pytest.mark.parametrize(
    ("secret", "timestamp", "body"),
    [
        ("another-secret-of-enough-length", SENT, BODY),  # wrong secret
        (SECRET, SENT + 1, BODY),  # the timestamp changed: it is signed too
        (SECRET, SENT, BODY.replace(b"warning", b"WARNING")),  # the body changed
    ],
)
def test_a_changed_secret_timestamp_or_body_does_not_verify(secret: str, timestamp: int, body: bytes) -> None:
    header = sign(SECRET, SENT, BODY)
    with pytest.raises(SignatureError, match="no v1 signature"):
        verify_signature(secret, timestamp, body, header, now=SENT)


def test_one_matching_signature_among_several_is_enough_and_other_schemes_are_ignored() -> None:
    good = sign(SECRET, SENT, BODY)
    verify_signature(SECRET, SENT, BODY, f"v1={'0' * 64}, {good}", now=SENT)
    with pytest.raises(SignatureError):
        verify_signature(SECRET, SENT, BODY, good.replace("v1=", "v0="), now=SENT)
    with pytest.raises(SignatureError, match="not a number"):
        verify_signature(SECRET, "yesterday", BODY, good, now=SENT)


def test_the_retry_schedule_is_the_configured_waits_then_none() -> None:
    schedule = [30, 120, 600]
    waits = [retry_delay(n, schedule, jitter=0.0, spread=0.7) for n in (1, 2, 3, 4)]
    assert waits == [timedelta(seconds=30), timedelta(seconds=120), timedelta(seconds=600), None]
    with pytest.raises(ValueError):
        retry_delay(0, schedule, jitter=0.0, spread=0.0)


def test_jitter_spreads_each_wait_by_at_most_its_share_either_way() -> None:
    schedule = [100]
    assert retry_delay(1, schedule, jitter=0.2, spread=-1.0) == timedelta(seconds=80)
    assert retry_delay(1, schedule, jitter=0.2, spread=1.0) == timedelta(seconds=120)
    assert retry_delay(1, schedule, jitter=0.2, spread=5.0) == timedelta(seconds=120)  # a draw out of range is clamped
    assert retry_delay(1, [1], jitter=1.0, spread=-1.0) == timedelta(seconds=1)  # never sooner than a second


def test_after_an_attempt_a_delivery_is_delivered_retried_or_dead() -> None:
    now = datetime(2026, 12, 6, 10, tzinfo=UTC)
    schedule = [10, 60]
    ok, failed = Outcome(204, None, 12), Outcome(500, "HTTP 500", 8)
    assert next_state(ok, 1, schedule, jitter=0.0, spread=0.0, now=now) == (DELIVERED, None)
    assert next_state(failed, 1, schedule, jitter=0.0, spread=0.0, now=now) == (PENDING, now + timedelta(seconds=10))
    assert next_state(failed, 2, schedule, jitter=0.0, spread=0.0, now=now) == (PENDING, now + timedelta(seconds=60))
    assert next_state(failed, 3, schedule, jitter=0.0, spread=0.0, now=now) == (DEAD, None)
    assert not Outcome(None, "timeout", 5000).ok and not Outcome(302, "HTTP 302", 3).ok


@pytest.mark.parametrize(
    "url", ["ftp://example.com/hook", "file:///etc/passwd", "https://", "https://user:pw@example.com/hook", "x" * 501]
)
def test_only_plain_http_and_https_urls_are_accepted(url: str) -> None:
    with pytest.raises(TargetRefused):
        check_url(url)
    assert check_url("https://hooks.example.com:8443/cbec?x=1") == ("https", "hooks.example.com")


@pytest.mark.parametrize(
    "address", ["127.0.0.1", "10.1.2.3", "192.168.0.10", "172.16.5.5", "169.254.169.254", "::1", "fc00::1", "0.0.0.0"]
)
def test_private_loopback_and_metadata_addresses_are_refused_by_default(address: str) -> None:
    with pytest.raises(TargetRefused, match="non-public"):
        check_addresses("hooks.example.com", ["93.184.216.34", address], allow_private=False)
    check_addresses("hooks.example.com", [address], allow_private=True)  # tests and local development


def test_public_addresses_pass_and_an_unresolved_host_is_refused() -> None:
    check_addresses("hooks.example.com", ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"], allow_private=False)
    with pytest.raises(TargetRefused, match="does not resolve"):
        check_addresses("nowhere.invalid", [], allow_private=True)


def test_the_verification_example_in_the_api_docs_accepts_a_signed_request_and_refuses_a_changed_one() -> None:
    docs = (Path(__file__).resolve().parents[3] / "docs" / "api.md").read_text(encoding="utf-8")
    example = docs.split("## Webhooks", 1)[1].split("```python\n", 1)[1].split("```", 1)[0]
    namespace: dict[str, Any] = {}
    exec(compile(example, "docs/api.md", "exec"), namespace)
    now = int(time.time())
    headers = {"X-CBEC-Timestamp": str(now), "X-CBEC-Signature": sign(SECRET, now, BODY)}
    namespace["verify"](SECRET, headers, BODY)
    with pytest.raises(ValueError, match="mismatch"):
        namespace["verify"](SECRET, headers, BODY + b" ")
    old = {"X-CBEC-Timestamp": str(now - 301), "X-CBEC-Signature": sign(SECRET, now - 301, BODY)}
    with pytest.raises(ValueError, match="replay"):
        namespace["verify"](SECRET, old, BODY)


def test_the_connection_is_pinned_to_the_checked_address_and_keeps_the_name_for_host_and_tls() -> None:
    url = "https://hooks.example.com:8443/cbec?x=1"
    addresses = ["2606:2800:220:1:248:1893:25c8:1946", "93.184.216.34"]
    assert pinned(url, addresses) == (
        "https://93.184.216.34:8443/cbec?x=1",
        "hooks.example.com:8443",
        "hooks.example.com",
    )
    assert pinned("http://hooks.example.com/h", addresses[:1]) == (
        "http://[2606:2800:220:1:248:1893:25c8:1946]/h",
        "hooks.example.com",
        "hooks.example.com",
    )
