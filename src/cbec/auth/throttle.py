"""Rate limits against guessing and flooding, on the maintained `limits` library (memory, or Redis when shared).

A limit is a list of windows ("5 per minute; 10 per 15 minutes"): an action is refused while any window is
full, and the wait is until that window frees a slot, so repeated failures meet a growing back-off (one
minute, then a quarter of an hour). Counters are kept per store (a hash of its database URL), so two homes in
one process never share them, and every worker of one deployment shares them through Redis.
"""

from __future__ import annotations

import hashlib
import math
import threading
import time
from dataclasses import dataclass

from limits import RateLimitItem, parse_many
from limits.storage import Storage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

from cbec.config import Settings


class Throttled(Exception):
    """Too many attempts: try again after `retry_after` seconds (the message never says which limit)."""

    def __init__(self, retry_after: int, message: str | None = None) -> None:
        self.retry_after = max(1, retry_after)
        super().__init__(
            message
            or f"尝试过于频繁，请 {self.retry_after} 秒后再试 / too many attempts: retry in {self.retry_after} s"
        )


@dataclass(frozen=True)
class Windows:
    """Parsed rate-limit windows, e.g. `5 per minute; 10 per 15 minutes`."""

    items: tuple[RateLimitItem, ...]

    @classmethod
    def parse(cls, text: str) -> Windows:
        """Parse the `limits` notation; an empty text means no limit."""
        return cls(tuple(parse_many(text)) if text.strip() else ())


class Throttle:
    """Counters for named actions, by key (an account, a client address, a user)."""

    def __init__(self, storage: Storage) -> None:
        self.storage = storage
        self.limiter = MovingWindowRateLimiter(storage)

    def wait(self, windows: Windows, *key: str) -> int | None:
        """Return the seconds until the action is allowed again for `key`, or None when it is allowed now."""
        waits = []
        for item in windows.items:
            if not self.limiter.test(item, *key):
                reset_at = self.limiter.get_window_stats(item, *key).reset_time
                waits.append(math.ceil(reset_at - time.time()))
        return max(1, *waits) if waits else None

    def hit(self, windows: Windows, *key: str) -> None:
        """Count one attempt for `key` in every window."""
        for item in windows.items:
            self.limiter.hit(item, *key)

    def spend(self, windows: Windows, *key: str) -> None:
        """Count one attempt, or raise Throttled (counting nothing) when a window is already full."""
        wait = self.wait(windows, *key)
        if wait is not None:
            raise Throttled(wait)
        self.hit(windows, *key)

    def clear(self, windows: Windows, *key: str) -> None:
        """Forget `key`'s attempts (a successful login, an administrator's unlock)."""
        for item in windows.items:
            self.limiter.clear(item, *key)


_THROTTLES: dict[str, Throttle] = {}
_LOCK = threading.Lock()


def throttle_of(settings: Settings) -> Throttle:
    """Return this process's throttle on the configured storage (memory by default, shared per process)."""
    uri = settings.throttle_storage
    with _LOCK:
        if uri not in _THROTTLES:
            storage = storage_from_string(uri)
            if not isinstance(storage, Storage):
                raise ValueError(f"CBEC_THROTTLE_STORAGE must name a synchronous `limits` storage, not {uri!r}")
            _THROTTLES[uri] = Throttle(storage)
        return _THROTTLES[uri]


def scope_of(settings: Settings) -> str:
    """Return the counters' namespace of one store (its database URL, hashed)."""
    return hashlib.sha256(settings.sqlalchemy_url.encode("utf-8")).hexdigest()[:16]
