"""What every route depends on: the store, the authenticated principal, a role check, paging."""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Annotated, Generic, Protocol, TypedDict, TypeVar

from fastapi import Depends, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel

from cbec.auth import service as auth
from cbec.auth.domain import Forbidden, NotVisible, Principal, csrf_token
from cbec.core.months import MONTH_PATTERN
from cbec.storage.store import Store

SESSION_COOKIE = "cbec_session"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
bearer = HTTPBearer(auto_error=False, description="API token from POST /api/v1/auth/token or `cbec tokens issue`")
T = TypeVar("T")


async def get_store(request: Request) -> Store:
    """Return the store the app opened at start-up (async: no I/O, so no hop to the thread pool)."""
    store = request.app.state.store
    assert isinstance(store, Store)
    return store


StoreDep = Annotated[Store, Depends(get_store)]


class TokenCache:
    """Principals of recently seen tokens, for at most `ttl`: a token is looked up once, not on every request.

    A revocation through this process drops the entry at once; one made elsewhere (another worker,
    the CLI) takes effect within `ttl`. Expiry is always honoured exactly.
    """

    def __init__(self, ttl: timedelta = timedelta(seconds=30), size: int = 10_000) -> None:
        self.ttl, self.size = ttl, size
        self._seen: dict[str, tuple[Principal, datetime]] = {}

    def fresh(self, token: str) -> Principal | None:
        """Return the token's principal while its cache entry is fresh, else None (no I/O)."""
        hit = self._seen.get(token)
        return hit[0] if hit is not None and hit[1] > datetime.now(UTC) else None

    def resolve(self, store: Store, token: str) -> Principal:
        """Return the token's principal, from the cache while it is fresh."""
        cached = self.fresh(token)
        if cached is not None:
            return cached
        now = datetime.now(UTC)
        principal, expires_at = auth.resolve_token_until(store=store, token=token, now=now)
        if len(self._seen) >= self.size:
            self._seen.clear()
        self._seen[token] = (principal, min(expires_at, now + self.ttl))
        return principal

    def forget(self, token: str) -> None:
        """Drop a token (after its revocation)."""
        self._seen.pop(token, None)


async def get_principal(
    request: Request,
    store: StoreDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Principal:
    """Authenticate by bearer token or, for the web, by session cookie; refuse anything else.

    A state-changing request authenticated by the cookie alone must carry the session's CSRF token in the
    X-CSRF-Token header (a bearer token cannot be sent by another site, a cookie can). Async, so that a cached
    token costs no hop to the thread pool (most of a short request's overhead); a lookup in the store runs there.
    """
    token = credentials.credentials if credentials else request.cookies.get(SESSION_COOKIE)
    if not token:
        raise auth.AuthError("需要登录或令牌 / a bearer token or a session is required")
    if credentials is None and request.method not in SAFE_METHODS:
        sent = request.headers.get(CSRF_HEADER, "")
        if not hmac.compare_digest(sent.encode(), csrf_token(token).encode()):
            raise Forbidden("会话请求缺少 CSRF 令牌 / a session request needs the X-CSRF-Token header")
    cache: TokenCache = request.app.state.tokens
    cached = cache.fresh(token)
    if cached is not None:
        return cached
    return await run_in_threadpool(cache.resolve, store, token)


PrincipalDep = Annotated[Principal, Depends(get_principal)]


def client_address(request: Request) -> str:
    """Return the client's address as the server sees it (uvicorn's --proxy-headers sets it behind a proxy)."""
    return request.client.host if request.client else "unknown"


def require(*roles: str) -> Callable[[Principal], Awaitable[Principal]]:
    """Return a dependency that lets only the given roles through."""

    async def check(principal: PrincipalDep) -> Principal:
        principal.require(*roles)
        return principal

    return check


def visible(found: T | None, message: str) -> T:
    """Return what a route looked up; nothing found is answered like a row the principal may not see (404)."""
    if found is None:
        raise NotVisible(message)
    return found


class StepRequest(Protocol):
    """A request body asking for one lifecycle step: the action and why."""

    @property
    def action(self) -> str: ...

    @property
    def reason(self) -> str: ...


class StepArgs(TypedDict):
    """A lifecycle step as the services take it: the action, who takes it, why, and whose view it is."""

    action: str
    actor: str
    reason: str
    principal: Principal


def step_args(body: StepRequest, principal: Principal) -> StepArgs:
    """Translate a step request into a service's keywords: the actor is always the authenticated user."""
    return StepArgs(action=body.action, actor=principal.username, reason=body.reason, principal=principal)


class Page(BaseModel, Generic[T]):
    """One page of a list: the items and where they sit in the whole."""

    items: list[T]
    total: int
    limit: int
    offset: int


class CursorPage(Page[T], Generic[T]):
    """A page that can also be continued by keyset: pass `next_cursor` as `after` for the next page."""

    next_cursor: str | None = None


Limit = Annotated[int, Query(ge=1, le=500, description="page size")]
Offset = Annotated[int, Query(ge=0, le=1_000_000, description="rows to skip")]
Month = Annotated[str, Query(pattern=MONTH_PATTERN, description="YYYY-MM")]
RowId = Annotated[int, Path(ge=1, le=2**31 - 1, description="row id")]
