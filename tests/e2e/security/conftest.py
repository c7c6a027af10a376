"""The security findings' home, a live server on it, and a TestClient that posts like a browser."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from cbec.api.app import create_app

from .world import World, build, serving


@pytest.fixture(scope="package")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    return build(tmp_path_factory.mktemp("security"))


@pytest.fixture(scope="package")
def base_url(world: World) -> Iterator[str]:
    with serving(world.settings) as url:
        yield url


@pytest.fixture
def client(world: World) -> Iterator[TestClient]:
    origin = {"Origin": "http://testserver"}
    with TestClient(create_app(world.settings), follow_redirects=False, headers=origin) as test_client:
        yield test_client
