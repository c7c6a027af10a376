"""The app served by uvicorn on a free port and Debian's Chromium, shared by the browser tests."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from .world import PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
needs_chromium = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium (make system-deps)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def browser_login(page: object, base_url: str, username: str) -> None:
    """Log in through the form, as a person would."""
    page.goto(f"{base_url}/login")  # type: ignore[attr-defined]
    page.fill("input[name=username]", username)  # type: ignore[attr-defined]
    page.fill("input[name=password]", PASSWORD)  # type: ignore[attr-defined]
    page.click("form[action='/login'] button[type=submit]")  # type: ignore[attr-defined]


def logged_in_page(browser: object, base_url: str, username: str) -> tuple[object, object, list[str]]:
    """Open a Chinese desktop browser context and log `username` in; return the context, the page and its errors."""
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")  # type: ignore[attr-defined]
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    browser_login(page, base_url, username)
    page.wait_for_url(f"{base_url}/")
    return context, page, errors
