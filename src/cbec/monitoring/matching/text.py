"""SQL that writes amounts and ratios as people read them in findings' explanations."""

from __future__ import annotations

from cbec.core.money import iso_currencies, minor_units


def _minor_unit_groups() -> dict[int, list[str]]:
    groups: dict[int, list[str]] = {}
    for code in sorted(iso_currencies()):
        places = minor_units(code)
        if places != 2:
            groups.setdefault(places, []).append(code)
    return groups


_MINOR_UNIT_GROUPS = _minor_unit_groups()


def money(amount: str, currency: str) -> str:
    """Return SQL that writes an amount as '1,234.50 USD', rounded half-up to the currency's minor unit."""
    cases = " ".join(
        f"WHEN {currency} IN ({', '.join(repr(c) for c in codes)}) "
        f"THEN format('{{:,.{places}f}} {{}}', round({amount}, {places}), {currency})"
        for places, codes in sorted(_MINOR_UNIT_GROUPS.items())
    )
    return f"(CASE {cases} ELSE format('{{:,.2f}} {{}}', round({amount}, 2), {currency}) END)"


def percent(ratio: str) -> str:
    """Return SQL that writes a ratio as a percentage with one decimal, e.g. '7.3%'."""
    return f"format('{{:.1f}}%', {ratio} * 100)"
