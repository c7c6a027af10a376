"""What entry points and other contexts call to load feeds and look at what was loaded."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

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
from cbec.feeds.registers import register_column as register_column
from cbec.feeds.registers import register_names as register_names
from cbec.feeds.registers import register_row as register_row
from cbec.feeds.registers import register_rows as register_rows
from cbec.feeds.registers import registers_names as registers_names
from cbec.feeds.schemas import LoadReport, QuarantineRead
from cbec.storage.engine import transaction
from cbec.storage.files import sha256_of
from cbec.storage.lake import connect, read_view_sql
from cbec.storage.store import Store


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
