"""The scorecard's arithmetic: WOE, points to odds by PDO, points per bin, reason codes, grades, hard rules."""

from __future__ import annotations

import math

import numpy as np
import pytest

from cbec.credit.config import shipped_config
from cbec.credit.domain import (
    BinnedFeature,
    GradeBand,
    HardRule,
    PointsScale,
    Scorecard,
    apply_hard_rules,
    grade_of,
    information_value,
    reason_codes,
    woe,
)
from cbec.credit.metrics import auc, ks, psi, psi_of_categories
from cbec.credit.scoring import score_batch


def test_woe_is_the_log_ratio_of_good_and_bad_shares_with_half_a_count_added() -> None:
    assert woe(40, 10, 100, 50) == pytest.approx(math.log((40.5 / 100.5) / (10.5 / 50.5)))
    assert woe(40, 10, 100, 50) == pytest.approx(0.661742, abs=1e-6)
    assert woe(10, 10, 100, 100) == pytest.approx(0.0)
    # A bin of only bads stays finite: ln((0.5 / 100.5) / (5.5 / 50.5)) = -3.0861
    assert woe(0, 5, 100, 50) == pytest.approx(-3.086080, abs=1e-6)


def test_information_value_sums_share_differences_times_woe() -> None:
    assert information_value([40, 60], [10, 40]) == pytest.approx(0.186448, abs=1e-6)
    assert information_value([50, 50], [25, 25]) == pytest.approx(0.0, abs=1e-4)


def test_points_scale_gives_base_points_at_base_odds_and_pdo_more_at_double() -> None:
    scale = PointsScale(base_points=600, base_odds=50, pdo=20)
    assert scale.factor == pytest.approx(20 / math.log(2))  # 28.8539
    assert scale.offset == pytest.approx(600 - 28.853901 * math.log(50), abs=1e-4)  # 487.1229
    assert scale.points(50) == pytest.approx(600)
    assert scale.points(100) == pytest.approx(620)
    assert scale.points(25) == pytest.approx(580)
    assert scale.odds(580) == pytest.approx(25)
    assert scale.odds(640) == pytest.approx(200)


def _card() -> Scorecard:
    complaints = BinnedFeature(
        name="complaints", splits=(1.0, 5.0), woe=(0.5, -0.2, -1.0), missing_woe=0.0, coefficient=-1.0
    )
    rating = BinnedFeature(name="rating", splits=(3.5,), woe=(-0.8, 0.4), missing_woe=-0.3, coefficient=-0.5)
    return Scorecard(version="t", intercept=-2.0, features=(complaints, rating), scale=PointsScale(600, 50, 20))


def test_bins_follow_optbinning_left_closed_intervals_and_missing_is_its_own_bin() -> None:
    feature = _card().features[0]
    assert feature.bin_index([0.0, 0.999, 1.0, 4.99, 5.0, 99.0, math.nan]).tolist() == [0, 0, 1, 1, 2, 2, -1]
    assert feature.woe_of([0.0, 1.0, 5.0, math.nan]).tolist() == [0.5, -0.2, -1.0, 0.0]
    assert feature.bin_label(0) == "[-inf, 1)" and feature.bin_label(2) == "[5, inf)"


def test_score_is_offset_minus_factor_times_log_odds_of_bad_split_into_points_per_feature() -> None:
    card = _card()
    factor = 20 / math.log(2)
    scores, points = card.score({"complaints": [0.0, 7.0], "rating": [4.0, math.nan]})
    # Row 1: log-odds(bad) = -2 + (-1)(0.5) + (-0.5)(0.4) = -2.7 → odds good 14.88 → 487.1229 + 2.7 × factor
    assert scores[0] == pytest.approx(487.122876 + 2.7 * factor, abs=1e-4)  # 565.0285
    assert points[0].tolist() == pytest.approx([0.5 * factor, 0.2 * factor])
    # Row 2: log-odds(bad) = -2 + (-1)(-1.0) + (-0.5)(-0.3) = -0.85
    assert scores[1] == pytest.approx(487.122876 + 0.85 * factor, abs=1e-4)
    assert card.base_points == pytest.approx(487.122876 + 2 * factor, abs=1e-4)
    assert card.probability_bad([scores[0]])[0] == pytest.approx(1 / (1 + math.exp(2.7)))


def test_reason_codes_name_the_features_that_lost_the_most_points_first() -> None:
    card = _card()
    _, points = card.score({"complaints": [7.0, 0.0, 0.0], "rating": [1.0, 1.0, 4.0]})
    reasons = reason_codes(points, card.best_points(), ["complaints", "rating"], top=3)
    factor = 20 / math.log(2)
    assert reasons[0] == [("complaints", round(1.5 * factor, 2)), ("rating", round(0.6 * factor, 2))]
    assert reasons[1] == [("rating", round(0.6 * factor, 2))]  # complaints at its best loses nothing
    assert reasons[2] == []  # at the best of every feature: no reason to give


