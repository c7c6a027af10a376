"""Errors as RFC 9457 problem details (application/problem+json), in English and Chinese."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from cbec.auth.domain import Forbidden, NotVisible
from cbec.auth.service import AuthError, Throttled
from cbec.core.i18n import labels
from cbec.core.i18n.catalogs import accepted
from cbec.core.workflow import TransitionError

MEDIA_TYPE = "application/problem+json"
# (zh, en) by HTTP status: the "problem" labels of the catalogs.
TITLES = {int(code): pair for code, pair in labels.pairs("problem").items()}


class Problem(BaseModel):
    """A problem detail (RFC 9457) with a Chinese title beside the English one."""

    type: str = "about:blank"
    title: str
    title_zh: str
    status: int
    detail: str
    instance: str | None = None
    errors: list[dict[str, Any]] | None = None


def problem(
    request: Request,
    status: int,
    detail: str,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """Return a problem+json response; its title in the Accept-Language's language (English unless zh is asked)."""
    zh, en = TITLES.get(status, ("错误", "Error"))
    lang = accepted(request.headers.get("accept-language"), default="en")
    title = zh if lang == "zh" else en
    body = Problem(title=title, title_zh=zh, status=status, detail=detail, instance=request.url.path, errors=errors)
    headers = dict(headers or {}) | {"Content-Language": lang}
    headers |= {"WWW-Authenticate": "Bearer"} if status == 401 else {}
    return JSONResponse(body.model_dump(exclude_none=True), status_code=status, media_type=MEDIA_TYPE, headers=headers)


PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"model": Problem, "content": {MEDIA_TYPE: {}}} for code in (401, 403, 404, 409, 422)
}


def install(app: FastAPI) -> None:
    """Turn every error the API raises into a problem detail."""

    async def on_http(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        return problem(request, exc.status_code, str(exc.detail), headers=dict(exc.headers or {}))

    async def on_validation(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        errors = [{"loc": list(e.get("loc", ())), "msg": str(e.get("msg", ""))} for e in exc.errors()]
        return problem(request, 422, "请求内容不符合接口定义 / the request does not match the API", errors)

    async def on_throttled(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, Throttled)
        return problem(request, 429, str(exc), headers={"Retry-After": str(exc.retry_after)})

    def mapped(status: int) -> Any:
        async def handler(request: Request, exc: Exception) -> JSONResponse:
            return problem(request, status, str(exc))

        return handler

    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(AuthError, mapped(401))
    app.add_exception_handler(Forbidden, mapped(403))
    app.add_exception_handler(NotVisible, mapped(404))
    app.add_exception_handler(TransitionError, mapped(409))
    app.add_exception_handler(Throttled, on_throttled)
    app.add_exception_handler(ValueError, mapped(422))
