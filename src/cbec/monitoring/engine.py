"""One rule semantics for payment monitoring, shared by the streaming and the batch driver.

Semantics (both drivers implement exactly this; tests/integration/monitoring prove they agree):

- Every payment gets `amount_cny` = round-half-up(amount x CNY-per-unit at its Asia/Shanghai date, 2)
  and `corridor` = "<payer_country>-<payee_country>". A payment without an FX rate is not monitored.
- Payments are totally ordered by (initiated_at, institution_id, payment_id). A rule's *stream* holds
  the payments passing its filter whose group key has no null part; a sequence rule has two streams
  into one account key: inbound legs (payee_id) and outbound legs (payer_id), an inbound leg ordered
  before an outbound leg of the same payment.
- *Arrival* (the streaming drivers take payments as they come; the batch driver reads the month and sorts
  it): payments of one instant may arrive in any order. A streaming engine holds the newest instant's
  payments and takes them in the order once a later instant arrives or its input is drained (a file's end,
  a partition with no message for now; scoring one payment at a time drains at once), so ties never depend
  on arrival. A payment of an earlier instant than one the engine already holds or took (or a repeat) is
  *late*: skipped and counted. So on a feed in time order (initiated_at never decreasing, ties in any
  order) every driver takes every payment and they agree alert for alert; which payments of a feed out of
  time order are late depends on what else an engine saw (docs/streaming.md).
- The *window* of a payment p is the stream's rows of p's key with initiated_at in (t - W, t] and not
  after p in the order: ties on the timestamp are broken by the order, so no future row is ever needed.
- A rule *fires* on p when its condition holds over p's window after including p (row: p meets `when`;
  aggregate: the measure meets the clause and every `also` clause; sequence: p is an outbound leg and
  the inbound sum, outbound sum, outbound count and out/in ratio meet their bounds). Ratios are
  compared by cross-multiplication, so both drivers decide them exactly.
- `deduplicate`: a firing joins the open episode of (rule, key) when the episode last fired less than W
  before it (within the window); otherwise it opens a new episode. One episode is one alert: its
  payments are the union of the windows of its firings (a contiguous run of the key's stream), in
  order, the first MAX_ALERT_PAYMENTS listed and all counted; observed value and last_at are those
  of its latest firing, first_at the time of its earliest payment.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from cbec.core.clock import SHANGHAI
from cbec.core.money import BASE_CURRENCY, FxRateMissing, FxTable
from cbec.core.payments import PARTY_FIELDS
from cbec.monitoring.rules.model import (
    FIELDS,
    AggregateRule,
    AllOf,
    AnyOf,
    Clause,
    Compare,
    Condition,
    RowRule,
    Rule,
    SequenceRule,
)

MAX_ALERT_PAYMENTS = 50
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
CENT = Decimal("0.01")
RATIO_PLACES = Decimal("0.0001")
PAYMENT_FIELDS = (
    "institution_id",
    "payment_id",
    "channel",
    "direction",
    *PARTY_FIELDS,
    "amount",
    "currency",
    "initiated_at",
    "status",
)
# An account is a payer or a payee: a sequence rule keys both legs of a payment by the account they touch.
ACCOUNT_FIELDS = ("payer_id", "payee_id")
# The name of the dimension whose state is keyed by account (batch partitions, JetStream subjects).
ACCOUNT_DIMENSION = "account"

Facts = dict[str, Any]
PaymentKey = tuple[str, str]


@dataclass(frozen=True, slots=True)
class Payment:
    """One payment as the payments feed gives it (data standard v1)."""

    institution_id: str
    payment_id: str
    channel: str | None
    direction: str | None
    payer_id: str | None
    payee_id: str | None
    payer_type: str | None
    payee_type: str | None
    payer_country: str | None
    payee_country: str | None
    enterprise_id: str | None
    order_id: str | None
    amount: Decimal
    currency: str
    initiated_at: datetime
    status: str | None

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Payment:
        """Build a payment from a mapping with the feed's column names (extra columns are ignored)."""
        values: dict[str, Any] = {name: row.get(name) for name in PAYMENT_FIELDS}
        return cls(**values)


@dataclass(frozen=True, slots=True)
class Alert:
    """A finding that explains itself: rule, key, observed value, threshold, window and the payments."""

    alert_id: str
    rule_id: str
    rule_version: int
    severity: str
    typology: str
    key: tuple[tuple[str, str], ...]
    observed: Decimal
    threshold: Decimal | None
    window: str
    first_at: datetime
    last_at: datetime
    payments: tuple[PaymentKey, ...]
    payment_count: int
    explanation_zh: str
    explanation_en: str


def micros(moment: datetime) -> int:
    """Return microseconds since the Unix epoch of an aware datetime."""
    delta = moment - EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def from_micros(value: int) -> datetime:
    """Return the Asia/Shanghai datetime of epoch microseconds."""
    return datetime.fromtimestamp(value / 1_000_000, SHANGHAI).replace(microsecond=value % 1_000_000)


