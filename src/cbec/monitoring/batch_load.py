"""Read a month of payments for the batch driver: one DuckDB query into ordered numpy arrays.

DuckDB filters the month (plus a longest window of context), converts to CNY at each payment's
Asia/Shanghai date, evaluates every rule condition once and sorts by the total order
(initiated_at, institution_id, payment_id). Key columns become integer codes (Arrow dictionary
encoding; payer_id and payee_id share one dictionary, so an account has one code on both sides).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from cbec.core.money import BASE_CURRENCY, FxRateMissing, FxTable
from cbec.monitoring.batch_windows import Bools, Ints
from cbec.monitoring.engine import TIMEZONE, sql_condition
from cbec.monitoring.rule_model import AggregateRule, Condition, RowRule, RuleSet, SequenceRule

_BASE_COLUMNS = (
    "institution_id", "payment_id", "channel", "direction", "payer_id", "payee_id", "payer_type",
    "payee_type", "payer_country", "payee_country", "enterprise_id", "order_id", "amount", "currency",
    "status",
)  # fmt: skip
ACCOUNT_FIELDS = ("payer_id", "payee_id")


def month_bounds(month: str) -> tuple[datetime, datetime]:
    """Return the first instant of a 'YYYY-MM' month and of the next one, in Asia/Shanghai."""
    year, mon = (int(part) for part in month.split("-"))
    start = datetime(year, mon, 1, tzinfo=TIMEZONE)
    end = datetime(year + mon // 12, mon % 12 + 1, 1, tzinfo=TIMEZONE)
    return start, end


def fx_day_table(fx: FxTable, days: list[date]) -> pa.Table:
    """Return (day, currency, cny_per_unit) for every day and known currency, CNY included."""
    rows: dict[str, list[object]] = {"day": [], "currency": [], "cny_per_unit": []}
    for day in days:
        for currency in sorted(fx.currencies() | {BASE_CURRENCY}):
            try:
                rate = Decimal(1) if currency == BASE_CURRENCY else fx.rate(currency, day)
            except FxRateMissing:
                continue  # payments in this currency that day are not monitored, as in streaming
            if rate != rate.quantize(Decimal("1e-10")):
                raise ValueError(f"FX rate {currency} {day} has more than 10 decimals: {rate}")
            rows["day"].append(day)
            rows["currency"].append(currency)
            rows["cny_per_unit"].append(rate)
    schema = pa.schema(
        [("day", pa.date32()), ("currency", pa.string()), ("cny_per_unit", pa.decimal128(20, 10))]
    )
    return pa.table(rows, schema=schema)


def rule_conditions(ruleset: RuleSet) -> list[Condition]:
    """Return every filter and ratio subset condition of a rule set (None filters left out)."""
    found: list[Condition | None] = []
    for rule in ruleset.rules:
        if isinstance(rule, SequenceRule):
            found += [rule.inbound, rule.outbound]
        elif isinstance(rule, RowRule):
            found.append(rule.when)
        else:
            found.append(rule.where)
            found += [c.measure.subset for c in (rule.clause, *rule.also) if c.measure.kind == "ratio"]
    return [c for c in found if c is not None]


def key_columns(ruleset: RuleSet) -> list[str]:
    """Return the columns rules group by or count distinct values of, in a stable order."""
    names: list[str] = []
    for rule in ruleset.rules:
        if isinstance(rule, SequenceRule):
            names += ACCOUNT_FIELDS
            continue
        names += rule.group_by
        if isinstance(rule, AggregateRule):
            names += [str(c.measure.field) for c in (rule.clause, *rule.also) if c.measure.kind == "distinct"]
    return list(dict.fromkeys(names))


@dataclass(slots=True)
class MonthData:
    """A month of payments in the total order, as arrays; keys as codes into their dictionaries."""

    ts: Ints
    fen: Ints
    in_month: Bools
    ids: pa.Table  # institution_id, payment_id
    codes: dict[str, Ints]  # -1 where null
    dictionaries: dict[str, pa.Array]
    conditions: dict[str, pa.ChunkedArray]
    time_rank: Ints  # dense rank of ts among the distinct times
    times: Ints  # the distinct times, ascending
    _lows: dict[int, Ints] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        """Return the number of payments read, context included."""
        return len(self.ts)

    def holds(self, condition: Condition | None) -> Bools:
        """Return where a condition holds (everywhere for None)."""
        if condition is None:
            return np.ones(self.rows, dtype=bool)
        column = self.conditions[sql_condition(condition)]
        return np.asarray(column.to_numpy(zero_copy_only=False), dtype=bool)

    def low_rank(self, window_us: int) -> Ints:
        """Return, per distinct time t, the number of distinct times at or before t - W."""
        if window_us not in self._lows:
            self._lows[window_us] = np.searchsorted(self.times, self.times - window_us, side="right")
        return self._lows[window_us]


def _codes(column: pa.ChunkedArray) -> tuple[Ints, pa.Array]:
    encoded = column.dictionary_encode()
    chunks = encoded.chunks
    dictionary = chunks[0].dictionary if chunks else pa.array([], pa.string())
    indices = (
        pa.chunked_array([c.indices for c in chunks], pa.int32()) if chunks else pa.array([], pa.int32())
    )
    codes = pc.fill_null(indices, -1).to_numpy().astype(np.int64)
    return codes, dictionary


def load_month(
    con: duckdb.DuckDBPyConnection, *, ruleset: RuleSet, fx: FxTable, month: str | None, source: str
) -> MonthData:
    """Read the month's payments plus a longest window of context, ordered, with amount_cny in fen."""
    local = "CAST(timezone('Asia/Shanghai', initiated_at) AS DATE)"
    where, in_month = "TRUE", "TRUE"
    if month is not None:
        start, end = month_bounds(month)
        context = start - timedelta(seconds=ruleset.longest_window.seconds)
        where = f"initiated_at >= TIMESTAMPTZ '{context.isoformat()}' AND initiated_at < TIMESTAMPTZ '{end.isoformat()}'"
        in_month = f"initiated_at >= TIMESTAMPTZ '{start.isoformat()}'"
    days = [row[0] for row in con.execute(f"SELECT DISTINCT {local} FROM {source} WHERE {where}").fetchall()]
    con.register("_mon_fx", fx_day_table(fx, days))
    conditions = list(dict.fromkeys(sql_condition(c) for c in rule_conditions(ruleset)))
    keys = key_columns(ruleset)
    selected = ", ".join(
        [*(f'"{k}" AS "k_{k}"' for k in keys), *(f"{c} AS c{i}" for i, c in enumerate(conditions))]
    )
    query = f"""
        WITH base AS (
            SELECT {", ".join("p." + c for c in _BASE_COLUMNS)},
                   CAST(round(CAST(p.amount AS DECIMAL(38, 6)) * fx.cny_per_unit, 2) AS DECIMAL(38, 2)) AS amount_cny,
                   coalesce(payer_country, 'None') || '-' || coalesce(payee_country, 'None') AS corridor,
                   epoch_us(initiated_at) AS ts, {in_month} AS in_month
            FROM (SELECT * FROM {source} WHERE {where}) AS p
            JOIN _mon_fx AS fx ON fx.day = {local.replace("initiated_at", "p.initiated_at")} AND fx.currency = p.currency
        )
        SELECT ts, CAST(amount_cny * 100 AS BIGINT) AS fen, in_month, institution_id, payment_id
               {", " + selected if selected else ""}
        FROM base ORDER BY ts, institution_id, payment_id
    """
    try:
        table = con.sql(query).to_arrow_table()
    finally:
        con.unregister("_mon_fx")
    if table.column("ts").null_count or table.column("fen").null_count:
        raise ValueError("payments without initiated_at or amount cannot be monitored")
    ts = table.column("ts").to_numpy().astype(np.int64)
    codes: dict[str, Ints] = {}
    dictionaries: dict[str, pa.Array] = {}
    rows = table.num_rows
    if all(k in keys for k in ACCOUNT_FIELDS):  # one dictionary: an account's code is the same on both sides
        joined = pa.chunked_array(
            table.column("k_payer_id").chunks + table.column("k_payee_id").chunks, pa.string()
        )
        both, dictionary = _codes(joined)
        codes["payer_id"], codes["payee_id"] = both[:rows], both[rows:]
        dictionaries["payer_id"] = dictionaries["payee_id"] = dictionary
    for name in keys:
        if name not in codes:
            codes[name], dictionaries[name] = _codes(table.column(f"k_{name}"))
    distinct_change = np.ones(rows, dtype=bool)
    distinct_change[1:] = ts[1:] != ts[:-1]
    return MonthData(
        ts=ts,
        fen=table.column("fen").to_numpy().astype(np.int64),
        in_month=np.asarray(table.column("in_month").to_numpy(zero_copy_only=False), dtype=bool),
        ids=table.select(["institution_id", "payment_id"]),
        codes=codes,
        dictionaries=dictionaries,
        conditions={c: table.column(f"c{i}") for i, c in enumerate(conditions)},
        time_rank=np.cumsum(distinct_change) - 1,
        times=ts[distinct_change],
    )
