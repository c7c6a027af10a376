"""Whoever holds the database file can rewrite the chain's rows; the key and the checkpoints outside it show it."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import text

from cbec.audit import service as audit
from cbec.audit.anchor import anchor_of
from cbec.audit.domain import entry_hash
from cbec.storage.engine import transaction
from cbec.storage.store import Store

from .test_audit_log import _changes, _unguard


def _rows(store: Store) -> list[dict[str, Any]]:
    with store.engine.connect() as connection:
        result = connection.execute(text("SELECT * FROM audit_log ORDER BY seq"))
        return [dict(row._mapping) for row in result]


def _set_head(store: Store, seq: int, digest: str) -> None:
    with store.engine.begin() as connection:
        connection.execute(text("UPDATE audit_head SET seq = :seq, hash = :hash"), {"seq": seq, "hash": digest})


def _problems(store: Store) -> list[str]:
    return [p.problem for p in audit.verify(store=store).problems]


def test_a_fresh_chain_is_keyed_and_checkpointed_after_every_commit(store: Store) -> None:
    _changes(store)
    result = audit.verify(store=store)
    assert result.ok and result.entries == 3 and result.checkpoints == 3 and result.unkeyed == 0
    assert all(row["mac"] == anchor_of(store.settings).mac(row["hash"]) for row in _rows(store))
    lines = store.settings.audit_checkpoints_file.read_text().splitlines()
    assert [json.loads(line)["seq"] for line in lines] == [1, 2, 3]


def test_a_cut_tail_with_the_head_moved_back_is_caught(store: Store) -> None:
    """The issue's attack: drop the triggers, delete the last entry, point audit_head at the one before."""
    _changes(store)
    _unguard(store)
    second = _rows(store)[1]
    with store.engine.begin() as connection:
        connection.execute(text("DELETE FROM audit_log WHERE seq = 3"))
    _set_head(store, 2, second["hash"])
    problems = _problems(store)
    assert any("a signed checkpoint reaches #3 but the chain ends at #2 (tail cut)" in p for p in problems)
    assert any("trigger" in p for p in problems)


def test_a_chain_recomputed_with_entry_hash_is_caught_by_the_key_and_the_checkpoints(store: Store) -> None:
    """The issue's second attack: edit an entry and recompute every later hash with the public function."""
    _changes(store)
    _unguard(store)
    rows = _rows(store)
    rows[1]["actor"] = "someone-else"
    prev = rows[0]["hash"]
    with store.engine.begin() as connection:
        for row in rows[1:]:
            fields = {k: row[k] for k in ("seq", "actor", "action", "entity", "entity_id")}
            before, after = (json.loads(v) if isinstance(v, str) else v for v in (row["before"], row["after"]))
            at = audit.list_entries(store=store, limit=10)[-row["seq"]].at
            digest = entry_hash(**fields, at=at, before=before, after=after, prev_hash=prev)
            connection.execute(
                text("UPDATE audit_log SET actor = :actor, prev_hash = :prev, hash = :hash WHERE seq = :seq"),
                {"actor": row["actor"], "prev": prev, "hash": digest, "seq": row["seq"]},
            )
            prev = digest
    _set_head(store, rows[-1]["seq"], prev)
    problems = _problems(store)
    assert not any("edited" in p or "broken" in p for p in problems)  # the plain chain is consistent again
    assert sum("MAC does not match" in p for p in problems) == 2
    assert sum("differs from its signed checkpoint" in p for p in problems) == 2


def test_stripped_macs_on_a_rewritten_chain_are_still_caught(store: Store) -> None:
    _changes(store)
    _unguard(store)
    with store.engine.begin() as connection:
        connection.execute(text("UPDATE audit_log SET mac = NULL WHERE seq = 3"))
    assert any("MAC missing" in p for p in _problems(store))


def test_dropped_or_disabled_triggers_alone_are_reported(store: Store) -> None:
    _changes(store)
    assert audit.verify(store=store).ok
    if store.engine.dialect.name == "postgresql":
        with store.engine.begin() as connection:
            connection.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update"))
        assert _problems(store) == [
            "只追加触发器 audit_log_no_update 已被删除或停用 / append-only trigger audit_log_no_update was dropped "
            "or disabled"
        ]
        return
    with store.engine.begin() as connection:
        connection.execute(text("DROP TRIGGER audit_log_no_delete"))
    assert len(_problems(store)) == 1 and "audit_log_no_delete was dropped" in _problems(store)[0]


def test_a_forged_or_missing_checkpoint_file_is_reported(store: Store) -> None:
    _changes(store)
    path = store.settings.audit_checkpoints_file
    forged = json.loads(path.read_text().splitlines()[-1]) | {"seq": 99}
    with path.open("a") as handle:
        handle.write(json.dumps(forged) + "\n")
    assert any("checkpoint line 4: bad signature" in p for p in _problems(store))
    path.unlink()
    assert _problems(store) == ["没有签名检查点，链未锚定 / no signed checkpoint: the chain is not anchored"]
    audit.checkpoint(store=store)
    assert audit.verify(store=store).ok


def test_a_rolled_back_change_leaves_no_checkpoint(store: Store) -> None:
    _changes(store)
    with pytest.raises(RuntimeError), transaction(store.factory) as session:
        audit.record(session, actor="x", action="test.rollback", entity="test", entity_id=1)
        raise RuntimeError("the change fails after its audit entry")
    result = audit.verify(store=store)
    assert result.ok and result.entries == 3 and result.checkpoints == 3


def test_entries_older_than_the_key_are_accepted_only_at_the_start(store: Store) -> None:
    """A chain from before the MAC existed (mac NULL) verifies; one keyed entry later, NULL is a finding."""
    _changes(store)
    _unguard(store)
    with store.engine.begin() as connection:
        connection.execute(text("UPDATE audit_log SET mac = NULL WHERE seq <= 2"))
    _reguard(store)
    result = audit.verify(store=store)
    assert result.ok and result.unkeyed == 2


def _reguard(store: Store) -> None:
    """Put the append-only triggers back as migration 0004 made them."""
    if store.engine.dialect.name == "postgresql":
        statements = [
            "CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log "
            "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()"
        ]
    else:
        statements = [
            f"CREATE TRIGGER audit_log_no_{what.lower()} BEFORE {what} ON audit_log "
            "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
            for what in ("UPDATE", "DELETE")
        ]
    with store.engine.begin() as connection:
        for statement in statements:
            connection.execute(text(statement))
