"""One batch: read a file in chunks, validate, de-duplicate by key, stage, commit, publish."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from cbec.audit import service as audit
from cbec.config import Settings
from cbec.feeds.models import IngestBatch, QuarantinedRow
from cbec.feeds.pseudonym import PersonalGuard, pseudonymise
from cbec.feeds.quarantine import QuarantineBuffer
from cbec.feeds.readers import FileRejected, detect_format, read_chunks
from cbec.feeds.readers.base import ReadInfo
from cbec.feeds.schemas import LoadReport
from cbec.feeds.sinks import LakeSink, RegisterSink, Sink
from cbec.feeds.spec import FeedSpec
from cbec.feeds.validation import RowError, prepare_connection, validate
from cbec.feeds.versioning import classify
from cbec.storage.engine import transaction
from cbec.storage.files import sha256_of
from cbec.storage.lake import Lake, connect

Progress = Callable[[int], None]


def _open_batch(factory: sessionmaker[Session], spec: FeedSpec, path: Path, fmt: str, checksum: str) -> int:
    with transaction(factory) as session:
        batch = IngestBatch(
            feed=spec.name,
            source=str(path),
            checksum=checksum,
            file_format=fmt,
            status="running",
            started_at=datetime.now(UTC),
            errors_by_rule={},
            warnings=[],
        )
        session.add(batch)
        session.flush()
        return batch.id


def load_file(
    *,
    settings: Settings,
    factory: sessionmaker[Session],
    lake: Lake,
    spec: FeedSpec,
    path: Path,
    file_format: str | None = None,
    progress: Progress | None = None,
    actor: str = "system",
) -> LoadReport:
    """Load one file as one batch and return its accounting."""
    fmt = file_format or detect_format(path)
    checksum = sha256_of(path)
    batch_id = _open_batch(factory, spec, path, fmt, checksum)
    report = LoadReport(
        feed=spec.name, source=str(path), batch_id=batch_id, status="committed", file_format=fmt, checksum=checksum
    )
    quarantine = QuarantineBuffer(spec.name, path.name, guard=PersonalGuard.of(spec, settings))
    info = ReadInfo(file_format=fmt)
    con = connect(settings.timezone)
    prepare_connection(con, settings.timezone)
    with factory() as read_session:
        sink: Sink = (
            LakeSink(spec, lake, batch_id, con)
            if spec.sink == "lake"
            else RegisterSink(spec, read_session, batch_id, con)
        )
    try:
        chunks = read_chunks(
            path, fmt, info, chunk_rows=settings.ingest_chunk_rows, xml_max_bytes=settings.xml_max_bytes
        )
        for chunk_no, chunk in enumerate(chunks):
            if chunk_no == 0:
                _refuse_missing_columns(spec, chunk.table.column_names)
            report.read += chunk.read
            for problem in chunk.problems:
                quarantine.add_problem(problem)
            checked = validate(con, spec, chunk, settings.timezone)
            pseudonymise(con, spec, settings)  # personal columns never reach the lake as given
            bad = zip(checked.bad_lines, checked.bad_errors, checked.bad_raw, checked.bad_values, strict=True)
            for line, errors, raw, values in bad:
                quarantine.add_row(line, errors, raw, values)
            sink.load_existing()
            result = classify(con, spec, batch_id)
            _quarantine_conflicts(quarantine, chunk.lines, chunk.raw, chunk.table, result.conflicts, spec)
            if result.accepted:
                sink.stage(chunk_no)
            report.accepted += result.accepted
            report.duplicate += result.duplicates
            report.new_versions += result.new_versions
            if progress:
                progress(chunk.read)
    except FileRejected as rejected:
        report.status, report.reason = "rejected", f"{rejected.rule}: {rejected.detail}"
        quarantine.add_file(rejected.rule, rejected.detail, rejected.raw, checksum)
    finally:
        con.close()
    report.encoding = info.encoding
    report.errors_by_rule = dict(sorted(quarantine.by_rule.items()))
    report.warnings = _warnings(spec, info, report)
    lake.sync(batch_id)  # staged files are on disk before the commit that makes them part of the store
    with transaction(factory) as session:
        # A bad row already quarantined by an earlier load of the same data is a duplicate, not new.
        repeated = quarantine.drop_known(_known_hashes(session, spec.name, quarantine))
        report.quarantined = quarantine.row_count
        report.duplicate += repeated
        if not report.balanced:
            raise AssertionError(f"row accounting broken for {path}: {report}")
        session.bulk_insert_mappings(QuarantinedRow, [dict(r, batch_id=batch_id) for r in quarantine.records])
        sink.commit(session)
        batch = session.get_one(IngestBatch, batch_id)
        batch.status, batch.encoding, batch.finished_at = report.status, report.encoding, datetime.now(UTC)
        batch.rows_read, batch.rows_accepted = report.read, report.accepted
        batch.rows_quarantined, batch.rows_duplicate = report.quarantined, report.duplicate
        batch.rows_new_version = report.new_versions
        batch.errors_by_rule, batch.warnings = report.errors_by_rule, report.warnings
        audit.record(
            session,
            actor=actor,
            action=f"ingest.{report.status}",
            entity="ingest_batch",
            entity_id=batch_id,
            before={"status": "running"},
            after={
                "feed": spec.name,
                "source": str(path),
                "status": report.status,
                "read": report.read,
                "accepted": report.accepted,
                "quarantined": report.quarantined,
                "duplicate": report.duplicate,
                "new_versions": report.new_versions,
            },
        )
    lake.publish(batch_id)
    return report


def _refuse_missing_columns(spec: FeedSpec, present: list[str]) -> None:
    """Refuse a file whose first rows (a CSV's header) lack a required column: every row would break the contract."""
    missing = [c.name for c in spec.columns if c.required and c.name not in present]
    if missing:
        raise FileRejected("missing_column", f"required columns missing from the file: {', '.join(missing)}")


def _known_hashes(session: Session, feed: str, quarantine: QuarantineBuffer) -> set[str]:
    """Return which of the buffer's raw hashes are already in quarantine for this feed."""
    hashes = sorted({r["raw_hash"] for r in quarantine.records})
    known: set[str] = set()
    for start in range(0, len(hashes), 500):
        part = hashes[start : start + 500]
        query = select(QuarantinedRow.raw_hash).where(QuarantinedRow.feed == feed, QuarantinedRow.raw_hash.in_(part))
        known.update(session.scalars(query))
    return known


def _quarantine_conflicts(
    quarantine: QuarantineBuffer,
    lines: pa.Array,
    raw: pa.Array | None,
    table: pa.Table,
    conflicts: pa.Table,
    spec: FeedSpec,
) -> None:
    """Quarantine later rows that repeat a key of this file with different content."""
    for row in conflicts.to_pylist():
        index = row["_row"]
        key = ", ".join(f"{k}={row[k]}" for k in spec.key)
        values = table.slice(index, 1).to_pylist()[0]
        text = str(raw[index]) if raw is not None else str(values)
        quarantine.add_row(int(lines[index].as_py()), [RowError(spec.key[0], "duplicate_key", key)], text, values)


def _warnings(spec: FeedSpec, info: ReadInfo, report: LoadReport) -> list[str]:
    """Say what a person should know about the file as a whole."""
    notes = []
    extras = [c for c in info.columns if c not in spec.column_index]
    if extras:
        notes.append(f"extra columns kept / 保留额外列: {', '.join(extras)}")
    if report.status == "committed" and report.read == 0:
        notes.append("header only, no data rows / 仅有表头,无数据行")
    if info.encoding and info.encoding not in ("utf-8", "utf-8-sig"):
        notes.append(f"encoding detected / 检测到编码: {info.encoding}")
    return notes
