"""What entry points and other contexts call to load feeds and look at what was loaded."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, TypeVar, cast
from weakref import WeakKeyDictionary

from sqlalchemy import Connection, Engine, Select, func, literal, select, union_all

from cbec.audit import service as audit
from cbec.config import Settings
from cbec.feeds.catalog import FEEDS, get_feed
from cbec.feeds.loader import load_file
from cbec.feeds.models import REGISTER_TABLES, IngestBatch, QuarantinedRow
from cbec.feeds.payment_status import load_status_file
from cbec.feeds.pseudonym import pseudonym_key
from cbec.feeds.read_side import lake_views as lake_views
from cbec.feeds.read_side import one_read_side as one_read_side
from cbec.feeds.read_side import read_side as read_side
from cbec.feeds.read_side import spark_read_side as spark_read_side
from cbec.feeds.readers import FileRejected as FileRejected  # a file whose format cannot even be named
from cbec.feeds.schemas import LoadReport, QuarantineRead
from cbec.storage.engine import transaction
from cbec.storage.files import sha256_of
from cbec.storage.lake import connect, read_view_sql
from cbec.storage.store import Store

if TYPE_CHECKING:
    pass


def feed_names() -> list[str]:
    """Return the name of every feed of the data standard, in the catalogue's order."""
    return list(FEEDS)


def load_order() -> list[str]:
    """Return the feeds in the order a whole month loads: the registers (kept in tables) first, then the lake's."""
    return [spec.name for spec in sorted(FEEDS.values(), key=lambda spec: spec.sink != "db")]


def feed_columns() -> dict[str, tuple[str, ...]]:
    """Return each feed's columns in the contract's order."""
    return {name: spec.names for name, spec in FEEDS.items()}


def feed_choices(feed: str, column: str) -> tuple[str, ...]:
    """Return the values an enumerated column of a feed allows (empty for a free column)."""
    return get_feed(feed).column_index[column].choices


def feed_keys() -> dict[str, tuple[str, ...]]:
    """Return each feed's key columns: what makes two rows the same row (a new version of it, or a duplicate)."""
    return {name: spec.key for name, spec in FEEDS.items()}


def prepare_pseudonym_key(*, settings: Settings) -> None:
    """Make sure the home's pseudonymisation key exists (written once; every later load keys with it)."""
    pseudonym_key(settings)


def recover(*, store: Store) -> dict[str, list[int]]:
    """Finish or undo what a killed load left: publish committed batches, discard running ones."""
    done: dict[str, list[int]] = {"published": [], "discarded": []}
    with transaction(store.factory) as session:
        running = session.scalars(select(IngestBatch).where(IngestBatch.status == "running")).all()
        for batch in running:
            store.lake.discard(batch.id)
            batch.status = "aborted"
            done["discarded"].append(batch.id)
            audit.record(
                session,
                actor="system",
                action="ingest.aborted",
                entity="ingest_batch",
                entity_id=batch.id,
                before={"status": "running"},
                after={"status": "aborted", "reason": "the load stopped before its commit"},
            )
        for batch_id in store.lake.staged_batches():
            staged = session.get(IngestBatch, batch_id)
            if staged is not None and staged.status in ("committed", "rejected"):
                files = store.lake.publish(batch_id)
                done["published"].append(batch_id)
                audit.record(
                    session,
                    actor="system",
                    action="ingest.published",
                    entity="ingest_batch",
                    entity_id=batch_id,
                    before={"status": staged.status, "published": False},
                    after={"status": staged.status, "published": True, "files": files},
                )
            elif staged is None or staged.status == "aborted":
                store.lake.discard(batch_id)
                done["discarded"].append(batch_id)
    return done


def recover_if_idle(*, store: Store) -> dict[str, list[int]] | None:
    """Finish what a killed load left, unless a load runs now (it recovers first itself); None when one does.

    Readers of the lake call this first: a load killed while publishing leaves part of a committed batch in
    staging, which no reader would see until the next load.
    """
    with store.writer_lock(wait=False) as held:
        return recover(store=store) if held else None


