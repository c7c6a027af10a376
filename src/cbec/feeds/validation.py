"""Vectorised contract validation of raw chunks in DuckDB: every row either typed or explained."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from cbec.core.ids import USCC_ALPHABET, USCC_WEIGHTS
from cbec.core.money import iso_countries, iso_currencies
from cbec.core.regions import city_names
from cbec.feeds.readers.base import RawChunk
from cbec.feeds.spec import Column, FeedSpec, Kind

META_COLUMNS = ("_line", "_extra", "_month")
# C0 controls and DEL, except tab, line feed and carriage return (free text may hold those): a NUL inside an
# id reads as another id to one system and is refused by another (PostgreSQL text).
CONTROL_CHARACTERS = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"
_TS_SHAPE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?(Z|[+-][0-9]{2}(:?[0-9]{2})?)?"
_USCC_SHAPE = "[0-9A-HJ-NP-RTUW-Y]{2}[0-9]{6}[0-9A-HJ-NP-RTUW-Y]{10}"
_SQL_TYPES = {
    Kind.DECIMAL: "DECIMAL(38, 6)",
    Kind.INTEGER: "BIGINT",
    Kind.YEAR: "INTEGER",
    Kind.TIMESTAMP: "TIMESTAMPTZ",
    Kind.DATE: "DATE",
}


@dataclass(frozen=True)
class RowError:
    """One broken rule in one row."""

    column: str | None
    rule: str
    value: str | None


@dataclass
class Validated:
    """A chunk's bad rows with their errors; its typed good rows stay in DuckDB's `checked` table."""

    good_rows: int
    bad_lines: list[int]
    bad_errors: list[list[RowError]]
    bad_raw: list[str]
    bad_values: list[dict[str, Any]]  # the row's columns as read (for rows of a feed with personal data)


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _lit(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _in_list(values: frozenset[str] | tuple[str, ...]) -> str:
    return "(" + ", ".join(_lit(v) for v in sorted(values)) + ")"


def _check(column: Column) -> str:
    """Return a SQL expression giving the rule a present, non-empty value breaks, or NULL."""
    v = _q(column.name)
    kind = column.kind
    checks = [
        f"WHEN length({v}) > {column.limit} THEN 'too_long'",
        f"WHEN regexp_matches({v}, '{CONTROL_CHARACTERS}') THEN 'control_character'",
    ]
    if kind is Kind.ENUM:
        checks.append(f"WHEN {v} NOT IN {_in_list(column.choices)} THEN 'not_allowed'")
    elif kind is Kind.DECIMAL:
        sign = "-?" if column.signed else ""
        checks.append(f"WHEN regexp_full_match({v}, '-[0-9]+(\\.[0-9]+)?') AND NOT {column.signed} THEN 'negative'")
        checks.append(f"WHEN NOT regexp_full_match({v}, '{sign}[0-9]{{1,24}}(\\.[0-9]{{1,6}})?') THEN 'bad_decimal'")
    elif kind is Kind.INTEGER:
        checks.append(f"WHEN NOT regexp_full_match({v}, '-?[0-9]{{1,15}}') THEN 'bad_integer'")
        if column.minimum is not None:
            checks.append(f"WHEN CAST({v} AS BIGINT) < {column.minimum} THEN 'out_of_range'")
        if column.maximum is not None:
            checks.append(f"WHEN CAST({v} AS BIGINT) > {column.maximum} THEN 'out_of_range'")
    elif kind is Kind.TIMESTAMP:
        checks.append(
            f"WHEN NOT regexp_full_match({v}, '{_TS_SHAPE}') OR TRY_CAST({v} AS TIMESTAMPTZ) IS NULL "
            "THEN 'bad_timestamp'"
        )
    elif kind is Kind.DATE:
        checks.append(
            f"WHEN NOT regexp_full_match({v}, '[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}') OR TRY_CAST({v} AS DATE) IS NULL "
            "THEN 'bad_date'"
        )
    elif kind is Kind.YEAR:
        checks.append(f"WHEN NOT regexp_full_match({v}, '(19[89]|20[0-9])[0-9]') THEN 'bad_year'")
    elif kind is Kind.COUNTRY:
        checks.append(f"WHEN {v} NOT IN (SELECT code FROM iso_country) THEN 'unknown_country'")
    elif kind is Kind.CURRENCY:
        checks.append(f"WHEN {v} NOT IN (SELECT code FROM iso_currency) THEN 'unknown_currency'")
    elif kind is Kind.CITY:
        checks.append(f"WHEN {v} NOT IN {_in_list(city_names())} THEN 'unknown_city'")
    elif kind is Kind.USCC:
        checks.append(f"WHEN {v} IN (SELECT code FROM bad_uscc) THEN 'bad_credit_code'")
    return "CASE " + " ".join(checks) + " END"


def _uscc_check_sql(v: str) -> str:
    """Return SQL computing the GB 32100-2015 check character of a code's first 17 characters."""
    terms = " + ".join(
        f"(instr('{USCC_ALPHABET}', substr({v}, {i + 1}, 1)) - 1) * {w}" for i, w in enumerate(USCC_WEIGHTS)
    )
    return f"substr('{USCC_ALPHABET}', ((31 - ({terms}) % 31) % 31) + 1, 1)"


