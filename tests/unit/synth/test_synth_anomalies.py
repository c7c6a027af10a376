"""Injected patterns: each group has the shape its name promises, on accounts used nowhere else."""

from collections.abc import Callable

import numpy as np
import pytest

from cbec.synth import anomalies
from cbec.synth import calibration as cal
from cbec.synth.batch import (
    CHANNEL,
    COUNTRIES,
    COUNTRY,
    CURRENCY,
    DECLARATION_MISMATCH,
    INBOUND,
    ORDER_MISMATCH,
    OUTBOUND,
    PATTERN,
    Context,
    PaymentCore,
)
from cbec.synth.chunks import make_context
from cbec.synth.month import parse_month
from cbec.synth.trade import base_payments

HOUR, DAY = 3_600, 86_400
Generator = Callable[[np.random.Generator, Context, np.ndarray, anomalies.Accounts], PaymentCore]


@pytest.fixture(scope="module")
def ctx() -> Context:
    return make_context(seed=11, month=parse_month("2024-02"), payments=20_000, high_risk=cal.HIGH_RISK_COUNTRIES)


def _groups(make: Generator, ctx: Context, sizes: list[int]) -> tuple[PaymentCore, list[np.ndarray]]:
    """Run one pattern generator and return its rows and the row indices of each group."""
    size_array = np.array(sizes, dtype=np.int64)
    core = make(np.random.default_rng(5), ctx, size_array, anomalies.Accounts(chunk=0))
    edges = np.cumsum([0, *sizes])
    return core, [np.arange(edges[i], edges[i + 1]) for i in range(len(sizes))]


def test_plan_makes_about_one_percent_of_a_chunk_anomalous() -> None:
    groups = anomalies.plan(np.random.default_rng(1), 250_000)
    rows = sum(int(sizes.sum()) for sizes in groups.values())
    assert 0.007 * 250_000 < rows < 0.013 * 250_000
    assert set(groups) == set(cal.PATTERNS)


