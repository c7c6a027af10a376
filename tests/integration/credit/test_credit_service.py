"""Credit on a small synthetic province, on SQLite and PostgreSQL: train, score, explain, lists, repair, models."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from cbec.core.clock import SHANGHAI
from cbec.credit import service
from cbec.credit.catalog import FEATURES
from cbec.feeds.service import ingest
from cbec.monitoring import service as monitoring
from cbec.storage.store import Store
from cbec.synth import SynthResult, generate

MONTH = "2026-09"
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
SCORED_AT = datetime(2026, 10, 15, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture(scope="module")
def province(tmp_path_factory: pytest.TempPathFactory) -> SynthResult:
    """A 4,000-payment synthetic month (200 enterprises) with customs grades and outcomes."""
    return generate(out_dir=tmp_path_factory.mktemp("synth"), month=MONTH, payments=4_000, seed=11)


@pytest.fixture
def loaded(store: Store, province: SynthResult) -> Iterator[Store]:
    """The store with the month's feeds, monitoring alerts and customs grades loaded."""
    for feed in FEEDS:
        ingest(store=store, feed=feed, paths=[province.files[feed]])
    monitoring.run_month(store=store, month=MONTH)
    service.load_customs_grades(store=store, path=province.customs_grades_file, now=SCORED_AT)
    yield store


def _outcomes(province: SynthResult) -> list[dict[str, str]]:
    with province.outcomes_file.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _customs(province: SynthResult) -> dict[str, str]:
    with province.customs_grades_file.open(encoding="utf-8", newline="") as handle:
        return {r["enterprise_id"]: r["grade"] for r in csv.DictReader(handle)}


def test_train_score_explain_and_export_record_the_model_version(loaded: Store, province: SynthResult) -> None:
    model = service.train(store=loaded, months=[MONTH], outcomes=[province.outcomes_file], version="v1", now=SCORED_AT)
    assert model.status == "champion"  # the first model
    assert (Path(model.path) / "scorecard.json").exists()
    metadata = json.loads((Path(model.path) / "metadata.json").read_text(encoding="utf-8"))
    assert metadata["trained_on"] == [MONTH] and metadata["kept"]
    assert metadata["dropped"]["complaint_resolution_share"] == "no values / 无数据"
    assert model.metrics["train"]["rows"] == 200 and model.metrics["train"]["auc"] > 0.7

    summary = service.score_month(store=loaded, month=MONTH, now=SCORED_AT)
    assert summary.scored == 200 and summary.model_version == "v1"
    assert sum(summary.grades.values()) == 200
    rows = service.export_scores(store=loaded, period=MONTH)
    assert len(rows) == 200 and {r["model_version"] for r in rows} == {"v1"}
    customs = _customs(province)
    for row in rows:  # the law caps whatever the score
        if customs[row["enterprise_id"]] == "严重失信":
            assert row["grade"] == "D" and "customs_serious_dishonesty" in row["hard_rules"]
        elif customs[row["enterprise_id"]] == "失信":
            assert row["grade"] in ("C", "D") and "customs_dishonesty" in row["hard_rules"]
    worst = min(rows, key=lambda r: Decimal(r["score"]))
    explained = service.explain(store=loaded, enterprise_id=worst["enterprise_id"])
    assert explained is not None and explained.model_version == "v1"
    assert str(explained.score) == worst["score"]
    assert [f.name for f in explained.features] == [f.name for f in FEATURES]
    ip = next(f for f in explained.features if f.name == "ip_findings")
    assert ip.value == 0.0 and ip.note is None and ip.source == "ip"  # no listing screened: zero findings, a real 0
    orders = next(f for f in explained.features if f.name == "order_count")
    assert orders.source == "orders" and orders.as_of is not None and orders.as_of.startswith(MONTH)
    # Reason codes: the features that lost most points, in zh and en, largest loss first.
    lost = [r["points_lost"] for r in explained.reasons]
    assert explained.reasons and lost == sorted(lost, reverse=True)
    assert all(r["text_zh"] and r["text_en"] for r in explained.reasons)
    base = next(f for f in explained.features if f.name == explained.reasons[0]["feature"])
    assert base.points is not None
    assert explained.measures.inspection_rate_multiplier > 0


