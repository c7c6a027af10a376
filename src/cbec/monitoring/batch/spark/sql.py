"""Spark SQL of the batch rules: conditions, window measures, firing tests and observed values per rule.

Rules are grouped by the key their windows run over; the rules of one group share one sort. payer_id and
payee_id rules join the sequence rules on the *account* key (payee legs side 0, payer legs side 1), as in
the numpy driver. A rule's stream is a membership flag `m{i}` over the group's rows, so every measure is a
conditional aggregate over the rule's frame. Frames are RANGE frames over one integer order key
`ord = (ts - base) * slots + tie`, where `tie` ranks a key's rows sharing one microsecond by
(institution_id, payment_id, side): with `(W - 1) * slots + slots / 2 - 1 PRECEDING` a frame holds exactly
the rows in (t - W, t] up to the row itself, whatever the ties (fewer than slots / 2 rows of one key in
one microsecond). Amounts are integer fen, thresholds exact fractions compared by cross-multiplication.

Spark recomputes a sliding frame's aggregate over every row of the frame for each row, so a distinct count
that way is quadratic in a busy key's window (a merchant's 30 days). Distinct counts are running counts
instead: a member row counts while it is the latest of its value and inside the window, so it stops counting
at its *end*, the earlier of the next member row with the same value and the moment it leaves the window.
Each end is an extra row of the group's stream (column `_end` names the measure, every other column NULL);
the count at a row is the member rows up to it minus the ends up to it, both running aggregates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from cbec.monitoring.engine import sql_condition
from cbec.monitoring.rules.model import (
    AggregateRule,
    Clause,
    Condition,
    Measure,
    RowRule,
    Rule,
    SequenceRule,
)

ACCOUNT_GROUP = ("account",)  # not a column: the payee and payer legs keyed by their account
FEN = 100


def spark_condition(condition: Condition | None) -> str:
    """Render a condition as a Spark SQL boolean that is never NULL: the DuckDB driver's rendering, Spark's quoting."""
    return sql_condition(condition, "spark")


def group_of(rule: Rule) -> tuple[str, ...]:
    """Return the key a rule's windows run over: the account for payer/payee and sequence rules."""
    if isinstance(rule, SequenceRule) or rule.group_by in (("payer_id",), ("payee_id",)):
        return ACCOUNT_GROUP
    return rule.group_by


def _ge(value: str, threshold: Fraction, op: str = ">=", scale: str | None = None) -> str:
    """Return SQL deciding `value op threshold * scale` exactly on integers."""
    p, q = threshold.numerator, threshold.denominator
    right = str(p) if scale is None else f"{scale} * {p}"
    return f"({value} * {q} {op} {right})"


@dataclass
class RuleSql:
    """One rule's window aggregates, membership, firing test and observed value, as SQL over its group."""

    index: int
    rule: Rule
    member: str  # SQL: the row is in the rule's stream
    measures: dict[str, str] = field(default_factory=dict)  # alias -> window aggregate
    distincts: dict[str, str] = field(default_factory=dict)  # alias (the end rows' tag) -> field counted
    flags: dict[str, str] = field(default_factory=dict)  # alias -> condition on the payment, decided up front
    tests: list[str] = field(default_factory=list)
    numerator: str = "NULL"
    denominator: str = "NULL"

    @property
    def frame(self) -> str:
        """Return the name of the rule's window."""
        return f"w{self.index}"

    def aggregate(self, name: str, sql: str) -> str:
        """Add an aggregate over the rule's sliding frame; return its alias."""
        alias = f"r{self.index}_{name}"
        self.measures.setdefault(alias, f"{sql} OVER {self.frame}")
        return alias

    def running(self, name: str, sql: str) -> str:
        """Add a sum or count over the window as a difference of two running aggregates; return its alias.

        Both frames start at the partition's first row, which Spark computes incrementally, where a sliding
        frame is recomputed row by row over all its rows (quadratic for a busy account over 365 days).
        """
        alias = f"r{self.index}_{name}"
        before = f"coalesce({sql} OVER b{self.index}, 0)"
        self.measures.setdefault(alias, f"(coalesce({sql} OVER run, 0) - {before})")
        return alias

    def flag(self, condition: str) -> str:
        """Return the alias of a column holding `condition`, decided per row before the windows (so the
        windows' sort carries one boolean instead of the payment columns the condition reads)."""
        for alias, known in self.flags.items():
            if known == condition:
                return alias
        alias = f"x{self.index}_{len(self.flags)}"
        self.flags[alias] = condition
        return alias

    def total(self, extra: str = "TRUE") -> str:
        """Return the alias of the window sum of fen of the member rows meeting `extra`."""
        summed = f"sum(CASE WHEN m{self.index} AND {extra} THEN fen END)"
        for alias, sql in self.measures.items():
            if sql.startswith(f"(coalesce({summed} OVER run"):
                return alias
        return self.running(f"sum{len(self.measures)}", summed)

    def distinct(self, name: str) -> str:
        """Add the window's count of distinct non-null `name` among member rows (running, with end rows)."""
        alias = f"r{self.index}_d_{name}"
        if alias not in self.distincts:
            self.distincts[alias] = name
            starts = f"count(CASE WHEN m{self.index} AND `{name}` IS NOT NULL THEN 1 END) OVER upto"
            self.measures[alias] = f"({starts} - count(CASE WHEN _end = '{alias}' THEN 1 END) OVER upto)"
        return alias

    @property
    def sliding(self) -> dict[str, str]:
        """Return the rule's aggregates over a sliding frame (max, min), alias -> SQL."""
        return {alias: sql for alias, sql in self.measures.items() if f"OVER {self.frame}" in sql}