def local_day(moment: datetime) -> date:
    """Return the Asia/Shanghai calendar date of an instant."""
    return moment.astimezone(SHANGHAI).date()


def to_cny(fx: FxTable, amount: Decimal, currency: str, on: date) -> Decimal:
    """Convert an amount to CNY at the rate in effect on a date, rounded half-up to fen."""
    rate = Decimal(1) if currency == BASE_CURRENCY else fx.rate(currency, on)
    return (amount * rate).quantize(CENT, rounding=ROUND_HALF_UP)


def facts_of(payment: Payment, fx: FxTable) -> Facts | None:
    """Return the columns rules test, amount_cny and corridor included; None without an FX rate."""
    try:
        cny = to_cny(fx, payment.amount, payment.currency, local_day(payment.initiated_at))
    except FxRateMissing:
        return None
    facts = {name: getattr(payment, name) for name in PAYMENT_FIELDS}
    facts["amount_cny"] = cny
    facts["corridor"] = f"{payment.payer_country}-{payment.payee_country}"
    facts["ts"] = micros(payment.initiated_at)
    return facts


Predicate = Callable[[Facts], bool]


def predicate(condition: Condition | None) -> Predicate:
    """Compile a condition into a test on a payment's facts (a null value fails all but `null`).

    The test is generated as one Python expression: field names come from the validated model and
    every value is passed as a bound constant, never pasted into the source.
    """
    if condition is None:
        return lambda facts: True
    constants: dict[str, object] = {}
    source = f"lambda f: {condition_source(condition, constants, column=_fact, prefix='c')}"
    compiled: Predicate = eval(source, {"__builtins__": {}, **constants})  # nosec B307  # compiled from a parsed rule
    return compiled


_PY_OPS = {"eq": "==", "ne": "!=", "lt": "<", "le": "<=", "gt": ">", "ge": ">="}


def _fact(name: str) -> str:
    if name not in FIELDS:
        raise ValueError(f"unknown field {name!r}")
    return f"f[{name!r}]"


def _value(condition: Compare) -> object:
    return condition.value


def condition_source(
    condition: Condition,
    constants: dict[str, object],
    *,
    column: Callable[[str], str],
    prefix: str,
    constant: Callable[[Compare], object] = _value,
) -> str:
    """Render a condition as one Python boolean expression (a null fails all but `null`).

    `column` renders a field as the expression that reads it; each value is bound as a constant named
    `prefix` + a number in `constants` (as `constant` gives it), never pasted into the source.
    """
    if isinstance(condition, AllOf | AnyOf):
        glue = " and " if isinstance(condition, AllOf) else " or "
        parts = (
            condition_source(p, constants, column=column, prefix=prefix, constant=constant) for p in condition.parts
        )
        return "(" + glue.join(parts) + ")"
    read = column(condition.field)
    if condition.op == "null":
        return f"({read} is None)"
    if condition.op == "not_null":
        return f"({read} is not None)"
    name = f"{prefix}{len(constants)}"
    if condition.op in ("in", "not_in"):
        constants[name] = frozenset(condition.value if isinstance(condition.value, tuple) else ())
        if condition.op == "in":  # no set holds None
            return f"({read} in {name})"
        return f"({read} is not None and {read} not in {name})"
    constants[name] = constant(condition)
    if condition.op == "eq" and condition.value is not None:  # None == value is False already
        return f"({read} == {name})"
    return f"({read} is not None and {read} {_PY_OPS[condition.op]} {name})"


def sql_literal(value: str | Decimal, dialect: str = "duckdb") -> str:
    """Return a SQL literal of a text or decimal value (decimals as DECIMAL(38, 6)) in DuckDB's or Spark's SQL."""
    if isinstance(value, Decimal):
        return f"CAST('{value}' AS DECIMAL(38, 6))"
    if dialect == "spark":  # Spark's string literals escape with backslashes
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
    return "'" + value.replace("'", "''") + "'"


_SQL_OPS = {"eq": "=", "ne": "<>", "lt": "<", "le": "<=", "gt": ">", "ge": ">="}


