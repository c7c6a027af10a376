"""Fixtures shared by the suite: settings under a temporary home, stores on SQLite and PostgreSQL."""

from __future__ import annotations

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

POSTGRES_ADMIN_URL = os.environ.get(
    "CBEC_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
# `CBEC_TEST_STORE=postgresql`: every home that would get a SQLite file gets its own PostgreSQL database instead,
# so the tests that build their own settings (CLI, API, web, sqlite_settings) run on PostgreSQL too. The tests that
# take the `settings` fixture run on both stores in every pass, so that pass leaves them out.
TEST_STORE = os.environ.get("CBEC_TEST_STORE", "sqlite")
SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
ADMIN = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT", poolclass=NullPool)


def _create_database(*, template: str | None = None) -> str:
    """Create a database (a copy of the template when given: 0.1 s, against 1.5 s to migrate) and return its URL."""
    name = f"cbec_test_{uuid.uuid4().hex[:12]}"
    with ADMIN.connect() as connection:
        connection.execute(
            text(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        )
    return make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)


def _drop_database(url: str) -> None:
    with ADMIN.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """Create a throw-away, empty PostgreSQL database for this test process and drop it afterwards."""
    url = _create_database()
    yield url
    _drop_database(url)


@pytest.fixture(scope="session")
def postgres_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Migrate a database once per test process; each test's PostgreSQL store starts as a copy of it."""
    url = _create_database()
    open_store(Settings(home=tmp_path_factory.mktemp("template"), database_url=url)).close()
    yield str(make_url(url).database)
    _drop_database(url)


@pytest.fixture(params=["sqlite", "postgresql"])
def settings(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Settings]:
    """Settings with a fresh home, on each relational store in turn (a fresh, migrated database on PostgreSQL)."""
    if request.param == "postgresql":
        url = _create_database(template=request.getfixturevalue("postgres_template"))
        yield Settings(home=tmp_path / "home", database_url=url)
        _drop_database(url)
    else:
        yield Settings(home=tmp_path / "home")


@pytest.fixture(params=["sqlite", "postgresql"])
def unmigrated_settings(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Settings]:
    """Settings on each store in turn whose database is empty, for tests of the migrations themselves."""
    if request.param == "postgresql":
        url = _create_database()
        yield Settings(home=tmp_path / "home", database_url=url)
        _drop_database(url)
    else:
        yield Settings(home=tmp_path / "home")


@pytest.fixture(scope="session", autouse=True)
def home_stores_on_postgresql(request: pytest.FixtureRequest) -> Iterator[dict[Path, str]]:
    """Under CBEC_TEST_STORE=postgresql, give each home without a database URL its own PostgreSQL database."""
    databases: dict[Path, str] = {}
    if TEST_STORE != "postgresql":
        yield databases
        return
    template = request.getfixturevalue("postgres_template")

    def url_of(self: Settings) -> str:
        if self.database_url:
            return self.database_url
        home = self.home_dir
        if home not in databases:
            databases[home] = _create_database(template=template)
            home.mkdir(parents=True, exist_ok=True)
        return databases[home]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Settings, "sqlalchemy_url", property(url_of))
        yield databases
    for url in databases.values():
        _drop_database(url)


@pytest.fixture(autouse=True)
def drop_home_databases(home_stores_on_postgresql: dict[Path, str]) -> Iterator[None]:
    """Drop the databases of the homes a test made when it ends (those of package-scoped worlds, made before, stay)."""
    before = set(home_stores_on_postgresql)
    yield
    for home in set(home_stores_on_postgresql) - before:
        _drop_database(home_stores_on_postgresql.pop(home))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under CBEC_TEST_STORE=postgresql, leave out the tests that run on both stores in the ordinary pass."""
    if TEST_STORE != "postgresql":
        return
    params = [getattr(getattr(i, "callspec", None), "params", {}) for i in items]
    both = [i for i, p in zip(items, params, strict=True) if "settings" in p or "unmigrated_settings" in p]
    if both:
        config.hook.pytest_deselected(items=both)
        items[:] = [i for i in items if i not in both]


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
