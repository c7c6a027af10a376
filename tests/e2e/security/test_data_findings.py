"""Findings 5, 6 and 8 replayed: a rewritten audit chain, personal data in free text, refused files exiting 0."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from typer.testing import CliRunner

from cbec.api.app import create_app
from cbec.audit import service as audit
from cbec.audit.domain import entry_hash
from cbec.cli.main import app as cli
from cbec.config import Settings
from cbec.storage.store import open_store

from .world import World

FILES = Path(__file__).resolve().parents[2] / "files"
runner = CliRunner()


def _cbec(home: Path, *args: str) -> Any:
    return runner.invoke(cli, list(args), env={"CBEC_HOME": str(home)})


@pytest.fixture
def chain_home(tmp_path: Path) -> Path:
    """A home whose audit log holds a few entries (users created through the CLI)."""
    home = tmp_path / "home"
    for name in ("one", "two", "three"):
        ran = _cbec(home, "users", "add", name, "--role", "auditor", "--password", "correct horse battery")
        assert ran.exit_code == 0, ran.output
    assert _cbec(home, "audit", "verify").exit_code == 0
    return home


# The append-only triggers as the migration makes them: PostgreSQL has one for UPDATE OR DELETE.
DROP_TRIGGERS = {
    "sqlite": ("DROP TRIGGER audit_log_no_update", "DROP TRIGGER audit_log_no_delete"),
    "postgresql": ("DROP TRIGGER audit_log_no_update ON audit_log",),
}
DELETE_TRIGGER = {"sqlite": "audit_log_no_delete", "postgresql": "audit_log_no_update"}


def _tamper(home: Path, *statements: str, params: dict[str, Any] | None = None) -> str:
    """Drop the append-only triggers and run the statements, as whoever holds the database could; return the dialect."""
    store = open_store(Settings(home=home), migrate=False)
    try:
        dialect = store.engine.dialect.name
        with store.engine.begin() as connection:
            for statement in (*DROP_TRIGGERS[dialect], *statements):
                connection.execute(text(statement), params or {})
    finally:
        store.close()
    return dialect


def test_finding_5_a_cut_tail_with_the_head_moved_back_is_caught(chain_home: Path) -> None:
    """Before: drop the triggers, delete the last entry, point audit_head at the one before: "intact"."""
    store = open_store(Settings(home=chain_home), migrate=False)
    with store.engine.connect() as connection:
        second = connection.execute(text("SELECT hash FROM audit_log WHERE seq = 2")).scalar_one()
    store.close()
    dialect = _tamper(
        chain_home,
        "DELETE FROM audit_log WHERE seq = 3",
        "UPDATE audit_head SET seq = 2, hash = :hash",
        params={"hash": second},
    )
    ran = _cbec(chain_home, "audit", "verify")
    assert ran.exit_code == 1
    assert "a signed checkpoint reaches #3 but the chain ends at #2 (tail cut)" in ran.output
    assert f"append-only trigger {DELETE_TRIGGER[dialect]} was dropped" in ran.output


def test_finding_5_a_chain_recomputed_with_entry_hash_is_caught(chain_home: Path) -> None:
    """Before: edit an entry and recompute every later hash with cbec.audit.domain.entry_hash: "intact"."""
    store = open_store(Settings(home=chain_home), migrate=False)
    entries = list(reversed(audit.list_entries(store=store, limit=10)))
    store.close()
    statements, prev = [], entries[0].hash
    for e in entries[1:]:
        actor = "mallory" if e.seq == 2 else e.actor
        digest = entry_hash(
            seq=e.seq,
            at=e.at,
            actor=actor,
            action=e.action,
            entity=e.entity,
            entity_id=e.entity_id,
            before=e.before,
            after=e.after,
            prev_hash=prev,
        )
        statements.append(
            f"UPDATE audit_log SET actor = '{actor}', prev_hash = '{prev}', hash = '{digest}' WHERE seq = {e.seq}"
        )
        prev = digest
    _tamper(chain_home, *statements, f"UPDATE audit_head SET seq = {entries[-1].seq}, hash = '{prev}'")
    ran = _cbec(chain_home, "audit", "verify")
    assert ran.exit_code == 1
    assert "edited" not in ran.output  # the plain hash chain is consistent again: only the anchors see it
    assert ran.output.count("MAC does not match (rewritten without the key)") == 2
    assert ran.output.count("differs from its signed checkpoint (rewritten)") == 2


def test_finding_6_a_phone_and_an_id_number_in_complaint_text_are_masked(world: World) -> None:
    said = "快递员态度恶劣，请回电 13912345678，我的身份证号 11010519491231002X，退款到卡 6222021234567890128"
    body = {
        "text": said,
        "language": "zh",
        "platform_id": "PF-PII",
        "consumer_name": "李四",
        "consumer_phone": "13912345678",
    }
    with TestClient(create_app(world.settings), client=("10.9.1.1", 5000)) as client:
        filed = client.post("/api/v1/complaints", json=body)
    assert filed.status_code == 201, filed.text
    shown = filed.json()["text"]
    assert shown == "快递员态度恶劣，请回电 139****5678，我的身份证号 110***********002X，退款到卡 622202*********0128"
    store = open_store(world.settings, migrate=False)
    try:
        with store.engine.connect() as connection:
            rows = connection.execute(text("SELECT * FROM complaint_cases WHERE platform_id = 'PF-PII'")).all()
    finally:
        store.close()
    dump = " ".join(str(value) for row in rows for value in row)
    assert "13912345678" not in dump and "11010519491231002X" not in dump and "6222021234567890128" not in dump


def _payments_without(world: World, tmp_path: Path, column: str) -> Path:
    with (world.synth / "payments.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))[:20]
    path = tmp_path / "payments.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, [c for c in rows[0] if c != column])
        writer.writeheader()
        writer.writerows({k: v for k, v in r.items() if k != column} for r in rows)
    return path


def test_finding_8_refused_files_exit_non_zero_with_the_reason(world: World, tmp_path: Path) -> None:
    """Before: a file missing a required column and an XML bomb both exited 0."""
    home = tmp_path / "home"
    missing = _cbec(home, "ingest", "payments", str(_payments_without(world, tmp_path, "amount")), "--json")
    assert missing.exit_code == 3
    (line,) = [json.loads(x) for x in missing.stdout.splitlines() if x.startswith("{")]
    assert line["status"] == "rejected" and line["read"] == 0 and line["quarantined"] == 0
    assert line["reason"] == "missing_column: required columns missing from the file: amount"
    assert "refused" in missing.stderr and "amount" in missing.stderr
    bomb = _cbec(home, "ingest", "payments", str(FILES / "pacs008" / "billion-laughs.xml"))
    assert bomb.exit_code == 3 and "xml_forbidden" in bomb.stderr
    utf16 = tmp_path / "payments-utf16.csv"
    utf16.write_bytes((world.synth / "payments.csv").read_text(encoding="utf-8").encode("utf-16"))
    wide = _cbec(home, "ingest", "payments", str(utf16))
    assert wide.exit_code == 3 and "wrong_encoding" in wide.stderr
    loaded = _cbec(home, "ingest", "payments", str(world.synth / "payments.csv"))
    assert loaded.exit_code == 0, loaded.output


def test_finding_8_a_nul_inside_an_id_is_quarantined_with_its_own_rule(world: World, tmp_path: Path) -> None:
    with (world.synth / "payments.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))[:3]
    rows[1]["payment_id"] = "C00\x0006"
    path = tmp_path / "payments.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    home = tmp_path / "home"
    ran = _cbec(home, "ingest", "payments", str(path), "--json")
    assert ran.exit_code == 0
    (line,) = [json.loads(x) for x in ran.stdout.splitlines() if x.startswith("{")]
    assert (line["accepted"], line["quarantined"], line["errors_by_rule"]) == (2, 1, {"control_character": 1})
    shown = "".join(_cbec(home, "quarantine", "show", "1").output.split())  # Rich wraps lines at any character
    assert "value'C00\\x0006'" in shown and "[rulecontrol_character]" in shown