def sql_condition(condition: Condition | None, dialect: str = "duckdb") -> str:
    """Render a condition as a SQL boolean that is never NULL (a null value fails all but `null`), in DuckDB's
    SQL or Spark's (`dialect="spark"`: backquoted names, backslash escapes)."""
    if condition is None:
        return "TRUE"
    if isinstance(condition, AllOf | AnyOf):
        glue = " AND " if isinstance(condition, AllOf) else " OR "
        return "(" + glue.join(sql_condition(p, dialect) for p in condition.parts) + ")"
    column = f"`{condition.field}`" if dialect == "spark" else f'"{condition.field}"'
    if condition.op == "null":
        return f"({column} IS NULL)"
    if condition.op == "not_null":
        return f"({column} IS NOT NULL)"
    if condition.op in ("in", "not_in"):
        values = condition.value if isinstance(condition.value, tuple) else ()
        if not values:
            return "TRUE" if condition.op == "not_in" else "FALSE"
        items = ", ".join(sql_literal(v, dialect) for v in values)
        word = "IN" if condition.op == "in" else "NOT IN"
        return f"coalesce({column} {word} ({items}), FALSE)"
    assert isinstance(condition.value, str | Decimal)
    return f"coalesce({column} {_SQL_OPS[condition.op]} {sql_literal(condition.value, dialect)}, FALSE)"


def clause_holds(clause: Clause, value: Decimal | int, denominator: Decimal | None = None) -> bool:
    """Tell whether a clause holds; a ratio is given as numerator and denominator and cross-multiplied."""
    if denominator is None:
        return clause.holds(value)
    if denominator <= 0:
        return False
    if clause.min is not None and value < clause.min * denominator:
        return False
    scaled = clause.threshold * denominator
    return {">=": value >= scaled, ">": value > scaled, "<=": value <= scaled, "<": value < scaled}[clause.op]


def ratio(numerator: Decimal, denominator: Decimal) -> Decimal:
    """Return numerator / denominator to four places (0 when the denominator is not positive)."""
    return (numerator / denominator).quantize(RATIO_PLACES, ROUND_HALF_UP) if denominator > 0 else Decimal(0)


def key_fields(rule: Rule) -> tuple[str, ...]:
    """Return the names of a rule's group key ('account' for a sequence rule)."""
    return ("account",) if isinstance(rule, SequenceRule) else rule.group_by


def threshold_of(rule: Rule) -> Decimal | None:
    """Return the threshold an alert of the rule reports."""
    if isinstance(rule, AggregateRule):
        return rule.clause.threshold
    if isinstance(rule, SequenceRule):
        return rule.ratio_min
    return None


def deduplicate(last_fire_us: int | None, fire_us: int, window_us: int) -> bool:
    """Tell whether a firing joins the open episode of its (rule, key): it last fired within the window."""
    return last_fire_us is not None and fire_us - last_fire_us < window_us


def alert_id(rule: Rule, key: tuple[str, ...], first_fire: PaymentKey) -> str:
    """Return the stable id of an episode: rule, key and the payment that opened it."""
    return f"{rule.header.id}|{'|'.join(key)}|{first_fire[0]}/{first_fire[1]}"


def _measure_words(rule: Rule) -> tuple[str, str]:
    if isinstance(rule, RowRule):
        return "单笔金额（人民币）", "payment amount in CNY"
    if isinstance(rule, SequenceRule):
        return "转出/转入金额比", "out/in amount ratio"
    words = {
        "count": ("笔数", "count"),
        "sum": ("金额合计（人民币）", "sum in CNY"),
        "max": ("最大单笔（人民币）", "largest payment in CNY"),
        "spread": ("最大/最小金额比", "largest/smallest amount"),
        "ratio": ("金额占比", "amount share"),
        "distinct": ("不同对手数", "distinct counterparties"),
    }
    return words[rule.clause.measure.kind]


def make_alert(
    rule: Rule,
    key: tuple[str, ...],
    *,
    first_fire: PaymentKey,
    observed: Decimal,
    first_us: int,
    last_us: int,
    payments: tuple[PaymentKey, ...],
    payment_count: int,
) -> Alert:
    """Build the alert of one episode with its Chinese and English explanation."""
    head, names = rule.header, key_fields(rule)
    threshold = threshold_of(rule)
    key_text = ", ".join(f"{n}={v}" for n, v in zip(names, key, strict=True))
    zh_measure, en_measure = _measure_words(rule)
    limit = "" if threshold is None else f"，阈值 {threshold}"
    limit_en = "" if threshold is None else f", threshold {threshold}"
    return Alert(
        alert_id=alert_id(rule, key, first_fire),
        rule_id=head.id,
        rule_version=head.version,
        severity=head.severity,
        typology=head.typology,
        key=tuple(zip(names, key, strict=True)),
        observed=observed,
        threshold=threshold,
        window=rule.window.text,
        first_at=from_micros(first_us),
        last_at=from_micros(last_us),
        payments=payments,
        payment_count=payment_count,
        explanation_zh=f"{head.title_zh}：{key_text} 在 {rule.window.text} 窗口内{zh_measure}为 {observed}"
        f"{limit}，涉及 {payment_count} 笔支付（依据：{head.source}）",
        explanation_en=f"{head.title_en}: {key_text} {en_measure} over {rule.window.text} is {observed}"
        f"{limit_en}; {payment_count} payment(s) (source: {head.source})",
    )
