"""Pool settings reach the PostgreSQL engine: role defaults, CBEC_DB_POOL_* overrides."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import QueuePool, text

from cbec.config import Settings
from cbec.storage.engine import make_engine, pool_settings


def test_roles_get_their_default_pools_and_the_settings_override_them(tmp_path: Path) -> None:
    url = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    plain = Settings(home=tmp_path, database_url=url)
    assert (pool_settings(plain, "api").size, pool_settings(plain, "api").max_overflow) == (10, 20)
    assert (pool_settings(plain, "cli").size, pool_settings(plain, "cli").max_overflow) == (2, 3)
    tuned = Settings(
        home=tmp_path,
        database_url=url,
        db_pool_size=7,
        db_pool_max_overflow=1,
        db_pool_timeout=4.5,
        db_pool_recycle=600,
        db_pool_pre_ping=False,
    )
    pool = make_engine(tuned, role="api").pool
    assert isinstance(pool, QueuePool)
    assert (pool.size(), pool._max_overflow, pool._timeout, pool._recycle, pool._pre_ping) == (
        7,
        1,
        4.5,
        600,
        False,
    )


def test_pool_settings_come_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CBEC_DB_POOL_SIZE", "3")
    monkeypatch.setenv("CBEC_DB_POOL_RECYCLE", "-1")
    settings = Settings(home=tmp_path, database_url="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    pool = make_engine(settings, role="api").pool
    assert isinstance(pool, QueuePool)
    assert (pool.size(), pool._max_overflow, pool._recycle) == (3, 20, -1)


def test_a_pool_size_below_one_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="db_pool_size"):
        Settings(home=tmp_path, db_pool_size=0)


def test_connections_name_their_role_on_the_server(postgres_database: str, tmp_path: Path) -> None:
    engine = make_engine(Settings(home=tmp_path, database_url=postgres_database), role="api")
    with engine.connect() as connection:
        assert connection.scalar(text("SHOW application_name")) == "cbec-api"
    engine.dispose()
