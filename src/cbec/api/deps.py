"""What every route depends on: the store, the authenticated principal, a role check, paging."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Generic, TypeVar

from fastapi import Depends, Path, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel

from cbec.auth import service as auth
from cbec.auth.domain import Principal
from cbec.storage.store import Store

SESSION_COOKIE = "cbec_session"
bearer = HTTPBearer(
    auto_error=False, description="API token from POST /api/v1/auth/token or `cbec tokens issue`"
)
T = TypeVar("T")


def get_store(request: Request) -> Store:
    """Return the store the app opened at start-up."""
    store = request.app.state.store
    assert isinstance(store, Store)
    return store


StoreDep = Annotated[Store, Depends(get_store)]


def get_principal(
    request: Request,
    store: StoreDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Principal:
    """Authenticate by bearer token or, for the web, by session cookie; refuse anything else."""
    token = credentials.credentials if credentials else request.cookies.get(SESSION_COOKIE)
    if not token:
        raise auth.AuthError("需要登录或令牌 / a bearer token or a session is required")
    return auth.resolve_token(store=store, token=token)


PrincipalDep = Annotated[Principal, Depends(get_principal)]


def require(*roles: str) -> Callable[[Principal], Principal]:
    """Return a dependency that lets only the given roles through."""

    def check(principal: PrincipalDep) -> Principal:
        principal.require(*roles)
        return principal

    return check


class Page(BaseModel, Generic[T]):
    """One page of a list: the items and where they sit in the whole."""

    items: list[T]
    total: int
    limit: int
    offset: int


Limit = Annotated[int, Query(ge=1, le=500, description="page size")]
Offset = Annotated[int, Query(ge=0, le=1_000_000, description="rows to skip")]
Month = Annotated[str, Query(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="YYYY-MM")]
RowId = Annotated[int, Path(ge=1, le=2**31 - 1, description="row id")]
