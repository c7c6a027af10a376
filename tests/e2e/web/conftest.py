"""The prepared month, a live server on it and Chromium (each started once for the package), a TestClient per test."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator

import pytest
import uvicorn
from fastapi.testclient import TestClient

from cbec.api.app import create_app
from cbec.storage.store import Store, open_store

from .browsing import CHROMIUM, free_port
from .world import PASSWORD, World, build


@pytest.fixture(scope="package")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    return build(tmp_path_factory.mktemp("web"))


@pytest.fixture(scope="package")
def store(world: World) -> Iterator[Store]:
    opened = open_store(world.settings, migrate=False)
    yield opened
    opened.close()


@pytest.fixture
def client(world: World) -> Iterator[TestClient]:
    # A browser names the page's origin on every form post; the login refuses posts that do not.
    origin = {"Origin": "http://testserver"}
    with TestClient(create_app(world.settings), follow_redirects=False, headers=origin) as test_client:
        yield test_client


@pytest.fixture
def login(client: TestClient) -> Callable[[str], TestClient]:
    def as_user(username: str) -> TestClient:
        reply = client.post("/login", data={"username": username, "password": PASSWORD})
        assert reply.status_code == 303, reply.text
        return client

    return as_user


@pytest.fixture(scope="package")
def base_url(world: World) -> Iterator[str]:
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(world.settings), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="package")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        # Debian's browser, never one Playwright downloads.
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        yield launched
        launched.close()
