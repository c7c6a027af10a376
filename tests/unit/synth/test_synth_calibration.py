"""Calibration: the month's money, the export share, and the code tables are what the sources say."""

from decimal import Decimal

import pycountry
import pytest

from cbec.synth import calibration as cal
from cbec.synth import catalogue as cat
from cbec.synth.batch import COUNTRIES


def test_month_total_and_average_payment_follow_liu_2025() -> None:
    assert Decimal("5129.3") * 100_000_000 / 12 == cal.MONTH_TOTAL_CNY
    assert round(cal.MONTH_TOTAL_CNY / cal.MONTH_PAYMENTS) == 427
    assert round(cal.EXPORT_SHARE, 3) == Decimal("0.767")


def test_segment_means_reproduce_the_money_and_the_export_share() -> None:
    means = cal.segment_mean_cny()
    money = {
        trade: sum(
            Decimal(str(s.count_share)) * m for s, m in zip(cal.SEGMENTS, means, strict=True) if s.trade == trade
        )
        for trade in ("export", "import")
    }
    per_payment = cal.MONTH_TOTAL_CNY / cal.MONTH_PAYMENTS
    assert float(money["export"] + money["import"]) == pytest.approx(float(per_payment), rel=1e-9)
    assert float(money["export"] / (money["export"] + money["import"])) == pytest.approx(0.7667, abs=1e-4)
    retail = means[[s.name for s in cal.SEGMENTS].index("export_retail")]
    b2b = means[[s.name for s in cal.SEGMENTS].index("export_b2b_direct")]
    assert Decimal(100) < retail < Decimal(300) < Decimal(5_000) < b2b


def test_segment_count_shares_sum_to_one() -> None:
    assert sum(s.count_share for s in cal.SEGMENTS) == pytest.approx(1.0)
    assert {s.mode for s in cal.SEGMENTS} == {"9610", "9710", "9810", "1210", ""}


def test_cities_are_the_eleven_prefectures_weighted_hangzhou_ningbo_jinhua_first() -> None:
    assert len(cal.CITIES) == 11
    assert sum(c.weight for c in cal.CITIES) == pytest.approx(1.0)
    ranked = [c.name for c in sorted(cal.CITIES, key=lambda c: -c.weight)]
    assert ranked[:3] == ["杭州市", "宁波市", "金华市"]
    assert ranked[-1] == "舟山市"
    assert all(c.region_code.startswith("33") and c.region_code.endswith("00") for c in cal.CITIES)


def test_every_channel_is_served_and_mixes_are_distributions() -> None:
    for channel in cal.CHANNELS:
        assert any(channel in i.channel_weights for i in cal.INSTITUTIONS), channel
    for mix in cal.CHANNEL_MIX.values():
        assert len(mix) == len(cal.CHANNELS)
        assert sum(mix) == pytest.approx(1.0)
    assert len(cal.INSTITUTIONS) == 12
    assert {"PI-LIANLIAN", "PI-PINGPONG", "BANK-ICBC-ZJ"} <= {i.institution_id for i in cal.INSTITUTIONS}


def test_settlement_medians_are_ordered_by_channel_speed() -> None:
    medians = [cal.SETTLEMENT_MEDIAN_S[c] for c in ("e_cny", "local_wallet", "third_party", "card", "wire")]
    assert medians == sorted(medians)
    assert 86_400 <= cal.SETTLEMENT_MEDIAN_S["wire"] <= 4 * 86_400


def test_country_and_currency_codes_are_iso() -> None:
    for code in COUNTRIES:
        assert pycountry.countries.get(alpha_2=code) is not None, code
    for code in (*cal.CURRENCIES, *cal.MARKET_CURRENCY.values()):
        assert pycountry.currencies.get(alpha_3=code) is not None, code
    assert set(cal.HIGH_RISK_COUNTRIES).isdisjoint(cal.EXPORT_MARKETS)


def test_catalogue_codes_are_well_formed() -> None:
    for product in cat.PRODUCTS:
        assert len(product.hs_code) == 10 and product.hs_code.isdigit(), product
        assert product.trade in ("export", "import")
    for trade in ("export", "import"):
        assert sum(p.weight for p in cat.PRODUCTS if p.trade == trade) == pytest.approx(1.0)


def test_job_roles_follow_the_papers_ranking() -> None:
    ranking = [
        "operations",
        "promotion",
        "product_development",
        "sourcing",
        "design_photography",
        "logistics",
    ]
    weights = [cal.JOB_ROLES[r] for r in ranking]
    assert weights == sorted(weights, reverse=True)
    assert sum(cal.JOB_ROLES.values()) == pytest.approx(1.0)
