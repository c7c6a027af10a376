"""Refuse request bodies over a route's limit with 413, before they are read into memory.

A declared `Content-Length` over the limit is answered at once, without reading a byte of the body; a body
sent without one (chunked) is counted as it streams in and refused as soon as it passes the limit. Either way
the server never holds more than the limit (plus one network read) of a request body.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

PROBLEM = "application/problem+json"


class BodyTooLarge(HTTPException):
    """A request body passed its route's limit (raised from `receive`, so the route never sees the body)."""

    def __init__(self, limit: int) -> None:
        detail = f"请求体超过 {limit} 字节 / the request body is over the {limit}-byte limit"
        # Closing the connection stops the client's upload; kept open, the server would read the rest to drop it.
        super().__init__(413, detail, headers={"Connection": "close"})
        self.limit = limit


def _problem(path: str, limit: int) -> bytes:
    detail = BodyTooLarge(limit).detail
    body = {"title": "Payload too large", "title_zh": "请求过大", "status": 413, "detail": detail, "instance": path}
    return json.dumps(body, ensure_ascii=False).encode("utf-8")


class BodyLimit:
    """ASGI middleware: `default` bytes for every request body, `by_path` (exact paths) for the larger ones."""

    def __init__(self, app: ASGIApp, *, default: int, by_path: Mapping[str, int] | None = None) -> None:
        self.app, self.default, self.by_path = app, default, dict(by_path or {})

    def limit_of(self, path: str) -> int:
        """Return the largest body a request to `path` may send."""
        return self.by_path.get(path.rstrip("/") or "/", self.default)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = str(scope.get("path", ""))
        limit = self.limit_of(path)
        declared = dict(scope.get("headers", ())).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await self._refuse(send, path, limit)
            return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLarge:
            if started:
                raise
            await self._refuse(send, path, limit)

    @staticmethod
    async def _refuse(send: Send, path: str, limit: int) -> None:
        body = _problem(path, limit)
        headers = [
            (b"content-type", PROBLEM.encode()),
            (b"content-length", str(len(body)).encode()),
            (b"connection", b"close"),
        ]
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": body})
