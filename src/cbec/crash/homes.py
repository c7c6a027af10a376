"""Homes for crash drills: a folder (lake, keys, reports) and a relational store, cloned from a template.

On SQLite the database is a file in the folder, so copying the folder clones everything. On PostgreSQL each home
gets its own database, cloned with CREATE DATABASE ... TEMPLATE (the template must have no open connection).
"""

from __future__ import annotations

import os
import shutil
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from cbec.config import Settings

DEFAULT_POSTGRES_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


@dataclass(frozen=True)
class Home:
    """Where one run of a command keeps its state."""

    path: Path
    database_url: str | None = None
    extra_env: dict[str, str] = field(default_factory=dict)

    def settings(self) -> Settings:
        """Return the settings a process of this home runs with."""
        values: dict[str, object] = {"home": self.path, "database_url": self.database_url}
        values.update(_settings_of(self.extra_env))
        return Settings.model_validate(values)

    def env(self) -> dict[str, str]:
        """Return the environment of a CLI process of this home (the caller's, with CBEC_* set)."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("CBEC_")}
        env.update(self.extra_env, CBEC_HOME=str(self.path))
        if self.database_url:
            env["CBEC_DATABASE_URL"] = self.database_url
        return env


def _settings_of(extra_env: dict[str, str]) -> dict[str, str]:
    return {k.removeprefix("CBEC_").lower(): v for k, v in extra_env.items() if k.startswith("CBEC_")}


class Backend(Protocol):
    """Makes, clones and drops homes on one kind of relational store."""

    name: str

    def create(self, path: Path, extra_env: dict[str, str]) -> Home:
        """Return a new, empty home (not migrated yet)."""
        ...

    def clone(self, template: Home, path: Path) -> Home:
        """Return a copy of a home whose processes have all ended."""
        ...

    def drop(self, home: Home) -> None:
        """Delete a home and its database."""
        ...


class SqliteBackend:
    """The embedded default: everything in the home folder."""

    name = "sqlite"

    def create(self, path: Path, extra_env: dict[str, str]) -> Home:
        """Return a new home folder."""
        path.mkdir(parents=True, exist_ok=False)
        return Home(path=path, extra_env=extra_env)

    def clone(self, template: Home, path: Path) -> Home:
        """Copy the folder (the SQLite file and its WAL included)."""
        shutil.copytree(template.path, path, symlinks=True)
        return Home(path=path, extra_env=template.extra_env)

    def drop(self, home: Home) -> None:
        """Delete the folder."""
        shutil.rmtree(home.path, ignore_errors=True)


class PostgresBackend:
    """A PostgreSQL server: one throw-away database per home, named after the drill."""

    name = "postgresql"

    def __init__(self, admin_url: str = DEFAULT_POSTGRES_ADMIN_URL) -> None:
        self.admin_url = admin_url
        self.prefix = f"cbec_crash_{uuid.uuid4().hex[:8]}"
        self.created: list[str] = []

    def _execute(self, statement: str) -> None:
        admin = create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as connection:
                connection.execute(text(statement))
        finally:
            admin.dispose()

    def _url(self, database: str) -> str:
        return make_url(self.admin_url).set(database=database).render_as_string(hide_password=False)

    def _database(self, path: Path) -> str:
        name = f"{self.prefix}_{path.name}".lower().replace("-", "_")
        if not name.replace("_", "").isalnum():
            raise ValueError(f"home name {path.name!r} makes an unsafe database name")
        return name[:63]

    def create(self, path: Path, extra_env: dict[str, str]) -> Home:
        """Return a new home folder with an empty database."""
        path.mkdir(parents=True, exist_ok=False)
        database = self._database(path)
        self._execute(f'CREATE DATABASE "{database}"')
        self.created.append(database)
        return Home(path=path, database_url=self._url(database), extra_env=extra_env)

    def clone(self, template: Home, path: Path) -> Home:
        """Copy the folder and clone the database from the template's."""
        if template.database_url is None:
            raise ValueError("a PostgreSQL home needs a database")
        shutil.copytree(template.path, path, symlinks=True)
        database = self._database(path)
        source = make_url(template.database_url).database
        self._execute(f'CREATE DATABASE "{database}" TEMPLATE "{source}"')
        self.created.append(database)
        return Home(path=path, database_url=self._url(database), extra_env=template.extra_env)

    def drop(self, home: Home) -> None:
        """Delete the folder and the database."""
        shutil.rmtree(home.path, ignore_errors=True)
        if home.database_url:
            database = make_url(home.database_url).database
            self._execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            if database in self.created:
                self.created.remove(database)

    def drop_all(self) -> None:
        """Drop every database this backend made that is still there."""
        for database in list(self.created):
            self._execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        self.created.clear()


def backend(name: str, postgres_url: str | None = None) -> SqliteBackend | PostgresBackend:
    """Return the backend of a store name: sqlite or postgresql."""
    if name == "sqlite":
        return SqliteBackend()
    if name == "postgresql":
        return PostgresBackend(postgres_url or os.environ.get("CBEC_TEST_POSTGRES_URL", DEFAULT_POSTGRES_ADMIN_URL))
    raise ValueError(f"unknown store {name!r}: use sqlite or postgresql")
