"""/auth: tokens for the API, and who am I."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.security import HTTPAuthorizationCredentials
from pydantic import BaseModel, Field

from cbec.api.deps import PrincipalDep, StoreDep, bearer, client_address, require
from cbec.api.problems import PROBLEM_RESPONSES
from cbec.auth import service as auth
from cbec.auth.domain import REGULATOR_ADMIN, ROLE_TITLES, Forbidden, Principal

router = APIRouter(prefix="/auth", tags=["auth"], responses=PROBLEM_RESPONSES)


class Login(BaseModel):
    """A user name and password."""

    username: str = Field(min_length=1, max_length=80)
    password: str = Field(min_length=1, max_length=200)
    hours: int = Field(default=12, ge=1, le=24 * 30, description="token lifetime (capped by role: admin 24 h)")


class TokenRead(BaseModel):
    """A bearer token, shown once."""

    access_token: str
    token_type: str = "bearer"
    expires_at: datetime


class Me(BaseModel):
    """The authenticated principal."""

    username: str
    role: str
    role_zh: str
    tenant_id: str | None


@router.post("/token", response_model=TokenRead, responses={429: PROBLEM_RESPONSES[401]})
def token(body: Login, store: StoreDep, request: Request) -> TokenRead:
    """Exchange a user name and password for a bearer token (argon2-checked; failures throttled, then 429)."""
    principal = auth.authenticate(
        store=store, username=body.username, password=body.password, client=client_address(request)
    )
    issued = auth.issue_token(
        store=store, username=principal.username, label="api login", ttl=timedelta(hours=body.hours)
    )
    return TokenRead(access_token=issued.token, expires_at=issued.expires_at)


class Revoke(BaseModel):
    """The token to revoke (default: the one in the Authorization header)."""

    token: str | None = Field(default=None, max_length=200)


@router.post("/revoke", status_code=204)
def revoke(
    body: Revoke,
    principal: PrincipalDep,
    store: StoreDep,
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> None:
    """Revoke a token of one's own (a log-out): the one given, else the one this request carries."""
    token = body.token or (credentials.credentials if credentials else None)
    if not token:
        raise ValueError("没有要撤销的令牌 / no token to revoke")
    owner = auth.resolve_token(store=store, token=token)
    if owner.username != principal.username:
        raise Forbidden("只能撤销自己的令牌 / only your own tokens can be revoked")
    auth.revoke_token(store=store, token=token, actor=principal.username)
    request.app.state.tokens.forget(token)


@router.get("/me", response_model=Me)
def me(principal: PrincipalDep) -> Me:
    """Return the authenticated user, role and tenant."""
    return Me(
        username=principal.username,
        role=principal.role,
        role_zh=ROLE_TITLES[principal.role][0],
        tenant_id=principal.tenant_id,
    )


class Unlock(BaseModel):
    """The account to unlock."""

    username: str = Field(min_length=1, max_length=80)


class Unlocked(BaseModel):
    """Whether the account was locked when it was unlocked."""

    username: str
    was_locked: bool


@router.post("/unlock", response_model=Unlocked)
def unlock(
    body: Unlock, store: StoreDep, principal: Annotated[Principal, Depends(require(REGULATOR_ADMIN))]
) -> Unlocked:
    """Unlock an account locked after failed logins and forget its failures (regulator admin)."""
    was_locked = auth.unlock_user(store=store, username=body.username, actor=principal.username)
    return Unlocked(username=body.username, was_locked=was_locked)
