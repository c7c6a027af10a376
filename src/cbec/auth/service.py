"""Create users, check passwords (argon2), issue, resolve and revoke tokens and sessions."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import bindparam, select

from cbec.audit import service as audit
from cbec.auth.domain import ROLES, Principal, token_hours_cap
from cbec.auth.login import HASHER, AuthError, authenticate, spend, unlock_user
from cbec.auth.models import ApiToken, User
from cbec.auth.passwords import check_strength
from cbec.auth.schemas import TokenIssued, UserRead
from cbec.auth.throttle import Throttled
from cbec.storage.engine import transaction
from cbec.storage.store import Store

__all__ = ["AuthError", "Throttled", "TokenIssued", "UserRead", "authenticate", "spend", "unlock_user"]


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_user(
    *,
    store: Store,
    username: str,
    password: str,
    role: str,
    tenant_id: str | None = None,
    display_name: str | None = None,
    actor: str = "system",
    now: datetime | None = None,
) -> UserRead:
    """Create a user with an argon2-hashed password; a tenant role needs its tenant id."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    Principal(username=username, role=role, tenant_id=tenant_id)  # validates the role/tenant pairing
    check_strength(password, username=username)
    now = now or datetime.now(UTC)
    with transaction(store.factory) as session:
        if session.scalar(select(User).where(User.username == username)) is not None:
            raise ValueError(f"用户 {username} 已存在 / user {username} exists")
        user = User(
            username=username,
            password_hash=HASHER.hash(password),
            role=role,
            tenant_id=tenant_id,
            display_name=display_name or username,
            active=True,
            created_at=now,
        )
        audit.record_added(
            session,
            user,
            actor=actor,
            action="user.create",
            after={"username": username, "role": role, "tenant_id": tenant_id},
            now=now,
        )
        return UserRead.model_validate(user)


def issue_token(
    *,
    store: Store,
    username: str,
    kind: str = "api",
    label: str = "",
    ttl: timedelta | None = timedelta(hours=12),
    now: datetime | None = None,
) -> TokenIssued:
    """Issue a random bearer token or session for a user; only its hash is stored.

    The lifetime must be positive and within the cap of the user's role (`auth.domain.TOKEN_MAX_HOURS`);
    None gives the cap.
    """
    now = now or datetime.now(UTC)
    secret = secrets.token_urlsafe(32)
    with transaction(store.factory) as session:
        user = session.scalar(select(User).where(User.username == username, User.active.is_(True)))
        if user is None:
            raise AuthError(f"no active user {username}")
        cap = token_hours_cap(user.role)
        ttl = timedelta(hours=cap) if ttl is None else ttl
        if ttl <= timedelta(0) or ttl > timedelta(hours=cap):
            raise ValueError(f"令牌有效期须在 1 至 {cap} 小时之间 / a {user.role} token lives 1 to {cap} hours")
        token = ApiToken(
            user_id=user.id,
            token_hash=_digest(secret),
            kind=kind,
            label=label,
            created_at=now,
            expires_at=now + ttl,
        )
        audit.record_added(
            session,
            token,
            actor=username,
            action=f"{kind}.issue",
            after={"user": username, "kind": kind, "expires_at": token.expires_at},
            now=now,
        )
        return TokenIssued(token=secret, token_id=token.id, expires_at=token.expires_at)


# A token's state and its user, by the token's hash: every API request and page asks, so the statement is built
# once and read as plain columns on an autocommit connection (no ORM objects, no BEGIN and ROLLBACK around it).
TOKEN_OWNER = (
    select(ApiToken.revoked_at, ApiToken.expires_at, User.active, User.username, User.role, User.tenant_id)
    .join(User, User.id == ApiToken.user_id)
    .where(ApiToken.token_hash == bindparam("token_hash"))
)


def resolve_token(*, store: Store, token: str, now: datetime | None = None) -> Principal:
    """Return the principal of a live token, else raise AuthError (unknown, expired or revoked)."""
    return resolve_token_until(store=store, token=token, now=now)[0]


def resolve_token_until(*, store: Store, token: str, now: datetime | None = None) -> tuple[Principal, datetime]:
    """Return the principal of a live token and when the token expires, else raise AuthError."""
    now = now or datetime.now(UTC)
    with store.reading() as session:
        row = session.connection().execute(TOKEN_OWNER, {"token_hash": _digest(token)}).first()
    if row is None:
        raise AuthError("令牌无效 / invalid token")
    revoked_at, expires_at, active, username, role, tenant_id = row
    if revoked_at is not None or expires_at <= now or not active:
        raise AuthError("令牌已过期或已撤销 / token expired or revoked")
    return Principal(username=username, role=role, tenant_id=tenant_id), expires_at


def revoke_token(*, store: Store, token: str, actor: str, now: datetime | None = None) -> bool:
    """Revoke a token or session by its secret; return whether a live one was revoked."""
    now = now or datetime.now(UTC)
    with transaction(store.factory) as session:
        found = session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(token)))
        if found is None or found.revoked_at is not None:
            return False
        found.revoked_at = now
        audit.record_change(
            session,
            found,
            actor=actor,
            action=f"{found.kind}.revoke",
            before={"revoked_at": None},
            after={"revoked_at": now},
            now=now,
        )
        return True


def list_users(*, store: Store) -> list[UserRead]:
    """Return every user."""
    with store.factory() as session:
        return [UserRead.model_validate(u) for u in session.scalars(select(User).order_by(User.id))]
