"""Publishing a triage weight version: the one audited step that makes candidate weights the live ones.

The live weights are CBEC_HOME/triage/weights.yaml once a version is published, the shipped weights.yaml before.
A candidate is checked whole (config.py), must carry a version other than the live one (a version names one set
of numbers), and replaces the live file atomically in the same transaction as its audit entry: the entry says who,
why, and both versions with their files' SHA-256. Every published file is kept under triage/published/ as well.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cbec.audit import service as audit
from cbec.monitoring.triage.config import SHIPPED_WEIGHTS, load_config, parse_text
from cbec.storage.engine import transaction
from cbec.storage.store import Store


def published_path(store: Store) -> Path:
    """Return where the published weights live (the file may not exist yet)."""
    return store.settings.home_dir / "triage" / "weights.yaml"


def live_weights(store: Store) -> Path:
    """Return the weights triage runs with: the published file, else the shipped one."""
    published = published_path(store)
    return published if published.exists() else SHIPPED_WEIGHTS


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def publish_weights(*, store: Store, weights: Path, actor: str, reason: str, now: datetime) -> dict[str, Any]:
    """Make the weights file `weights` the live triage configuration, audited; return the versions before and after."""
    text = weights.read_text(encoding="utf-8")
    return publish_text(store=store, text=text, source=str(weights), actor=actor, reason=reason, now=now)


def publish_text(
    *, store: Store, text: str, source: str, actor: str, reason: str, now: datetime | None = None
) -> dict[str, Any]:
    """Make a weights document (YAML text; `source` names where it came from) the live configuration, audited."""
    now = now or datetime.now(UTC)
    if not reason.strip():
        raise ValueError("发布须说明理由 / publishing needs a reason (the shadow run's figures, say)")
    candidate = parse_text(text, source)
    current_path = live_weights(store)
    current = load_config(current_path)
    if candidate.version == current.version:
        raise ValueError(
            f"版本 {candidate.version} 已在使用 / version {candidate.version} is already live: "
            "give the new weights a new version"
        )
    target = published_path(store)
    kept = target.parent / "published" / f"{re.sub(r'[^A-Za-z0-9._-]', '_', candidate.version)}.yaml"
    kept.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(".weights.yaml.tmp")
    tmp.write_text(text, encoding="utf-8")
    before = {"version": current.version, "sha256": _sha256(current_path.read_text(encoding="utf-8"))}
    after = {"version": candidate.version, "sha256": _sha256(text), "source": source, "reason": reason}
    what = {"action": "triage.publish", "entity": "triage_config", "entity_id": candidate.version}
    try:
        with transaction(store.factory) as session:
            audit.record(session, actor=actor, before=before, after=after, now=now, **what)
            kept.write_text(text, encoding="utf-8")
            tmp.replace(target)  # last: a failure before it rolls the audit entry back with it
    finally:
        tmp.unlink(missing_ok=True)
    return {"before": before, "after": after, "path": str(target)}