def ingest(
    *,
    store: Store,
    feed: str,
    paths: Sequence[Path],
    file_format: str | None = None,
    progress: Callable[[Path, int], None] | None = None,
    actor: str = "system",
) -> list[LoadReport]:
    """Load files into a feed, one batch per file, under the home's writer lock; `actor` is audited."""
    spec = get_feed(feed)
    reports = []
    with store.writer_lock():
        recover(store=store)
        for path in paths:

            def tick(rows: int, path: Path = path) -> None:
                if progress:
                    progress(path, rows)

            reports.append(
                load_file(
                    settings=store.settings,
                    factory=store.factory,
                    lake=store.lake,
                    spec=spec,
                    path=path,
                    file_format=file_format,
                    progress=tick,
                    actor=actor,
                )
            )
    return reports


def ingest_once(*, store: Store, feed: str, path: Path) -> LoadReport | None:
    """Load a file unless a committed batch of the same feed already holds its exact bytes; None when skipped."""
    checksum = sha256_of(path)
    query = select(func.count()).where(
        IngestBatch.feed == feed, IngestBatch.checksum == checksum, IngestBatch.status == "committed"
    )
    with store.factory() as session:
        if session.scalar(query):
            return None
    return ingest(store=store, feed=feed, paths=[path])[0]


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


def list_quarantine(
    *,
    store: Store,
    feed: str | None = None,
    rule: str | None = None,
    batch_id: int | None = None,
    limit: int = 50,
) -> list[QuarantineRead]:
    """Return quarantined rows, newest first, optionally for one feed, rule or batch."""
    query = select(QuarantinedRow).order_by(QuarantinedRow.id.desc()).limit(limit)
    if feed:
        query = query.where(QuarantinedRow.feed == feed)
    if rule:
        query = query.where(QuarantinedRow.rule == rule)
    if batch_id is not None:
        query = query.where(QuarantinedRow.batch_id == batch_id)
    with store.factory() as session:
        return [QuarantineRead.model_validate(row, from_attributes=True) for row in session.scalars(query)]


def get_quarantined(*, store: Store, quarantine_id: int) -> QuarantineRead | None:
    """Return one quarantined row with its raw text."""
    with store.factory() as session:
        row = session.get(QuarantinedRow, quarantine_id)
        return None if row is None else QuarantineRead.model_validate(row, from_attributes=True)


def quarantine_counts(*, store: Store) -> list[tuple[str, str, int]]:
    """Return (feed, rule, rows) for everything in quarantine."""
    query = (
        select(QuarantinedRow.feed, QuarantinedRow.rule, func.count())
        .group_by(QuarantinedRow.feed, QuarantinedRow.rule)
        .order_by(QuarantinedRow.feed, QuarantinedRow.rule)
    )
    with store.factory() as session:
        return [(f, r, int(n)) for f, r, n in session.execute(query).all()]


def months_with_data(*, store: Store, feed: str = "payments") -> list[str]:
    """Return the months (YYYY-MM) a lake feed holds rows for, oldest first (read from the partition names)."""
    return sorted({path.parent.name.removeprefix("month=") for path in store.lake.files(feed)})


def feed_stats(*, store: Store) -> list[tuple[str, str, int, int]]:
    """Return (feed, month, current rows, stored versions) for every feed; registers have month '-'."""
    stats: list[tuple[str, str, int, int]] = []
    con = connect(store.settings.timezone)
    for spec in FEEDS.values():
        if spec.sink == "lake":
            files = store.lake.files(spec.name)
            if not files:
                continue
            keys = ", ".join(f'"{k}"' for k in spec.key)
            rows = con.execute(
                f"""
                SELECT month, count(*) FILTER (WHERE _latest) AS current_rows, count(*) AS versions FROM (
                    SELECT month, _version = max(_version) OVER (PARTITION BY {keys}) AS _latest
                    FROM {read_view_sql(files)}
                ) GROUP BY month ORDER BY month
                """
            ).fetchall()
            stats.extend((spec.name, str(m), int(c), int(v)) for m, c, v in rows)
        else:
            table = REGISTER_TABLES[spec.name]
            with store.factory() as session:
                current = session.scalar(select(func.count()).select_from(table).where(table.c.is_current)) or 0
                versions = session.scalar(select(func.count()).select_from(table)) or 0
            if versions:
                stats.append((spec.name, "-", int(current), int(versions)))
    con.close()
    return stats


