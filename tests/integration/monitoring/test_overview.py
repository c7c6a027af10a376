"""The dashboard's read side: payments and alerts per city and day, an alert's evidence graph, tenant narrowing."""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from cbec.auth.domain import Principal
from cbec.config import Settings
from cbec.core.clock import SHANGHAI
from cbec.core.regions import find_city
from cbec.core.severity import MOST_SEVERE_FIRST
from cbec.feeds.service import ingest
from cbec.monitoring import service as monitoring
from cbec.monitoring.alerts import overview
from cbec.storage.store import Store, open_store
from cbec.synth import generate

MONTH = "2026-10"


@pytest.fixture
def loaded(settings: Settings, tmp_path: Path) -> Iterator[tuple[Store, Path]]:
    synth = generate(out_dir=tmp_path / "synth", month=MONTH, payments=1_500, seed=11)
    store = open_store(settings)
    for feed in ("enterprises", "payments"):
        ingest(store=store, feed=feed, paths=[synth.files[feed]])
    monitoring.run_month(store=store, month=MONTH, matching=False)
    yield store, synth.out_dir
    store.close()


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _payments_per_city(out_dir: Path, institution: str | None = None) -> Counter[str]:
    city = {r["enterprise_id"]: find_city(r["city"]) for r in _rows(out_dir / "enterprises.csv")}
    counts: Counter[str] = Counter()
    for p in _rows(out_dir / "payments.csv"):
        found = city.get(p["enterprise_id"])
        if found is not None and institution in (None, p["institution_id"]):
            counts[found.code] += 1
    return counts


def test_payments_per_city_agree_with_the_source_files(loaded: tuple[Store, Path]) -> None:
    store, out_dir = loaded
    cities = overview.city_activity(store=store, month=MONTH)
    assert len(cities) == 11
    assert {c.code: c.payments for c in cities if c.payments} == dict(_payments_per_city(out_dir))
    assert sum(d.payments for d in overview.daily_trend(store=store, month=MONTH)) == 1_500
    assert overview.payment_total(store=store, month=MONTH) == 1_500
    alerted = sum(c.alerts for c in cities)
    assert 0 < alerted <= monitoring.count_alerts(store=store, month=MONTH) * 11


def test_an_institution_sees_only_its_own_payments_and_a_platform_none(loaded: tuple[Store, Path]) -> None:
    store, out_dir = loaded
    institution = next(a.institution_id for a in monitoring.list_alerts(store=store) if a.institution_id)
    assert institution is not None
    mine = Principal(username="pi", role="institution", tenant_id=institution)
    cities = overview.city_activity(store=store, month=MONTH, principal=mine)
    assert {c.code: c.payments for c in cities if c.payments} == dict(_payments_per_city(out_dir, institution))
    shop = Principal(username="shop", role="platform", tenant_id="PF-1")
    assert overview.payment_total(store=store, month=MONTH, principal=shop) == 0
    assert all(c.payments == c.alerts == 0 for c in overview.city_activity(store=store, month=MONTH, principal=shop))


def _alert_figures(
    store: Store, out_dir: Path, principal: Principal
) -> tuple[dict[str, int], Counter[str], dict[str, dict[str, int]]]:
    """The month's alerts per city, per Shanghai day and by severity and typology, counted from each alert as the
    alert page shows it and the source files' payments."""
    city = {r["enterprise_id"]: find_city(r["city"]) for r in _rows(out_dir / "enterprises.csv")}
    firm = {(p["institution_id"], p["payment_id"]): p["enterprise_id"] for p in _rows(out_dir / "payments.csv")}
    alerts = monitoring.list_alerts(store=store, principal=principal, month=MONTH, limit=None)
    per_city: dict[str, set[int]] = {}
    for alert in alerts:
        shown = monitoring.get_alert(store=store, alert_id=alert.id, principal=principal)
        assert shown is not None
        for ref in shown.payments:
            found = city.get(firm.get((ref.institution_id, ref.payment_id), ""))
            if found is not None:
                per_city.setdefault(found.code, set()).add(alert.id)
    days = Counter(a.first_at.astimezone(SHANGHAI).strftime("%Y-%m-%d") for a in alerts)
    breakdown = {
        "severity": dict(Counter(a.severity for a in alerts)),
        "typology": dict(Counter(a.typology for a in alerts)),
    }
    return {code: len(ids) for code, ids in per_city.items()}, days, breakdown


def test_alerts_per_city_day_severity_and_typology_agree_with_each_alert_for_each_principal(
    loaded: tuple[Store, Path],
) -> None:
    store, out_dir = loaded
    institution = max(
        Counter(a.institution_id for a in monitoring.list_alerts(store=store, limit=None) if a.institution_id).items(),
        key=lambda pair: pair[1],
    )[0]
    assert institution is not None
    for principal in (
        Principal(username="reg", role="regulator-analyst"),
        Principal(username="pi", role="institution", tenant_id=institution),
    ):
        per_city, days, breakdown = _alert_figures(store, out_dir, principal)
        assert sum(days.values()) > 0, principal  # the month has alerts the principal may see
        cities = overview.city_activity(store=store, month=MONTH, principal=principal)
        assert {c.code: c.alerts for c in cities if c.alerts} == per_city
        trend = overview.daily_trend(store=store, month=MONTH, principal=principal)
        assert {d.day: d.alerts for d in trend if d.alerts} == dict(days)
        found = overview.alert_breakdown(store=store, month=MONTH, principal=principal)
        assert found == breakdown
        assert list(found["severity"]) == [s for s in MOST_SEVERE_FIRST if s in breakdown["severity"]]
    # An institution sees a part of the month: its figures are not the province's.
    province = overview.alert_breakdown(store=store, month=MONTH)
    own = overview.alert_breakdown(store=store, month=MONTH, principal=principal)
    assert sum(own["severity"].values()) < sum(province["severity"].values())


def test_the_evidence_graph_is_the_alerts_payments_between_accounts(loaded: tuple[Store, Path]) -> None:
    store, out_dir = loaded
    alert = next(a for a in monitoring.list_alerts(store=store, limit=None) if a.payment_count > 1)
    graph = overview.evidence_graph(store=store, alert_id=alert.id)
    assert graph is not None and not graph.truncated
    by_id = {(p["institution_id"], p["payment_id"]): p for p in _rows(out_dir / "payments.csv")}
    assert len(graph.edges) == alert.payment_count
    for edge in graph.edges:
        source = by_id[(edge.institution_id, edge.payment_id)]
        assert (edge.source, edge.target, edge.currency) == (
            source["payer_id"],
            source["payee_id"],
            source["currency"],
        )
        assert edge.amount == Decimal(source["amount"])
    assert sum(n.payments for n in graph.nodes) == 2 * len(graph.edges)
    other = Principal(username="x", role="institution", tenant_id=f"not-{alert.institution_id}")
    assert overview.evidence_graph(store=store, alert_id=alert.id, principal=other) is None
