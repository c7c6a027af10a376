"""Web sessions: the HttpOnly cookie, who is logged in, the role a page needs, and CSRF tokens for forms."""

from __future__ import annotations

import hmac
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import Depends, Request

from cbec.api.deps import SESSION_COOKIE, StoreDep
from cbec.auth import service as auth
from cbec.auth.domain import AUDITOR, REGULATORS, Principal, csrf_token

SESSION_HOURS = 12
# Regulators and the auditor read the province pages; tenants have their portal (and pages narrowed to them).
PROVINCE_ROLES = (*sorted(REGULATORS), AUDITOR)


class LoginRequired(Exception):
    """No live session: the visitor is sent to the login page."""

    def __init__(self, next_url: str) -> None:
        super().__init__(next_url)
        self.next_url = next_url


class WrongRole(Exception):
    """The logged-in user's role may not open this page."""


class CsrfRejected(Exception):
    """A form post without this session's CSRF token, or from another origin."""


@dataclass(frozen=True)
class Visitor:
    """A logged-in user of the dashboard: the principal and the session secret its CSRF token derives from."""

    principal: Principal
    session_token: str

    @property
    def csrf(self) -> str:
        """Return this session's CSRF token (an HMAC of the session secret, so nothing more is stored)."""
        return csrf_token(self.session_token)


def _visitor(request: Request, store: StoreDep) -> Visitor:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        raise LoginRequired(_here(request))
    try:
        principal = auth.resolve_token(store=store, token=token)
    except auth.AuthError:
        raise LoginRequired(_here(request)) from None
    return Visitor(principal=principal, session_token=token)


def _here(request: Request) -> str:
    query = f"?{request.url.query}" if request.url.query else ""
    return f"{request.url.path}{query}"


def needs(*roles: str) -> Callable[..., Visitor]:
    """Return a dependency that lets through a logged-in user with one of the roles."""

    def check(visitor: Annotated[Visitor, Depends(_visitor)]) -> Visitor:
        if visitor.principal.role not in roles:
            raise WrongRole(visitor.principal.role)
        return visitor

    return check


def check_origin(request: Request, *, required: bool = False) -> None:
    """Refuse a post whose Origin (or Referer) names another site than this one.

    With `required` (the login form, which has no session to derive a token from) a post that names no
    origin at all, or the opaque `null` one, is refused too: browsers send Origin with every form post.
    """
    claimed = request.headers.get("origin") or request.headers.get("referer")
    if not claimed or claimed == "null":
        if required:
            raise CsrfRejected(claimed or "no origin")
        return
    parts = urlsplit(claimed)
    if (parts.netloc or required) and parts.netloc != request.url.netloc:
        raise CsrfRejected(claimed)


def check_csrf(request: Request, visitor: Visitor, submitted: str) -> None:
    """Refuse a form post that lacks this session's token or comes from another origin."""
    check_origin(request)
    if not hmac.compare_digest(submitted.encode(), visitor.csrf.encode()):
        raise CsrfRejected("token")


def safe_next(target: str | None, default: str = "/") -> str:
    """Return a local path to go to after login (never another site)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target
