"""Compile a rule set's filters and group keys into one Python function that routes a payment to rule steps.

One generated function per rule set reads each payment column once and tests every rule's filter inline,
so a payment costs one call plus the steps of the rules it passes (not one predicate call per rule).
Column names come from the validated rule model and every value is a bound constant, never pasted into
the source. amount_cny is tested as integer fen against the threshold x 100 (exact: int and Decimal
compare exactly).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from cbec.monitoring.engine import PAYMENT_FIELDS, condition_source
from cbec.monitoring.rules.model import FIELDS, Compare, Condition, RowRule, Rule, SequenceRule

# A stored row, shared by every rule that holds the payment: (epoch µs, institution_id, payment_id,
# amount_cny in fen, side 0 inbound / 1 outbound, payer_id, payee_id, enterprise_id, corridor). Rows of one
# key compare in the contract's order: (µs, institution, payment id) are unique, then the side.
Row = tuple[Any, ...]
ROW_COLUMNS = {"institution_id": 1, "payer_id": 5, "payee_id": 6, "enterprise_id": 7, "corridor": 8}
Step = Callable[..., Any]
Fired = list[tuple[int, Any, Any]]
Dispatch = Callable[[Any, int, Row, Fired], None]


def fen_constant(value: Decimal) -> int | Decimal:
    """Return a CNY amount in fen, as an int when it is a whole number of fen."""
    scaled = value.scaleb(2)
    return int(scaled) if scaled == scaled.to_integral_value() else scaled


def _column(name: str) -> str:
    if name not in FIELDS:
        raise ValueError(f"unknown field {name!r}")
    return {"amount_cny": "fen", "corridor": "row[8]"}.get(name, f"c_{name}")


def _fen(condition: Compare) -> object:
    value = condition.value
    return fen_constant(value) if condition.field == "amount_cny" and isinstance(value, Decimal) else value


def expression(condition: Condition, constants: dict[str, object]) -> str:
    """Render a condition as a Python boolean over the dispatch's locals (a null fails all but `null`)."""
    return condition_source(condition, constants, column=_column, prefix="k", constant=_fen)


def _key(names: Sequence[str]) -> str:
    columns = [_column(n) for n in names]
    if len(columns) == 1:
        return columns[0]
    nulls = " or ".join(f"{c} is None" for c in columns)
    return f"None if {nulls} else ({', '.join(columns)},)"


def _call(index: int, step: str, key: str, test: str, row: str, extra: str = "") -> list[str]:
    return [
        f"    if {test}:",
        f"        k = {key}",
        "        if k is not None:",
        f"            e = {step}(k, {row}{extra})",
        "            if e is not None:",
        f"                fired.append(({index}, k, e))",
    ]


def compile_dispatch(rules: Sequence[Rule], steps: Sequence[Step], subsets: Sequence[Sequence[Condition]]) -> Dispatch:
    """Return dispatch(payment, fen, row, fired): run the steps of the rules the payment passes, in rule order.

    A step returns the episode it fired into (or None); fired collects (rule index, key, episode).
    A sequence rule's inbound leg (keyed by payee) runs before its outbound leg (keyed by payer), whose
    row carries side 1. A ratio rule's step also gets its rows' subset flags.
    """
    constants: dict[str, object] = {"__builtins__": {}}
    lines: list[str] = []
    for index, (rule, flags) in enumerate(zip(rules, subsets, strict=True)):
        step = f"s{index}"
        constants[step] = steps[index]
        if isinstance(rule, SequenceRule):
            inbound = expression(rule.inbound, constants) if rule.inbound else "True"
            outbound = expression(rule.outbound, constants) if rule.outbound else "True"
            lines += _call(index, step, "c_payee_id", inbound, "row")
            lines += _call(index, step, "c_payer_id", outbound, "(orow := orow or out_row(row))")
            continue
        condition = rule.when if isinstance(rule, RowRule) else rule.where
        test = expression(condition, constants) if condition is not None else "True"
        extra = ", (" + "".join(expression(c, constants) + ", " for c in flags) + ")" if flags else ""
        lines += _call(index, step, _key(rule.group_by), test, "row", extra)
    constants["out_row"] = out_row
    body = "\n".join(lines)
    head = [f"    c_{name} = p.{name}" for name in PAYMENT_FIELDS if f"c_{name}" in body]
    source = "\n".join(["def dispatch(p, fen, row, fired):", *head, "    orow = None", body])
    namespace: dict[str, Any] = dict(constants)
    exec(source, namespace)  # nosec B102  # source generated from a parsed, validated rule set
    compiled: Dispatch = namespace["dispatch"]
    return compiled


def out_row(row: Row) -> Row:
    """Return the outbound-leg twin of a row (side 1), ordered after its inbound leg."""
    return (*row[:4], 1, *row[5:])
