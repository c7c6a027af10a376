"""The large-value report register: each customer's local day over a CN-LV-* threshold, one report due each.

PBoC Order [2016] No. 3 (as amended in 2018), art. 5: a customer's transfers are reported when a single one or the
day's total reaches the line (a natural person's cross-border transfers CNY 200,000 or USD 10,000 equivalent, a
non-natural person's transfers CNY 2,000,000 or USD 200,000 equivalent), the total counted per customer and per
side (money in or out); art. 6: a transaction meeting two lines is reported under each. Reports are due within
five working days of the day. So the register counts by the Asia/Shanghai calendar day, not the rules' rolling
24 hours: the rules (typology `large_value`) stay what finds them, and say which lines apply; this module asks
the same rules' `where` over each local day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import duckdb

from cbec.core.calendar import WorkingCalendar
from cbec.core.money import FxTable
from cbec.monitoring.batch.driver import month_bounds
from cbec.monitoring.batch.load import leaves
from cbec.monitoring.engine import sql_condition
from cbec.monitoring.matching.run import fx_rates_table
from cbec.monitoring.rules.model import AggregateRule, RuleSet

LARGE_VALUE = "large_value"
DUE_WORKING_DAYS = 5
PAYMENT_IDS_KEPT = 500  # a day's payments of one customer named in the report; all are counted
_LOCAL_DAY = "CAST(timezone('Asia/Shanghai', initiated_at) AS DATE)"
# What a report names, besides the columns the rules' `where` reads.
_COLUMNS = (
    "institution_id",
    "payment_id",
    "payer_id",
    "payee_id",
    "payer_type",
    "payee_type",
    "direction",
    "currency",
    "amount",
    "initiated_at",
)


@dataclass(frozen=True, slots=True)
class ReportDue:
    """One large-value report a reporting institution owes for one customer's day."""

    institution_id: str
    trade_date: date
    rule_id: str
    rule_version: int
    customer_id: str
    customer_type: str
    direction: str
    currencies: list[str]
    payment_count: int
    total_cny: Decimal
    threshold_cny: Decimal
    payment_ids: list[str]
    legal_basis: str
    due_on: date

    @property
    def key(self) -> tuple[str, date, str, str]:
        """Return what makes the report one: institution, day, rule and customer."""
        return (self.institution_id, self.trade_date, self.rule_id, self.customer_id)


def large_value_rules(ruleset: RuleSet) -> list[AggregateRule]:
    """Return the rule set's large-value rules: day sums of amount_cny keyed by one account."""
    found = []
    for rule in ruleset.rules:
        if rule.header.typology != LARGE_VALUE:
            continue
        if not isinstance(rule, AggregateRule) or rule.clause.measure.text != "sum(amount_cny)" or rule.also:
            raise ValueError(f"{rule.header.id}: a large-value rule must be an aggregate of sum(amount_cny) alone")
        if rule.clause.op != ">=" or rule.clause.min is not None:
            raise ValueError(f"{rule.header.id}: a large-value rule's clause is sum(amount_cny) >= threshold")
        if len(rule.group_by) != 1 or rule.group_by[0] not in ("payer_id", "payee_id"):
            raise ValueError(f"{rule.header.id}: a large-value rule is grouped by payer_id or payee_id alone")
        found.append(rule)
    return found


def _legs_sql(rules: list[AggregateRule]) -> str:
    """Return one SELECT per rule of the rows it counts, keyed by (rule, institution, day, customer)."""
    legs = []
    for index, rule in enumerate(rules):
        customer = rule.group_by[0]
        side = "payer_type" if customer == "payer_id" else "payee_type"
        legs.append(
            f"""SELECT {index} AS rule, institution_id, day, "{customer}" AS customer, "{side}" AS customer_type,
                   direction, currency, amount_cny, payment_id, initiated_at
            FROM base WHERE r{index} AND "{customer}" IS NOT NULL"""
        )
    return " UNION ALL ".join(legs)


def reports_due(
    con: duckdb.DuckDBPyConnection, *, ruleset: RuleSet, fx: FxTable, month: str, calendar: WorkingCalendar
) -> list[ReportDue]:
    """Return the reports the month's payments make due (read from the `payments` view), by local day.

    Reads the month's partition only, the columns the rules need only, and the rows some rule's `where` passes.
    """
    rules = large_value_rules(ruleset)
    if not rules:
        return []
    start, end = month_bounds(month)
    days = [start.date() + timedelta(days=n) for n in range((end - start).days)]
    needed = {leaf.field for rule in rules if rule.where is not None for leaf in leaves(rule.where)}
    columns = sorted(needed | set(_COLUMNS))
    any_rule = " OR ".join(sql_condition(rule.where) for rule in rules)
    flags = ", ".join(f"{sql_condition(rule.where)} AS r{i}" for i, rule in enumerate(rules))
    lines = " ".join(
        f"WHEN {i} THEN CAST('{Decimal(r.clause.threshold)}' AS DECIMAL(38, 2))" for i, r in enumerate(rules)
    )
    # One pass: the month's candidate rows once (materialised), each rule's legs, the (rule, customer, day) sums
    # over the line, then the ids and currencies of those groups only.
    query = f"""
        WITH base AS MATERIALIZED (
            SELECT p.*, fx.day,
                   CAST(round(CAST(p.amount AS DECIMAL(38, 6)) * fx.cny_per_unit, 2) AS DECIMAL(38, 2)) AS amount_cny
            FROM (
                SELECT {", ".join(f'"{c}"' for c in columns)}, {flags}, {_LOCAL_DAY} AS local_day
                FROM payments WHERE month = $month AND ({any_rule})
            ) AS p
            JOIN _lv_fx AS fx ON fx.day = p.local_day AND fx.currency = p.currency
        ),
        legs AS ({_legs_sql(rules)}),
        due AS (
            SELECT rule, institution_id, day, customer FROM legs GROUP BY rule, institution_id, day, customer
            HAVING sum(amount_cny) >= CASE rule {lines} END
        )
        SELECT l.rule, l.institution_id, l.day, l.customer, any_value(l.customer_type), any_value(l.direction),
               list(DISTINCT l.currency ORDER BY l.currency), count(*), sum(l.amount_cny),
               list(l.payment_id ORDER BY l.initiated_at, l.payment_id)[1:{PAYMENT_IDS_KEPT}]
        FROM legs AS l JOIN due USING (rule, institution_id, day, customer)
        GROUP BY l.rule, l.institution_id, l.day, l.customer
        ORDER BY l.institution_id, l.day, l.rule, l.customer
    """
    con.register("_lv_fx", fx_rates_table(fx, days))
    try:
        rows = con.execute(query, {"month": month}).fetchall()
    finally:
        con.unregister("_lv_fx")
    return [
        ReportDue(
            institution_id=str(institution),
            trade_date=day,
            rule_id=rules[index].header.id,
            rule_version=rules[index].header.version,
            customer_id=str(customer),
            customer_type=str(customer_type or ""),
            direction=str(direction or ""),
            currencies=[str(c) for c in currencies],
            payment_count=int(payments),
            total_cny=Decimal(total),
            threshold_cny=Decimal(rules[index].clause.threshold),
            payment_ids=[str(p) for p in payment_ids],
            legal_basis=rules[index].header.source,
            due_on=calendar.add_working_days(day, DUE_WORKING_DAYS),
        )
        for index, institution, day, customer, customer_type, direction, currencies, payments, total, payment_ids in (
            rows
        )
    ]
