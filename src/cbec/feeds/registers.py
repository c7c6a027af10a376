"""The registers as they stand: their current rows, and the names and columns pages read on every request, kept
per process until the register's next load finishes."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from datetime import datetime
from types import MappingProxyType
from typing import Any, TypeVar, cast
from weakref import WeakKeyDictionary

from sqlalchemy import Connection, Engine, Select, func, literal, select, union_all

from cbec.feeds.catalog import get_feed
from cbec.feeds.models import REGISTER_TABLES, IngestBatch
from cbec.storage.store import Store


def register_rows(*, store: Store, feed: str) -> list[dict[str, Any]]:
    """Return the current rows of a register feed (its contract columns) as dicts."""
    spec = get_feed(feed)
    if spec.sink != "db":
        raise ValueError(f"{feed} is kept in the lake, not in a register table")
    table = REGISTER_TABLES[spec.name]
    columns = [table.c[c.name] for c in spec.columns]
    with store.factory() as session:
        return [dict(row._mapping) for row in session.execute(select(*columns).where(table.c.is_current))]


def register_names(*, store: Store, feed: str) -> Mapping[str, tuple[str, str]]:
    """Return each current row's key → (Chinese name, English name), for putting names beside codes on pages.

    A register without an English name (institutions) gives its one name for both.
    """
    return registers_names(store=store, feeds=(feed,))[feed]


Names = dict[str, Mapping[str, tuple[str, str]]]
Kept = TypeVar("Kept")
# engine -> what was read from registers (see _kept) -> (the loads' stamp when it was read, what was read).
_KEPT: WeakKeyDictionary[Engine, dict[Hashable, tuple[tuple[Any, ...], Any]]] = WeakKeyDictionary()


def _kept(store: Store, key: Hashable, feeds: tuple[str, ...], read: Callable[[Connection], Kept]) -> Kept:
    """Return what `read` reads from these feeds' registers, read again only when one of their loads finished.

    Pages put names beside codes and place enterprises in cities on every request, and a province's registers
    hold tens of thousands of enterprises. So this process keeps what it read, per engine, with the stamp of the
    loads it came from (`_loads_stamp`): a call reads the stamp (one aggregate over those feeds' loads) and reads
    the registers again only when it changed. What is kept is shared: `read` returns it read-only.
    """
    with store.reading() as session:
        connection = session.connection()
        stamp = tuple(connection.execute(_loads_stamp(feeds)).one())
        kept = _KEPT.setdefault(store.engine, {}).get(key)
        if kept is not None and kept[0] == stamp:
            return cast(Kept, kept[1])
        value = read(connection)
    _KEPT[store.engine][key] = (stamp, value)
    return value


def registers_names(*, store: Store, feeds: Iterable[str]) -> Names:
    """Return register_names of each feed, read in one statement (a page asks for three registers: one round trip
    on an autocommit connection, instead of a session, its BEGIN and ROLLBACK, and a statement for each), and kept
    until one of their loads finishes (`_kept`). The mappings are shared and read-only."""
    wanted = tuple(dict.fromkeys(feeds))
    if not wanted:
        return {}

    def read(connection: Connection) -> Names:
        names: dict[str, dict[str, tuple[str, str]]] = {feed: {} for feed in wanted}
        for feed, key, zh, en in connection.execute(union_all(*(_names(feed) for feed in wanted))):
            names[feed][str(key)] = (str(zh), str(en or zh))
        return {feed: MappingProxyType(rows) for feed, rows in names.items()}

    return dict(_kept(store, ("names", wanted), wanted, read))


def register_column(*, store: Store, feed: str, column: str) -> Mapping[str, Any]:
    """Return one column of a register's current rows by their key (a one-column key), kept until the register's
    next load finishes (`_kept`): for example each enterprise's city. The mapping is shared and read-only."""
    spec = get_feed(feed)
    if spec.sink != "db" or len(spec.key) != 1:
        raise ValueError(f"{feed} is not a register with a one-column key")
    table = REGISTER_TABLES[spec.name]

    def read(connection: Connection) -> Mapping[str, Any]:
        rows = connection.execute(select(table.c[spec.key[0]], table.c[column]).where(table.c.is_current))
        return MappingProxyType({str(key): value for key, value in rows})

    return _kept(store, ("column", feed, column), (feed,), read)


def _loads_stamp(feeds: Sequence[str]) -> Select[int, int, datetime | None]:
    """Select what changes whenever a register of these feeds can have changed: a register's rows are written only
    in the transaction that finishes its load (sets finished_at), and loads are never deleted. So the number of
    finished loads, the newest load and the last finish time together move with every change."""
    return select(
        func.count(IngestBatch.finished_at), func.max(IngestBatch.id), func.max(IngestBatch.finished_at)
    ).where(IngestBatch.feed.in_(feeds))


def _names(feed: str) -> Select[Any]:
    """Select a register's current rows as (feed, key, Chinese name, English name or the one name)."""
    spec = get_feed(feed)
    table = REGISTER_TABLES[spec.name]
    english = table.c["name_en"] if "name_en" in table.c else table.c["name"]
    return select(
        literal(feed).label("feed"),
        table.c[spec.key[0]].label("key"),
        table.c["name"].label("name"),
        english.label("name_en"),
    ).where(table.c.is_current)


def register_row(*, store: Store, feed: str, key: dict[str, str]) -> dict[str, object] | None:
    """Return the current row of a register (enterprises, institutions, ...) with the given key, or None."""
    table = REGISTER_TABLES[feed]
    query = select(table).where(table.c.is_current.is_(True), *(table.c[name] == value for name, value in key.items()))
    with store.factory() as session:
        row = session.execute(query).mappings().first()
    return dict(row) if row is not None else None
