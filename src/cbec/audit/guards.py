"""Whether the database still refuses UPDATE and DELETE on the audit log (its append-only triggers)."""

from __future__ import annotations

from sqlalchemy import Engine, text

# Made by migration 0004; PostgreSQL needs one trigger for both statements, SQLite one each.
EXPECTED = {
    "postgresql": {"audit_log_no_update"},
    "sqlite": {"audit_log_no_update", "audit_log_no_delete"},
}
_LISTED = {
    # Enabled triggers only: `ALTER TABLE ... DISABLE TRIGGER` leaves the trigger in place, switched off.
    "postgresql": "SELECT tgname FROM pg_trigger WHERE tgrelid = to_regclass('audit_log') "
    "AND NOT tgisinternal AND tgenabled <> 'D'",
    "sqlite": "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'",
}


def missing_guards(engine: Engine) -> list[str]:
    """Return a finding per append-only trigger that was dropped or disabled (none when all are in place)."""
    dialect = engine.dialect.name
    if dialect not in EXPECTED:
        return []
    with engine.connect() as connection:
        present = set(connection.scalars(text(_LISTED[dialect])))
    return [
        f"只追加触发器 {name} 已被删除或停用 / append-only trigger {name} was dropped or disabled"
        for name in sorted(EXPECTED[dialect] - present)
    ]
