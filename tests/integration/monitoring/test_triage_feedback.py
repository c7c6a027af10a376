"""The feedback loop on both stores: dispositions as labels, precision per rule and source from them, candidate
weights in shadow beside the live ones (writing nothing), and publishing a version as one audited step."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from tests.integration.monitoring.feedback_world import judged_month
from tests.integration.monitoring.triage_month import MONTH, load_rows
from typer.testing import CliRunner

from cbec.api.app import create_app
from cbec.audit import service as audit
from cbec.audit.models import AuditEntry
from cbec.auth import service as auth
from cbec.auth.domain import Principal
from cbec.cli import context
from cbec.cli.main import app
from cbec.monitoring import service
from cbec.monitoring.triage.config import SHIPPED_WEIGHTS, TriageConfigError
from cbec.monitoring.triage.feedback import disposition_labels
from cbec.monitoring.triage.models import ReviewItem
from cbec.monitoring.triage.publish import live_weights, published_path
from cbec.storage.store import Store

PI_A = Principal("pi-a", "institution", "PI-A")
NOW = datetime(2026, 11, 3, 9, tzinfo=UTC)
PASSWORD = "correct horse battery"


@pytest.fixture
def judged(store: Store, tmp_path: Path) -> Iterator[tuple[Store, dict[str, int]]]:
    """The store with feedback_world's judged month."""
    yield store, judged_month(store, tmp_path)


def _precision(rows: list[dict[str, Any]]) -> list[tuple[str, str | None, int, int, float | None]]:
    return [(r["source"], r["rule_id"], r["dispositioned"], r["true_positives"], r["precision"]) for r in rows]


def test_closed_items_are_labels_true_positive_and_escalated_one_the_rest_zero(
    judged: tuple[Store, dict[str, int]],
) -> None:
    store, _ = judged
    labels = [(d.institution_id, d.payment_id, d.disposition, d.label) for d in disposition_labels(store=store)]
    assert labels == [
        ("PI-A", "P1", "true_positive", 1),
        ("PI-B", "Q1", "true_positive", 1),
        ("PI-B", "Q2", "false_positive", 0),
        ("PI-B", "Q3", "escalated", 1),
        ("PI-B", "Q4", "no_action", 0),
        ("PI-B", "Q5", "true_positive", 1),
    ]  # Q6 waits for its checker: no label yet
    assert disposition_labels(store=store, months=["2026-09"]) == []
    assert [d.payment_id for d in disposition_labels(store=store, principal=PI_A)] == ["P1"]


def test_precision_per_source_and_rule_from_dispositions_with_wilson_intervals(
    judged: tuple[Store, dict[str, int]],
) -> None:
    store, _ = judged
    rows = service.rule_precision(store=store, month=MONTH)
    assert _precision(rows) == [
        ("queue", None, 6, 4, 0.6667),
        ("model", None, 5, 3, 0.6),
        ("model", "MODEL-aml", 5, 3, 0.6),
        ("rule", None, 3, 2, 0.6667),
        ("rule", "R-SPLIT", 3, 2, 0.6667),
        ("graph", None, 2, 1, 0.5),
        ("graph", "GRAPH-FAN-OUT", 2, 1, 0.5),
        ("documents", None, 1, 1, 1.0),
        ("documents", "DOC-NO-ORDER", 1, 1, 1.0),
    ]  # large-value alerts name P1 too, and are no evidence; R-ROUND names no judged item
    assert (rows[0]["interval_low"], rows[0]["interval_high"]) == (0.3, 0.9032)  # Wilson, 4 of 6
    assert (rows[-1]["interval_low"], rows[-1]["interval_high"]) == (0.2065, 1.0)  # 1 of 1 is no certainty
    mine = service.rule_precision(store=store, month=MONTH, principal=PI_A)
    assert _precision(mine) == [
        ("queue", None, 1, 1, 1.0),
        ("model", None, 1, 1, 1.0),
        ("model", "MODEL-aml", 1, 1, 1.0),
    ]
    shop = service.rule_precision(store=store, month=MONTH, principal=Principal("s", "enterprise", "E1"))
    assert _precision(shop) == [("queue", None, 0, 0, None)]
    assert _precision(service.rule_precision(store=store, month="2026-09")) == [("queue", None, 0, 0, None)]


