"""The month rollups: the sections that read a month's raw payments read them instead, with the same figures.

A small seeded month is loaded and monitored; its rollups are written as `cbec monitor run` writes them. The
report built from them must equal the report built from the raw rows (no rollups kept), section by section, and
equal what the services compute from the lake directly; a rollup is what the report reads (an edited one shows),
and a changed input (the FX table) is a new rollup, never the old one.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from importlib.resources import files
from pathlib import Path

import pytest

from cbec.config import Settings
from cbec.core.clock import SHANGHAI
from cbec.feeds.catalog import FEEDS
from cbec.feeds.service import ingest, one_read_side, read_side
from cbec.ip import service as ip
from cbec.monitoring import service as monitoring
from cbec.reports.sections import SECTIONS, build_report, write_rollups
from cbec.stats import service as stats
from cbec.storage.store import Store, open_store
from cbec.supervision import service as supervision
from cbec.synth.service import generate

MONTH = "2026-10"
NOW = datetime(2026, 11, 3, 9, 0, tzinfo=SHANGHAI)
ROLLED_UP = ("summary", "settlement", "ip", "logistics")


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """A seeded month (2,000 payments) loaded and monitored, its ratings kept (so both builds read the same)."""
    tmp_path = tmp_path_factory.mktemp("report-rollups")
    opened = open_store(Settings(home=tmp_path / "home"))
    synth = generate(out_dir=tmp_path / "synth", month=MONTH, payments=2_000, seed=11)
    for spec in sorted(FEEDS.values(), key=lambda s: s.sink != "db"):
        ingest(store=opened, feed=spec.name, paths=[synth.files[spec.name]])
    monitoring.run_month(store=opened, month=MONTH)
    stats.load_official(store=opened)
    supervision.rate_month(store=opened, month=MONTH, actor="test")
    yield opened
    opened.close()


def _rollups(store: Store) -> Path:
    return store.settings.reports_dir / ".rollups"


def _sections(store: Store) -> dict[str, object]:
    data = build_report(store=store, month=MONTH, now=NOW)
    return json.loads(json.dumps(data.sections, default=str, sort_keys=True))  # type: ignore[no-any-return]


def test_the_sections_that_read_raw_payments_are_the_ones_rolled_up() -> None:
    assert tuple(s.key for s in SECTIONS if s.rollup) == ROLLED_UP


def test_a_build_from_rollups_equals_a_build_from_the_raw_rows(store: Store) -> None:
    shutil.rmtree(_rollups(store), ignore_errors=True)
    assert write_rollups(store=store, month=MONTH) == list(ROLLED_UP)
    # summary: the month (the one before and the year before are not loaded: no rollup); settlement; ip; logistics
    assert sorted(p.name.split("-")[0] for p in _rollups(store).glob("*.json")) == sorted(ROLLED_UP)
    from_rollups = _sections(store)

    shutil.rmtree(_rollups(store))
    from_raw_rows = _sections(store)  # reads the raw rows, and writes the rollups again
    assert from_raw_rows == from_rollups
    assert from_rollups["summary"]["total"]["payments"] > 1_000  # type: ignore[index]
    assert len(list(_rollups(store).glob("*.json"))) == 4


def test_the_rolled_up_sections_agree_with_the_services_over_the_lake(store: Store) -> None:
    write_rollups(store=store, month=MONTH)
    data = build_report(store=store, month=MONTH, now=NOW)
    kpi = [k for k in supervision.settlement_kpi(store=store, month=MONTH) if k.channel is None]
    assert data.sections["settlement"]["rows"] == [k.model_dump() for k in kpi]
    assert (
        sum(r["payments"] for r in data.sections["settlement"]["rows"]) == data.sections["summary"]["total"]["payments"]
    )
    logistics = stats.logistics(store=store, month=MONTH)
    assert data.sections["logistics"]["total"] == logistics.total.model_dump()
    assert data.sections["logistics"]["total"]["parcels"] > 0
    overview = ip.ip_risk_overview(store=store, today=date(2026, 10, 31), top=10)  # the suppliers read, not kept
    assert data.sections["ip"]["top"] == [r.model_dump() for r in overview.top]
    assert (data.sections["ip"]["findings"], data.sections["ip"]["enterprises"]) == (
        overview.findings,
        overview.enterprises,
    )


def test_the_report_reads_the_rollup_and_a_changed_input_is_a_new_one(store: Store, tmp_path: Path) -> None:
    write_rollups(store=store, month=MONTH)
    (kept,) = _rollups(store).glob(f"settlement-{MONTH}-*.json")
    rows = json.loads(kept.read_text(encoding="utf-8"))
    rows[0]["payments"] += 1_000_000
    kept.write_text(json.dumps(rows), encoding="utf-8")
    edited = build_report(store=store, month=MONTH, now=NOW).sections["settlement"]["rows"]
    assert edited[0]["payments"] == rows[0]["payments"]  # read from the rollup, not the raw rows

    (summary,) = _rollups(store).glob(f"summary-{MONTH}-*.json")
    fx = tmp_path / "fx.csv"  # the shipped table with the month's first USD rate changed: the FX input changed
    lines = (files("cbec.core") / "data" / "fx_rates.csv").read_text(encoding="utf-8").splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith(f"{MONTH}-") and ",USD," in line)
    day, currency, rate, source = lines[first].split(",", 3)
    lines[first] = ",".join([day, currency, str(Decimal(rate) + Decimal("0.01")), source])
    fx.write_text("\n".join(lines) + "\n", encoding="utf-8")
    other = open_store(Settings(home=store.settings.home, fx_file=fx))
    try:
        build_report(store=other, month=MONTH, now=NOW)
    finally:
        other.close()
    names = {p.name for p in _rollups(store).glob(f"summary-{MONTH}-*.json")}
    assert summary.name not in names and len(names) == 1  # computed again for the new rates, the old one let go
    kept.unlink()


def test_services_inside_one_read_side_share_its_views(store: Store) -> None:
    with one_read_side(store=store) as con:
        views = {r[0] for r in con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()}
        cursor = read_side(store=store)
        try:
            assert {
                r[0] for r in cursor.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()
            } == views
            assert cursor.execute("SELECT current_setting('TimeZone')").fetchall() == [(store.settings.timezone,)]
            assert (
                cursor.execute("SELECT count(*) FROM payments").fetchall()
                == con.execute("SELECT count(*) FROM payments").fetchall()
            )
        finally:
            cursor.close()
        assert con.execute("SELECT count(*) FROM payments").fetchall()[0][0] > 0  # closing a cursor leaves it open
    own = read_side(store=store)  # after the block: a connection of its own again
    try:
        assert own.execute("SELECT count(*) FROM payments").fetchall()[0][0] > 0
    finally:
        own.close()
