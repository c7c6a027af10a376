"""A regulator's path through credit: customs grades, train, score, explain, export, lists, repair, promote."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cbec.cli import context
from cbec.cli.main import app

runner = CliRunner()


@pytest.fixture(autouse=True)
def wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    """Render tables 200 columns wide so no cell is folded."""
    monkeypatch.setattr(context.console, "width", 200)


def _cbec(home: Path, *args: str, code: int = 0) -> str:
    result = runner.invoke(app, list(args), env={"CBEC_HOME": str(home)})
    assert result.exit_code == code, result.output
    return result.output


def test_train_score_explain_export_lists_and_repair(tmp_path: Path) -> None:
    home, month = tmp_path / "home", tmp_path / "m"
    _cbec(home, "synth", "--month", "2026-09", "--payments", "3000", "--seed", "11", "--out", str(month))
    _cbec(home, "ingest-dir", str(month))
    _cbec(home, "monitor", "run", "--month", "2026-09")
    loaded = _cbec(home, "credit", "customs-grades", str(month / "customs_credit_grades.csv"))
    assert "input version 1, 200 rows" in loaded

    trained = _cbec(
        home,
        "credit",
        "train",
        "--month",
        "2026-09",
        "--outcomes",
        str(month / "credit_outcomes.csv"),
        "--version",
        "m1",
    )
    assert "m1 (champion)" in trained
    assert "m1" in _cbec(home, "credit", "models") and "champion" in _cbec(home, "credit", "models")
    scored = _cbec(home, "credit", "score", "--month", "2026-09", "--now", "2026-10-15T10:00:00+08:00")
    assert "scored 200 with m1" in scored

    exported = _cbec(home, "credit", "export", "--month", "2026-09")
    rows = list(csv.DictReader(io.StringIO(exported)))
    assert len(rows) == 200 and {r["model_version"] for r in rows} == {"m1"}
    assert all(r["grade"] in "ABCD" for r in rows)
    capped = next(r for r in rows if "customs_serious_dishonesty" in r["hard_rules"])
    assert capped["grade"] == "D"

    sampled = _cbec(home, "quality", "sample", "--month", "2026-10")
    assert "Inspection sample 2026-10" in sampled and "drawn:" in sampled
    customs = list(csv.DictReader(io.StringIO(_cbec(home, "credit", "customs-export", "--month", "2026-09"))))
    assert len(customs) == 200
    assert {r["enterprise_id"] for r in customs if r["fast_clearance"] == "1"} == {
        r["enterprise_id"] for r in rows if r["grade"] == "A"
    }
    checked = _cbec(home, "quality", "check")
    assert "missing_mandatory" in checked and "standards table" in checked
    assert "subset" in _cbec(home, "quality", "standards")

    explained = json.loads(_cbec(home, "credit", "explain", capped["enterprise_id"], "--json"))
    assert explained["grade"] == "D" and explained["hard_rules"][0]["rule_id"] == "customs_serious_dishonesty"
    assert explained["lists"][0]["list_kind"] == "black" and explained["lists"][0]["entered_on"] == "2026-10-15"
    text = _cbec(home, "credit", "explain", capped["enterprise_id"])
    assert "海关认定严重失信企业" in text and "IP infringement findings" in text
    assert capped["enterprise_id"] in _cbec(home, "credit", "lists", "--kind", "black")

    early = _cbec(
        home,
        "credit",
        "repair",
        "--enterprise-id",
        capped["enterprise_id"],
        "--statement",
        "已整改",
        "--now",
        "2027-01-01T09:00:00+08:00",
        code=1,
    )
    assert "2027-10-15" in early
    applied = _cbec(
        home,
        "credit",
        "repair",
        "--enterprise-id",
        capped["enterprise_id"],
        "--statement",
        "已整改",
        "--now",
        "2027-10-20T09:00:00+08:00",
    )
    assert "#1: submitted" in applied
    _cbec(
        home,
        "credit",
        "repair",
        "--application",
        "1",
        "--action",
        "accept",
        "--reason",
        "材料齐全",
        "--now",
        "2027-10-21T09:00:00+08:00",
    )
    approved = _cbec(
        home,
        "credit",
        "repair",
        "--application",
        "1",
        "--action",
        "approve",
        "--reason",
        "整改到位",
        "--now",
        "2027-10-22T09:00:00+08:00",
    )
    assert "approved" in approved and "accept" in approved
    assert capped["enterprise_id"] not in _cbec(home, "credit", "lists", "--kind", "black")
    assert "2027-10-22" in _cbec(home, "credit", "lists", "--kind", "black", "--all")

    _cbec(
        home,
        "credit",
        "train",
        "--month",
        "2026-09",
        "--outcomes",
        str(month / "credit_outcomes.csv"),
        "--version",
        "m2",
    )
    compared = json.loads(
        _cbec(home, "credit", "compare", "m2", "--month", "2026-09", "--outcomes", str(month / "credit_outcomes.csv"))
    )
    assert compared["champion"] == "m1" and "customs_grade_rank" in compared["feature_psi"]
    _cbec(home, "credit", "promote", "m2", "--reason", "半年度重训 / half-yearly retraining")
    assert "m2" in _cbec(home, "credit", "score", "--month", "2026-09")
