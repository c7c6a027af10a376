"""What the `cbec db` commands call: migrate the relational store, tell its revision, keep the alerts' partitions."""

from __future__ import annotations

from datetime import datetime

from cbec.config import Settings
from cbec.storage.engine import make_engine
from cbec.storage.migrate import current_revision, upgrade
from cbec.storage.partitions import Partition, alert_partitions, ensure_alert_partitions, months_ahead
from cbec.storage.store import Store


def migrate(*, settings: Settings, revision: str = "head") -> tuple[str | None, str]:
    """Migrate the relational store to a revision (the newest by default); return the revision it is at and where."""
    engine = make_engine(settings)
    try:
        upgrade(engine, revision)
        return current_revision(engine), engine.url.render_as_string()
    finally:
        engine.dispose()


def revision(*, settings: Settings) -> str | None:
    """Return the revision the relational store is at, or None when it was never migrated."""
    engine = make_engine(settings)
    try:
        return current_revision(engine)
    finally:
        engine.dispose()


def partitioned(*, store: Store) -> bool:
    """Tell whether the store keeps alerts in monthly partitions (PostgreSQL; SQLite keeps one table)."""
    return store.engine.dialect.name == "postgresql"


def keep_alert_partitions(*, store: Store, now: datetime, ahead: int) -> list[Partition]:
    """Create the alerts' partitions up to `ahead` months after now's month and return every partition."""
    ensure_alert_partitions(store.engine, months_ahead(now, ahead))
    return alert_partitions(store.engine)
