"""Killed with SIGKILL and restarted, the ingester and the report builder lose nothing and double nothing.

A small version of `bench/crash.py` on SQLite and PostgreSQL: three kills per target of a real `cbec` process,
each at a moment chosen by what the process has done (not by a clock), so every kill lands mid-work. To stay
quick the clean reference and the restarts run the same service call in this process (`bench/crash.py` restarts
the CLI). Each test also tampers with a copy of the clean result to show that its verdict does fail.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb
import pytest
from sqlalchemy import func, select

from cbec.crash.drill import kill_when
from cbec.crash.homes import Backend, Home, PostgresBackend, backend
from cbec.crash.ingester import IngesterTarget
from cbec.crash.report_builder import LANG, MONTH, ReportBuilderTarget, pdf_pages
from cbec.crash.targets import Target, Verdict
from cbec.feeds.catalog import FEEDS
from cbec.feeds.models import IngestBatch
from cbec.feeds.service import ingest
from cbec.reports.service import monthly_report
from cbec.storage.store import Store, open_store

# The drills run real `cbec` processes on each store they name; the PostgreSQL-only pass has nothing to add.
pytestmark = pytest.mark.both_stores

Moment = Callable[[Home], Callable[[], bool]]


@pytest.fixture(params=["sqlite", "postgresql"])
def stores(request: pytest.FixtureRequest) -> Iterator[Backend]:
    """Homes on each relational store in turn (PostgreSQL: one throw-away database per home)."""
    chosen = backend(request.param)
    yield chosen
    if isinstance(chosen, PostgresBackend):
        chosen.drop_all()


def _load_folder(home: Home, folder: Path) -> None:
    """What `cbec ingest-dir` does, in this process: every feed file of the folder, registers first."""
    store = open_store(home.settings())
    for spec in sorted(FEEDS.values(), key=lambda s: s.sink != "db"):
        for path in sorted(folder.glob(f"{spec.name}.*")):
            ingest(store=store, feed=spec.name, paths=[path])
    store.close()


def _build_report(home: Home) -> None:
    """What `cbec report monthly` does, in this process."""
    store = open_store(home.settings())
    monthly_report(store=store, month=MONTH, lang=LANG)
    store.close()


def _kill_and_restart(
    target: Target,
    stores: Backend,
    home: Home,
    run: int,
    moment: Callable[[], bool],
    finish: Callable[[Home], None],
    mid_work: bool = True,
) -> Verdict:
    hit = kill_when(home, target.command(), moment, home.path.with_suffix(".log"), timeout=600)
    after = target.after_kill(home, run)
    assert hit, f"run {run}: the process ended before its moment came"
    assert after.mid_work or not mid_work, f"run {run}: the kill left no half-done work"
    finish(home)
    verdict = target.verify(home, run)
    verdict.problems[:0] = after.problems
    stores.drop(home)
    return verdict


def _rows(parquet: Path) -> int:
    return int(duckdb.sql(f"SELECT count(*) FROM read_parquet('{parquet}')").fetchall()[0][0])


def test_the_ingester_killed_three_times_stores_every_row_once(stores: Backend, tmp_path: Path) -> None:
    target = IngesterTarget(feeds=("enterprises", "institutions", "payments", "orders"))
    target.prepare(tmp_path / "prepare", stores, rows=1_000)
    clean = stores.clone(target.template(0), tmp_path / "clean")
    _load_folder(clean, target.inputs)
    target.remember(clean)

    def finish(home: Home) -> None:
        _load_folder(home, target.inputs)

    opened: list[Store] = []

    def running(home: Home) -> Callable[[], bool]:
        store = open_store(home.settings(), migrate=False)  # migrated by the template already: this only reads
        opened.append(store)
        query = select(func.count()).where(IngestBatch.status == "running")

        def any_running() -> bool:
            with store.factory() as session:
                return bool(session.scalar(query))

        return any_running

    def staging(home: Home) -> Callable[[], bool]:
        return lambda: any((home.path / "staging").glob("batch-*/payments/month=*/*.parquet"))

    def published(home: Home) -> Callable[[], bool]:
        return lambda: any((home.path / "lake" / "payments").glob("month=*/*.parquet"))

    # killed in the first register batch, mid-way through the payments batch, and as payments are published (a
    # small month is one file: the load may have removed its staging folder before the kill lands, so that run
    # need not leave half-done work; the verdict still must be clean)
    for run, moment in enumerate((running, staging, published), start=1):
        home = stores.clone(target.template(run), tmp_path / f"run{run}")
        verdict = _kill_and_restart(target, stores, home, run, moment(home), finish, mid_work=moment is not published)
        assert verdict == Verdict(rows_lost=0, duplicate_rows=0), run
    for store in opened:
        store.close()

    tampered = stores.clone(clean, tmp_path / "tampered")
    files = sorted((tampered.path / "lake" / "payments").glob("month=*/*.parquet"))
    assert len(files) >= 2
    doubled, removed = files[0], files[-1]
    expected = (_rows(removed), _rows(doubled))
    shutil.copy(doubled, doubled.with_name("copied.parquet"))
    removed.unlink()
    verdict = target.verify(tampered, 0)
    assert (verdict.rows_lost, verdict.duplicate_rows) == expected
    assert "payments: stored content differs from the clean load" in verdict.problems


def test_the_report_builder_killed_three_times_leaves_one_whole_report(stores: Backend, tmp_path: Path) -> None:
    target = ReportBuilderTarget()
    target.prepare(tmp_path / "prepare", stores, rows=1_000)
    clean = stores.clone(target.template(0), tmp_path / "clean")
    _build_report(clean)
    target.remember(clean)  # also the template of odd runs: a complete report to rebuild over
    pdf_name = f"reports/{MONTH}/supervision-report-{MONTH}-{LANG}.pdf"

    def rendering(home: Home) -> Callable[[], bool]:
        return lambda: any((home.path / "reports" / MONTH).glob(".build-*"))

    def replaced(home: Home) -> Callable[[], bool]:
        pdf = home.path / pdf_name
        before = pdf.stat().st_ino
        return lambda: pdf.exists() and pdf.stat().st_ino != before

    # Run 2 builds the first report, killed while rendering: none is left. Runs 1 and 3 rebuild over the clean
    # run's report: killed while rendering, the previous report stays whole and recorded (after_kill checks it);
    # killed as soon as the new PDF is in place (before its record, or just after), the PDF in place is whole.
    for run, moment, mid_work in ((2, rendering, True), (1, rendering, True), (3, replaced, False)):
        home = stores.clone(target.template(run), tmp_path / f"run{run}")
        verdict = _kill_and_restart(target, stores, home, run, moment(home), _build_report, mid_work)
        assert verdict == Verdict(rows_lost=0, duplicate_rows=None, duplicate_records=0), run

    pdf = clean.path / pdf_name
    assert pdf_pages(pdf) == target.pages > 5
    pdf.write_bytes(pdf.read_bytes()[: pdf.stat().st_size // 2])  # what the old in-place write left when killed
    assert pdf_pages(pdf) is None
    assert "the record's checksum does not match its PDF" in target.verify(clean, 1).problems