def test_grades_come_from_bands_and_hard_rules_cap_whatever_the_score() -> None:
    bands = (GradeBand("A", 590), GradeBand("B", 560), GradeBand("C", 530), GradeBand("D", 0))
    assert [grade_of(s, bands) for s in (700, 590, 589.99, 560, 530, 529.5, -10)] == [
        "A",
        "A",
        "B",
        "B",
        "C",
        "D",
        "D",
    ]
    order = ("A", "B", "C", "D")
    serious = HardRule("serious", "customs_grade", "D", "严重失信", "seriously dishonest", "law", values=("严重失信",))
    dishonest = HardRule("dishonest", "customs_grade", "C", "失信", "dishonest", "law", values=("失信",))
    fines = HardRule("fines", "fines", "B", "罚款", "fines", "law", at_least=3)
    rules = (serious, dishonest, fines)
    assert apply_hard_rules("A", {"customs_grade": "严重失信"}, rules, order).grade == "D"
    capped = apply_hard_rules("A", {"customs_grade": "失信", "fines": 3}, rules, order)
    assert (capped.score_grade, capped.grade, capped.rules) == ("A", "C", ("dishonest", "fines"))
    assert apply_hard_rules("D", {"customs_grade": "失信"}, rules, order).grade == "D"  # a cap never lifts
    assert apply_hard_rules("A", {"customs_grade": "常规", "fines": 2}, rules, order).rules == ()
    assert apply_hard_rules("A", {"customs_grade": None, "fines": math.nan}, rules, order).grade == "A"


def test_the_shipped_rules_cap_serious_dishonesty_at_d() -> None:
    config = shipped_config()
    graded = apply_hard_rules("A", {"customs_grade": "严重失信"}, config.rules(), config.grade_order)
    assert graded.grade == "D" and graded.rules == ("customs_serious_dishonesty",)
    assert all(rule.source for rule in config.hard_rules)


def test_auc_ks_and_psi_on_known_samples() -> None:
    assert auc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) == pytest.approx(0.75)
    assert auc([0, 1], [0.5, 0.5]) == pytest.approx(0.5)  # ties count half
    assert ks([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) == pytest.approx(0.5)
    assert ks([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9]) == pytest.approx(1.0)
    rng = np.random.default_rng(1)
    same = rng.normal(size=5_000)
    assert psi(same, same) == pytest.approx(0.0)
    assert psi(same, same + 1.0) > 0.25  # a shift of one standard deviation is a major shift
    assert psi_of_categories(["A", "B", "B", "C"], ["A", "B", "B", "C"]) == pytest.approx(0.0)
    # Shares A 0.5→0.25, B 0.5→0.75: (0.25−0.5)ln(0.5) + (0.75−0.5)ln(1.5)
    expected = (0.25 - 0.5) * math.log(0.25 / 0.5) + (0.75 - 0.5) * math.log(0.75 / 0.5)
    assert psi_of_categories(["A", "B"], ["A", "B", "B", "B"]) == pytest.approx(expected)


def test_batch_scoring_grades_and_caps_each_row_as_the_row_by_row_rules_do() -> None:
    config = shipped_config()
    card = _card()
    rng = np.random.default_rng(3)
    n = 400
    columns = {"complaints": rng.integers(0, 9, n).astype(float), "rating": rng.uniform(1, 5, n)}
    columns["rating"][::17] = math.nan
    customs = rng.choice(["高级认证", "常规", "失信", "严重失信", None], n).tolist()
    facts = {"customs_grade": customs, "black_list_severity": [None] * n}
    results = score_batch(card, [f"E{i}" for i in range(n)], columns, facts, config)
    scores, _ = card.score(columns)
    for i, r in enumerate(results):
        expected = apply_hard_rules(
            grade_of(round(float(scores[i]), 2), config.bands()),
            {"customs_grade": customs[i], "black_list_severity": None},
            config.rules(),
            config.grade_order,
        )
        assert (r.score, r.score_grade, r.grade, r.hard_rules) == (
            round(float(scores[i]), 2),
            expected.score_grade,
            expected.grade,
            expected.rules,
        )
        assert [x["feature"] for x in r.reasons] == [
            f
            for f, _ in reason_codes(
                card.points({k: v[i : i + 1] for k, v in columns.items()}), card.best_points(), ["complaints", "rating"]
            )[0]
        ]
    assert {r.grade for r in results if r.hard_rules} <= {"C", "D"}