def _measure(sql: RuleSql, measure: Measure) -> tuple[str, str | None, int]:
    """Return (numerator alias, denominator alias or None, fen scale) of a measure, as batch_rules reads it."""
    m = f"m{sql.index}"
    if measure.kind == "count":
        return sql.running("n", f"count(CASE WHEN {m} THEN 1 END)"), None, 1
    if measure.kind == "sum":
        return sql.total(), None, FEN
    if measure.kind in ("max", "spread"):
        top = sql.aggregate("max", f"max(CASE WHEN {m} THEN fen END)")
        if measure.kind == "max":
            return top, None, FEN
        return top, sql.aggregate("min", f"min(CASE WHEN {m} THEN fen END)"), 1
    if measure.kind == "distinct":
        return sql.distinct(str(measure.field)), None, 1
    return sql.total(sql.flag(spark_condition(measure.subset))), sql.total(), 1


def _clause(sql: RuleSql, clause: Clause) -> list[str]:
    value, den, scale = _measure(sql, clause.measure)
    if den is None:
        tests = [_ge(value, Fraction(clause.threshold) * scale, clause.op)]
        if clause.min is not None:
            tests.append(_ge(value, Fraction(clause.min) * scale))
        return tests
    tests = [f"({den} > 0)", _ge(value, Fraction(clause.threshold), clause.op, den)]
    if clause.min is not None:
        tests.append(_ge(value, Fraction(clause.min), ">=", den))
    return tests


def rule_sql(index: int, rule: Rule) -> RuleSql:
    """Return the SQL parts of one rule over its group's rows."""
    if isinstance(rule, SequenceRule):
        member = f"((side = 0 AND {spark_condition(rule.inbound)}) OR (side = 1 AND {spark_condition(rule.outbound)}))"
        sql = RuleSql(index, rule, member)
        inbound, outbound = sql.total("side = 0"), sql.total("side = 1")
        legs = sql.running("legs", f"count(CASE WHEN m{index} AND side = 1 THEN 1 END)")
        sql.tests = [
            "side = 1",
            f"{inbound} > 0",
            _ge(inbound, Fraction(rule.min_inbound_cny) * FEN),
            _ge(outbound, Fraction(rule.min_outbound_cny) * FEN),
            f"{legs} >= {rule.min_outbound_count}",
            _ge(outbound, Fraction(rule.ratio_min), ">=", inbound),
        ]
        if rule.ratio_max is not None:
            sql.tests.append(_ge(outbound, Fraction(rule.ratio_max), "<=", inbound))
        sql.numerator, sql.denominator = outbound, inbound
    else:
        condition = spark_condition(rule.when if isinstance(rule, RowRule) else rule.where)
        if group_of(rule) == ACCOUNT_GROUP:
            condition = f"(side = {1 if rule.group_by == ('payer_id',) else 0} AND {condition})"
        sql = RuleSql(index, rule, condition)
        if isinstance(rule, RowRule):
            sql.numerator = "fen"
        else:
            assert isinstance(rule, AggregateRule)
            for clause in (rule.clause, *rule.also):
                sql.tests += _clause(sql, clause)
            value, den, _ = _measure(sql, rule.clause.measure)
            sql.numerator, sql.denominator = value, den or "NULL"
    sql.running("n", f"count(CASE WHEN m{index} THEN 1 END)")  # rows in the window: where it starts
    return sql


