"""Everything a command needs to reach storage, opened once from the settings."""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from cbec.config import Settings
from cbec.core.calendar import WorkingCalendar
from cbec.storage.engine import Role, make_engine, make_session_factory
from cbec.storage.lake import Lake
from cbec.storage.migrate import upgrade
from cbec.storage.partitions import ensure_alert_partitions, months_ahead

# The reading session open in this context (thread or task) and its store: reads nested in it share its connection.
_READING: ContextVar[tuple[Store, Session] | None] = ContextVar("cbec_reading", default=None)


@dataclass
class Store:
    """The relational store, the lake and the settings they came from."""

    settings: Settings
    engine: Engine
    factory: sessionmaker[Session]
    lake: Lake

    @contextmanager
    def writer_lock(self, *, wait: bool = True) -> Iterator[bool]:
        """Hold the home's writer lock so that two loads never interleave their key checks.

        With wait=False it does not wait: it yields False at once when another load holds the lock.
        """
        self.settings.home_dir.mkdir(parents=True, exist_ok=True)
        with (self.settings.home_dir / "writer.lock").open("w") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                yield False
                return
            try:
                yield True
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """Yield a session for reads that need no snapshot across their statements (a list page and its total).

        Its connection is in autocommit: no BEGIN before the first statement and no ROLLBACK after the last, two
        of a short read's few round trips to PostgreSQL. Nothing written through it is held back for a commit.
        Reading inside a reading (a page's rows, its months and its registers) gets the outer one's session: one
        pool checkout and its ping for the page, not one for each read.
        """
        current = _READING.get()
        if current is not None and current[0] is self:
            yield current[1]
            return
        with (
            self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection,
            self.factory(bind=connection) as session,
        ):
            token = _READING.set((self, session))
            try:
                yield session
            finally:
                _READING.reset(token)

    def calendar(self) -> WorkingCalendar:
        """Return the working-day calendar with the settings' holiday file, read anew so an edit counts at once."""
        return WorkingCalendar.from_file(self.settings.holiday_file)

    def close(self) -> None:
        """Release the connections."""
        self.engine.dispose()


def open_store(settings: Settings, *, migrate: bool = True, role: Role = "cli") -> Store:
    """Open storage under the settings' home, migrating the relational store to the newest revision."""
    engine = make_engine(settings, role=role)
    if migrate:
        upgrade(engine)
        # This month's and next month's alert partitions exist before any stream writes to them.
        ensure_alert_partitions(engine, months_ahead(datetime.now(UTC), 1))
    lake = Lake(settings.lake_dir, settings.staging_dir)
    return Store(settings=settings, engine=engine, factory=make_session_factory(engine, settings), lake=lake)
