"""Money as Decimal with an ISO 4217 currency, and a dated CNY-based FX table."""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cache
from importlib.resources import files
from pathlib import Path

import pycountry

from cbec.core.dated_csv import in_line_order, read_dated_csv

BASE_CURRENCY = "CNY"
FX_SOURCE_COLUMNS = ("date", "currency", "cny_per_unit", "source")

# ISO 4217 minor units where they differ from the usual 2.
_ZERO_DECIMALS = ("BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND")
_MINOR_UNITS = {
    **dict.fromkeys((*_ZERO_DECIMALS, "VUV", "XAF", "XOF", "XPF"), 0),
    **dict.fromkeys(("BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"), 3),
    **dict.fromkeys(("CLF", "UYW"), 4),
}


@cache
def iso_currencies() -> frozenset[str]:
    """Return the ISO 4217 alpha-3 currency codes."""
    return frozenset(currency.alpha_3 for currency in pycountry.currencies)


@cache
def iso_countries() -> frozenset[str]:
    """Return the ISO 3166-1 alpha-2 country codes."""
    return frozenset(country.alpha_2 for country in pycountry.countries)


def is_iso_currency(code: str) -> bool:
    """Tell whether a code is an upper-case ISO 4217 currency code."""
    return code in iso_currencies()


def is_iso_country(code: str) -> bool:
    """Tell whether a code is an upper-case ISO 3166-1 alpha-2 country code."""
    return code in iso_countries()


def minor_units(currency: str) -> int:
    """Return the number of decimal places of a currency's minor unit."""
    return _MINOR_UNITS.get(currency, 2)


def _require_currency(code: str) -> str:
    if not isinstance(code, str) or not is_iso_currency(code):
        raise ValueError(f"not an upper-case ISO 4217 currency code: {code!r}")
    return code


