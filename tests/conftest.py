"""Fixtures shared by the suite: settings under a temporary home, stores on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from cbec.config import Settings
from cbec.storage.store import Store, open_store

POSTGRES_ADMIN_URL = os.environ.get("CBEC_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
# `CBEC_TEST_STORE=postgresql`: every home that would get a SQLite file gets a PostgreSQL schema instead, so the
# tests that build their own settings (CLI, API, web, sqlite_settings) run on PostgreSQL too. The tests that take
# the `settings` fixture run on both stores in every pass, so that pass leaves them out.
TEST_STORE = os.environ.get("CBEC_TEST_STORE", "sqlite")
SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """Create a throw-away PostgreSQL database for this test process and drop it afterwards."""
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"cbec_test_{uuid.uuid4().hex[:10]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session", autouse=True)
def home_stores_on_postgresql(request: pytest.FixtureRequest) -> Iterator[None]:
    """Under CBEC_TEST_STORE=postgresql, give each home without a database URL its own PostgreSQL schema."""
    if TEST_STORE != "postgresql":
        yield
        return
    base = make_url(request.getfixturevalue("postgres_database"))
    admin = create_engine(base, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    made: set[str] = set()

    def url_of(self: Settings) -> str:
        if self.database_url:
            return self.database_url
        schema = "home_" + hashlib.sha1(str(self.home_dir).encode()).hexdigest()[:16]
        if schema not in made:
            with admin.connect() as connection:
                connection.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
            made.add(schema)
        self.home_dir.mkdir(parents=True, exist_ok=True)
        url = base.update_query_dict({"options": f"-csearch_path={schema}"})
        return url.render_as_string(hide_password=False)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Settings, "sqlalchemy_url", property(url_of))
        yield
    admin.dispose()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under CBEC_TEST_STORE=postgresql, leave out the tests that run on both stores in the ordinary pass."""
    if TEST_STORE != "postgresql":
        return
    both = [
        i
        for i in items
        if "settings" in getattr(getattr(i, "callspec", None), "params", {}) or i.get_closest_marker("both_stores")
    ]
    if both:
        config.hook.pytest_deselected(items=both)
        items[:] = [i for i in items if i not in both]


def _reset_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def settings(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    """Settings with a fresh home, on each relational store in turn."""
    if request.param == "postgresql":
        url = request.getfixturevalue("postgres_database")
        _reset_postgres(url)
        return Settings(home=tmp_path / "home", database_url=url)
    return Settings(home=tmp_path / "home")


@pytest.fixture
def sqlite_settings(tmp_path: Path) -> Settings:
    """Settings on the embedded default only, for tests about files rather than the database."""
    return Settings(home=tmp_path / "home")


@pytest.fixture
def store(settings: Settings) -> Iterator[Store]:
    """An opened, migrated store under a fresh home."""
    opened = open_store(settings)
    yield opened
    opened.close()


@pytest.fixture
def sqlite_settings_store(sqlite_settings: Settings) -> Iterator[Store]:
    """An opened store on the embedded default only."""
    opened = open_store(sqlite_settings)
    yield opened
    opened.close()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """List the browser tests' screenshots (recorded as `screenshot:<name>` properties) at the end of the run."""
    # Here rather than in tests/e2e/web: under xdist only this conftest reaches the controller's summary.
    shots = [
        (name.removeprefix("screenshot:"), value)
        for outcome in ("passed", "failed")
        for report in terminalreporter.stats.get(outcome, [])
        for name, value in getattr(report, "user_properties", [])
        if name.startswith("screenshot:")
    ]
    if shots:
        terminalreporter.section("browser screenshots")
        for name, path in shots:
            terminalreporter.write_line(f"{name}: {path}")