def test_black_list_entry_repair_and_exit_keep_their_history(loaded: Store, province: SynthResult) -> None:
    service.train(store=loaded, months=[MONTH], outcomes=[province.outcomes_file], version="v1", now=SCORED_AT)
    summary = service.score_month(store=loaded, month=MONTH, now=SCORED_AT)
    serious = sorted(e for e, g in _customs(province).items() if g == "严重失信")
    black = service.list_entries(store=loaded, kind="black")
    assert serious and {e.enterprise_id for e in black if e.severity == "serious"} == set(serious)
    assert summary.black_entered == len(black)
    target = serious[0]
    entry = next(e for e in black if e.enterprise_id == target)
    assert entry.entered_on == date(2026, 10, 15)
    with pytest.raises(ValueError, match="2027-10-15"):  # serious: twelve months before repair
        service.apply_repair(
            store=loaded,
            enterprise_id=target,
            statement="已整改",
            actor=target,
            now=datetime(2027, 10, 14, 9, 0, tzinfo=SHANGHAI),
        )
    applied = service.apply_repair(
        store=loaded,
        enterprise_id=target,
        statement="已整改并缴清罚款",
        actor=target,
        now=datetime(2027, 10, 15, 9, 0, tzinfo=SHANGHAI),
    )
    assert (applied.state, applied.earliest_on, applied.lapses_on) == (
        "submitted",
        date(2027, 10, 15),
        date(2029, 10, 15),
    )
    with pytest.raises(ValueError, match="pending"):
        service.apply_repair(
            store=loaded,
            enterprise_id=target,
            statement="再次申请",
            actor=target,
            now=datetime(2027, 10, 16, 9, 0, tzinfo=SHANGHAI),
        )
    service.advance_repair(
        store=loaded,
        application_id=applied.id,
        action="accept",
        actor="regulator",
        reason="材料齐全",
        now=datetime(2027, 10, 18, 9, 0, tzinfo=SHANGHAI),
    )
    overdue = service.check_repair_deadlines(store=loaded, now=datetime(2027, 12, 31, tzinfo=SHANGHAI))
    assert [a.state for a in overdue] == ["overdue"]
    done = service.advance_repair(
        store=loaded,
        application_id=applied.id,
        action="approve",
        actor="regulator",
        reason="整改到位",
        now=datetime(2028, 1, 4, 9, 0, tzinfo=SHANGHAI),
    )
    assert [t.to_state for t in done.history] == ["submitted", "under_review", "overdue", "approved"]
    everything = service.list_entries(store=loaded, kind="black", current=False)
    exited = next(e for e in everything if e.id == entry.id)
    assert exited.entered_on == date(2026, 10, 15) and exited.exited_on == date(2028, 1, 4)
    assert "approved" in (exited.exit_reason or "")
    assert target not in {e.enterprise_id for e in service.list_entries(store=loaded, kind="black")}


def test_a_challenger_is_compared_and_promoted_with_a_recorded_reason(loaded: Store, province: SynthResult) -> None:
    service.train(store=loaded, months=[MONTH], outcomes=[province.outcomes_file], version="v1", now=SCORED_AT)
    challenger = service.train(
        store=loaded, months=[MONTH], outcomes=[province.outcomes_file], version="v2", now=SCORED_AT
    )
    assert challenger.status == "challenger"
    compared = service.compare(store=loaded, challenger="v2", month=MONTH, outcomes=[province.outcomes_file])
    assert compared.champion == "v1"
    assert compared.metrics["champion"]["auc"] == compared.metrics["challenger"]["auc"]  # same data, same fit
    assert compared.metrics["challenger"]["score_psi"] == pytest.approx(0.0, abs=1e-9)
    assert set(compared.feature_psi) == {f.name for f in FEATURES}
    with pytest.raises(ValueError, match="reason"):
        service.promote(store=loaded, version="v2", reason=" ", actor="chief")
    service.promote(
        store=loaded,
        version="v2",
        reason="与冠军持平，新数据训练 / fresh data",
        actor="chief",
        comparison=compared.model_dump(mode="json"),
    )
    status = {m.version: m.status for m in service.list_models(store=loaded)}
    assert status == {"v1": "retired", "v2": "champion"}
    assert service.score_month(store=loaded, month=MONTH, now=SCORED_AT).model_version == "v2"
    with pytest.raises(FileExistsError):
        service.train(store=loaded, months=[MONTH], outcomes=[province.outcomes_file], version="v2")


def test_retraining_is_due_in_january_and_july_until_a_model_is_trained_that_month(
    loaded: Store, province: SynthResult
) -> None:
    january = datetime(2027, 1, 5, 2, 0, tzinfo=SHANGHAI)
    assert not service.retraining_due(store=loaded, now=datetime(2026, 11, 5, 2, 0, tzinfo=SHANGHAI))
    assert service.retraining_due(store=loaded, now=january)
    service.train(store=loaded, months=[MONTH], outcomes=[province.outcomes_file], version="h1", now=january)
    assert not service.retraining_due(store=loaded, now=datetime(2027, 1, 20, tzinfo=SHANGHAI))
    assert service.retraining_due(store=loaded, now=datetime(2027, 7, 5, tzinfo=SHANGHAI))
