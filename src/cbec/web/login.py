"""Log in (a session cookie), log out (the session is revoked), switch the language."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from starlette.responses import RedirectResponse, Response

from cbec.api.deps import SESSION_COOKIE, StoreDep, client_address
from cbec.auth import service as auth
from cbec.auth.domain import PARTNER, ROLES, Principal
from cbec.web.i18n import LANG_COOKIE, LANGS
from cbec.web.render import page
from cbec.web.session import (
    PROVINCE_ROLES,
    SESSION_HOURS,
    Visitor,
    check_csrf,
    check_origin,
    needs,
    safe_next,
)

router = APIRouter(include_in_schema=False)
AnyRole = Annotated[Visitor, Depends(needs(*ROLES))]


def home_of(principal: Principal) -> str:
    """Return where a user lands: the province overview for regulators, the portal for tenants."""
    if principal.role == PARTNER:
        return "/credit"  # a partner reads shared credit and nothing else
    return "/" if principal.role in PROVINCE_ROLES else "/portal"


@router.get("/login")
def login_form(request: Request, next: str = "") -> Response:
    """Show the login form."""
    return page(request, "login.html.j2", next=safe_next(next, ""), failed=False)


@router.post("/login")
def login(
    request: Request,
    store: StoreDep,
    username: Annotated[str, Form(max_length=80)],
    password: Annotated[str, Form(max_length=200)],
    next: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """Check the password, open a session and set it as an HttpOnly, SameSite=Lax cookie.

    The post must name this site as its Origin (login CSRF); failures are throttled (429, Retry-After).
    """
    check_origin(request, required=True)
    try:
        principal = auth.authenticate(store=store, username=username, password=password, client=client_address(request))
    except auth.AuthError:
        return page(request, "login.html.j2", next=safe_next(next, ""), failed=True, status_code=401)
    except auth.Throttled as exc:
        return page(
            request,
            "login.html.j2",
            next=safe_next(next, ""),
            failed=False,
            retry_after=exc.retry_after,
            status_code=429,
            headers={"Retry-After": str(exc.retry_after)},
        )
    issued = auth.issue_token(
        store=store,
        username=principal.username,
        kind="session",
        label="web",
        ttl=timedelta(hours=SESSION_HOURS),
    )
    response = RedirectResponse(safe_next(next, home_of(principal)), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        issued.token,
        max_age=SESSION_HOURS * 3600,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
    )
    return response


@router.post("/logout")
def logout(
    request: Request, store: StoreDep, visitor: AnyRole, csrf: Annotated[str, Form(max_length=100)] = ""
) -> Response:
    """Revoke the session and clear the cookie."""
    check_csrf(request, visitor, csrf)
    auth.revoke_token(store=store, token=visitor.session_token, actor=visitor.principal.username)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/lang/{lang}")
def switch_language(lang: str, next: str = "/") -> Response:
    """Keep the chosen language in a cookie and go back."""
    response = RedirectResponse(safe_next(next), status_code=303)
    if lang in LANGS:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="lax", path="/")
    return response


def login_redirect(next_url: str) -> Response:
    """Send a visitor without a session to the login page, remembering where it was going."""
    return RedirectResponse(f"/login?next={quote(next_url, safe='/')}", status_code=303)
