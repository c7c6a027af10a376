"""Grades applied: the inspection sample by grade and the customs export, each application audited with its grade."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from cbec.audit import service as audit
from cbec.core.clock import SHANGHAI
from cbec.core.money import load_fx_table
from cbec.credit import service
from cbec.feeds.service import ingest, read_side
from cbec.monitoring import service as monitoring
from cbec.monitoring.matching.run import match_documents
from cbec.storage.store import Store
from cbec.synth import generate

MONTH = "2026-09"
NOW = datetime(2026, 10, 15, 10, 0, tzinfo=SHANGHAI)
FEEDS = (
    "enterprises",
    "payments",
    "orders",
    "waybills",
    "declarations",
    "complaints",
    "reviews",
    "filings",
    "inspections",
)


def _scored(store: Store, tmp: Path) -> dict[str, str]:
    synth = generate(out_dir=tmp / "synth", month=MONTH, payments=3_000, seed=11)
    for feed in FEEDS:
        ingest(store=store, feed=feed, paths=[synth.files[feed]])
    monitoring.run_month(store=store, month=MONTH)
    service.load_customs_grades(store=store, path=synth.customs_grades_file, now=NOW)
    service.train(store=store, months=[MONTH], outcomes=[synth.outcomes_file], version="m1", now=NOW)
    service.score_month(store=store, month=MONTH, now=NOW)
    return {r["enterprise_id"]: r["grade"] for r in service.export_scores(store=store, period=MONTH)}


def test_grades_drive_sampling_customs_flags_and_tolerances(store: Store, tmp_path: Path) -> None:
    grades = _scored(store, tmp_path)
    sample = service.draw_inspection_sample(store=store, month="2026-10", actor="planner", base_rate=0.1, now=NOW)
    by_grade = {g.grade: g for g in sample.by_grade}
    assert {g: round(s.rate, 4) for g, s in by_grade.items()} == {
        g: r for g, r in {"A": 0.02, "B": 0.1, "C": 0.2, "D": 0.5}.items() if g in by_grade
    }
    drawn = Counter(grades.get(e, "-") for e in sample.drawn)
    assert {g: s.drawn for g, s in by_grade.items() if s.drawn} == dict(drawn)
    assert by_grade["D"].drawn / by_grade["D"].enterprises > by_grade["B"].drawn / by_grade["B"].enterprises
    entries = audit.list_entries(store=store, entity="credit_inspection_sample", limit=10_000)
    assert len(entries) == len(sample.drawn)
    some = entries[0]
    assert some.actor == "planner" and some.after is not None
    assert some.after["grade"] == grades[some.entity_id.split(":")[1]]
    again = service.draw_inspection_sample(store=store, month="2026-10", actor="planner", base_rate=0.1, now=NOW)
    assert again.drawn == sample.drawn
    assert len(audit.list_entries(store=store, entity="credit_inspection_sample", limit=10_000)) == len(entries)

    rows = service.customs_export(store=store, month=MONTH, actor="cli", now=NOW)
    assert len(rows) == len(grades) == 200
    flagged = {r["enterprise_id"] for r in rows if r["fast_clearance"] == "1"}
    assert flagged == {e for e, g in grades.items() if g == "A"}
    cleared = audit.list_entries(store=store, entity="credit_fast_clearance", limit=10_000)
    assert {e.entity_id for e in cleared} == {f"{MONTH}:{e}" for e in flagged}
    assert {e.after["grade"] for e in cleared if e.after} <= {"A"}
    service.customs_export(store=store, month=MONTH, actor="cli", now=NOW)
    assert len(audit.list_entries(store=store, entity="credit_fast_clearance", limit=10_000)) == len(cleared)

    tolerances = service.monitoring_tolerances(store=store, month=MONTH, tolerance=Decimal("0.05"))
    assert set(tolerances) == {e for e, g in grades.items() if g in "CD"}
    assert {t["tolerance"] for t in tolerances.values()} <= {Decimal("0.0400"), Decimal("0.0250")}

    # The synthetic province has no amount deviation between 2.5 % and 5 %: the tightening finds nothing new,
    # and each C or D enterprise's tighter tolerance is audited once with its grade.
    tightened = service.apply_monitoring_tightening(store=store, month=MONTH, actor="cli", now=NOW)
    assert tightened.enterprises_by_grade == dict(sorted(Counter(g for g in grades.values() if g in "CD").items()))
    assert (tightened.alerts_found, tightened.alerts_new) == (0, 0)
    applied = audit.list_entries(store=store, entity="credit_monitoring_tolerance", limit=10_000)
    assert {e.entity_id for e in applied} == {f"{MONTH}:{e}" for e in tolerances}
    assert all(e.after and e.after["grade"] in "CD" and e.after["tolerance"] in ("0.0400", "0.0250") for e in applied)
    service.apply_monitoring_tightening(store=store, month=MONTH, actor="cli", now=NOW)
    assert len(audit.list_entries(store=store, entity="credit_monitoring_tolerance", limit=10_000)) == len(applied)


def test_tightened_matching_alerts_only_the_named_enterprises_above_their_own_tolerance(
    store: Store, tmp_path: Path
) -> None:
    grades = _scored(store, tmp_path)
    con = read_side(store=store)
    try:
        findings = match_documents(con, month=MONTH, fx=load_fx_table(store.settings.fx_file)).findings.to_pylist()
    finally:
        con.close()
    mismatched = Counter(f["enterprise_id"] for f in findings if f["reason"] == "amount_mismatch")
    observed = {f["enterprise_id"]: f["observed"] for f in findings if f["reason"] == "amount_mismatch"}
    assert mismatched  # at least one enterprise whose amounts differ by more than 5 %
    clean = next(e for e in grades if e not in mismatched)

    def run(tolerance_of: dict[str, Decimal]) -> tuple[dict[str, int], int]:
        asked = {e: monitoring.Tightened(tolerance=t, why_zh="测试", why_en="test") for e, t in tolerance_of.items()}
        return monitoring.run_tightened_matching(store=store, month=MONTH, tolerances=asked, base=Decimal("0.99"))

    found, new = run({e: Decimal("0.05") for e in mismatched} | {clean: Decimal("0.05")})
    assert found == dict(mismatched)  # the enterprise without a deviation is named but has nothing
    assert new == 0  # the ordinary run alerted these payments already: nothing twice
    above = {e: min(Decimal("0.98"), observed[e] + Decimal("0.01")) for e in mismatched}
    assert run(above) == ({}, 0)  # a deviation within the enterprise's own tolerance is no finding
