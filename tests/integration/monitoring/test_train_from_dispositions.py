"""`cbec model train` learns from the store's dispositions: a real (small) fit whose labels are what analysts said.

The labelled month has 36 laundering payments of 2,386. Analysts judged 48 of them: 28 laundering as true
positive, 4 as escalated, 4 as no action (a judgement the file disagrees with), and 12 ordinary payments as
false positive. Reading the store's disposition labels touches both stores (test_triage_feedback.py); the fit
itself is a file-and-LightGBM matter, so it runs once, on the embedded store.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cbec.auth.domain import Principal
from cbec.cli import context
from cbec.cli.main import app
from cbec.monitoring import service
from cbec.monitoring.triage.assignment import load_assignment
from cbec.monitoring.triage.domain import NewItem
from cbec.monitoring.triage.store import save_items
from cbec.storage.engine import transaction
from cbec.storage.store import Store

from .labelled import labelled_month

ANALYST = Principal("wang", "regulator-analyst")
NOW = datetime(2026, 8, 5, 9, tzinfo=UTC)
runner = CliRunner()


@pytest.fixture(autouse=True)
def wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(context.console, "width", 200)


def _item(payment: str) -> NewItem:
    return NewItem("2026-07", "PI-TEST", payment, None, 0.7, 0.7, "medium", "test/with_model", [], "测试", "test")


@pytest.fixture
def judged(sqlite_settings_store: Store, tmp_path: Path) -> Iterator[tuple[Store, Path, Path]]:
    """The store with 48 closed review items on the labelled month; yield it with the payments and labels files."""
    store = sqlite_settings_store
    payments, labels, laundering = labelled_month(tmp_path / "data")
    ordinary = [f"P{n:06d}" for n in range(0, 1200, 100)]
    verdicts = {p: "true_positive" for p in laundering[:28]}
    verdicts |= {p: "escalated" for p in laundering[28:32]} | {p: "no_action" for p in laundering[32:]}
    verdicts |= {p: "false_positive" for p in ordinary}
    assert len(verdicts) == 48 and not set(ordinary) & set(laundering)
    with transaction(store.factory) as session:
        save_items(
            session, [_item(p) for p in verdicts], now=NOW, calendar=store.calendar(), assignment=load_assignment()
        )
    for item in service.list_items(store=store, limit=None):
        item_id = int(item["id"])
        service.assign_item(store=store, item_id=item_id, assignee="wang", principal=ANALYST)
        service.start_item(store=store, item_id=item_id, principal=ANALYST)
        disposition = verdicts[str(item["payment_id"])]
        service.close_item(store=store, item_id=item_id, disposition=disposition, reason="judged", principal=ANALYST)
    yield store, payments, labels


def test_dispositions_alone_are_the_labels_of_a_real_fit(judged: tuple[Store, Path, Path], tmp_path: Path) -> None:
    store, payments, _ = judged
    result = service.train_with_dispositions(
        store=store, payments=payments, labels=None, out=tmp_path / "model", name="judged", now=NOW
    )
    assert (result.payments, result.laundering) == (2_386, 32)  # true positive and escalated: 28 + 4
    assert result.meta["labels"] == {
        "file": None,
        "file_positives": 0,
        "known": {"escalated": 4, "false_positive": 12, "no_action": 4, "true_positive": 28},
        "known_matched": 48,
        "known_overriding_file": 0,
        "positives": 32,
    }
    validation = result.meta["validation"]
    assert (validation["laundering"], validation["payments"]) == (32, 2_386)
    assert set(validation["recall_by_pattern"]) == {"true_positive", "escalated"}
    assert validation["recall_by_pattern"]["escalated"]["payments"] == 4
    assert result.meta["kind"] == "lightgbm" and 0 < result.meta["threshold"] < 1


def test_the_command_line_combines_the_labels_file_with_dispositions_which_win(
    judged: tuple[Store, Path, Path], tmp_path: Path
) -> None:
    store, payments, labels = judged
    model = tmp_path / "model"
    args = ["model", "train", "--payments", str(payments), "--labels", str(labels), "--out", str(model)]
    result = runner.invoke(app, [*args, "--from-dispositions"], env={"CBEC_HOME": str(store.settings.home)})
    assert result.exit_code == 0, result.output
    output = " ".join(result.output.split())
    assert "trained on 2,386 payments (32 laundering)" in output
    assert "labels from dispositions: 4 escalated, 12 false_positive, 4 no_action, 28 true_positive" in output
    assert "48 found in the payments, 4 overriding the labels file" in output
    meta = service.show_model(path=model)
    assert meta["labels"]["file_positives"] == 36 and meta["labels"]["positives"] == 32
    assert meta["validation"]["laundering"] == 32  # the four judged "no action" are negatives now


def test_training_from_dispositions_refuses_a_store_without_any(sqlite_settings_store: Store, tmp_path: Path) -> None:
    payments, _, _ = labelled_month(tmp_path / "data", chains=2)
    with pytest.raises(ValueError, match="no review item is closed with a disposition"):
        service.train_with_dispositions(
            store=sqlite_settings_store, payments=payments, labels=None, out=tmp_path / "m", name="x", now=NOW
        )
