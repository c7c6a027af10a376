"""Numbers, money, percentages and dates as each language writes them (Babel's CLDR data).

Large CNY amounts are read in the reader's units: 万元 and 亿元 in Chinese, CNY million and billion in English.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from functools import cache

from babel import Locale
from babel.dates import format_date
from babel.numbers import NumberPattern, parse_pattern

from cbec.core.clock import SHANGHAI

NONE = "—"
LOCALES = {"zh": Locale.parse("zh_Hans_CN"), "en": Locale.parse("en")}
WAN = Decimal(10_000)
YI = Decimal(100_000_000)
MILLION = Decimal(1_000_000)
BILLION = Decimal(1_000_000_000)

Number = Decimal | int | float


def locale_of(lang: str) -> Locale:
    """Return the Babel locale of a language (zh → zh_Hans_CN)."""
    return LOCALES[lang]


@cache
def _pattern(places: int) -> NumberPattern:
    """Return the "#,##0" pattern with `places` decimals, parsed once (Babel parses a pattern string on each call)."""
    return parse_pattern("#,##0" + ("." + "0" * places if places else ""))


def number(value: Number | None, lang: str, places: int = 0) -> str:
    """Return a number with the language's grouping and a fixed number of places, or — ."""
    if value is None:
        return NONE
    return str(_pattern(places).apply(Decimal(str(value)), locale_of(lang), decimal_quantization=True))


def percent(value: Number | None, lang: str, places: int = 2, signed: bool = False) -> str:
    """Return a percentage given in percent (12.5 → "12.50%"), signed for a change when asked, or — ."""
    if value is None:
        return NONE
    text = number(abs(Decimal(str(value))), lang, places) + "%"
    if Decimal(str(value)) < 0:
        return "−" + text if signed else "-" + text
    return ("+" + text) if signed else text


def money(amount: Number | None, currency: str, lang: str, places: int = 2) -> str:
    """Return an amount with its currency: "5,865.96 元" / "CNY 5,865.96"; other currencies by ISO code."""
    if amount is None:
        return NONE
    figure = number(amount, lang, places)
    if lang == "zh":
        return f"{figure} 元" if currency == "CNY" else f"{figure} {currency}"
    return f"{currency} {figure}"


def big_cny(amount: Number | None, lang: str, places: int = 2, compact: bool = False) -> str:
    """Return a large CNY amount in the reader's units: 亿元 / 万元 (zh), CNY billion / million (en; bn / m compact)."""
    if amount is None:
        return NONE
    value = Decimal(str(amount))
    if lang == "zh":
        for size, unit in ((YI, "亿元"), (WAN, "万元")):
            if abs(value) >= size:
                return f"{number(value / size, lang, places)} {unit}"
        return f"{number(value, lang, places)} 元"
    for size, unit in ((BILLION, "bn" if compact else "billion"), (MILLION, "m" if compact else "million")):
        if abs(value) >= size:
            return f"CNY {number(value / size, lang, places)} {unit}"
    return f"CNY {number(value, lang, places)}"


# The unit a table of CNY amounts is written in: 万元 in Chinese, CNY million in English (its header says which).
TABLE_UNIT = {"zh": WAN, "en": MILLION}


def in_table_unit(amount: Number, lang: str) -> Decimal:
    """Return a CNY amount in the language's table unit (万元 / CNY million)."""
    return Decimal(str(amount)) / TABLE_UNIT[lang]


def table_cny(amount: Number | None, lang: str) -> str:
    """Return a CNY amount in the language's table unit with two places: 5,865.96 (万元) / 58.66 (CNY million)."""
    return NONE if amount is None else number(in_table_unit(amount, lang), lang, 2)


def day(value: date | datetime | None, lang: str) -> str:
    """Return a date (an instant's Asia/Shanghai date) as the language writes it: 2026年10月5日 / 5 Oct 2026."""
    if value is None:
        return NONE
    if isinstance(value, datetime):
        value = value.astimezone(SHANGHAI).date()
    return format_date(value, format="medium", locale=locale_of(lang))


# Units of published figures that read differently by language: (Chinese after the figure, English one, many).
# "6 月" in a target is a period (6 个月 / 6 months), not June.
UNIT_WORDS = {
    "天": ("天", "day", "days"),
    "小时": ("小时", "hour", "hours"),
    "工作日": ("个工作日", "working day", "working days"),
    "月": ("个月", "month", "months"),
    "人次/年": ("人次/年", "person a year", "people a year"),
}
# Counts published in 万 (ten thousands): English writes the whole number and what is counted.
TEN_THOUSANDS = {"万笔": "payments", "万单": "orders"}


def official(value: Number | None, unit: str, lang: str, compact: bool = False) -> str:
    """Return an official figure with its unit as published (亿元, 元, 个, 件, 天, 月, %) in the reader's language.

    compact: "CNY 81.04 bn" for a narrow table column rather than "CNY 81.04 billion".
    """
    if value is None:
        return NONE
    exact = Decimal(str(value))
    places = max(0, -int(exact.normalize().as_tuple().exponent))
    if unit == "亿元":
        return big_cny(exact * YI, lang, compact=compact)
    if unit == "元":
        return money(exact, "CNY", lang, places)
    if unit == "%":
        return percent(exact, lang, places)
    if unit in TEN_THOUSANDS and lang == "en":
        return f"{number(exact * WAN, lang, max(0, places - 4))} {TEN_THOUSANDS[unit]}"
    shown = number(exact, lang, places)
    zh, one, many = UNIT_WORDS.get(unit, (unit, "", ""))
    if lang == "zh":
        return f"{shown} {zh}" if zh else shown
    if one:
        return f"{shown} {one if exact == 1 else many}"
    return shown  # counts (个, 件) read as plain numbers in English
