"""Fixtures shared by the suite: settings under a temporary home, stores on SQLite and PostgreSQL.

Migrating a store from nothing costs about a second on SQLite and three on PostgreSQL, and most tests start from
a fresh home. So each test process migrates one store of each kind once, for real, and every fresh store after
that starts as a copy of it: a fresh SQLite file is the migrated file copied, a fresh PostgreSQL store a database
made with CREATE DATABASE ... TEMPLATE. `open_store` still runs the migrations on the copy (there is nothing left
to do at head); `cbec db upgrade`, other processes and the migration tests migrate as in production.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from cbec.config import Settings
from cbec.storage import migrate
from cbec.storage import store as store_module
from cbec.storage.engine import make_engine
from cbec.storage.store import Store, open_store

POSTGRES_ADMIN_URL = os.environ.get("CBEC_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
# `CBEC_TEST_STORE=postgresql`: every home that would get a SQLite file gets a PostgreSQL database instead, so the
# tests that build their own settings (CLI, API, web, sqlite_settings) run on PostgreSQL too. The tests that take
# the `settings` fixture run on both stores in every pass, so that pass leaves them out.
TEST_STORE = os.environ.get("CBEC_TEST_STORE", "sqlite")
SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


class Templates:
    """The stores this test process migrated once, and the copies it made of them."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.prefix = f"cbec_test_{uuid.uuid4().hex[:10]}"
        self.admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT", poolclass=NullPool)
        self._sqlite: Path | None = None
        self._postgres: str | None = None
        self.databases: list[str] = []

    def sqlite(self) -> Path:
        """Return the migrated SQLite file, migrating it on first use."""
        if self._sqlite is None:
            path = self.folder / "template.sqlite3"
            engine = make_engine(Settings(home=self.folder, database_url=f"sqlite:///{path}"))
            migrate.upgrade(engine)
            engine.dispose()  # the last connection checkpoints the WAL into the file
            self._sqlite = path
        return self._sqlite

    def postgres_url(self, database: str) -> str:
        """Return the URL of a database on the test server."""
        return make_url(POSTGRES_ADMIN_URL).set(database=database).render_as_string(hide_password=False)

    def postgres(self) -> str:
        """Return a new PostgreSQL database, a copy of the one migrated on first use; it is dropped at the end."""
        if self._postgres is None:
            name = self._create(f"{self.prefix}_template", None)
            engine = create_engine(self.postgres_url(name), poolclass=NullPool)
            migrate.upgrade(engine)
            engine.dispose()  # CREATE DATABASE ... TEMPLATE needs the template without connections
            self._postgres = name
        return self.postgres_url(self._create(f"{self.prefix}_{len(self.databases)}", self._postgres))

    def _create(self, name: str, template: str | None) -> str:
        # WAL_LOG (PostgreSQL 15's default) copies a small template in a fraction of a second; FILE_COPY
        # would force a checkpoint on every copy.
        copy = f' TEMPLATE "{template}" STRATEGY WAL_LOG' if template else ""
        with self.admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"{copy}'))
        self.databases.append(name)
        return name

    def drop_all(self) -> None:
        """Drop the databases, the template last.

        Once, at the end: each DROP DATABASE forces a checkpoint, and the dropped databases' pages are then
        thrown away instead of written, so dropping them all at the end costs far less than one by one.
        """
        with self.admin.connect() as connection:
            for name in reversed(self.databases):
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self.databases.clear()
        self.admin.dispose()


@pytest.fixture(scope="session")
def templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Templates]:
    """The migrated stores of this test process."""
    made = Templates(tmp_path_factory.mktemp("templates"))
    yield made
    made.drop_all()


@pytest.fixture(scope="session", autouse=True)
def fresh_sqlite_files_from_the_template(templates: Templates) -> Iterator[None]:
    """Start every SQLite file that `open_store` creates as a copy of the migrated template."""
    upgrade = migrate.upgrade

    def copy_then_upgrade(engine: Engine, revision: str = "head") -> None:
        path = engine.url.database
        if engine.url.get_backend_name() == "sqlite" and revision == "head" and path and not Path(path).exists():
            shutil.copyfile(templates.sqlite(), path)
        upgrade(engine, revision)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(store_module, "upgrade", copy_then_upgrade)
        yield


@pytest.fixture(scope="session")
def postgres_database(templates: Templates) -> str:
    """Return a throw-away, migrated PostgreSQL database of this test process (dropped at the end)."""
    return templates.postgres()


@pytest.fixture(scope="session", autouse=True)
def home_stores_on_postgresql(templates: Templates) -> Iterator[None]:
    """Under CBEC_TEST_STORE=postgresql, give each home without a database URL its own migrated database."""
    if TEST_STORE != "postgresql":
        yield
        return
    made: dict[Path, str] = {}

    def url_of(self: Settings) -> str:
        if self.database_url:
            return self.database_url
        if self.home_dir not in made:
            made[self.home_dir] = templates.postgres()
        self.home_dir.mkdir(parents=True, exist_ok=True)
        return made[self.home_dir]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Settings, "sqlalchemy_url", property(url_of))
        yield


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


@pytest.fixture(params=["sqlite", "postgresql"])
def settings(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    """Settings with a fresh home, on each relational store in turn (PostgreSQL: a fresh, migrated database)."""
    if request.param == "postgresql":
        templates: Templates = request.getfixturevalue("templates")
        return Settings(home=tmp_path / "home", database_url=templates.postgres())
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
