"""Inspection sampling by grade and the customs export rows, as pure functions."""

from __future__ import annotations

from cbec.credit.config import shipped_config
from cbec.credit.customs import CUSTOMS_EXPORT_COLUMNS, customs_export_rows
from cbec.credit.sampling import UNGRADED, counts_by_grade, draw_sample, uniform

MULTIPLIERS = {g: m.inspection_rate_multiplier for g, m in shipped_config().measures.items()}


def test_the_draw_is_fixed_by_month_and_enterprise() -> None:
    assert uniform("inspection:2026-10", "E1") == uniform("inspection:2026-10", "E1")
    assert uniform("inspection:2026-10", "E1") != uniform("inspection:2026-11", "E1")
    assert 0 <= uniform("k", "E1") < 1


def test_lower_grades_are_drawn_more_often_in_proportion_to_their_multiplier() -> None:
    grades: dict[str, str | None] = {f"E{i:05d}": "ABCD"[i % 4] for i in range(20_000)}
    grades["X"] = None
    draws = draw_sample(grades, MULTIPLIERS, 0.1, key="inspection:2026-10")
    counts = counts_by_grade(draws, ("A", "B", "C", "D"))
    assert {g: round(rate, 6) for g, (_, _, rate) in counts.items()} == {
        "A": 0.02,
        "B": 0.1,
        "C": 0.2,
        "D": 0.5,
        UNGRADED: 0.1,
    }
    for grade, (n, drawn, rate) in counts.items():
        if grade != UNGRADED:
            assert n == 5_000 and abs(drawn / n - rate) < 0.02, grade
    assert draw_sample(grades, MULTIPLIERS, 0.1, key="inspection:2026-10") == draws


def test_a_rate_never_exceeds_one() -> None:
    (only,) = draw_sample({"E": "D"}, MULTIPLIERS, 0.5, key="k")
    assert only.rate == 1.0 and only.drawn


def test_customs_rows_carry_the_grade_and_its_fast_clearance_flag() -> None:
    measures = {g: m.model_dump() for g, m in shipped_config().measures.items()}
    rows = customs_export_rows({"E2": ("2026-09", "D"), "E1": ("2026-09", "A")}, measures)
    assert [tuple(r) for r in rows] == [CUSTOMS_EXPORT_COLUMNS] * 2
    assert [(r["enterprise_id"], r["credit_grade"], r["fast_clearance"]) for r in rows] == [
        ("E1", "A", "1"),
        ("E2", "D", "0"),
    ]
    assert rows[1]["inspection_rate_multiplier"] == "5.0"