def _candidate(tmp_path: Path, version: str = "candidate-1") -> Path:
    """Shipped weights whose model profile trusts only suspicion rules: one rule hit reaches the threshold."""
    config = yaml.safe_load(SHIPPED_WEIGHTS.read_text(encoding="utf-8"))
    config["version"] = version
    config["profiles"]["with_model"].update(
        intercept=-4.0,
        threshold=0.5,
        weights={"rule_count": {"weight": 4.0, "why": "one suspicion rule reaches the threshold alone"}},
    )
    path = tmp_path / f"{version}.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path


def test_a_candidate_in_shadow_reports_items_added_and_removed_and_precision_of_each(
    judged: tuple[Store, dict[str, int]], tmp_path: Path
) -> None:
    store, _ = judged
    with store.factory() as session:
        before = [(i.id, i.state, i.disposition) for i in session.scalars(select(ReviewItem).order_by(ReviewItem.id))]
        entries = session.scalar(select(func.count()).select_from(AuditEntry))
    found = service.shadow_month(store=store, month=MONTH, weights=_candidate(tmp_path))
    assert (found["scored"], found["live"]["items"], found["candidate"]["items"]) == (44, 7, 4)
    assert found["live"]["config"].endswith("/with_model") and found["candidate"]["config"] == "candidate-1/with_model"
    # The candidate keeps what the rules named (Q1, Q2, Q3), adds Q10 (named by R-ROUND) and drops the rest.
    assert (found["added"], found["removed"], found["kept"]) == (1, 4, 3)
    assert found["added_sample"] == ["PI-B/Q10"]
    assert found["removed_sample"] == ["PI-A/P1", "PI-B/Q4", "PI-B/Q5", "PI-B/Q6"]
    assert (found["removed_true_positives"], found["removed_not_suspicious"]) == (2, 1)  # P1, Q5; Q4 (Q6 unjudged)
    live, candidate = found["live"], found["candidate"]
    assert (live["dispositioned"], live["true_positives"], live["precision"]) == (6, 4, 0.6667)
    assert (candidate["dispositioned"], candidate["true_positives"], candidate["precision"]) == (3, 2, 0.6667)
    with store.factory() as session:  # nothing written
        after = [(i.id, i.state, i.disposition) for i in session.scalars(select(ReviewItem).order_by(ReviewItem.id))]
        assert session.scalar(select(func.count()).select_from(AuditEntry)) == entries
    assert after == before and live_weights(store) == SHIPPED_WEIGHTS
    with pytest.raises(ValueError, match="no triage evidence kept"):
        service.shadow_month(store=store, month="2026-09", weights=_candidate(tmp_path))


def test_publishing_a_version_is_audited_and_the_next_run_uses_it(store: Store, tmp_path: Path) -> None:
    candidate = _candidate(tmp_path)
    with pytest.raises(ValueError, match="needs a reason"):
        service.publish_weights(store=store, weights=candidate, actor="li", reason=" ", now=NOW)
    shipped_version = yaml.safe_load(SHIPPED_WEIGHTS.read_text(encoding="utf-8"))["version"]
    with pytest.raises(ValueError, match="already live"):
        service.publish_weights(store=store, weights=SHIPPED_WEIGHTS, actor="li", reason="again", now=NOW)
    broken = tmp_path / "broken.yaml"
    broken.write_text("version: x\nprofiles: {with_model: {threshold: 2}}\n", encoding="utf-8")
    with pytest.raises(TriageConfigError) as refused:
        service.publish_weights(store=store, weights=broken, actor="li", reason="try", now=NOW)
    assert "profiles.with_model.threshold: 2 is outside [0.0, 1.0]" in refused.value.problems
    assert "profiles.rules_only: missing" in refused.value.problems
    assert not published_path(store).exists()
    done = service.publish_weights(store=store, weights=candidate, actor="li", reason="shadow: +1 −4", now=NOW)
    assert (done["before"]["version"], done["after"]["version"]) == (shipped_version, "candidate-1")
    assert live_weights(store) == published_path(store)
    assert published_path(store).read_text(encoding="utf-8") == candidate.read_text(encoding="utf-8")
    assert (published_path(store).parent / "published" / "candidate-1.yaml").exists()
    (entry,) = audit.list_entries(store=store, entity="triage_config")
    assert (entry.action, entry.actor, entry.entity_id) == ("triage.publish", "li", "candidate-1")
    assert entry.after is not None and entry.after["reason"] == "shadow: +1 −4"
    assert entry.before is not None and entry.before["version"] == shipped_version
    with pytest.raises(ValueError, match="already live"):
        service.publish_weights(store=store, weights=candidate, actor="li", reason="twice", now=NOW)


