"""Talent measures as specifications: turnover of a role, the Fig. 2 ranking compared, a programme against the cap."""

from __future__ import annotations

from decimal import Decimal

from cbec.talent.config import shipped_config
from cbec.talent.domain import Staffing, check_programme, flagged, ranking, ranking_agrees, turnover_by_role

PAPER = ("operations", "promotion", "product_development", "sourcing", "design_photography", "logistics")


def test_turnover_is_leavers_over_the_average_of_start_and_end_headcount_summed_over_enterprises() -> None:
    sums = turnover_by_role(
        [
            Staffing("E1", "operations", headcount_start=10, hires=1, leavers=3),
            Staffing("E2", "operations", headcount_start=30, hires=2, leavers=2),
            Staffing("E1", "logistics", headcount_start=0, hires=0, leavers=0),
        ]
    )
    ops = sums["operations"]
    assert (ops.enterprises, ops.headcount_start, ops.hires, ops.leavers, ops.headcount_end) == (2, 40, 3, 5, 38)
    assert ops.turnover_pct == Decimal("12.82")  # 5 / ((40 + 38) / 2)
    assert sums["logistics"].turnover_pct is None  # nobody employed: no rate, not zero
    assert flagged(ops, core=True, flag_pct=Decimal(5)) and not flagged(ops, core=False, flag_pct=Decimal(5))
    assert not flagged(ops, core=True, flag_pct=Decimal("12.83"))


def test_the_ranking_follows_postings_and_agrees_only_in_the_papers_order() -> None:
    postings = {"operations": 30, "promotion": 21, "product_development": 16, "sourcing": 13, "other": 40}
    ranked = ranking(postings, PAPER)
    assert ranked[0] == ("other", 1, None) and ranked[1] == ("operations", 2, 1)
    assert ranking_agrees(ranked, PAPER)  # roles the paper does not rank are skipped
    swapped = ranking(postings | {"sourcing": 17}, PAPER)
    assert not ranking_agrees(swapped, PAPER)
    assert not ranking_agrees([], PAPER)


def test_a_programme_is_flagged_over_the_cap_and_for_counts_that_cannot_be() -> None:
    cap = Decimal(1_000_000)
    over = check_programme(trainees=100, tests_passed=80, placed=56, funding=Decimal("1200000.00"), cap=cap)
    assert over.over_cap_by == Decimal("200000.00") and over.findings == ("over_cap",)
    assert (over.pass_rate_pct, over.placement_rate_pct) == (Decimal("80.00"), Decimal("56.00"))
    at_cap = check_programme(trainees=10, tests_passed=None, placed=11, funding=cap, cap=cap)
    assert at_cap.over_cap_by is None
    assert at_cap.findings == ("placed_more_than_trainees", "no_test_results")


def test_the_shipped_configuration_names_core_roles_with_reasons_and_the_papers_cap() -> None:
    config = shipped_config()
    assert set(config.core_roles) == {"operations", "promotion", "product_development"}
    assert all(r.reason_zh and r.reason_en for r in config.core_roles.values())
    assert config.funding_cap_cny == Decimal(1_000_000) and config.fig2_ranking == PAPER
