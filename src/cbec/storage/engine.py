"""Engine and session for the relational store (SQLite embedded, PostgreSQL in production)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import Engine, ExceptionContext, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from cbec.config import Settings

Role = Literal["api", "cli"]


@dataclass(frozen=True)
class PoolSettings:
    """How many PostgreSQL connections an engine keeps and how it checks and renews them."""

    size: int
    max_overflow: int
    timeout: float
    recycle: int
    pre_ping: bool


# The API serves requests from a thread pool, so it keeps more connections; a CLI command is one thread.
ROLE_DEFAULTS: dict[Role, tuple[int, int]] = {"api": (10, 20), "cli": (2, 3)}


def pool_settings(settings: Settings, role: Role = "cli") -> PoolSettings:
    """Return the pool a role gets: the role's default size and overflow unless CBEC_DB_POOL_* say otherwise."""
    size, overflow = ROLE_DEFAULTS[role]
    return PoolSettings(
        size=settings.db_pool_size if settings.db_pool_size is not None else size,
        max_overflow=settings.db_pool_max_overflow if settings.db_pool_max_overflow is not None else overflow,
        timeout=settings.db_pool_timeout,
        recycle=settings.db_pool_recycle,
        pre_ping=settings.db_pool_pre_ping,
    )


def make_engine(settings: Settings, *, role: Role = "cli") -> Engine:
    """Create the engine that the settings point at, making the home folder first."""
    url = settings.sqlalchemy_url
    if url.startswith("sqlite"):
        settings.home_dir.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    pool = pool_settings(settings, role)
    engine = create_engine(
        url,
        pool_size=pool.size,
        max_overflow=pool.max_overflow,
        pool_timeout=pool.timeout,
        pool_recycle=pool.recycle,
        pool_pre_ping=pool.pre_ping,
        pool_use_lifo=True,  # idle connections beyond the busy few age out and get recycled
        connect_args={"application_name": f"cbec-{role}"},
    )
    event.listen(engine, "handle_error", _refuse_nul)
    return engine


class TextRefused(ValueError):
    """Text the store cannot hold: refused as bad input (the transaction rolls back, nothing is written)."""


def _refuse_nul(context: ExceptionContext) -> None:
    """Turn PostgreSQL's refusal of a NUL character in text (SQLite keeps it) into a clear input error."""
    if "cannot contain NUL (0x00)" in str(context.original_exception):
        raise TextRefused(
            "文本不能包含 NUL (0x00) 字符 / text must not contain NUL (0x00) characters"
        ) from context.original_exception


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """Turn on WAL and foreign keys for every SQLite connection."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_session_factory(engine: Engine, settings: Settings | None = None) -> sessionmaker[Session]:
    """Return a session factory bound to the engine; its sessions carry the settings in `info["settings"]`."""
    return sessionmaker(bind=engine, expire_on_commit=False, info={"settings": settings} if settings else None)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """Run one unit of work: commit on success, roll back on any error."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
