"""Read a month of payments for the batch driver: one DuckDB scan into ordered numpy arrays.

DuckDB reads the month (plus a longest window of context) and tests every text comparison of the
rule conditions; numpy puts the rows in the total order (initiated_at, institution_id,
payment_id), converts amounts to integer fen (batch_fx) and tests comparisons on amount_cny. Key
columns become integer codes (Arrow dictionary encoding; payer_id and payee_id share one
dictionary, so an account has one code on both sides).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from fractions import Fraction

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from cbec.core.money import FxTable
from cbec.core.months import month_bounds
from cbec.monitoring.batch.fx import local_days, micro_units, rate_table, to_fen
from cbec.monitoring.batch.windows import Bools, Ints, compare
from cbec.monitoring.engine import ACCOUNT_FIELDS, micros, sql_condition
from cbec.monitoring.rules.model import (
    AggregateRule,
    AllOf,
    AnyOf,
    Compare,
    Condition,
    RowRule,
    RuleSet,
    SequenceRule,
)


@dataclass(frozen=True, slots=True)
class Part:
    """A slice of the month by rule key: SQL selecting its rows, and per key column SQL for the keys it runs."""

    where: str
    owned: dict[str, str]


def month_filter(ruleset: RuleSet, month: str | None) -> str:
    """Return the SQL filter of the payments a run reads: the month plus its longest window of context."""
    where = "initiated_at IS NOT NULL"
    if month is not None:
        start, end = month_bounds(month)
        context = start - timedelta(seconds=ruleset.longest_window.seconds)
        where += (
            f" AND initiated_at >= TIMESTAMPTZ '{context.isoformat()}'"
            f" AND initiated_at < TIMESTAMPTZ '{end.isoformat()}'"
        )
    return where


def leaves(condition: Condition) -> list[Compare]:
    """Return the comparisons a condition is made of."""
    if isinstance(condition, AllOf | AnyOf):
        return [leaf for part in condition.parts for leaf in leaves(part)]
    return [condition]


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
    order: Ints  # row i of the month is row order[i] of `ids`
    ids: pa.Table  # institution_id, payment_id, as read (a copy: see load_month)
    codes: dict[str, Ints]  # -1 where null
    dictionaries: dict[str, pa.Array]
    tests: dict[str, Bools]  # SQL of a condition leaf -> where it holds (read-only, shared by every caller)
    time_rank: Ints  # dense rank of ts among the distinct times
    times: Ints  # the distinct times, ascending
    shared_accounts: bool  # payer_id and payee_id codes come from one dictionary
    owned: dict[str, Bools] = field(default_factory=dict)  # key column -> rows whose key this partition runs
    _lows: dict[int, Ints] = field(default_factory=dict)

    def payment_keys(self, rows: Ints) -> list[tuple[str, str]]:
        """Return (institution_id, payment_id) of rows of the month."""
        picked = self.ids.take(self.order[rows])
        return list(zip(picked.column(0).to_pylist(), picked.column(1).to_pylist(), strict=True))

    @property
    def rows(self) -> int:
        """Return the number of payments read, context included."""
        return len(self.ts)

    def holds(self, condition: Condition | None) -> Bools:
        """Return where a condition holds (everywhere for None), as engine.predicate decides it."""
        if condition is None:
            return np.ones(self.rows, dtype=bool)
        if isinstance(condition, AllOf | AnyOf):
            combine = np.logical_and if isinstance(condition, AllOf) else np.logical_or
            parts = [self.holds(part) for part in condition.parts]
            return np.asarray(combine.reduce(parts), dtype=bool)
        if condition.field == "amount_cny":  # never null once converted
            return self._amount_holds(condition)
        return self.tests[sql_condition(condition)]

    def _amount_holds(self, condition: Compare) -> Bools:
        op, value = condition.op, condition.value
        if op in ("null", "in") or not isinstance(value, Decimal | None):
            return np.full(self.rows, op in ("not_null", "not_in"))  # text never equals a number
        if op in ("not_null", "not_in"):
            return np.ones(self.rows, dtype=bool)
        assert value is not None
        limit = Fraction(value) * 100
        if op in ("eq", "ne"):
            equal = compare(self.fen, ">=", limit) & compare(self.fen, "<=", limit)
            return equal if op == "eq" else ~equal
        return compare(self.fen, {"lt": "<", "le": "<=", "gt": ">", "ge": ">="}[op], limit)

    def low_rank(self, window_us: int) -> Ints:
        """Return, per distinct time t, the number of distinct times at or before t - W."""
        if window_us not in self._lows:
            self._lows[window_us] = np.searchsorted(self.times, self.times - window_us, side="right")
        return self._lows[window_us]


def workers(con: duckdb.DuckDBPyConnection) -> int:
    """Return the threads the batch driver may use: as many as DuckDB is given."""
    rows = con.sql("SELECT current_setting('threads')").fetchall()
    return max(1, int(rows[0][0])) if rows else 1


def _codes(column: pa.ChunkedArray) -> tuple[Ints, pa.Array]:
    encoded = column.dictionary_encode()  # one dictionary for every chunk
    chunks = encoded.chunks
    dictionary = chunks[0].dictionary if chunks else pa.array([], pa.string())
    indices = pa.chunked_array([c.indices for c in chunks], pa.int32()) if chunks else pa.array([], pa.int32())
    codes = pc.fill_null(indices, -1).to_numpy().astype(np.int64)
    return codes, dictionary


def _total_order(ts: pa.ChunkedArray, ids: pa.Table) -> Ints:
    """Return the permutation putting rows in (ts, institution_id, payment_id) order.

    Arrow compares the ids bytewise, which is the order of Python and DuckDB on UTF-8 text.
    """
    keys = [("ts", "ascending"), ("institution_id", "ascending"), ("payment_id", "ascending")]
    return np.asarray(pc.sort_indices(ids.append_column("ts", ts), sort_keys=keys).to_numpy(), dtype=np.int64)


def load_month(
    con: duckdb.DuckDBPyConnection,
    *,
    ruleset: RuleSet,
    fx: FxTable,
    month: str | None,
    source: str,
    part: Part | None = None,
) -> MonthData:
    """Read the month's payments plus a longest window of context, ordered, with amount_cny in fen.

    With a part, only its rows are read and `owned` tells, per key column, which rows' keys it runs.
    """
    where = month_filter(ruleset, month)
    month_start = None if month is None else micros(month_bounds(month)[0])
    found = [leaf for condition in rule_conditions(ruleset) for leaf in leaves(condition)]
    tests = list(dict.fromkeys(sql_condition(leaf) for leaf in found if leaf.field != "amount_cny"))
    keys = key_columns(ruleset)
    selected = [*(f'"{k}" AS "k_{k}"' for k in keys), *(f"{c} AS c{i}" for i, c in enumerate(tests))]
    owners = list(part.owned.items()) if part else []
    selected += [f"coalesce({test}, FALSE) AS o{i}" for i, (_, test) in enumerate(owners)]
    table = con.sql(
        f"""
        WITH base AS (
            SELECT *, coalesce(payer_country, 'None') || '-' || coalesce(payee_country, 'None') AS corridor
            FROM {source} WHERE {where}
        )
        SELECT epoch_us(initiated_at) AS ts, CAST(amount AS DECIMAL(38, 6)) AS amount, currency,
               institution_id, payment_id{"".join(", " + c for c in selected)}
        FROM base{f" WHERE {part.where}" if part else ""}
        """
    ).to_arrow_table()
    rows = table.num_rows
    read = dict(zip(table.column_names, table.columns, strict=True))
    del table  # each column is let go once it is used: the peak is the scan plus one step's arrays
    ids = pa.table({name: read.pop(name) for name in ("institution_id", "payment_id")})
    shared = all(k in keys for k in ACCOUNT_FIELDS)
    columns = {k: read.pop(f"k_{k}") for k in keys if not (shared and k in ACCOUNT_FIELDS)}
    if shared:  # one dictionary: an account's code is the same on both sides
        sides = [read.pop(f"k_{k}") for k in ACCOUNT_FIELDS]
        columns["account"] = pa.chunked_array([chunk for side in sides for chunk in side.chunks], pa.string())
        del sides
    with ThreadPoolExecutor(max_workers=workers(con)) as pool:  # arrow and numpy release the GIL
        encoding = {name: pool.submit(_codes, columns.pop(name)) for name in list(columns)}
        ordering = pool.submit(_total_order, read["ts"], ids)
        raw_ts = read.pop("ts").to_numpy().astype(np.int64)
        currency, currencies = _codes(read.pop("currency"))
        day, days = local_days(raw_ts)
        rates = rate_table(fx, days, currencies.to_pylist())[day, np.maximum(currency, 0)]
        rates[currency < 0] = -1
        del day, currency
        order = ordering.result()
        order = order[rates[order] >= 0]  # no FX rate: not monitored, as in streaming
        ts = raw_ts[order]
        del raw_ts
        fen = to_fen(micro_units(read.pop("amount"))[order], rates[order])
        del rates
        codes: dict[str, Ints] = {}
        dictionaries: dict[str, pa.Array] = {}
        for name in list(encoding):
            found_codes, dictionary = encoding.pop(name).result()
            if name == "account":
                codes["payer_id"], codes["payee_id"] = found_codes[:rows][order], found_codes[rows:][order]
                dictionaries["payer_id"] = dictionaries["payee_id"] = dictionary
            else:
                codes[name], dictionaries[name] = found_codes[order], dictionary
            del found_codes
    new_time = np.ones(len(ts), dtype=bool)
    new_time[1:] = ts[1:] != ts[:-1]
    # Nothing of DuckDB's result is kept: holding one column of it held about a gigabyte more at 10M payments
    # (its batches' other buffers), so the ids are copied (concatenated, in the order read; taking them in the
    # month's order costs seconds of random access) and the tests become numpy arrays.
    return MonthData(
        ts=ts,
        fen=fen,
        in_month=np.ones(len(ts), dtype=bool) if month_start is None else ts >= month_start,
        order=order,
        ids=pa.table({name: ids.column(name).combine_chunks() for name in ids.column_names}),
        codes=codes,
        dictionaries=dictionaries,
        tests={c: _in_order(read.pop(f"c{i}"), order) for i, c in enumerate(tests)},
        shared_accounts=shared,
        owned={name: _in_order(read.pop(f"o{i}"), order) for i, (name, _) in enumerate(owners)},
        time_rank=np.cumsum(new_time) - 1,
        times=ts[new_time],
    )


def _in_order(column: pa.ChunkedArray, order: Ints) -> Bools:
    """Return a boolean column as a read-only numpy array in the month's order."""
    held = np.asarray(column.to_numpy(zero_copy_only=False), dtype=bool)[order]
    held.flags.writeable = False  # shared by every rule
    return held
