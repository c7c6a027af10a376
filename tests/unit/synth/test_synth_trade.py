"""Ordinary payments: directions, parties, amounts and settlement follow the trade they pay for."""

import numpy as np
import pytest

from cbec.synth import calibration as cal
from cbec.synth.batch import CHANNEL, COUNTRY, CURRENCY, DOMESTIC, INBOUND, OUTBOUND, SEGMENT, PaymentCore
from cbec.synth.chunks import chunk_sizes, make_context
from cbec.synth.month import parse_month
from cbec.synth.trade import base_payments, to_cny_cents


@pytest.fixture(scope="module")
def core() -> PaymentCore:
    ctx = make_context(seed=3, month=parse_month("2024-05"), payments=50_000, high_risk=cal.HIGH_RISK_COUNTRIES)
    return base_payments(np.random.default_rng(9), 50_000, ctx)


def test_exports_flow_in_and_imports_flow_out(core: PaymentCore) -> None:
    trade = np.array([s.trade for s in cal.SEGMENTS])[core.segment]
    cn = COUNTRY["CN"]
    assert np.all(core.direction[trade == "export"] == INBOUND)
    assert np.all(core.direction[trade == "import"] == OUTBOUND)
    assert np.all(core.direction[trade == "domestic"] == DOMESTIC)
    assert np.all(core.payer_country[core.direction == INBOUND] != cn)
    assert np.all(core.payee_country[core.direction == INBOUND] == cn)
    assert np.all(core.payer_country[core.direction == OUTBOUND] == cn)
    assert np.all(core.payee_country[core.direction == OUTBOUND] != cn)
    assert np.all(core.enterprise >= 0)
    assert 0.02 < np.mean(core.direction == DOMESTIC) < 0.04


def test_retail_imports_stay_under_the_per_transaction_limit(core: PaymentCore) -> None:
    imports = core.direction == OUTBOUND
    assert to_cny_cents(core.amount[imports], core.currency[imports]).max() < 5_000_00


def test_zero_decimal_currencies_carry_whole_units(core: PaymentCore) -> None:
    whole = np.isin(core.currency, [CURRENCY["JPY"], CURRENCY["KRW"]])
    assert whole.sum() > 100
    assert np.all(core.amount[whole] % 100 == 0)


def test_b2b_payments_are_much_larger_than_retail(core: PaymentCore) -> None:
    cny = to_cny_cents(core.amount, core.currency)
    retail = np.median(cny[core.segment == SEGMENT["export_retail"]])
    b2b = np.median(cny[core.segment == SEGMENT["export_b2b_direct"]])
    assert b2b > 20 * retail


def test_settlement_medians_follow_channel_speed(core: PaymentCore) -> None:
    medians = [np.median(core.settle[(core.channel == CHANNEL[c]) & (core.settle >= 0)]) for c in cal.CHANNELS]
    by_name = dict(zip(cal.CHANNELS, medians, strict=True))
    assert by_name["e_cny"] < 10 < by_name["local_wallet"] < 3_600 < by_name["third_party"] < 86_400
    assert by_name["third_party"] < by_name["card"] < by_name["wire"] < 4 * 86_400
    failed = core.status == cal.STATUSES.index("failed")
    assert np.all(core.settle[failed] == -1)
    assert 0.002 < np.mean((core.settle == -1) & ~failed) < 0.008


def test_chunks_cover_the_run_and_differ_by_at_most_one_row() -> None:
    sizes = chunk_sizes(1_000_001, rows=250_000)
    assert [s for _, s in sizes] == [200_001, 200_000, 200_000, 200_000, 200_000]
    assert [o for o, _ in sizes] == [0, 200_001, 400_001, 600_001, 800_001]
    assert chunk_sizes(10_000) == [(0, 10_000)]