def test_a_month_triaged_after_publishing_runs_on_the_published_version(store: Store, tmp_path: Path) -> None:
    load_rows(store, tmp_path)
    service.publish_weights(store=store, weights=_candidate(tmp_path), actor="li", reason="shadowed", now=NOW)
    summary = service.run_month(store=store, month=MONTH, matching=False, graph=False)
    assert summary.triage == "candidate-1/rules_only"


def test_the_precision_route_lets_regulators_and_institutions_read_their_own(
    judged: tuple[Store, dict[str, int]],
) -> None:
    store, _ = judged
    users = {"analyst": ("regulator-analyst", None), "pi-a": ("institution", "PI-A"), "auditor": ("auditor", None)}
    for name, (role, tenant) in users.items():
        auth.create_user(store=store, username=name, password=PASSWORD, role=role, tenant_id=tenant)
    with TestClient(create_app(store.settings)) as client:

        def get(user: str, month: str = MONTH) -> Any:
            token = client.post("/api/v1/auth/token", json={"username": user, "password": PASSWORD})
            headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
            return client.get("/api/v1/triage/precision", params={"month": month}, headers=headers)

        everything = get("analyst")
        assert everything.status_code == 200
        assert _precision(everything.json()) == _precision(service.rule_precision(store=store, month=MONTH))
        assert _precision(get("pi-a").json()) == [
            ("queue", None, 1, 1, 1.0),
            ("model", None, 1, 1, 1.0),
            ("model", "MODEL-aml", 1, 1, 1.0),
        ]
        assert get("auditor").status_code == 403
        assert get("analyst", month="October").status_code == 422


def test_precision_shadow_and_publish_from_the_command_line(
    judged: tuple[Store, dict[str, int]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store, _ = judged
    monkeypatch.setattr(context.console, "width", 200)
    env = {"CBEC_HOME": str(store.settings.home)}
    if store.settings.database_url:
        env["CBEC_DATABASE_URL"] = store.settings.database_url

    def cbec(*args: str, code: int = 0) -> str:
        result = CliRunner().invoke(app, list(args), env=env)
        assert result.exit_code == code, result.output
        return " ".join(result.output.split())

    shown = cbec("triage", "precision", "--month", MONTH)
    assert "R-SPLIT │ 3 │ 2 │ 0.667 [0.208, 0.939]" in shown and "queue │ (all) │ 6 │ 4 │ 0.667 [0.300, 0.903]" in shown
    as_json = json.loads(cbec("triage", "precision", "--month", MONTH, "--json"))
    assert _precision(as_json) == _precision(service.rule_precision(store=store, month=MONTH))
    candidate = _candidate(tmp_path)
    shadow = json.loads(cbec("triage", "shadow", "--month", MONTH, "--weights", str(candidate), "--json"))
    assert (shadow["added"], shadow["removed"], shadow["candidate"]["precision"]) == (1, 4, 0.6667)
    table = cbec("triage", "shadow", "--month", MONTH, "--weights", str(candidate))
    assert "added 1 · 移除 / removed 4 (of them true positives 2, judged not suspicious 1) · kept 3" in table
    assert "candidate-1/with_model │ 4 │ 3 │ 2 │ 0.667" in table
    assert "no triage evidence kept" in cbec(
        "triage", "shadow", "--month", "2026-09", "--weights", str(candidate), code=2
    )
    published = cbec("triage", "publish", "--weights", str(candidate), "--reason", "shadowed", "--by", "li")
    assert "published candidate-1" in published and live_weights(store) == published_path(store)
    assert "already live" in cbec(
        "triage", "publish", "--weights", str(candidate), "--reason", "x", "--by", "li", code=2
    )