def _load_bad_uscc(con: duckdb.DuckDBPyConnection, spec: FeedSpec, table: pa.Table) -> None:
    """Check each distinct credit code of the chunk once, keeping the bad ones for the row check."""
    columns = [c.name for c in spec.columns if c.kind is Kind.USCC and c.name in table.column_names]
    values = pa.chunked_array([pc.unique(table[name]) for name in columns] or [pa.array([], pa.string())])
    con.register("uscc_values", pa.table({"code": pc.unique(values.combine_chunks())}))
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE bad_uscc AS
        SELECT code FROM uscc_values WHERE code IS NOT NULL AND trim(code) <> '' AND (
            NOT regexp_full_match(code, '{_USCC_SHAPE}') OR substr(code, 18, 1) <> {_uscc_check_sql("code")})
        """
    )
    con.unregister("uscc_values")


def _blank(v: str) -> str:
    """Return SQL telling whether a value is missing, empty or only spaces (trimming only what starts blank)."""
    return f"({v} IS NULL OR {v} = '' OR (starts_with({v}, ' ') AND trim({v}) = ''))"


def _error_expr(column: Column, present: bool, column_rule: str | None) -> str:
    """Return a SQL expression giving 'column|rule' or NULL for one column of a row."""
    tag = _lit(column.name + "|")
    if not present:
        return f"{tag} || 'missing_column'" if column.required else "NULL"
    v = _q(column.name)
    empty = _blank(v)
    on_empty = f"{tag} || 'required'" if column.required else "NULL"
    if column_rule:
        return f"CASE WHEN {empty} THEN {on_empty} ELSE {tag} || {_lit(column_rule)} END"
    return f"CASE WHEN {empty} THEN {on_empty} ELSE {tag} || ({_check(column)}) END"


def _typed_expr(column: Column, present: bool) -> str:
    """Return the SQL giving a column's typed value (NULL when absent or empty)."""
    sql_type = _SQL_TYPES.get(column.kind, "VARCHAR")
    if not present:
        return f"CAST(NULL AS {sql_type}) AS {_q(column.name)}"
    # Valid non-text values carry no padding (their checks refuse it), so only blanks need care.
    v = f"CASE WHEN {_blank(_q(column.name))} THEN NULL ELSE {_q(column.name)} END"
    if sql_type == "VARCHAR":
        return f"{v} AS {_q(column.name)}"
    return f"TRY_CAST({v} AS {sql_type}) AS {_q(column.name)}"


def prepare_connection(con: duckdb.DuckDBPyConnection, timezone: str) -> None:
    """Load the reference lists that validation joins against."""
    con.execute(f"SET TimeZone = {_lit(timezone)}")
    con.execute(
        "CREATE OR REPLACE TEMP TABLE iso_country AS SELECT unnest($1::VARCHAR[]) AS code", [sorted(iso_countries())]
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE iso_currency AS SELECT unnest($1::VARCHAR[]) AS code", [sorted(iso_currencies())]
    )


def validate(con: duckdb.DuckDBPyConnection, spec: FeedSpec, chunk: RawChunk, timezone: str) -> Validated:
    """Check a chunk into DuckDB's temp table `checked` (typed values, `_errors`) and explain the bad rows."""
    table = chunk.table
    present = set(table.column_names)
    extras = [name for name in table.column_names if name not in spec.column_index]
    source = table.append_column("_line", chunk.lines).append_column(
        "_row", pa.array(range(table.num_rows), type=pa.int64())
    )
    con.register("raw_chunk", source)
    _load_bad_uscc(con, spec, table)
    errors = ", ".join(_error_expr(c, c.name in present, chunk.column_rules.get(c.name)) for c in spec.columns)
    typed = ", ".join(_typed_expr(c, c.name in present) for c in spec.columns)
    extra = (
        "to_json(struct_pack(" + ", ".join(f"{_q(n)} := {_q(n)}" for n in extras) + "))::VARCHAR"
        if extras
        else "NULL::VARCHAR"
    )
    month = (
        f"strftime(timezone({_lit(timezone)}, TRY_CAST({_q(spec.month_column)} AS TIMESTAMPTZ)), '%Y-%m')"
        if spec.month_column and spec.month_column in present
        else "NULL::VARCHAR"
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE checked AS
        SELECT _row, concat_ws(';', {errors}) AS _errors, {typed},
               _line, {extra} AS _extra, {month} AS _month
        FROM raw_chunk
        """
    )
    con.unregister("raw_chunk")
    bad = con.sql("SELECT _row, _errors FROM checked WHERE _errors <> '' ORDER BY _row").to_arrow_table()
    good_rows = con.sql("SELECT count(*) FROM checked WHERE _errors = ''").fetchall()[0][0]
    return _explain_bad(chunk, bad, int(good_rows))


def _explain_bad(chunk: RawChunk, bad: pa.Table, good_rows: int) -> Validated:
    rows = bad["_row"].to_pylist()
    tagged: list[list[str]] = [text.split(";") for text in bad["_errors"].to_pylist()]
    raw_values = chunk.table.take(pa.array(rows, type=pa.int64())).to_pylist() if rows else []
    lines = chunk.lines.take(pa.array(rows, type=pa.int64())).to_pylist() if rows else []
    bad_errors: list[list[RowError]] = []
    raws: list[str] = []
    for position, (row_index, errs) in enumerate(zip(rows, tagged, strict=True)):
        values: dict[str, Any] = raw_values[position]
        row_errors = []
        for tag in errs:
            column, _, rule = tag.partition("|")
            row_errors.append(RowError(column, rule, values.get(column)))
        bad_errors.append(row_errors)
        raws.append(str(chunk.raw[row_index]) if chunk.raw is not None else _as_raw(values))
    return Validated(good_rows=good_rows, bad_lines=lines, bad_errors=bad_errors, bad_raw=raws, bad_values=raw_values)


def _as_raw(values: dict[str, Any]) -> str:
    import json

    return json.dumps(values, ensure_ascii=False)
