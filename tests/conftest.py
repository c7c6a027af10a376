"""Fixtures shared by the suite: settings under a temporary home, stores on SQLite and PostgreSQL.

Migrating a store from nothing costs about a second on SQLite and three on PostgreSQL (mostly the server's DDL,
one statement at a time), and most tests start from a fresh home. So each test process migrates one store of each
kind once, for real, and a fresh store after that starts as a copy: a fresh SQLite file is the migrated file
copied, a fresh PostgreSQL schema gets the SQL that migrated the template schema, sent in one go. `open_store` then
runs the migrations on it (nothing is left to do at head). Everything else migrates as in production: `cbec db
upgrade`, other processes, and the migration tests, which take a store down to nothing and up again.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from itertools import count
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from cbec.config import Settings
from cbec.storage import migrate
from cbec.storage import store as store_module
from cbec.storage.engine import make_engine
from cbec.storage.store import Store, open_store

POSTGRES_ADMIN_URL = os.environ.get("CBEC_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
# `CBEC_TEST_STORE=postgresql`: every home that would get a SQLite file gets a PostgreSQL schema instead, so the
# tests that build their own settings (CLI, API, web, sqlite_settings) run on PostgreSQL too. The tests that take
# the `settings` fixture run on both stores in every pass, so that pass leaves them out.
TEST_STORE = os.environ.get("CBEC_TEST_STORE", "sqlite")
SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


class Templates:
    """This test process's PostgreSQL database and the stores it migrated once, made on first use."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.name = f"cbec_test_{uuid.uuid4().hex[:10]}"
        self.admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT", poolclass=NullPool)
        self._database: str | None = None
        self._sqlite: Path | None = None
        self._script: str | None = None
        self._schemas = count()

    def database(self) -> str:
        """Return the URL of a throw-away PostgreSQL database (dropped at the end)."""
        if self._database is None:
            with self.admin.connect() as connection:
                connection.execute(text(f'CREATE DATABASE "{self.name}"'))
            self._database = make_url(POSTGRES_ADMIN_URL).set(database=self.name).render_as_string(hide_password=False)
        return self._database

    def schema(self, name: str | None = None) -> str:
        """Create an empty schema in the database (a new one unless named) and return a URL that works in it."""
        name = name or f"test_{next(self._schemas)}"
        url = make_url(self.database())
        engine = create_engine(url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
        with engine.connect() as connection:
            connection.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{name}"'))
        engine.dispose()
        return url.update_query_dict({"options": f"-csearch_path={name}"}).render_as_string(hide_password=False)

    def sqlite(self) -> Path:
        """Return the migrated SQLite file, migrating it on first use."""
        if self._sqlite is None:
            path = self.folder / "template.sqlite3"
            engine = make_engine(Settings(home=self.folder, database_url=f"sqlite:///{path}"))
            migrate.upgrade(engine)
            engine.dispose()  # the last connection checkpoints the WAL into the file
            self._sqlite = path
        return self._sqlite

    def postgres_script(self) -> str:
        """Return the SQL the migrations ran on an empty schema (names unqualified), migrating one on first use."""
        if self._script is None:
            engine = create_engine(self.schema("template"), poolclass=NullPool)
            sent: list[str] = []

            @event.listens_for(engine, "before_cursor_execute")
            def record(_c: Any, cursor: Any, statement: str, parameters: Any, _x: Any, many: bool) -> None:
                if not statement.lstrip().upper().startswith("SELECT"):  # Alembic's look at the catalog
                    writer = psycopg.ClientCursor(cursor.connection)
                    sent.extend(writer.mogrify(statement, p) for p in (parameters if many else [parameters]))

            migrate.upgrade(engine)
            engine.dispose()
            self._script = ";\n".join(sent)
        return self._script

    def drop(self) -> None:
        """Drop the database from a process of its own that the run does not wait for.

        Dropping a database that hundreds of test schemas filled took the server up to 18 s here (the files of every
        relation to unlink): at the end of a worker that was the last thing the run waited on.
        """
        self.admin.dispose()
        if self._database is None:
            return
        libpq = make_url(POSTGRES_ADMIN_URL).set(drivername="postgresql").render_as_string(hide_password=False)
        script = "import sys, psycopg; psycopg.connect(sys.argv[1], autocommit=True).execute(sys.argv[2])"
        statement = f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'
        subprocess.Popen(
            [sys.executable, "-c", script, libpq, statement],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )


def _empty_schema(engine: Engine) -> bool:
    with engine.connect() as connection:
        query = "SELECT NOT EXISTS (SELECT 1 FROM pg_class WHERE relnamespace = current_schema()::regnamespace)"
        return bool(connection.execute(text(query)).scalar_one())


@pytest.fixture(scope="session")
def templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Templates]:
    """This test process's PostgreSQL database and migrated stores."""
    made = Templates(tmp_path_factory.mktemp("templates"))
    yield made
    made.drop()


