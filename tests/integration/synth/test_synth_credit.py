"""Credit ground truth: customs grades and 12-month outcomes that depend on the feeds, noisily."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from cbec.credit.metrics import auc
from cbec.synth import SynthResult, generate

Reader = Callable[[Path], list[dict[str, str]]]


def test_every_enterprise_has_a_customs_grade_and_an_outcome(
    month_10k: tuple[SynthResult, float], csv_rows: Reader
) -> None:
    result, _ = month_10k
    enterprises = {r["enterprise_id"] for r in csv_rows(result.files["enterprises"])}
    outcomes = csv_rows(result.outcomes_file)
    grades = csv_rows(result.customs_grades_file)
    assert {r["enterprise_id"] for r in outcomes} == enterprises == {r["enterprise_id"] for r in grades}
    assert {r["as_of_month"] for r in outcomes} == {"2024-03"} and {r["horizon_months"] for r in outcomes} == {"12"}
    # 2024 is before the five-grade scheme: only 高级认证, 常规, 失信 and the 2021 effective date.
    assert {r["grade"] for r in grades} == {"高级认证", "常规", "失信"}
    assert {r["effective_from"] for r in grades} == {"2021-11-01"}
    bad = [int(r["bad"]) for r in outcomes]
    assert 0.06 <= sum(bad) / len(bad) <= 0.14
    for r in outcomes:  # bad means dishonest, a serious violation or both
        assert int(r["bad"]) == max(int(r["became_dishonest"]), int(r["serious_violation"]))


def test_outcomes_follow_what_the_feeds_show_but_not_exactly(
    month_10k: tuple[SynthResult, float], csv_rows: Reader
) -> None:
    result, _ = month_10k
    outcome = {r["enterprise_id"]: int(r["bad"]) for r in csv_rows(result.outcomes_file)}
    grade = {r["enterprise_id"]: r["grade"] for r in csv_rows(result.customs_grades_file)}
    complaints: dict[str, int] = {}
    for r in csv_rows(result.files["complaints"]):
        complaints[r["enterprise_id"]] = complaints.get(r["enterprise_id"], 0) + 1
    ids = sorted(outcome)
    labels = [outcome[e] for e in ids]
    dishonest = [1.0 if grade[e] == "失信" else 0.0 for e in ids]
    assert 0.55 < auc(labels, dishonest) < 0.95  # the customs finding tells, but not everything
    assert 0.5 < auc(labels, [complaints.get(e, 0) for e in ids]) < 0.95


def test_the_same_enterprises_keep_their_customs_grade_in_another_month(tmp_path: Path, csv_rows: Reader) -> None:
    march = generate(out_dir=tmp_path / "a", month="2026-03", payments=1_000, seed=3)
    september = generate(out_dir=tmp_path / "b", month="2026-09", payments=1_000, seed=3)
    before = {r["enterprise_id"]: r["grade"] for r in csv_rows(march.customs_grades_file)}
    after = {r["enterprise_id"]: r["grade"] for r in csv_rows(september.customs_grades_file)}
    assert before.keys() == after.keys()
    three_of_five = {
        "高级认证": "高级认证",
        "认证": "常规",
        "常规": "常规",
        "失信": "失信",
        "严重失信": "失信",
    }
    assert all(before[e] == three_of_five[after[e]] for e in before)
    assert "严重失信" in after.values() and "严重失信" not in before.values()
