"""Text PostgreSQL cannot hold is refused as bad input, and nothing of the transaction is written."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from cbec.monitoring.alerts import store as alert_store
from cbec.monitoring.models import Snooze
from cbec.storage.engine import TextRefused, transaction
from cbec.storage.store import Store


@pytest.mark.parametrize("settings", ["postgresql"], indirect=True)
def test_a_nul_character_is_a_clear_input_error_on_postgresql(store: Store) -> None:
    until = datetime(2026, 12, 1, tzinfo=UTC)
    with pytest.raises(TextRefused, match="NUL"), transaction(store.factory) as session:
        alert_store.add_snooze(session, rule_id="R1", key="payer_id=A", until=until, reason="ok", by="analyst")
        session.flush()
        alert_store.add_snooze(session, rule_id="R1", key="payer_id=B", until=until, reason="a\x00b", by="analyst")
    with store.factory() as session:
        assert session.scalar(select(func.count(Snooze.id))) == 0