@pytest.fixture(scope="session", autouse=True)
def fresh_stores_from_the_templates(templates: Templates) -> Iterator[None]:
    """Start every store that `open_store` migrates from nothing as a copy of the migrated template."""
    upgrade = migrate.upgrade

    def copy_then_upgrade(engine: Engine, revision: str = "head") -> None:
        if revision == "head" and engine.dialect.name == "sqlite":
            path = engine.url.database
            if path and not Path(path).exists():
                shutil.copyfile(templates.sqlite(), path)
        elif revision == "head" and engine.dialect.name == "postgresql" and _empty_schema(engine):
            raw = engine.raw_connection()
            try:
                raw.cursor().execute(templates.postgres_script())
                raw.commit()
            finally:
                raw.close()
        upgrade(engine, revision)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(store_module, "upgrade", copy_then_upgrade)
        yield


@pytest.fixture(scope="session")
def postgres_database(templates: Templates) -> str:
    """Return the URL of this test process's throw-away PostgreSQL database (dropped at the end)."""
    return templates.database()


@pytest.fixture(scope="session", autouse=True)
def home_stores_on_postgresql(templates: Templates) -> Iterator[None]:
    """Under CBEC_TEST_STORE=postgresql, give each home without a database URL its own PostgreSQL schema."""
    if TEST_STORE != "postgresql":
        yield
        return
    made: dict[Path, str] = {}

    def url_of(self: Settings) -> str:
        if self.database_url:
            return self.database_url
        if self.home_dir not in made:
            made[self.home_dir] = templates.schema("home_" + hashlib.sha1(str(self.home_dir).encode()).hexdigest()[:16])
        self.home_dir.mkdir(parents=True, exist_ok=True)
        return made[self.home_dir]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Settings, "sqlalchemy_url", property(url_of))
        yield


# The packages whose tests share one package-scoped world (a monitored month behind the API, the web or the security
# findings): their tests go to one worker together, so the world is built once, not once per worker.
PACKAGE_WORLDS = ("tests/e2e/api/", "tests/e2e/security/", "tests/e2e/web/")


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object:
    """Under xdist, hand out a module's tests together (a package's, for the PACKAGE_WORLDS), in collection order.

    With the default `--dist load` the tests of one module are spread over both workers, so each worker builds
    the module's and the package's shared fixtures again; one unit per module keeps them built once. Collection
    order puts the slow units first (tests/e2e, tests/integration) and the many quick unit tests last, so the
    workers finish together; ordering by test count instead would leave a one-test module of minutes for the end.
    """
    from xdist.scheduler import LoadScopeScheduling

    config.option.loadscopereorder = False

    class SharedFixtureScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return next((p for p in PACKAGE_WORLDS if nodeid.startswith(p)), nodeid.split("::", 1)[0])

    return SharedFixtureScheduling(config, log)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under CBEC_TEST_STORE=postgresql, leave out the tests that run on both stores in the ordinary pass, and those
    whose verdict no store can change (`store_blind`): that pass is for what PostgreSQL does differently."""
    if TEST_STORE != "postgresql":
        return
    both = [
        i
        for i in items
        if "settings" in getattr(getattr(i, "callspec", None), "params", {})
        or i.get_closest_marker("both_stores")
        or i.get_closest_marker("store_blind")
    ]
    if both:
        config.hook.pytest_deselected(items=both)
        items[:] = [i for i in items if i not in both]


@pytest.fixture(params=["sqlite", "postgresql"])
def settings(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    """Settings with a fresh home, on each relational store in turn (PostgreSQL: a new, empty schema)."""
    if request.param == "postgresql":
        templates: Templates = request.getfixturevalue("templates")
        return Settings(home=tmp_path / "home", database_url=templates.schema())
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
