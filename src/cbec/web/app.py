"""Mount the dashboard on the API's application: pages at /, assets at /static, web-style errors."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.staticfiles import StaticFiles
from starlette.responses import Response

from cbec.web import agenda, alerts, cases, complaints, credit, ip, login, notices, province, review, statistics
from cbec.web.render import HERE, page
from cbec.web.session import CsrfRejected, LoginRequired, WrongRole


def mount(app: FastAPI) -> None:
    """Add the dashboard's pages, its static files and the handlers that turn web errors into pages."""
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    for module in (login, province, alerts, review, notices, statistics, agenda, complaints, credit, ip, cases):
        app.include_router(module.router)

    async def on_login_required(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, LoginRequired)
        return login.login_redirect(exc.next_url)

    async def on_wrong_role(request: Request, exc: Exception) -> Response:
        return page(request, "message.html.j2", status_code=403, message_key="forbidden")

    async def on_csrf(request: Request, exc: Exception) -> Response:
        return page(request, "message.html.j2", status_code=403, message_key="csrf_failed")

    app.add_exception_handler(LoginRequired, on_login_required)
    app.add_exception_handler(WrongRole, on_wrong_role)
    app.add_exception_handler(CsrfRejected, on_csrf)
