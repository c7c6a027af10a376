"""Personal columns reach the lake only as keyed pseudonyms; the same person keeps one token; reloads change nothing."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from sqlalchemy import text

from cbec.config import Settings
from cbec.feeds.pseudonym import PREFIX, pseudonym_key, token
from cbec.feeds.service import ingest, read_side
from cbec.storage.store import Store
from cbec.synth import generate


def test_no_consumer_id_is_stored_as_given_and_a_reload_is_all_duplicates(store: Store, tmp_path: Path) -> None:
    synth = generate(out_dir=tmp_path / "synth", month="2026-10", payments=2_000, seed=12)
    source = synth.files["complaints"]
    with source.open(encoding="utf-8", newline="") as handle:
        given = [row["consumer_id"] for row in csv.DictReader(handle)]
    (first,) = ingest(store=store, feed="complaints", paths=[source])
    assert first.accepted == len(given) > 0
    con = read_side(store=store)
    stored = [r[0] for r in con.execute("SELECT consumer_id FROM complaints ORDER BY _line").fetchall()]
    con.close()
    assert all(s.startswith(PREFIX) and len(s) == len(PREFIX) + 32 for s in stored)
    assert not set(given) & set(stored)
    # one person, one token: repeated ids in the file stay repeated, distinct ones stay distinct
    assert len(set(stored)) == len(set(given))
    lake_bytes = b"".join(p.read_bytes() for p in store.settings.lake_dir.rglob("*.parquet"))
    assert not any(consumer.encode() in lake_bytes for consumer in set(given))
    (again,) = ingest(store=store, feed="complaints", paths=[source])
    assert (again.accepted, again.duplicate, again.new_versions) == (0, len(given), 0)


def test_the_key_file_is_whole_or_absent_and_an_empty_one_is_refused(sqlite_settings: Settings) -> None:
    key = pseudonym_key(sqlite_settings)
    assert pseudonym_key(sqlite_settings) == key and len(key) == 64
    assert sorted(p.name for p in sqlite_settings.keys_dir.iterdir()) == ["pseudonym-key"]  # no temporary left
    # What a first load killed between creating the file and writing it used to leave: never used as a key.
    (sqlite_settings.keys_dir / "pseudonym-key").write_text("", encoding="ascii")
    with pytest.raises(ValueError, match="empty or too short"):
        pseudonym_key(sqlite_settings)


def test_quarantine_keeps_no_consumer_id_as_given_and_a_reload_adds_nothing(store: Store, tmp_path: Path) -> None:
    synth = generate(out_dir=tmp_path / "synth", month="2026-10", payments=2_000, seed=12)
    with synth.files["complaints"].open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        header, rows = list(reader.fieldnames or []), list(reader)
    rows[0]["received_at"] = "not a time"  # a value error: the row is read, then quarantined
    rows[1]["consumer_id"] = "C" * 80  # the personal column itself is broken (too long)
    broken = tmp_path / "complaints.csv"
    with broken.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows[:5])
        handle.write('"unclosed,quote\n')  # a row that cannot be read into columns
    given = {rows[0]["consumer_id"], rows[1]["consumer_id"]}
    (first,) = ingest(store=store, feed="complaints", paths=[broken])
    assert (first.accepted, first.quarantined) == (3, 3)
    with store.engine.connect() as connection:
        kept = connection.execute(
            text("SELECT raw, message, errors, raw_hash FROM quarantined_rows WHERE feed = 'complaints' ORDER BY line")
        ).all()
    assert len(kept) == 3
    everything = " ".join(str(value) for row in kept for value in row)
    assert not any(consumer in everything for consumer in given)
    key = pseudonym_key(store.settings)
    # the readable rows are kept as their columns with the token the lake would hold for the same person
    assert json.loads(kept[0].raw)["consumer_id"] == token(key, rows[0]["consumer_id"])
    assert json.loads(kept[0].raw)["received_at"] == "not a time"
    assert json.loads(kept[1].raw)["consumer_id"] == token(key, "C" * 80)
    assert "withheld" in kept[2].raw
    (again,) = ingest(store=store, feed="complaints", paths=[broken])
    assert (again.accepted, again.quarantined, again.duplicate) == (0, 0, 6)