def reach(rule: Rule, slots: int) -> int:
    """Return how far back in ord a frame of the rule's window reaches: (t - W, t] whatever the ties."""
    return (rule.window.micros - 1) * slots + slots // 2 - 1


def ordered_sql(stream: str, keys: list[str], rules: list[RuleSql], base_us: int, slots: int) -> str:
    """Return the query over a group's stream view: per row its membership and condition flags, tie and
    order, and only the columns the windows read."""
    part = ", ".join(keys)
    flags = "".join(
        [f", {r.member} AS m{r.index}" for r in rules]
        + [f", {condition} AS {alias}" for r in rules for alias, condition in r.flags.items()]
    )
    kept = ", ".join(
        dict.fromkeys(
            [*keys, "side", "ts", "tie", "in_month", "fen", "institution_id", "payment_id"]
            + [f"m{r.index}" for r in rules]
            + [alias for r in rules for alias in r.flags]
            + [f"`{name}`" for r in rules for name in r.distincts.values()]
        )
    )
    return f"""
    WITH flagged AS (SELECT *{flags} FROM {stream}),
    tied AS (  -- a row in no rule's stream counts in no measure: it never enters the sorts
        SELECT *, row_number() OVER (PARTITION BY {part}, ts ORDER BY institution_id, payment_id, side) - 1 AS tie
        FROM flagged WHERE {" OR ".join(f"m{r.index}" for r in rules)}
    )
    SELECT {kept}, (ts - {base_us}) * {slots} + tie AS ord, CAST(NULL AS STRING) AS _end FROM tied
    """


def ends_sql(ordered: str, keys: list[str], rules: list[RuleSql], slots: int) -> str | None:
    """Return the end rows of the group's distinct counts (None when it has none): per member row with a
    value, the ord where it stops counting: its next member row with the same value, or where it leaves
    the window. One sort per field counted, latest first, so the next row is a running minimum."""
    part = ", ".join(keys)
    fields: dict[str, list[tuple[RuleSql, str]]] = {}
    for r in rules:
        for alias, name in r.distincts.items():
            fields.setdefault(name, []).append((r, alias))
    if not fields:
        return None
    queries = []
    for name, entries in fields.items():
        nexts = "".join(f", min(CASE WHEN m{r.index} THEN ord END) OVER later AS n_{alias}" for r, alias in entries)
        ends = ", ".join(
            f"named_struct('tag', '{alias}', 'm', m{r.index}, "
            f"'ord', least(n_{alias}, ord + {reach(r.rule, slots) + 1}))"
            for r, alias in entries
        )
        queries.append(f"""
        SELECT {part}, x.ord, x.tag AS _end
        FROM (
            SELECT *{nexts} FROM {ordered}
            WHERE `{name}` IS NOT NULL AND ({" OR ".join(f"m{r.index}" for r, _ in entries)})
            WINDOW later AS (PARTITION BY {part}, `{name}` ORDER BY ord DESC
                             ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
        ) LATERAL VIEW explode(filter(array({ends}), e -> e.m)) AS x
        """)
    return " UNION ALL ".join(queries)


def measured_sql(rows: str, keys: list[str], rules: list[RuleSql], slots: int) -> str:
    """Return the query over a group's ordered rows (and end rows): per rule its measures and firing.

    Sums, counts and distinct counts are running aggregates over all the group's rows, in one sort. A sliding
    frame (max, min) is recomputed over the whole frame for every row, so each rule's sliding aggregates run
    over its own member rows only (a merchant's day in the group may be thousands of rows, of which a rule
    such as fan-in keeps a handful) and are joined back on (key, ord), unique per row.
    """
    part = ", ".join(keys)
    measures = "".join(
        f", {sql} AS {alias}" for r in rules for alias, sql in r.measures.items() if alias not in r.sliding
    )
    running = "".join(f", count(CASE WHEN m{r.index} THEN 1 END) OVER run AS r{r.index}_c" for r in rules)
    windows = ", ".join(
        [
            f"b{r.index} AS (PARTITION BY {part} ORDER BY ord RANGE BETWEEN UNBOUNDED PRECEDING AND "
            f"{reach(r.rule, slots) + 1} PRECEDING)"
            for r in rules
        ]
        + [
            f"run AS (PARTITION BY {part} ORDER BY ord ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)",
            f"upto AS (PARTITION BY {part} ORDER BY ord RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)",
        ]
    )
    slid = [r for r in rules if r.sliding]
    ctes = "".join(
        f""",
    slid{r.index} AS (
        SELECT {part}, ord{"".join(f", {sql} AS {alias}" for alias, sql in r.sliding.items())}
        FROM {rows} WHERE m{r.index}
        WINDOW {r.frame} AS (PARTITION BY {part} ORDER BY ord RANGE BETWEEN {reach(r.rule, slots)} PRECEDING
                             AND CURRENT ROW)
    )"""
        for r in slid
    )
    joins = "".join(f" LEFT JOIN slid{r.index} USING ({part}, ord)" for r in slid)
    fired = "".join(f", m{r.index} AND in_month AND {' AND '.join(['TRUE', *r.tests])} AS r{r.index}_f" for r in rules)
    return f"""
    WITH measured AS (
        SELECT {part}, side, ts, ord, tie, in_month, fen, institution_id, payment_id, _end
               {"".join(f", m{r.index}" for r in rules)}{measures}{running}
        FROM {rows}
        WINDOW {windows}
    ){ctes}
    SELECT *{fired} FROM (SELECT * FROM measured WHERE _end IS NULL){joins}
    """


