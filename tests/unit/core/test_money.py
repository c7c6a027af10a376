"""Money, ISO codes and the dated FX table."""

from datetime import date
from decimal import Decimal
from importlib.resources import files
from pathlib import Path

import pytest

from cbec.core.money import (
    FxRateMissing,
    FxTable,
    FxTableError,
    Money,
    is_iso_country,
    is_iso_currency,
    iso_countries,
    iso_currencies,
    load_fx_table,
    minor_units,
)

# --- Money -----------------------------------------------------------------------------------


def test_money_holds_an_exact_decimal() -> None:
    money = Money(Decimal("0.10"), "USD") + Money(Decimal("0.20"), "USD")
    assert money == Money(Decimal("0.30"), "USD")
    assert money.amount == Decimal("0.30")


def test_money_accepts_int_and_stores_decimal() -> None:
    money = Money(Decimal(5), "CNY")
    assert Money.of(5, "CNY") == money
    assert isinstance(Money.of(5, "CNY").amount, Decimal)
    assert Money.of("12.30", "EUR").amount == Decimal("12.30")


@pytest.mark.parametrize("amount", [1.5, 0.1, float("nan")])
def test_money_refuses_floats(amount: float) -> None:
    with pytest.raises(ValueError, match="float"):
        Money(amount, "USD")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="float"):
        Money.of(amount, "USD")  # type: ignore[arg-type]


@pytest.mark.parametrize("amount", [Decimal("NaN"), Decimal("Infinity"), Decimal("-Infinity")])
def test_money_refuses_non_finite_amounts(amount: Decimal) -> None:
    with pytest.raises(ValueError, match="finite"):
        Money(amount, "USD")


def test_money_of_refuses_text_that_is_not_a_number() -> None:
    with pytest.raises(ValueError, match="not a decimal amount"):
        Money.of("12,30", "USD")


@pytest.mark.parametrize("currency", ["usd", "RMB", "XYZ", "", "US"])
def test_money_refuses_unknown_or_lower_case_currencies(currency: str) -> None:
    with pytest.raises(ValueError, match="ISO 4217"):
        Money(Decimal(1), currency)


def test_money_adds_and_subtracts_in_one_currency() -> None:
    price, refund = Money.of("199.90", "USD"), Money.of("49.95", "USD")
    assert price + refund == Money.of("249.85", "USD")
    assert price - refund == Money.of("149.95", "USD")
    assert refund - price == Money.of("-149.95", "USD")
    assert -price == Money.of("-199.90", "USD")
    assert Money.zero("JPY") + Money.of(300, "JPY") == Money.of(300, "JPY")


def test_money_refuses_to_mix_currencies() -> None:
    with pytest.raises(ValueError, match="cannot add USD and EUR"):
        Money.of(1, "USD") + Money.of(1, "EUR")
    with pytest.raises(ValueError, match="cannot subtract USD and CNY"):
        Money.of(1, "USD") - Money.of(1, "CNY")
    with pytest.raises(ValueError, match="cannot compare USD and EUR"):
        _ = Money.of(1, "USD") < Money.of(2, "EUR")


def test_money_compares_within_a_currency() -> None:
    small, large = Money.of("9.99", "CNY"), Money.of("10", "CNY")
    assert small < large
    assert small <= large
    assert large > small
    assert large >= Money.of("10.00", "CNY")
    assert large == Money.of("10.00", "CNY")
    assert max(small, large) is large
    assert Money.of(1, "USD") != Money.of(1, "EUR")


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        ("2.675", "USD", "2.68"),  # half-up: a float would have given 2.67
        ("2.665", "USD", "2.67"),  # half-up, not banker's rounding
        ("-2.675", "USD", "-2.68"),
        ("1234.5", "JPY", "1235"),
        ("1499.49", "KRW", "1499"),
        ("1.2345", "KWD", "1.235"),
        ("7", "CNY", "7.00"),
    ],
)
def test_quantize_rounds_half_up_to_the_minor_unit(amount: str, currency: str, expected: str) -> None:
    quantized = Money.of(amount, currency).quantize()
    assert quantized.amount == Decimal(expected)
    assert str(quantized.amount) == expected


def test_minor_units_follow_iso_4217() -> None:
    units = {code: minor_units(code) for code in ("JPY", "KRW", "VND", "USD", "CNY", "IDR", "BHD")}
    assert units == {"JPY": 0, "KRW": 0, "VND": 0, "USD": 2, "CNY": 2, "IDR": 2, "BHD": 3}


