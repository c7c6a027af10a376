"""Loading the same files twice, or again after a killed load, leaves the same store."""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cbec.config import Settings
from cbec.feeds.service import ingest, recover_if_idle
from cbec.storage.lake import Lake
from cbec.storage.store import Store, open_store

from .broken import broken_csv
from .samples import row
from .snapshot import snapshot


def _valid_file(path: Path, feed: str, rows: int, start: int = 0) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(row(feed, 0)))
        writer.writeheader()
        for i in range(start, start + rows):
            writer.writerow(row(feed, i))
    return path


def test_loading_the_same_files_twice_changes_nothing(store: Store, tmp_path: Path) -> None:
    files = {
        "enterprises": [_valid_file(tmp_path / "ent.csv", "enterprises", 50)],
        "payments": [_valid_file(tmp_path / "pay.csv", "payments", 500), broken_csv("payments", tmp_path)[0]],
        "trade_statistics": [broken_csv("trade_statistics", tmp_path)[0]],
        # cbec's own feeds (docs/feeds.md): one in the lake, three registers
        **{
            feed: [broken_csv(feed, tmp_path)[0]]
            for feed in ("employment_records", "training_programmes", "education_events", "brand_recognitions")
        },
    }
    for feed, paths in files.items():
        ingest(store=store, feed=feed, paths=paths)
    first = snapshot(store)
    for feed, paths in files.items():
        for report in ingest(store=store, feed=feed, paths=paths):
            assert report.accepted == 0 and report.quarantined == 0
            assert report.duplicate == report.read
    assert snapshot(store) == first
    assert len(first["payments"]) == 500  # the broken file's good rows repeat rows 0 and 90 of the valid file


def test_changed_content_becomes_a_new_version_not_an_overwrite(store: Store, tmp_path: Path) -> None:
    ingest(store=store, feed="institutions", paths=[_valid_file(tmp_path / "a.csv", "institutions", 3)])
    changed = tmp_path / "b.csv"
    text = (tmp_path / "a.csv").read_text(encoding="utf-8").replace("连连银通电子支付有限公司", "连连支付")
    changed.write_text(text, encoding="utf-8")
    (report,) = ingest(store=store, feed="institutions", paths=[changed])
    assert (report.accepted, report.new_versions, report.duplicate) == (3, 3, 0)
    state = snapshot(store)["reg_institutions"]
    versions = sorted((dict(r)["institution_id"], dict(r)["version"], dict(r)["is_current"]) for r in state)
    assert versions[:2] == [("'PI-LIANLIAN-0'", "1", "False"), ("'PI-LIANLIAN-0'", "2", "True")]
    payments = _valid_file(tmp_path / "p1.csv", "payments", 10)
    ingest(store=store, feed="payments", paths=[payments])
    moved = tmp_path / "p2.csv"
    moved.write_text(payments.read_text(encoding="utf-8").replace("125.40", "130.00"), encoding="utf-8")
    (report,) = ingest(store=store, feed="payments", paths=[moved])
    assert (report.accepted, report.new_versions) == (10, 10)
    lake_rows = [dict(r) for r in snapshot(store)["payments"]]
    assert sorted({(r["_version"], r["amount"]) for r in lake_rows}) == [
        ("1", "Decimal('125.400000')"),
        ("2", "Decimal('130.000000')"),
    ]


def _cli(settings: Settings, *args: str) -> subprocess.Popen[bytes]:
    env = dict(os.environ, CBEC_HOME=str(settings.home), CBEC_INGEST_CHUNK_ROWS="1000")
    if settings.database_url:
        env["CBEC_DATABASE_URL"] = settings.database_url
    return subprocess.Popen(
        [sys.executable, "-m", "cbec.cli.main", *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def test_a_load_killed_mid_batch_then_rerun_leaves_the_same_store(settings: Settings, tmp_path: Path) -> None:
    big = _valid_file(tmp_path / "big.csv", "payments", 40_000)
    store = open_store(settings)
    lake = Lake(settings.lake_dir, settings.staging_dir)
    process = _cli(settings, "ingest", "payments", str(big))
    deadline = time.monotonic() + 60
    while not any(lake.staging.glob("batch-*/payments/month=*/*.parquet")):
        assert process.poll() is None, process.stderr.read() if process.stderr else ""
        assert time.monotonic() < deadline
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert lake.files("payments") == []  # nothing half-published
    assert _cli(settings, "ingest", "payments", str(big)).wait() == 0
    killed_then_rerun = snapshot(store)
    store.close()

    clean = Settings(home=tmp_path / "clean")
    clean_store = open_store(clean)
    ingest(store=clean_store, feed="payments", paths=[big])
    assert killed_then_rerun == snapshot(clean_store)
    assert len(killed_then_rerun["payments"]) == 40_000


def test_a_crash_between_commit_and_publish_is_finished_by_the_next_load(
    sqlite_settings_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _valid_file(tmp_path / "pay.csv", "payments", 100)

    def crash(self: Lake, batch_id: int) -> int:
        raise KeyboardInterrupt("power cut after commit")

    with monkeypatch.context() as patch:
        patch.setattr(Lake, "publish", crash)
        with pytest.raises(KeyboardInterrupt):
            ingest(store=sqlite_settings_store, feed="payments", paths=[path])
    assert sqlite_settings_store.lake.files("payments") == []
    (report,) = ingest(store=sqlite_settings_store, feed="payments", paths=[path])
    assert report.duplicate == 100  # the committed batch was published first, so nothing is new
    assert len(snapshot(sqlite_settings_store)["payments"]) == 100


def test_a_reader_finishes_the_publish_of_a_killed_load_unless_a_load_is_running(
    sqlite_settings_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = sqlite_settings_store
    path = _valid_file(tmp_path / "pay.csv", "payments", 100)
    with monkeypatch.context() as patch:
        patch.setattr(Lake, "publish", lambda self, batch_id: (_ for _ in ()).throw(KeyboardInterrupt("killed")))
        with pytest.raises(KeyboardInterrupt):
            ingest(store=store, feed="payments", paths=[path])
    (batch,) = store.lake.staged_batches()
    with store.writer_lock():  # a load is running: the reader leaves its recovery to it
        assert recover_if_idle(store=store) is None
    assert store.lake.files("payments") == []
    assert recover_if_idle(store=store) == {"published": [batch], "discarded": []}
    assert len(snapshot(store)["payments"]) == 100 and store.lake.staged_batches() == []
