"""Monthly partitions of the alerts table on PostgreSQL (SQLite keeps one plain table)."""

from __future__ import annotations

import re
import threading
import weakref
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, text

from cbec.core.clock import month_key
from cbec.core.months import check_month, months_between, shift_month

DEFAULT_PARTITION = "alerts_default"

# Months whose partition an engine has already made sure of, so a stream's batches cost no round trip.
_known: weakref.WeakKeyDictionary[Engine, set[str]] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


@dataclass(frozen=True)
class Partition:
    """One partition of the alerts table: its name, the month it holds (None: the default) and its rows."""

    name: str
    month: str | None
    rows: int


def partition_name(month: str) -> str:
    """Return the partition that holds a month's alerts, e.g. `alerts_2026_10`."""
    return "alerts_" + check_month(month).replace("-", "_")


def months_ahead(now: datetime, count: int) -> list[str]:
    """Return the month of `now` and the `count` months after it."""
    first = month_key(now)
    return months_between(first, shift_month(first, count))


def ensure_alert_partitions(engine: Engine, months: Iterable[str]) -> list[str]:
    """Create the months' partitions that do not exist yet (PostgreSQL only); return the partitions used.

    Runs in its own short transaction: call it before, not inside, the transaction that writes the alerts.
    A month whose rows already sit in the default partition keeps using it (see docs/storage.md).
    """
    wanted = sorted(set(months))
    for month in wanted:
        partition_name(month)  # refuse a malformed month before it reaches SQL
    if engine.dialect.name != "postgresql" or not wanted:
        return []
    with _lock:
        known = _known.setdefault(engine, set())
        missing = [m for m in wanted if m not in known]
    if not missing:
        return [partition_name(m) for m in wanted]
    used: list[str] = []
    with engine.begin() as connection:
        for month in missing:
            used.append(str(connection.scalar(text("SELECT cbec_alert_partition(:m)"), {"m": month})))
    with _lock:
        known.update(m for m, name in zip(missing, used, strict=True) if name != DEFAULT_PARTITION)
    return [partition_name(m) for m in wanted if m not in missing] + used


def alert_partitions(engine: Engine) -> list[Partition]:
    """List the alerts table's partitions with their month and row count (empty on SQLite)."""
    if engine.dialect.name != "postgresql":
        return []
    query = text(
        """
        SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) AS bound
        FROM pg_inherits i
        JOIN pg_class c ON c.oid = i.inhrelid
        JOIN pg_class p ON p.oid = i.inhparent
        WHERE p.oid = to_regclass('alerts')
        ORDER BY c.relname
        """
    )
    found = []
    with engine.connect() as connection:
        for name, bound in connection.execute(query):
            month = re.search(r"'(\d{4}-\d{2})'", bound)
            rows = connection.scalar(text(f'SELECT count(*) FROM "{name}"'))
            found.append(Partition(name=name, month=month.group(1) if month else None, rows=int(rows or 0)))
    return found