@pytest.mark.parametrize(
    ("money", "text"),
    [
        (Money.of("1234.5", "USD"), "1,234.50 USD"),
        (Money.of("1234567.891", "CNY"), "1,234,567.891 CNY"),  # keeps digits it really has
        (Money.of(1500000, "JPY"), "1,500,000 JPY"),
        (Money.of("-0.5", "EUR"), "-0.50 EUR"),
        (Money.of("12.3000", "USD"), "12.30 USD"),
    ],
)
def test_money_prints_with_thousands_separators_and_currency(money: Money, text: str) -> None:
    assert str(money) == text


# --- ISO codes -------------------------------------------------------------------------------


def test_iso_currency_codes() -> None:
    assert is_iso_currency("CNY")
    assert is_iso_currency("USD")
    assert not is_iso_currency("usd")
    assert not is_iso_currency("RMB")
    assert "EUR" in iso_currencies()
    assert iso_currencies() is iso_currencies()  # built once


def test_iso_country_codes() -> None:
    for code in ("CN", "HK", "MO", "TW", "US", "GB", "DE"):
        assert is_iso_country(code), code
    assert not is_iso_country("UK")  # the ISO code is GB
    assert not is_iso_country("cn")
    assert not is_iso_country("CHN")  # alpha-3
    assert len(iso_countries()) == 249


# --- FX table --------------------------------------------------------------------------------

TABLE = FxTable.from_rows(
    [
        (date(2026, 1, 1), "USD", Decimal("7.10")),
        (date(2026, 7, 1), "USD", Decimal("7.00")),
        (date(2026, 1, 1), "EUR", Decimal("8.00")),
        (date(2026, 1, 1), "JPY", "0.0475"),
    ]
)


def test_rate_is_in_effect_from_its_date_until_the_next() -> None:
    assert TABLE.rate("USD", date(2026, 1, 1)) == Decimal("7.10")
    assert TABLE.rate("USD", date(2026, 6, 30)) == Decimal("7.10")
    assert TABLE.rate("USD", date(2026, 7, 1)) == Decimal("7.00")
    assert TABLE.rate("USD", date(2030, 1, 1)) == Decimal("7.00")


def test_cny_is_the_base_at_one() -> None:
    assert TABLE.rate("CNY", date(1999, 1, 1)) == Decimal(1)
    assert TABLE.currencies() == {"CNY", "USD", "EUR", "JPY"}


def test_missing_rate_names_currency_and_date() -> None:
    with pytest.raises(FxRateMissing, match="no FX rate for USD on 2025-12-31") as early:
        TABLE.rate("USD", date(2025, 12, 31))
    assert "first rate is effective 2026-01-01" in str(early.value)
    assert (early.value.currency, early.value.on) == ("USD", date(2025, 12, 31))
    with pytest.raises(FxRateMissing, match="no FX rate for GBP on 2026-03-01"):
        TABLE.rate("GBP", date(2026, 3, 1))


def test_convert_to_cny_and_back() -> None:
    assert TABLE.to_cny(Money.of("100", "USD"), date(2026, 3, 1)) == Money.of("710.00", "CNY")
    assert TABLE.to_cny(Money.of("100", "USD"), date(2026, 8, 1)) == Money.of("700.00", "CNY")
    assert TABLE.convert(Money.of("710", "CNY"), "USD", date(2026, 3, 1)) == Money.of("100.00", "USD")
    assert TABLE.to_cny(Money.of(10000, "JPY"), date(2026, 3, 1)) == Money.of("475.00", "CNY")


def test_convert_between_two_foreign_currencies_goes_through_cny() -> None:
    # 100 EUR = 800 CNY = 112.676... USD at 7.10.
    assert TABLE.convert(Money.of(100, "EUR"), "USD", date(2026, 3, 1)) == Money.of("112.68", "USD")
    # 1 USD = 7.10 CNY = 149.47... JPY, rounded to whole yen.
    assert TABLE.convert(Money.of(1, "USD"), "JPY", date(2026, 3, 1)) == Money.of(149, "JPY")


def test_convert_to_the_same_currency_is_unchanged() -> None:
    money = Money.of("1.234", "USD")
    assert TABLE.convert(money, "USD", date(2020, 1, 1)) is money


def test_convert_refuses_an_unknown_target() -> None:
    with pytest.raises(ValueError, match="ISO 4217"):
        TABLE.convert(Money.of(1, "USD"), "usd", date(2026, 3, 1))


