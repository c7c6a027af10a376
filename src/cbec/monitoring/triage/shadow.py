"""A candidate weight version in shadow beside the live one: what it would add to and remove from a month's queue.

The month's triage kept every scored payment's signals in the lake (payment_triage/month=M/triage.parquet, with
the live run's config `version/profile`). The candidate's profile of the same name scores those very signals;
the payments at or above its threshold are its queue. The live queue is the month's review items as they are.
Precision of each is counted on the items analysts have dispositioned (triage/feedback.py's labels): a
candidate cannot be judged on items nobody has seen, so added items are reported apart, as work it would add.
Nothing is written: the live queue and the published weights stay as they are (publishing is triage/publish.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy import select

from cbec.monitoring.triage.config import load_config, parse_text
from cbec.monitoring.triage.domain import SIGNALS, TriageConfig, combine
from cbec.monitoring.triage.feedback import LABEL_OF, precision_figures
from cbec.monitoring.triage.models import ReviewItem
from cbec.storage.store import Store

SAMPLE = 20  # payments of the added and removed listed by name
Key = tuple[str, str]


def evidence_path(lake_root: Path, month: str) -> Path:
    """Return where a month's triage kept its scored payments' signals (triage/run.py writes it)."""
    return lake_root / "payment_triage" / f"month={month}" / "triage.parquet"


def _precision(keys: set[Key], judged: dict[Key, int]) -> dict[str, Any]:
    seen = [judged[k] for k in keys if k in judged]
    return precision_figures(sum(seen), len(seen))


def _candidate_queue(table: pa.Table, candidate: TriageConfig) -> tuple[set[Key], str, float, str]:
    """Return the candidate's queue over the kept signals, its config name, threshold and the live config name."""
    live = str(table.column("config")[0].as_py()) if table.num_rows else ""
    profile_name = live.rpartition("/")[2] or "with_model"
    profile = candidate.profiles[profile_name]
    signals = np.column_stack([np.asarray(table.column(s).to_numpy(), dtype=np.float64) for s in SIGNALS])
    scores, _ = combine(signals.reshape(table.num_rows, len(SIGNALS)), profile)
    passing = table.take(pa.array(np.flatnonzero(scores >= profile.threshold), pa.int64()))
    keys = set(zip(passing.column("institution_id").to_pylist(), passing.column("payment_id").to_pylist(), strict=True))
    return keys, f"{candidate.version}/{profile.name}", profile.threshold, live


def shadow_month(*, store: Store, month: str, weights: Path) -> dict[str, Any]:
    """Score a month's kept evidence with a candidate weights file; compare its queue with the live one."""
    return _shadow(store, month, load_config(weights))


def shadow_text(*, store: Store, month: str, text: str, source: str) -> dict[str, Any]:
    """Score a month's kept evidence with a candidate weights document (YAML or JSON text; `source` names it)."""
    return _shadow(store, month, parse_text(text, source))


def _shadow(store: Store, month: str, candidate: TriageConfig) -> dict[str, Any]:
    """Compare the candidate's queue over the month's kept evidence with the live one. Writes nothing."""
    path = evidence_path(store.lake.root, month)
    if not path.exists():
        raise ValueError(
            f"{month}: 本月尚无分诊证据，请先运行 cbec monitor run / no triage evidence kept for the month: "
            "run `cbec monitor run` first"
        )
    columns = ["institution_id", "payment_id", "config", *SIGNALS]
    table = pq.read_table(path, columns=columns)
    shadow, candidate_config, threshold, live_config = _candidate_queue(table, candidate)
    query = select(ReviewItem.institution_id, ReviewItem.payment_id, ReviewItem.state, ReviewItem.disposition)
    with store.factory() as session:
        rows = session.execute(query.where(ReviewItem.month == month)).all()
    live = {(i, p) for i, p, _, _ in rows}
    judged = {(i, p): LABEL_OF[d] for i, p, state, d in rows if state == "closed" and d is not None}
    added, removed = sorted(shadow - live), sorted(live - shadow)
    return {
        "month": month,
        "scored": table.num_rows,
        "live": {"config": live_config, "items": len(live), **_precision(live, judged)},
        "candidate": {
            "config": candidate_config,
            "threshold": threshold,
            "items": len(shadow),
            **_precision(shadow, judged),
        },
        "added": len(added),
        "removed": len(removed),
        "kept": len(live & shadow),
        "removed_true_positives": sum(judged.get(k, 0) for k in removed),
        "removed_not_suspicious": sum(1 for k in removed if judged.get(k) == 0),
        "added_sample": [f"{i}/{p}" for i, p in added[:SAMPLE]],
        "removed_sample": [f"{i}/{p}" for i, p in removed[:SAMPLE]],
    }
