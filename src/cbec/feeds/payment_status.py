"""pacs.002 payment status reports kept beside the payments: load (idempotent) and the settlements they prove.

A status row is keyed by its message id and its place in the message, so loading a file twice adds nothing.
The read side gets one row per settled payment: when its pacs.008 was created (the original creation time the
pacs.002 carries) and the first ACSC/ACCC status time.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pyarrow as pa
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from cbec.audit import service as audit
from cbec.feeds.models import PaymentStatusReport
from cbec.feeds.readers.base import FileRejected
from cbec.feeds.readers.pacs002_reader import SETTLED, read_pacs002
from cbec.storage.engine import transaction


def load_status_file(
    factory: sessionmaker[Session], path: Path, *, max_bytes: int, actor: str, now: datetime
) -> dict[str, int | str]:
    """Store every status of a pacs.002 file (with its problem, if any); return the counts."""
    with path.open("rb") as handle:
        data = handle.read(max_bytes + 1)
    msg_id, rows = read_pacs002(data, max_bytes)
    with transaction(factory) as session:
        known = set(session.scalars(select(PaymentStatusReport.tx_index).where(PaymentStatusReport.msg_id == msg_id)))
        new = [r for r in rows if r["tx_index"] not in known]
        for row in new:
            session.add(PaymentStatusReport(msg_id=msg_id, source=str(path)[:1000], loaded_at=now, **row))
        counts: dict[str, int | str] = {
            "msg_id": msg_id,
            "read": len(rows),
            "stored": sum(1 for r in new if r["problem"] is None),
            "quarantined": sum(1 for r in new if r["problem"] is not None),
            "already_loaded": len(rows) - len(new),
            "settled": sum(1 for r in new if r["problem"] is None and r["status"] in SETTLED),
        }
        audit.record(
            session,
            actor=actor,
            action="payment_status.load",
            entity="pacs002",
            entity_id=msg_id,
            after=dict(counts) | {"source": str(path)},
            now=now,
        )
    return counts


def settlements(session: Session) -> pa.Table:
    """Return per payment the pacs.008 creation time and the first settling pacs.002 time (ACSC/ACCC)."""
    rows = session.execute(
        select(
            PaymentStatusReport.payment_id,
            func.min(PaymentStatusReport.original_created_at),
            func.min(PaymentStatusReport.status_at),
        )
        .where(PaymentStatusReport.problem.is_(None), PaymentStatusReport.status.in_(SETTLED))
        .group_by(PaymentStatusReport.payment_id)
    ).all()
    return pa.table(
        {
            "payment_id": pa.array([r[0] for r in rows], pa.string()),
            "message_created_at": pa.array([r[1] for r in rows], pa.timestamp("us", "UTC")),
            "settled_at": pa.array([r[2] for r in rows], pa.timestamp("us", "UTC")),
        }
    )


__all__ = ["SETTLED", "FileRejected", "load_status_file", "settlements"]