def test_from_rows_reports_every_bad_row() -> None:
    with pytest.raises(FxTableError) as caught:
        FxTable.from_rows(
            [
                (date(2026, 1, 1), "USD", Decimal("7.1")),
                (date(2026, 1, 1), "USD", Decimal("7.2")),
                (date(2026, 1, 1), "CNY", Decimal("1")),
                (date(2026, 1, 1), "EUR", Decimal("-8")),
                (date(2026, 1, 1), "XYZ", Decimal("1")),
                (date(2026, 1, 1), "GBP", "nine"),
            ]
        )
    assert caught.value.problems == [
        "row 2: duplicate rate for USD effective 2026-01-01",
        "row 3: CNY is the base currency and takes no rate",
        "row 4: cny_per_unit must be a positive number, got Decimal('-8')",
        "row 5: not an upper-case ISO 4217 currency code: 'XYZ'",
        "row 6: cny_per_unit is not a decimal number: 'nine'",
    ]


# --- the shipped FX file ---------------------------------------------------------------------

SHIPPED = [
    "USD",
    "EUR",
    "GBP",
    "JPY",
    "HKD",
    "KRW",
    "SGD",
    "AUD",
    "CAD",
    "MYR",
    "THB",
    "RUB",
    "AED",
    "BRL",
    "MXN",
    "PHP",
    "IDR",
    "VND",
    "INR",
    "SAR",
    "NZD",
    "CHF",
    "MOP",
    "TWD",
    "SEK",
    "NOK",
    "DKK",
    "PLN",
    "KZT",
    "TRY",
    "ZAR",
]


def test_shipped_table_covers_2018_to_2027_month_by_month() -> None:
    table = load_fx_table()
    assert table.currencies() == {"CNY", *SHIPPED}
    for currency in SHIPPED:
        assert table.rate(currency, date(2018, 1, 1)) > 0
        assert table.rate(currency, date(2027, 12, 31)) > 0
        with pytest.raises(FxRateMissing):
            table.rate(currency, date(2017, 12, 31))


def test_shipped_table_has_plausible_levels() -> None:
    table = load_fx_table()
    assert table.rate("USD", date(2018, 6, 15)) == Decimal("6.62000")
    assert table.rate("USD", date(2023, 6, 15)) == Decimal("7.05000")
    assert table.rate("USD", date(2025, 6, 15)) == Decimal("7.18000")
    assert Decimal("7") < table.rate("EUR", date(2024, 6, 15)) < Decimal("8.5")
    assert Decimal("0.04") < table.rate("JPY", date(2024, 6, 15)) < Decimal("0.06")
    assert Decimal("0.9") < table.rate("HKD", date(2024, 6, 15)) < Decimal("0.93")
    assert table.to_cny(Money.of(100, "USD"), date(2026, 5, 20)) == Money.of("710.00", "CNY")


def test_shipped_table_says_it_is_synthetic() -> None:
    lines = (files("cbec.core") / "data" / "fx_rates.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "date,currency,cny_per_unit,source"
    assert len(lines) == 1 + 10 * 12 * len(SHIPPED)
    assert all("synthetic reference; replace with PBoC/CFETS central parity" in line for line in lines[1:])


def test_load_fx_table_reads_a_given_file(tmp_path: Path) -> None:
    path = tmp_path / "fx.csv"
    path.write_text("date,currency,cny_per_unit,source\n2026-01-01,USD,7.1,test\n", encoding="utf-8")
    assert load_fx_table(path).rate("USD", date(2026, 2, 1)) == Decimal("7.1")


def test_load_fx_table_reports_every_problem_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "broken_fx.csv"
    path.write_text(
        "date,currency,cny_per_unit,source\n"
        "2026-01-01,USD,7.1,ok\n"
        "2026-13-01,EUR,8.0,bad month\n"
        "2026-01-01,usd,7.1,lower case\n"
        "2026-01-01,GBP,0,zero\n"
        "2026-01-01,HKD\n"
        "2026-01-01,USD,7.2,duplicate\n",
        encoding="utf-8",
    )
    with pytest.raises(FxTableError) as caught:
        load_fx_table(path)
    assert caught.value.source == str(path)
    assert caught.value.problems == [
        "line 3: invalid date '2026-13-01': month must be in 1..12",
        "line 4: not an upper-case ISO 4217 currency code: 'usd'",
        "line 5: cny_per_unit must be a positive number, got '0'",
        "line 6: expected 4 columns",
        "line 7: duplicate rate for USD effective 2026-01-01",
    ]
    assert str(path) in str(caught.value)


def test_load_fx_table_checks_the_header(tmp_path: Path) -> None:
    path = tmp_path / "fx.csv"
    path.write_text("day,ccy,rate\n2026-01-01,USD,7.1\n", encoding="utf-8")
    with pytest.raises(FxTableError, match="header must be date,currency,cny_per_unit,source"):
        load_fx_table(path)