@dataclass(frozen=True, slots=True)
class Money:
    """An exact amount in one currency."""

    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        amount: object = self.amount
        if isinstance(amount, bool) or not isinstance(amount, Decimal | int):
            raise ValueError(f"money amount must be Decimal or int, not {type(amount).__name__}: {amount!r}")
        if isinstance(amount, int):
            object.__setattr__(self, "amount", Decimal(amount))
        elif not amount.is_finite():
            raise ValueError(f"money amount must be finite, got {amount}")
        _require_currency(self.currency)

    @classmethod
    def of(cls, amount: str | int | Decimal, currency: str) -> Money:
        """Build money from a decimal string, int or Decimal."""
        if isinstance(amount, str):
            try:
                return cls(Decimal(amount), currency)
            except InvalidOperation:
                raise ValueError(f"not a decimal amount: {amount!r}") from None
        if isinstance(amount, bool) or not isinstance(amount, int | Decimal):
            raise ValueError(f"money amount must be str, int or Decimal, not {type(amount).__name__}")
        return cls(Decimal(amount), currency)

    @classmethod
    def zero(cls, currency: str) -> Money:
        """Return nothing in a currency (the start of a sum)."""
        return cls(Decimal(0), currency)

    def _same(self, other: Money, op: str) -> Money:
        if not isinstance(other, Money):
            raise TypeError(f"cannot {op} Money and {type(other).__name__}")
        if other.currency != self.currency:
            raise ValueError(f"cannot {op} {self.currency} and {other.currency}; convert first")
        return other

    def __add__(self, other: Money) -> Money:
        return Money(self.amount + self._same(other, "add").amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        return Money(self.amount - self._same(other, "subtract").amount, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __lt__(self, other: Money) -> bool:
        return self.amount < self._same(other, "compare").amount

    def __le__(self, other: Money) -> bool:
        return self.amount <= self._same(other, "compare").amount

    def __gt__(self, other: Money) -> bool:
        return self.amount > self._same(other, "compare").amount

    def __ge__(self, other: Money) -> bool:
        return self.amount >= self._same(other, "compare").amount

    def quantize(self) -> Money:
        """Round half-up to the currency's minor unit (JPY to whole yen, USD to cents)."""
        step = Decimal(1).scaleb(-minor_units(self.currency))
        return Money(self.amount.quantize(step, rounding=ROUND_HALF_UP), self.currency)

    def __str__(self) -> str:
        # Show at least the minor unit, and every digit the amount really carries.
        exponent = self.amount.normalize().as_tuple().exponent
        carried = -exponent if isinstance(exponent, int) and exponent < 0 else 0
        places = max(minor_units(self.currency), carried)
        return f"{self.amount:,.{places}f} {self.currency}"


class FxRateMissing(LookupError):
    """No rate is known for a currency on a date."""

    def __init__(self, currency: str, on: date, detail: str = "") -> None:
        self.currency = currency
        self.on = on
        message = f"no FX rate for {currency} on {on.isoformat()}"
        super().__init__(f"{message} ({detail})" if detail else message)


class FxTableError(ValueError):
    """An FX rate file has problems; all of them are listed."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        super().__init__(f"{source}: {len(problems)} problem(s):\n" + "\n".join(problems))


class FxTable:
    """CNY per one unit of each currency, each rate effective from its date until the next."""

    def __init__(self, rates: dict[str, list[tuple[date, Decimal]]]) -> None:
        self._dates: dict[str, list[date]] = {}
        self._values: dict[str, list[Decimal]] = {}
        for currency, series in rates.items():
            ordered = sorted(series)
            self._dates[currency] = [effective for effective, _ in ordered]
            self._values[currency] = [value for _, value in ordered]

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[date, str, Decimal | str]]) -> FxTable:
        """Build a table from (effective date, currency, CNY per unit) rows."""
        rates: dict[str, list[tuple[date, Decimal]]] = {}
        problems: list[str] = []
        for index, (effective, currency, value) in enumerate(rows, start=1):
            problem = _check_rate(effective, currency, value, rates)
            if problem:
                problems.append(f"row {index}: {problem}")
            else:
                rates.setdefault(currency, []).append((effective, Decimal(value)))
        if problems:
            raise FxTableError("FX rows", problems)
        return cls(rates)

    def currencies(self) -> frozenset[str]:
        """Return the currencies with at least one rate, CNY included."""
        return frozenset(self._dates) | {BASE_CURRENCY}

    def rate(self, currency: str, on: date) -> Decimal:
        """Return CNY per one unit of the currency in effect on a date."""
        if currency == BASE_CURRENCY:
            return Decimal(1)
        dates = self._dates.get(currency)
        if not dates:
            raise FxRateMissing(currency, on, "currency not in the FX table")
        index = bisect.bisect_right(dates, on) - 1
        if index < 0:
            raise FxRateMissing(currency, on, f"first rate is effective {dates[0].isoformat()}")
        return self._values[currency][index]

    def convert(self, money: Money, to: str, on: date) -> Money:
        """Convert at the rates in effect on a date, rounded half-up to the target's minor unit.

        Converting to the same currency returns the money unchanged (not rounded).
        """
        _require_currency(to)
        if money.currency == to:
            return money
        amount = money.amount * self.rate(money.currency, on) / self.rate(to, on)
        return Money(amount, to).quantize()

    def to_cny(self, money: Money, on: date) -> Money:
        """Convert to CNY at the rate in effect on a date."""
        return self.convert(money, BASE_CURRENCY, on)


def _check_rate(
    effective: date, currency: str, value: Decimal | str, seen: dict[str, list[tuple[date, Decimal]]]
) -> str | None:
    """Say what is wrong with one rate, or None when it can be added."""
    if currency == BASE_CURRENCY:
        return "CNY is the base currency and takes no rate"
    if not is_iso_currency(currency):
        return f"not an upper-case ISO 4217 currency code: {currency!r}"
    try:
        number = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return f"cny_per_unit is not a decimal number: {value!r}"
    if not number.is_finite() or number <= 0:
        return f"cny_per_unit must be a positive number, got {value!r}"
    if any(existing == effective for existing, _ in seen.get(currency, [])):
        return f"duplicate rate for {currency} effective {effective.isoformat()}"
    return None


def _default_fx_text() -> tuple[str, str]:
    resource = files("cbec.core") / "data" / "fx_rates.csv"
    return resource.read_text(encoding="utf-8"), "cbec/core/data/fx_rates.csv"


def load_fx_table(path: Path | None = None) -> FxTable:
    """Read a CSV of `date,currency,cny_per_unit,source`; the shipped table by default.

    Every problem in the file is reported at once, each with its line number.
    """
    if path is None:
        text, source = _default_fx_text()
    else:
        text, source = path.read_text(encoding="utf-8"), str(path)
    parsed = read_dated_csv(text, FX_SOURCE_COLUMNS)
    rates: dict[str, list[tuple[date, Decimal]]] = {}
    problems = parsed.problems
    for where, effective, row in parsed.rows:
        problem = _check_rate(effective, row["currency"], row["cny_per_unit"], rates)
        if problem:
            problems.append(f"{where}: {problem}")
        else:
            rates.setdefault(row["currency"], []).append((effective, Decimal(row["cny_per_unit"])))
    if problems:
        raise FxTableError(source, in_line_order(problems))
    return FxTable(rates)
