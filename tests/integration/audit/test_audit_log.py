"""The audit log records every state change, refuses edits, and its hash chain exposes what gets past that."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from cbec.audit import service as audit
from cbec.auth import service as auth
from cbec.core.clock import SHANGHAI
from cbec.storage.store import Store
from cbec.supervision import service as supervision

T0 = datetime(2026, 10, 12, 9, 0, tzinfo=SHANGHAI)


def _changes(store: Store) -> int:
    """Make a few state changes through the services; return the notice id."""
    auth.create_user(store=store, username="analyst", password="correct horse battery", role="regulator-analyst")
    data = supervision.NoticeCreate(kind="warning", institution_id="PI-X", title="风险预警", body="评级 E")
    notice = supervision.issue_notice(store=store, data=data, actor="analyst", now=T0)
    supervision.advance_notice(
        store=store,
        notice_id=notice.id,
        action="acknowledge",
        actor="pi-x",
        reason="收到",
        now=T0.replace(hour=15),
    )
    return notice.id


def _unguard(store: Store) -> None:
    """Do what a database administrator could: drop the append-only triggers."""
    with store.engine.begin() as connection:
        if store.engine.dialect.name == "postgresql":
            connection.execute(text("DROP TRIGGER audit_log_no_update ON audit_log"))
        else:
            connection.execute(text("DROP TRIGGER audit_log_no_update"))
            connection.execute(text("DROP TRIGGER audit_log_no_delete"))


def test_every_state_change_is_recorded_with_who_what_and_before_after(store: Store) -> None:
    notice_id = _changes(store)
    entries = audit.list_entries(store=store, entity="notice", entity_id=str(notice_id))
    assert [(e.action, e.actor) for e in reversed(entries)] == [
        ("notice.issue", "analyst"),
        ("notice.acknowledge", "pi-x"),
    ]
    assert entries[0].before is not None and entries[0].before["state"] == "issued"
    assert entries[0].after is not None and entries[0].after["state"] == "acknowledged"
    result = audit.verify(store=store)
    assert result.ok and result.entries == 3  # the user, the notice issued, the acknowledgement


def test_the_database_refuses_to_edit_or_delete_an_entry(store: Store) -> None:
    _changes(store)
    for statement in (
        "UPDATE audit_log SET actor = 'x' WHERE seq = 1",
        "DELETE FROM audit_log WHERE seq = 1",
    ):
        with pytest.raises(DBAPIError, match="append-only"), store.engine.begin() as connection:
            connection.execute(text(statement))


def test_verification_catches_an_edited_entry(store: Store) -> None:
    _changes(store)
    _unguard(store)
    with store.engine.begin() as connection:
        connection.execute(text("UPDATE audit_log SET actor = 'someone-else' WHERE seq = 2"))
    result = audit.verify(store=store)
    edits = [p for p in result.problems if p.seq]
    assert not result.ok and [p.seq for p in edits] == [2]
    assert "edited" in edits[0].problem
    assert any("append-only trigger audit_log_no_update was dropped" in p.problem for p in result.problems)


def test_verification_catches_a_deleted_entry_and_a_cut_tail(store: Store) -> None:
    _changes(store)
    _unguard(store)
    with store.engine.begin() as connection:
        connection.execute(text("DELETE FROM audit_log WHERE seq = 2"))
    problems = audit.verify(store=store).problems
    assert any("deleted" in p.problem for p in problems) and any("broken" in p.problem for p in problems)
    with store.engine.begin() as connection:
        connection.execute(text("DELETE FROM audit_log WHERE seq = 3"))
    assert any("tail cut" in p.problem for p in audit.verify(store=store).problems)