def test_structuring_stays_just_under_the_reporting_thresholds(ctx: Context) -> None:
    core, groups = _groups(anomalies.structuring, ctx, [4] * 30)
    cny, usd = core.currency == CURRENCY["CNY"], core.currency == CURRENCY["USD"]
    assert np.all(cny | usd)
    assert np.all((core.amount[cny] >= 185_000_00) & (core.amount[cny] < 200_000_00))
    in_band = ((core.amount >= 9_000_00) & (core.amount < 10_000_00)) | (
        (core.amount >= 45_000_00) & (core.amount < 50_000_00)
    )
    assert np.all(in_band[usd])
    assert np.all(core.direction == OUTBOUND) and np.all(core.pattern == PATTERN["structuring"])
    for rows in groups:
        assert len(set(core.institution[rows])) == 1 and len(set(core.payee[rows])) == 1
        if core.currency[rows[0]] == CURRENCY["CNY"]:  # one payment a day, each under CNY 200k
            assert len(set(core.initiated[rows] // DAY)) == len(rows)


def test_split_orders_are_one_buyers_retail_imports_under_5000(ctx: Context) -> None:
    core, groups = _groups(anomalies.split_orders, ctx, [6] * 10)
    assert np.all((core.amount >= 4_500_00) & (core.amount < 5_000_00))
    assert np.all(core.currency == CURRENCY["CNY"]) and np.all(core.has_docs) and np.all(core.order_ref)
    assert {cal.SEGMENTS[s].mode for s in core.segment} <= {"1210", "9610"}
    for rows in groups:
        assert len(set(core.buyer[rows])) == 1 and len(set(core.payee[rows])) == 1
        assert core.initiated[rows].max() - core.initiated[rows].min() < 3 * DAY


def test_rapid_in_out_leaves_within_hours_of_arriving(ctx: Context) -> None:
    core, groups = _groups(anomalies.rapid_in_out, ctx, [3] * 20)
    for rows in groups:
        first, outs = rows[0], rows[1:]
        assert core.direction[first] == INBOUND and np.all(core.direction[outs] == OUTBOUND)
        assert np.all(core.payer[outs] == core.payee[first])
        arrived = core.initiated[first] + core.settle[first]
        assert np.all((core.initiated[outs] > arrived) & (core.initiated[outs] < arrived + 6 * HOUR))
        assert core.amount[outs].sum() <= core.amount[first]


def test_dormant_accounts_wake_up_in_the_last_days(ctx: Context) -> None:
    core, groups = _groups(anomalies.dormant_revival, ctx, [8] * 10)
    month = ctx.month
    for rows in groups:
        early, burst = rows[0], rows[1:]
        assert core.pattern[early] == -1 and np.all(core.pattern[burst] == PATTERN["dormant_revival"])
        assert core.initiated[early] < month.start + 3 * DAY
        assert np.all(core.initiated[burst] >= month.end - 5 * DAY) and np.all(core.initiated[burst] < month.end)
        assert np.all(core.payer[burst] == core.payee[early])


def test_high_risk_corridor_uses_the_configured_list(ctx: Context) -> None:
    core, _ = _groups(anomalies.high_risk_corridor, ctx, [2] * 20)
    assert {COUNTRIES[c] for c in core.payee_country} <= set(cal.HIGH_RISK_COUNTRIES)
    assert np.all(core.enterprise >= 0)
    only_iran = make_context(seed=11, month=parse_month("2024-02"), payments=20_000, high_risk=("IR",))
    core, _ = _groups(anomalies.high_risk_corridor, only_iran, [2] * 5)
    assert set(core.payee_country) == {COUNTRY["IR"]}


def test_unknown_high_risk_countries_are_refused() -> None:
    with pytest.raises(ValueError, match="high-risk"):
        make_context(seed=1, month=parse_month("2024-02"), payments=10_000, high_risk=("XX",))


def test_mule_and_fan_patterns_connect_many_counterparties_to_one_account(ctx: Context) -> None:
    core, groups = _groups(anomalies.mule, ctx, [12] * 5)
    for rows in groups:
        hub = core.payer[rows[-1]]
        assert np.all(core.payee[rows[:-1]] == hub)
        assert len(set(core.payer[rows[:-1]])) == len(rows) - 1
        assert core.initiated[rows[-1]] > core.initiated[rows[:-1]].max()
    for make, hub_side in (
        (anomalies.GENERATORS["fan_in"], "payee"),
        (anomalies.GENERATORS["fan_out"], "payer"),
    ):
        core, groups = _groups(make, ctx, [7] * 5)
        other = "payer" if hub_side == "payee" else "payee"
        for rows in groups:
            assert len(set(getattr(core, hub_side)[rows])) == 1
            assert len(set(getattr(core, other)[rows])) == 7
            assert core.initiated[rows].max() - core.initiated[rows].min() < DAY


def test_cycles_close_across_institutions_in_time_order(ctx: Context) -> None:
    core, groups = _groups(anomalies.cycle, ctx, [3, 4, 5, 3, 5])
    for rows in groups:
        assert np.all(core.payee[rows[:-1]] == core.payer[rows[1:]])
        assert core.payee[rows[-1]] == core.payer[rows[0]]
        assert len(set(core.institution[rows])) == len(rows)
        confirmed = core.initiated[rows] + core.settle[rows]
        assert np.all(core.initiated[rows[1:]] > confirmed[:-1])
        assert core.initiated[rows[-1]] < ctx.month.end
        assert np.all(core.channel[rows] == CHANNEL["wire"])


def test_anomaly_accounts_never_meet_ordinary_accounts(ctx: Context) -> None:
    rng = np.random.default_rng(2)
    base = base_payments(rng, 20_000, ctx)
    groups = anomalies.plan(rng, 20_000)
    extra = anomalies.anomalous_rows(rng, ctx, 0, groups)
    ordinary = set(base.payer) | set(base.payee)
    touched = extra.pattern >= 0
    injected = set(extra.payer[touched]) | set(extra.payee[touched])
    # Only real businesses are shared: registered firms paying high-risk corridors, shops selling split orders.
    firms = set(extra.payer[extra.enterprise >= 0])
    shops = set(extra.payee[extra.pattern == PATTERN["split_orders"]])
    assert ordinary & injected
    assert (ordinary & injected) <= firms | shops


def test_base_rows_are_marked_without_order_or_mismatched(ctx: Context) -> None:
    rng = np.random.default_rng(4)
    base = base_payments(rng, 20_000, ctx)
    groups = {
        "payment_without_order": np.ones(30, dtype=np.int64),
        "amount_mismatch": np.ones(40, dtype=np.int64),
    }
    anomalies.mark_base_rows(rng, base, groups)
    missing = base.pattern == PATTERN["payment_without_order"]
    assert missing.sum() == 30 and not base.has_docs[missing].any() and base.order_ref[missing].all()
    off = base.pattern == PATTERN["amount_mismatch"]
    assert off.sum() == 40
    assert set(base.mismatch[off]) == {ORDER_MISMATCH, DECLARATION_MISMATCH}
