"""The three-document join, written once: one row per payment with its order, waybills, declarations and FX rates.

Both backends run this text: DuckDB as the first half of its facts query, Spark to build the `joined` table that
DuckDB then flags (cbec.monitoring.matching.sql.flags_sql). The functions it calls exist under the same name in
both (array_agg, array_sort, array_distinct, cardinality); what differs is a `Dialect` of a few small parameters.
Each keeps its own aggregates' habits: DuckDB's array_agg keeps a NULL element, Spark's leaves it out, and no
list the checks compare has one (ids and codes are required or taken distinct). Products of amounts and rates are
cast so that Spark keeps every decimal (DECIMAL(38, 18) before rounding to fen), as DuckDB does.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Dialect:
    """What the join's SQL spells differently in DuckDB and in Spark SQL."""

    name: str
    materialized: str  # how a CTE that several others read is kept: DuckDB computes it once when told
    month: str  # the month's parameter marker
    timestamp: str  # the type of an instant (a timestamp with time zone)
    any_value: str  # an aggregate giving one non-NULL value of the group, as a format string
    struct: str  # a struct of (id, payment_id, waybill_id), as a format string

    def pick(self, expr: str) -> str:
        """Return SQL for one non-NULL value of `expr` in the group."""
        return self.any_value.format(expr)


DUCKDB = Dialect(
    name="duckdb",
    materialized="MATERIALIZED ",
    month="$month",
    timestamp="TIMESTAMPTZ",
    any_value="any_value({})",
    struct="{{'id': {0}, 'payment_id': {1}, 'waybill_id': {2}}}",
)
SPARK = Dialect(
    name="spark",
    materialized="",
    month=":month",
    timestamp="TIMESTAMP",
    any_value="any_value({}, true)",
    struct="named_struct('id', {0}, 'payment_id', {1}, 'waybill_id', {2})",
)

# Each feed's columns the join reads, with the lake's types ("instant" is the dialect's timestamp type): a feed
# that has no data loaded yet is read as an empty stand-in of these columns.
FEED_COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    "payments": (
        ("institution_id", "STRING"),
        ("payment_id", "STRING"),
        ("order_id", "STRING"),
        ("enterprise_id", "STRING"),
        ("payer_id", "STRING"),
        ("payer_country", "STRING"),
        ("amount", "DECIMAL(38, 6)"),
        ("currency", "STRING"),
        ("initiated_at", "instant"),
        ("status", "STRING"),
        ("month", "STRING"),
    ),
    "orders": (
        ("order_id", "STRING"),
        ("platform_id", "STRING"),
        ("enterprise_id", "STRING"),
        ("buyer_id", "STRING"),
        ("buyer_country", "STRING"),
        ("mode", "STRING"),
        ("direction", "STRING"),
        ("goods_value", "DECIMAL(38, 6)"),
        ("freight", "DECIMAL(38, 6)"),
        ("tax", "DECIMAL(38, 6)"),
        ("currency", "STRING"),
    ),
    "waybills": (
        ("waybill_id", "STRING"),
        ("order_id", "STRING"),
        ("origin_country", "STRING"),
        ("destination_country", "STRING"),
        ("status", "STRING"),
        ("shipped_at", "instant"),
    ),
    "declarations": (
        ("declaration_id", "STRING"),
        ("order_id", "STRING"),
        ("waybill_id", "STRING"),
        ("payment_id", "STRING"),
        ("currency", "STRING"),
        ("declared_value", "DECIMAL(38, 6)"),
    ),
}


def empty_feed(feed: str, dialect: Dialect) -> str:
    """Return a query of no rows with the columns and types the join reads of a feed."""
    columns = ", ".join(
        f"CAST(NULL AS {dialect.timestamp if kind == 'instant' else kind}) AS {name}"
        for name, kind in FEED_COLUMNS[feed]
    )
    return f"SELECT {columns} LIMIT 0"


