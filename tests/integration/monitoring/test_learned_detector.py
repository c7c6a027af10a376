"""The learned detector end to end: train on labelled files (through the CLI), score a month beside the rules."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import lightgbm as lgb
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from cbec.cli import context
from cbec.cli.main import app
from cbec.config import Settings
from cbec.core.money import load_fx_table
from cbec.feeds.service import ingest, read_side
from cbec.monitoring import service
from cbec.storage.store import open_store

from .labelled import labelled_month

NOW = datetime(2026, 8, 5, 9, 0, tzinfo=UTC)


runner = CliRunner()


def _cbec(home: Path, *args: str, code: int = 0) -> str:
    result = runner.invoke(app, list(args), env={"CBEC_HOME": str(home)})
    assert result.exit_code == code, result.output
    return result.output


@pytest.fixture(autouse=True)
def wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    """Render tables 200 columns wide so no cell is folded."""
    monkeypatch.setattr(context.console, "width", 200)


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, list[str], str]:
    folder = tmp_path_factory.mktemp("labelled")
    payments, labels, laundering = labelled_month(folder / "data")
    model = folder / "model"
    result = runner.invoke(
        app,
        [
            "model",
            "train",
            "--payments",
            str(payments),
            "--labels",
            str(labels),
            "--out",
            str(model),
            "--name",
            "mules",
        ],
        env={"CBEC_HOME": str(folder / "home"), "COLUMNS": "200"},
    )
    assert result.exit_code == 0, result.output
    return payments, model, laundering, result.output


def test_training_saves_a_versioned_model_with_out_of_fold_figures(trained: tuple, tmp_path: Path) -> None:
    _, model, laundering, output = trained
    assert "trained on 2,386 payments (36 laundering)" in output and "out-of-fold" in output
    meta = service.show_model(path=model)
    assert meta["kind"] == "lightgbm" and len(meta["members"]) == meta["params"]["members"] == 5
    assert all((model / f"member-{k}.txt").exists() for k in range(5))
    assert meta["version"] == 1 and meta["name"] == "mules"
    assert len(laundering) == 36
    validation = meta["validation"]
    assert validation["method"] == (
        "out-of-fold, 5 folds grouped by payer account, nested: first stage and cascade cut-off chosen inside each "
        "fold; the folds' models, averaged, are the detector"
    )
    # Stacked: each fold's first stage on disk beside its second, whose extra features are the accounts' scores.
    assert (model / "member-4-first.txt").exists() and "payer_score_max" in meta["second_stage_features"]
    first_trees = lgb.Booster(model_file=str(model / "member-0-first.txt")).num_trees()
    assert meta["params"]["first_stage"]["rounds"] == first_trees == 75
    assert meta["params"]["first_stage"]["learning_rate"] == 0.2
    assert validation["laundering"] == 36 and validation["payments"] == 2_386
    # Mule chains are easy to tell apart from shopping, even for a model that never saw the chain's payer.
    assert validation["f1"] >= 0.8 and validation["pr_auc"] >= 0.8
    assert set(validation["recall_by_pattern"]) == {"stack", "fan_out"}
    assert len(meta["training_data_sha256"]) == 64 and "lightgbm" in meta["libraries"]
    assert "payee_next_out_days" in meta["features"] and 0 < meta["threshold"] < 1
    shown = _cbec(tmp_path, "model", "show", str(model))
    assert "features + 37 of the accounts' scores (second stage)" in " ".join(shown.split())
    cutoffs = [m["cascade_cutoff"] for m in meta["members"]]
    assert all(0 < c < meta["threshold"] for c in cutoffs) and "5 fold models averaged" in shown
    assert f"second stage at first-stage score ≥ {min(cutoffs):.4f}–{max(cutoffs):.4f}" in shown
    assert "mules v1 · lightgbm" in shown and f"F1 {validation['f1']:.3f}" in shown and "stack" in shown
    assert '"training_data_sha256"' in _cbec(tmp_path, "model", "show", str(model), "--json")
    refused = " ".join(_cbec(tmp_path, "model", "show", str(tmp_path), code=2).split())  # unwrap the console
    assert "no model.json (not a cbec model directory)" in refused


def test_training_again_into_the_same_directory_makes_the_next_version(tmp_path: Path) -> None:
    payments, _, _ = labelled_month(tmp_path / "data", chains=6, seed=3)
    model = tmp_path / "model"
    for expected in (1, 2):
        result = service.train_model(
            payments=payments,
            labels=None,
            out=model,
            name="anomaly",
            fx=load_fx_table(),
            timezone="Asia/Shanghai",
            now=NOW,
        )
        assert result.meta["version"] == expected
    assert result.meta["kind"] == "isolation_forest" and (model / "model.joblib").exists()
    assert not list(model.glob("member-*.txt")) and result.meta["validation"]["alert_rate"] == 0.001


def test_monitor_run_with_a_model_adds_scores_and_alerts_and_keeps_every_rule_hit(
    settings: Settings, trained: tuple
) -> None:
    payments, model, laundering, _ = trained
    store = open_store(settings)
    try:
        ingest(store=store, feed="payments", paths=[payments])
        plain = service.run_month(store=store, month="2026-07", matching=False)
        rule_alerts = {(a.rule_id, a.key_text) for a in service.list_alerts(store=store, limit=None)}
        scored = service.run_month(store=store, month="2026-07", matching=False, model=model)
        assert scored.model == "mules@1" and scored.scored == scored.payments == plain.payments
        assert {r: n for r, n in scored.by_rule.items() if not r.startswith("MODEL-")} == plain.by_rule
        assert scored.duplicate == plain.detected  # the rules' alerts were stored already
        after = service.list_alerts(store=store, limit=None)
        assert rule_alerts <= {(a.rule_id, a.key_text) for a in after}
        model_alerts = [a for a in after if a.rule_id == "MODEL-mules"]
        assert len(model_alerts) == scored.new == scored.by_rule["MODEL-mules"]
        one = service.get_alert(store=store, alert_id=model_alerts[0].id)
        assert one is not None and one.rule_version == 1 and one.observed >= one.threshold
        assert "主要因素" in one.explanation_zh and "driven by" in one.explanation_en
        assert one.key_text.startswith("payer_id=") and len(one.payments) == 1

        con = read_side(store=store)
        try:
            rows = con.sql(
                "SELECT payment_id, score, alerted, top_features, model_version, month FROM payment_scores"
            ).fetchall()
        finally:
            con.close()
        assert len(rows) == plain.payments and {r[5] for r in rows} == {"2026-07"}
        alerted = {r[0] for r in rows if r[2]}
        assert alerted == {
            p.payment_id for a in model_alerts for p in service.get_alert(store=store, alert_id=a.id).payments
        }
        assert all(r[3] for r in rows if r[2]) and not any(r[3] for r in rows if not r[2])
        # The model finds most mule hops in data it was trained on, and flags few shoppers.
        assert len(alerted & set(laundering)) >= 30 and len(alerted - set(laundering)) <= 5
    finally:
        store.close()


def test_scores_file_is_one_per_month_and_model_version(sqlite_settings: Settings, trained: tuple) -> None:
    payments, model, _, _ = trained
    store = open_store(sqlite_settings)
    try:
        ingest(store=store, feed="payments", paths=[payments])
        service.run_month(store=store, month="2026-07", matching=False, model=model)
        service.run_month(store=store, month="2026-07", matching=False, model=model)
        files = sorted(store.lake.files("payment_scores"))
        assert [f.relative_to(store.lake.root).as_posix() for f in files] == [
            "payment_scores/month=2026-07/mules-v1.parquet"
        ]
        assert pq.read_table(files[0]).column_names[:3] == ["institution_id", "payment_id", "model"]
    finally:
        store.close()


def test_monitor_run_with_a_model_from_the_command_line(tmp_path: Path, trained: tuple) -> None:
    payments, model, _, _ = trained
    home = tmp_path / "home"
    _cbec(home, "ingest", "payments", str(payments))
    run = _cbec(home, "monitor", "run", "--month", "2026-07", "--no-matching", "--model", str(model))
    assert "MODEL-mules" in run and "model mules@1 scored 2,386 payments" in run
    listing = _cbec(home, "alerts", "list", "--rule", "MODEL-mules", "--limit", "1")
    alert_id = listing.split("│")[1].strip() if "│" in listing else "1"
    shown = _cbec(home, "alerts", "show", alert_id)
    assert "MODEL-mules v1" in shown and "driven by" in shown and "主要因素" in shown
    _cbec(home, "monitor", "run", "--month", "2026-07", "--model", str(tmp_path), code=2)


def test_a_model_of_an_older_format_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    # Format 4 kept one refitted model (model.txt); this cbec reads the folds' models: such a model cannot be read.
    (tmp_path / "model.json").write_text('{"format": 4, "kind": "lightgbm", "version": 3}', encoding="utf-8")
    with pytest.raises(ValueError, match=r"format 4 was written by an older cbec .* train it again"):
        service.show_model(path=tmp_path)
    (tmp_path / "model.json").write_text('{"format": 99, "kind": "lightgbm"}', encoding="utf-8")
    with pytest.raises(ValueError, match="model format 99 is unknown"):
        service.show_model(path=tmp_path)
