"""Logins under throttling: per account and per client address, a lock after many failures, every failure audited.

A login is refused with Throttled (HTTP 429 and Retry-After) before the password is even checked while the
account or the address has used up a window of failures, or while the account is locked; the right password
does not get through either. A wrong password counts against both, is audited (`auth.login_failed`), and the
`login_lock_after`-th failure in a row locks the account for `login_lock_minutes` (`auth.locked`) until an
administrator unlocks it (`user.unlock`) or the time runs out. A success clears the account's counters.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Literal

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select

from cbec.audit import service as audit
from cbec.auth.domain import Principal
from cbec.auth.models import User
from cbec.auth.throttle import Throttle, Throttled, Windows, scope_of, throttle_of
from cbec.config import Settings
from cbec.storage.engine import transaction
from cbec.storage.store import Store

log = logging.getLogger(__name__)
HASHER = PasswordHasher()
WRONG = "用户名或密码错误 / wrong user name or password"
Action = Literal["complaint", "report_build"]


@cache
def _dummy_hash() -> str:
    """Return a hash to verify against when the user does not exist, so both cases take the same time."""
    return HASHER.hash("cbec-timing-equaliser")


class AuthError(PermissionError):
    """Login or token refused (the message never tells which part was wrong)."""


def _keys(settings: Settings, username: str, client: str | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    scope = scope_of(settings)
    return ("login-account", scope, username.casefold()), ("login-address", scope, client or "unknown")


def _refuse_if_throttled(
    throttle: Throttle, settings: Settings, account: tuple[str, ...], address: tuple[str, ...]
) -> None:
    waits = [
        throttle.wait(Windows.parse(settings.login_account_limits), *account),
        throttle.wait(Windows.parse(settings.login_address_limits), *address),
    ]
    wait = max((w for w in waits if w is not None), default=None)
    if wait is not None:
        log.warning("login throttled for %s from %s (%d s)", account[-1], address[-1], wait)
        raise Throttled(wait)


def authenticate(
    *, store: Store, username: str, password: str, client: str | None = None, now: datetime | None = None
) -> Principal:
    """Return the principal of a valid login, else raise AuthError (same time and message either way).

    Raises Throttled while the account or the client address is over its failure limits, or the account is
    locked; `client` is the caller's address (None from the command line).
    """
    now = now or datetime.now(UTC)
    settings, throttle = store.settings, throttle_of(store.settings)
    account, address = _keys(settings, username, client)
    _refuse_if_throttled(throttle, settings, account, address)
    dummy = _dummy_hash()  # before the lookup: a process's first login pays for it whether or not the user exists
    with store.factory() as session:
        user = session.scalar(select(User).where(User.username == username))
    if user is not None and user.locked_until is not None and user.locked_until > now:
        raise Throttled(int((user.locked_until - now).total_seconds()) + 1)
    try:
        HASHER.verify(user.password_hash if user else dummy, password)
    except (VerificationError, InvalidHashError):
        throttle.hit(Windows.parse(settings.login_account_limits), *account)
        throttle.hit(Windows.parse(settings.login_address_limits), *address)
        _record_failure(store, username, user.id if user else None, client, now)
        raise AuthError(WRONG) from None
    if user is None or not user.active:
        raise AuthError(WRONG)
    if user.failed_logins or user.locked_until is not None:
        with transaction(store.factory) as session:
            fresh = session.get_one(User, user.id)
            fresh.failed_logins, fresh.locked_until = 0, None
    throttle.clear(Windows.parse(settings.login_account_limits), *account)
    return Principal(username=user.username, role=user.role, tenant_id=user.tenant_id)


def _record_failure(store: Store, username: str, user_id: int | None, client: str | None, now: datetime) -> None:
    """Audit a wrong password; count it against the account and lock the account at the limit."""
    settings = store.settings
    with transaction(store.factory) as session:
        user = session.get(User, user_id) if user_id is not None else None
        # An unknown name may be a password typed in the wrong field: only its hash is kept.
        shown = username if user is not None else "sha256:" + hashlib.sha256(username.encode()).hexdigest()[:16]
        failures = 0
        if user is not None:
            user.failed_logins = failures = user.failed_logins + 1
        audit.record(
            session,
            actor=username if user is not None else "anonymous",
            action="auth.login_failed",
            entity="user",
            entity_id=user.id if user is not None else "unknown",
            after={"username": shown, "client": client, "failures": failures},
            now=now,
        )
        if user is not None and failures >= settings.login_lock_after and user.locked_until is None:
            user.locked_until = now + timedelta(minutes=settings.login_lock_minutes)
            audit.record_change(
                session,
                user,
                actor="system",
                action="auth.locked",
                before={"locked_until": None},
                after={"locked_until": user.locked_until, "failures": failures},
                now=now,
            )


def unlock_user(*, store: Store, username: str, actor: str, now: datetime | None = None) -> bool:
    """Unlock an account and forget its failures (an administrator's step); return whether it was locked."""
    now = now or datetime.now(UTC)
    with transaction(store.factory) as session:
        user = session.scalar(select(User).where(User.username == username))
        if user is None:
            raise ValueError(f"没有用户 {username} / no user {username}")
        was_locked = user.locked_until is not None and user.locked_until > now
        audit.record_change(
            session,
            user,
            actor=actor,
            action="user.unlock",
            before={"locked_until": user.locked_until, "failed_logins": user.failed_logins},
            after={"locked_until": None, "failed_logins": 0},
            now=now,
        )
        user.failed_logins, user.locked_until = 0, None
    account, _ = _keys(store.settings, username, None)
    throttle_of(store.settings).clear(Windows.parse(store.settings.login_account_limits), *account)
    return was_locked


LIMITS: dict[Action, str] = {"complaint": "filing_limits", "report_build": "report_build_limits"}


def spend(*, store: Store, action: Action, key: str) -> None:
    """Count one `action` by `key` (a client address, a user), or raise Throttled when its limit is used up."""
    windows = Windows.parse(str(getattr(store.settings, LIMITS[action])))
    throttle_of(store.settings).spend(windows, action, scope_of(store.settings), key)