def batches(*, store: Store, limit: int = 50) -> list[IngestBatch]:
    """Return the latest load batches."""
    with store.factory() as session:
        return list(session.scalars(select(IngestBatch).order_by(IngestBatch.id.desc()).limit(limit)))


def load_payment_status(
    *, store: Store, path: Path, actor: str = "system", now: datetime | None = None
) -> dict[str, int | str]:
    """Load a pacs.002 status report beside the payments (safely, idempotently); return the counts."""
    return load_status_file(
        store.factory, path, max_bytes=store.settings.xml_max_bytes, actor=actor, now=now or datetime.now(UTC)
    )


def register_versions(*, store: Store) -> dict[str, Counter[tuple[Any, ...]]]:
    """Return, per register, its stored rows' (key columns..., version) counted: what a kill -9 drill compares."""
    versions: dict[str, Counter[tuple[Any, ...]]] = {}
    with store.factory() as session:
        for name, table in REGISTER_TABLES.items():
            columns = [table.c[k] for k in (*FEEDS[name].key, "version")]
            versions[name] = Counter(tuple(r) for r in session.execute(select(*columns)))
    return versions


def quarantine_fingerprints(*, store: Store) -> Counter[tuple[Any, ...]]:
    """Return every quarantined row's (feed, source, line, raw hash), counted."""
    query = select(QuarantinedRow.feed, QuarantinedRow.source, QuarantinedRow.line, QuarantinedRow.raw_hash)
    with store.factory() as session:
        return Counter(tuple(r) for r in session.execute(query))


def batch_accounts(*, store: Store) -> list[tuple[str, str, int, int, int, int]]:
    """Return every batch's (file name, status, read, accepted, quarantined, duplicate), oldest first."""
    with store.factory() as session:
        return [
            (Path(b.source).name, b.status, b.rows_read, b.rows_accepted, b.rows_quarantined, b.rows_duplicate)
            for b in session.scalars(select(IngestBatch).order_by(IngestBatch.id))
        ]


def batch_receipts(*, store: Store, feed: str) -> list[tuple[int, datetime, int]]:
    """Return (batch id, received at, duplicate rows) of a feed's committed batches."""
    query = (
        select(IngestBatch.id, IngestBatch.started_at, IngestBatch.rows_duplicate)
        .where(IngestBatch.feed == feed, IngestBatch.status == "committed")
        .order_by(IngestBatch.id)
    )
    with store.factory() as session:
        return [(int(i), at, int(d)) for i, at, d in session.execute(query).all()]


def quarantined_raw(*, store: Store, feed: str, containing: str) -> list[tuple[int, int, str]]:
    """Return (id, batch id, raw text) of a feed's quarantined rows whose raw text contains a string."""
    query = (
        select(QuarantinedRow.id, QuarantinedRow.batch_id, QuarantinedRow.raw)
        .where(QuarantinedRow.feed == feed, QuarantinedRow.raw.contains(containing, autoescape=True))
        .order_by(QuarantinedRow.id)
    )
    with store.factory() as session:
        return [(int(i), int(b), r) for i, b, r in session.execute(query).all()]


def register_row(*, store: Store, feed: str, key: dict[str, str]) -> dict[str, object] | None:
    """Return the current row of a register (enterprises, institutions, ...) with the given key, or None."""
    table = REGISTER_TABLES[feed]
    query = select(table).where(table.c.is_current.is_(True), *(table.c[name] == value for name, value in key.items()))
    with store.factory() as session:
        row = session.execute(query).mappings().first()
    return dict(row) if row is not None else None
