"""The throttle on both of its stores: memory (one process) and Redis (every worker of a deployment)."""

from __future__ import annotations

import uuid

import pytest
from limits.storage import storage_from_string

from cbec.auth.throttle import Throttle, Throttled, Windows

REDIS = "redis://127.0.0.1:6379/15"


@pytest.fixture(params=["memory://", REDIS])
def uri(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def test_a_full_window_refuses_with_the_wait_and_clearing_frees_it(uri: str) -> None:
    throttle, key = Throttle(storage_from_string(uri)), ("test", uuid.uuid4().hex)
    windows = Windows.parse("2 per minute; 5 per hour")
    throttle.spend(windows, *key)
    throttle.spend(windows, *key)
    with pytest.raises(Throttled) as refused:
        throttle.spend(windows, *key)
    assert 55 <= refused.value.retry_after <= 60
    assert throttle.wait(windows, *key) == refused.value.retry_after  # a refused try counted nothing
    throttle.clear(windows, *key)
    assert throttle.wait(windows, *key) is None


def test_the_longer_window_makes_the_wait_grow(uri: str) -> None:
    throttle, key = Throttle(storage_from_string(uri)), ("test", uuid.uuid4().hex)
    windows = Windows.parse("5 per minute; 2 per hour")
    throttle.hit(windows, *key)
    throttle.hit(windows, *key)
    wait = throttle.wait(windows, *key)
    assert wait is not None and wait > 3500  # the hour's window, not the minute's


def test_only_redis_shares_counters_between_workers(uri: str) -> None:
    """Two throttles on one URI stand for two uvicorn workers of one deployment."""
    key, windows = ("test", uuid.uuid4().hex), Windows.parse("1 per minute")
    first, second = Throttle(storage_from_string(uri)), Throttle(storage_from_string(uri))
    first.spend(windows, *key)
    assert (second.wait(windows, *key) is not None) == (uri == REDIS)