def fires_sql(measured: str, keys: list[str], rules: list[RuleSql]) -> str:
    """Return the episodes of every rule of a group: first and last firing, observed value, row span."""
    part = ", ".join(keys)
    entries = ", ".join(
        f"named_struct('rule', {r.index}, 'f', r{r.index}_f, 'num', CAST({r.numerator} AS BIGINT), "
        f"'den', CAST({r.denominator} AS BIGINT), 'c_from', r{r.index}_c - r{r.index}_n + 1, "
        f"'c_to', r{r.index}_c, 'window_us', CAST({r.rule.window.micros} AS BIGINT))"
        for r in rules
    )
    return f"""
    WITH fires AS (  -- one scan: each row's firings, one entry per rule that fires on it
        SELECT {part}, ts, ord, institution_id, payment_id, x.rule, x.num, x.den, x.c_from, x.c_to, x.window_us
        FROM (SELECT * FROM {measured} WHERE {" OR ".join(f"r{r.index}_f" for r in rules)})
        LATERAL VIEW explode(filter(array({entries}), x -> x.f)) AS x
    ),
    opened AS (
        SELECT *, CASE WHEN prev IS NULL OR ts - prev >= window_us THEN 1 ELSE 0 END AS opens
        FROM (SELECT *, lag(ts) OVER (PARTITION BY rule, {part} ORDER BY ord) AS prev FROM fires)
    ),
    numbered AS (
        SELECT *, sum(opens) OVER (PARTITION BY rule, {part} ORDER BY ord
                                   ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS episode
        FROM opened
    )
    SELECT rule, {part}, episode, min_by(institution_id, ord) AS fire_institution,
           min_by(payment_id, ord) AS fire_payment, max_by(num, ord) AS num, max_by(den, ord) AS den,
           max(ts) AS last_us, min_by(c_from, ord) AS c_from, max(c_to) AS c_to
    FROM numbered GROUP BY rule, {part}, episode
    """


def listed_sql(measured: str, episodes: str, keys: list[str], rules: list[RuleSql], most: int) -> str:
    """Return per episode its first `most` payments in order (and the time of the first)."""
    part = ", ".join(keys)
    entries = ", ".join(f"named_struct('rule', {r.index}, 'm', m{r.index}, 'c', r{r.index}_c)" for r in rules)
    on = " AND ".join(f"e.{k} = s.{k}" for k in ["rule", *keys])
    return f"""
    WITH members AS (  -- one scan: each row once per rule whose stream it is in, with its place there
        SELECT {part}, ts, institution_id, payment_id, x.rule, x.c
        FROM {measured} LATERAL VIEW explode(filter(array({entries}), x -> x.m)) AS x
        WHERE {" OR ".join(f"m{r.index}" for r in rules)}
    )
    SELECT /*+ BROADCAST(e) */ e.rule, {", ".join(f"e.{k}" for k in keys)}, e.episode,
           sort_array(collect_list(struct(s.c, s.ts, s.institution_id, s.payment_id))) AS listed
    FROM {episodes} AS e JOIN members AS s
      ON {on} AND s.c BETWEEN e.c_from AND least(e.c_to, e.c_from + {most - 1})
    GROUP BY e.rule, {", ".join(f"e.{k}" for k in keys)}, e.episode
    """