def joined_sql(dialect: Dialect, *, sources: dict[str, str], fx: str, by_month: bool) -> str:
    """Return the WITH clauses ending in `joined`: one row per payment with an order_id, its documents and rates.

    `sources` names what to read each feed from (a table, a view or a parenthesised empty_feed), `fx` the
    (day, currency, cny_per_unit) rates of the payments' days; with `by_month`, the month's parameter filters.
    """
    month = f"AND month = {dialect.month}" if by_month else ""
    kept = dialect.materialized
    wanted = "order_id IN (SELECT order_id FROM wanted)"
    pick = dialect.pick
    link = dialect.struct.format("declaration_id", "payment_id", "waybill_id")
    return f"""
WITH pay AS {kept}(
    SELECT institution_id, payment_id, order_id, enterprise_id AS payment_enterprise_id, payer_id,
           payer_country, CAST(amount AS DECIMAL(38, 6)) AS amount, currency, initiated_at,
           CAST(initiated_at AS DATE) AS pay_day, status, status = 'succeeded' AS checked
    FROM {sources["payments"]} WHERE order_id IS NOT NULL {month}
),
wanted AS {kept}(SELECT DISTINCT order_id FROM pay),
ord AS (
    SELECT order_id, count(*) AS order_count, array_sort(array_agg(platform_id)) AS order_platform_ids,
           {pick("platform_id")} AS order_platform_id, {pick("enterprise_id")} AS order_enterprise_id,
           {pick("buyer_id")} AS buyer_id, {pick("buyer_country")} AS buyer_country,
           {pick("mode")} AS mode, {pick("direction")} AS order_direction,
           {pick("goods_value")} AS goods_value, {pick("coalesce(freight, 0)")} AS freight,
           {pick("coalesce(tax, 0)")} AS tax, {pick("currency")} AS order_currency
    FROM {sources["orders"]} WHERE {wanted} GROUP BY order_id
),
wb AS (
    SELECT order_id, array_sort(array_agg(waybill_id)) AS waybill_ids,
           array_sort(array_distinct(array_agg(origin_country))) AS origins,
           array_sort(array_distinct(array_agg(destination_country))) AS destinations,
           min(shipped_at) FILTER (WHERE status NOT IN ('lost', 'returned')) AS first_shipped_at,
           array_sort(array_agg(waybill_id || ' ' || status) FILTER (WHERE status IN ('lost', 'returned')))
               AS failed_waybills
    FROM {sources["waybills"]} WHERE {wanted} GROUP BY order_id
),
decl_rows AS {kept}(
    SELECT declaration_id, order_id, waybill_id, payment_id, currency, declared_value
    FROM {sources["declarations"]} WHERE {wanted}
),
decl AS {kept}(
    SELECT order_id, array_sort(array_agg(declaration_id)) AS declaration_ids,
           array_sort(array_agg({link})) AS decl_links,
           array_sort(array_distinct(array_agg(currency))) AS decl_currencies,
           CASE WHEN min(currency) = max(currency) THEN min(currency) END AS decl_currency,
           CASE WHEN min(currency) = max(currency) THEN sum(declared_value) END AS decl_value
    FROM decl_rows GROUP BY order_id
),
decl_cur AS (  -- only orders declared in several currencies
    SELECT order_id, currency, sum(declared_value) AS declared_value FROM decl_rows
    WHERE order_id IN (SELECT order_id FROM decl WHERE decl_currency IS NULL) GROUP BY order_id, currency
),
decl_mixed AS (  -- an order declared in several currencies: sum them in CNY at the payment's date
    SELECT p.institution_id, p.payment_id,
           sum(round(CAST(d.declared_value AS DECIMAL(20, 6)) * CAST(fx.cny_per_unit AS DECIMAL(18, 12)), 2))
               AS decl_value_cny,
           count(fx.cny_per_unit) = count(*) AS decl_rates_known
    FROM pay AS p JOIN decl_cur AS d ON d.order_id = p.order_id
    LEFT JOIN {fx} AS fx ON fx.day = p.pay_day AND fx.currency = d.currency
    GROUP BY p.institution_id, p.payment_id
),
joined AS (
    SELECT p.*, o.order_count, coalesce(o.order_count = 1, false) AS order_unique, o.order_platform_ids,
           CASE WHEN o.order_count = 1 THEN o.order_platform_id END AS platform_id,
           coalesce(CASE WHEN o.order_count = 1 THEN o.order_enterprise_id END, p.payment_enterprise_id)
               AS enterprise_id,
           o.buyer_id, o.buyer_country, o.mode, o.order_direction, o.goods_value, o.freight, o.tax,
           o.goods_value + o.freight + o.tax AS order_total, o.order_currency,
           w.waybill_ids, w.origins, w.destinations, w.first_shipped_at,
           CASE WHEN cardinality(w.failed_waybills) > 0 THEN w.failed_waybills END AS failed_waybills,
           d.declaration_ids, d.decl_links, d.decl_currencies, d.decl_currency, d.decl_value,
           CAST(m.decl_value_cny AS DECIMAL(38, 2)) AS decl_value_cny,
           coalesce(m.decl_rates_known, true) AS decl_rates_known,
           fp.cny_per_unit AS pay_rate, fo.cny_per_unit AS order_rate, fd.cny_per_unit AS decl_rate
    FROM pay AS p
    LEFT JOIN ord AS o ON o.order_id = p.order_id
    LEFT JOIN wb AS w ON w.order_id = p.order_id
    LEFT JOIN decl AS d ON d.order_id = p.order_id
    LEFT JOIN decl_mixed AS m ON m.institution_id = p.institution_id AND m.payment_id = p.payment_id
    LEFT JOIN {fx} AS fp ON fp.day = p.pay_day AND fp.currency = p.currency
    LEFT JOIN {fx} AS fo ON fo.day = p.pay_day AND fo.currency = o.order_currency
    LEFT JOIN {fx} AS fd ON fd.day = p.pay_day AND fd.currency = d.decl_currency
)"""
