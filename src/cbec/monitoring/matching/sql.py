"""The DuckDB SQL of three-document matching: one fact row per payment, then one query per finding.

The join of a payment's documents is cbec.monitoring.matching.joined's, which Spark runs too; the comparisons,
flags and explanations here run in DuckDB for both backends. Queries take the named parameters $tolerance
(DECIMAL ratio), $tolerance_text ('5%'), $ship_days (INTEGER) and, when a month is given, $month. See
cbec.monitoring.matching.run for what each check means.
"""

from __future__ import annotations

from dataclasses import dataclass

from cbec.monitoring.matching.joined import DUCKDB, joined_sql
from cbec.monitoring.matching.text import money, percent

RULE_VERSION = 1


def _ids(expr: str) -> str:
    return f"array_to_string({expr}, ', ')"


def facts_sql(*, sources: dict[str, str], fx: str, by_month: bool) -> str:
    """Return the SELECT of one row per payment with an order_id: its documents, comparisons and flags."""
    return joined_sql(DUCKDB, sources=sources, fx=fx, by_month=by_month) + ",\n" + flags_sql("joined")


def flags_sql(joined: str) -> str:
    """Return the WITH clauses and SELECT that compare a payment with its documents (from `joined`) and flag
    each reason; `joined` may be a CTE or a table with the columns of joined.joined_sql."""
    return f"""
compared AS (
    SELECT *,
        CASE WHEN currency = order_currency THEN amount ELSE round(amount * pay_rate, 2) END AS pay_cmp,
        CASE WHEN currency = order_currency THEN order_total ELSE round(order_total * order_rate, 2) END
            AS total_cmp,
        CASE WHEN currency = order_currency THEN goods_value ELSE round(goods_value * order_rate, 2) END
            AS goods_cmp,
        CASE WHEN decl_currency = order_currency THEN decl_value
             WHEN decl_currency IS NOT NULL THEN round(decl_value * decl_rate, 2)
             ELSE decl_value_cny END AS decl_cmp,
        CASE WHEN decl_currency = order_currency THEN goods_value ELSE round(goods_value * order_rate, 2) END
            AS decl_goods_cmp,
        list_distinct(list_filter([
            CASE WHEN currency <> order_currency AND pay_rate IS NULL THEN currency END,
            CASE WHEN order_rate IS NULL AND (currency <> order_currency
                 OR (declaration_ids IS NOT NULL AND decl_currency IS DISTINCT FROM order_currency))
                 THEN order_currency END,
            CASE WHEN decl_currency <> order_currency AND decl_rate IS NULL THEN decl_currency END
        ], lambda c: c IS NOT NULL) || CASE WHEN decl_rates_known THEN []::VARCHAR[] ELSE decl_currencies END)
            AS missing_rates
    FROM {joined}
),
deviated AS (
    SELECT *,
        abs(pay_cmp - total_cmp) / nullif(total_cmp, 0) AS po_dev_total,
        abs(pay_cmp - goods_cmp) / nullif(goods_cmp, 0) AS po_dev_goods,
        abs(decl_cmp - decl_goods_cmp) / nullif(decl_goods_cmp, 0) AS do_dev,
        coalesce(abs(pay_cmp - total_cmp) > CAST($tolerance AS DECIMAL(9, 6)) * total_cmp
                 AND abs(pay_cmp - goods_cmp) > CAST($tolerance AS DECIMAL(9, 6)) * goods_cmp, false) AS po_off,
        coalesce(abs(decl_cmp - decl_goods_cmp) > CAST($tolerance AS DECIMAL(9, 6)) * decl_goods_cmp, false)
            AS do_off,
        (epoch(first_shipped_at) - epoch(initiated_at)) / 86400.0 AS ship_delay_days,
        list_filter(decl_links, lambda d: d.payment_id <> payment_id) AS other_payment_links,
        list_filter(decl_links, lambda d: NOT list_contains(coalesce(waybill_ids, []), d.waybill_id))
            AS foreign_waybill_links
    FROM compared
)
SELECT *,
    {country_problems("zh")} AS country_problems_zh,
    {country_problems("en")} AS country_problems_en,
    checked AND order_count IS NULL AS f_missing_order,
    checked AND order_count > 1 AS f_ambiguous_order,
    checked AND waybill_ids IS NULL AS f_missing_waybill,
    checked AND declaration_ids IS NULL AS f_missing_declaration,
    checked AND order_unique AND (po_off OR (declaration_ids IS NOT NULL AND do_off)) AS f_amount_mismatch,
    checked AND order_unique AND len(missing_rates) > 0 AS f_fx_rate_missing,
    checked AND order_unique AND payer_id <> buyer_id AS f_payer_not_buyer,
    checked AND order_unique AND len(country_problems_en) > 0 AS f_country_mismatch,
    checked AND waybill_ids IS NOT NULL
        AND (first_shipped_at IS NULL OR first_shipped_at > initiated_at + to_days(CAST($ship_days AS INTEGER)))
        AS f_paid_not_shipped,
    checked AND len(other_payment_links) > 0 AS f_declaration_payment_mismatch,
    checked AND waybill_ids IS NOT NULL AND len(foreign_waybill_links) > 0 AS f_declaration_waybill_mismatch
FROM deviated
"""


# (condition, Chinese text, English text) of each country check; texts are DuckDB format() calls.
_COUNTRY_CHECKS = (
    (
        "order_direction = 'export' AND payer_country <> buyer_country",
        "format('付款人国家 {} 与买家国家 {} 不一致', payer_country, buyer_country)",
        "format('payer country {} is not the buyer country {}', payer_country, buyer_country)",
    ),
    (
        "order_direction = 'export' AND len(list_filter(destinations, lambda c: c <> buyer_country)) > 0",
        "format('运单目的国 {} 与买家国家 {} 不一致', array_to_string(destinations, '/'), buyer_country)",
        "format('waybill destination {} is not the buyer country {}', array_to_string(destinations, '/'), "
        "buyer_country)",
    ),
    (
        "order_direction = 'import' AND buyer_country <> 'CN'",
        "format('进口订单买家国家为 {}，应为 CN', buyer_country)",
        "format('import order with buyer country {} (expected CN)', buyer_country)",
    ),
    (
        "order_direction = 'import' AND payer_country <> 'CN'",
        "format('进口订单付款人国家为 {}，应为 CN', payer_country)",
        "format('import order paid from {} (expected CN)', payer_country)",
    ),
    (
        "order_direction = 'import' AND len(list_filter(destinations, lambda c: c <> 'CN')) > 0",
        "format('进口订单运单目的国为 {}，应为 CN', array_to_string(destinations, '/'))",
        "format('import order shipped to {} (expected CN)', array_to_string(destinations, '/'))",
    ),
    (
        "order_direction = 'import' AND mode <> '1210' AND list_contains(origins, 'CN')",
        "format('直购进口（{}）运单起运国为 CN，只有保税进口（1210）从境内发货', mode)",
        "format('direct-mail import (mode {}) shipped from CN; only bonded imports (1210) ship from CN', mode)",
    ),
)


def country_problems(language: str) -> str:
    """Return SQL for the list of failed country checks of a payment, in 'zh' or 'en'."""
    column = 1 if language == "zh" else 2
    items = ", ".join(f"CASE WHEN {check[0]} THEN {check[column]} END" for check in _COUNTRY_CHECKS)
    return f"list_filter([{items}], lambda s: s IS NOT NULL)"


@dataclass(frozen=True)
class FindingSql:
    """How one reason is selected from the facts and explained."""

    reason: str
    zh: str
    en: str
    observed: str = "NULL"
    threshold: str = "NULL"
    unit: str = "NULL"


_CNY = "'CNY'"


def _with_cny(amount: str, currency: str, in_cny: str, converted: str) -> str:
    """Write an amount, followed by its CNY value in brackets when it was converted."""
    plain = money(amount, currency)
    return f"(CASE WHEN {converted} THEN {plain} || ' (' || {money(in_cny, _CNY)} || ')' ELSE {plain} END)"


_PO_CONVERTED = "currency <> order_currency"
_DO_CONVERTED = "decl_currency IS DISTINCT FROM order_currency"
_PAYMENT = _with_cny("amount", "currency", "pay_cmp", _PO_CONVERTED)
_ORDER = _with_cny("order_total", "order_currency", "total_cmp", _PO_CONVERTED)
_GOODS = _with_cny("goods_value", "order_currency", "decl_goods_cmp", _DO_CONVERTED)
_DECLARED = (
    f"(CASE WHEN decl_currency IS NULL THEN {money('decl_cmp', _CNY)} || ' [' || "
    f"array_to_string(decl_currencies, '+') || ']' "
    f"ELSE {_with_cny('decl_value', 'decl_currency', 'decl_cmp', _DO_CONVERTED)} END)"
)
_PARTS = (
    f"{money('goods_value', 'order_currency')}, {money('freight', 'order_currency')}, "
    f"{money('tax', 'order_currency')}, {percent('po_dev_goods')}"
)
_PO_ZH = (
    f"format('金额差异 {{}} 超过 {{}}：支付 {{}}，订单 {{}}{{}}{{}}', {percent('po_dev_total')}, $tolerance_text, "
    f"{_PAYMENT}, {_ORDER}, "
    f"CASE WHEN freight + tax <> 0 THEN format('（货值 {{}} + 运费 {{}} + 税费 {{}}；与货值相比差异 {{}}）', {_PARTS}) "
    f"ELSE '' END, "
    f"CASE WHEN {_PO_CONVERTED} THEN format('，按 {{}} 汇率折合人民币比较', pay_day) ELSE '' END)"
)
_PO_EN = (
    f"format('amount differs by {{}} (> {{}}): payment {{}} vs order {{}}{{}}{{}}', {percent('po_dev_total')}, "
    f"$tolerance_text, {_PAYMENT}, {_ORDER}, "
    f"CASE WHEN freight + tax <> 0 THEN format(' (goods {{}} + freight {{}} + tax {{}}; {{}} from goods alone)', "
    f"{_PARTS}) ELSE '' END, "
    f"CASE WHEN {_PO_CONVERTED} THEN format(', compared in CNY at the rates of {{}}', pay_day) ELSE '' END)"
)
_DO_ZH = (
    f"format('申报价值差异 {{}} 超过 {{}}：清单 {{}}，订单货值 {{}}', {percent('do_dev')}, $tolerance_text, "
    f"{_DECLARED}, {_GOODS})"
)
_DO_EN = (
    f"format('declared value differs by {{}} (> {{}}): declaration {{}} vs order goods value {{}}', "
    f"{percent('do_dev')}, $tolerance_text, {_DECLARED}, {_GOODS})"
)
_SHIP_ZH = (
    "CASE WHEN first_shipped_at IS NULL THEN format('已付款未发货：订单 {} 的运单均已丢失或退回（{}）', "
    "order_id, array_to_string(failed_waybills, ', ')) "
    "ELSE format('已付款未及时发货：首次发货在付款后 {} 天，超过 {} 天', printf('%.1f', ship_delay_days), "
    "$ship_days) END"
)
_SHIP_EN = (
    "CASE WHEN first_shipped_at IS NULL THEN format('paid but not shipped: every waybill of order {} is lost "
    "or returned ({})', order_id, array_to_string(failed_waybills, ', ')) "
    "ELSE format('paid but not shipped in time: first shipment {} days after payment (> {} days)', "
    "printf('%.1f', ship_delay_days), $ship_days) END"
)
_OTHER_PAYMENTS = "array_to_string(list_transform(other_payment_links, lambda d: d.id || ' → ' || d.payment_id), ', ')"
_FOREIGN_WAYBILLS = (
    "array_to_string(list_transform(foreign_waybill_links, lambda d: d.id || ' → ' || d.waybill_id), ', ')"
)

FINDINGS = (
    FindingSql(
        "missing_order",
        "format('缺少订单：没有平台报送订单 {}', order_id)",
        "format('missing order: no platform reported order {}', order_id)",
    ),
    FindingSql(
        "ambiguous_order",
        f"format('订单号 {{}} 由 {{}} 个平台报送（{{}}），无法确定本支付对应哪一笔订单', order_id, order_count, "
        f"{_ids('order_platform_ids')})",
        f"format('ambiguous order: order id {{}} is reported by {{}} platforms ({{}}); cannot tell which one "
        f"this payment pays', order_id, order_count, {_ids('order_platform_ids')})",
        observed="order_count",
        threshold="1",
        unit="'orders'",
    ),
    FindingSql(
        "missing_waybill",
        "format('缺少运单：没有物流企业报送订单 {} 的运单', order_id)",
        "format('missing waybill: no logistics firm reported a waybill for order {}', order_id)",
    ),
    FindingSql(
        "missing_declaration",
        "format('缺少清单：海关没有订单 {} 的清单', order_id)",
        "format('missing declaration: customs has no declaration (清单) for order {}', order_id)",
    ),
    FindingSql(
        "amount_mismatch",
        f"concat_ws('；', CASE WHEN po_off THEN {_PO_ZH} END, CASE WHEN do_off THEN {_DO_ZH} END)",
        f"concat_ws('; ', CASE WHEN po_off THEN {_PO_EN} END, CASE WHEN do_off THEN {_DO_EN} END)",
        observed="greatest(CASE WHEN po_off THEN least(po_dev_total, po_dev_goods) END, "
        "CASE WHEN do_off THEN do_dev END)",
        threshold="$tolerance",
        unit="'ratio'",
    ),
    FindingSql(
        "fx_rate_missing",
        f"format('缺少 {{}} 在 {{}} 的汇率，无法比较金额', {_ids('missing_rates')}, pay_day)",
        f"format('cannot compare amounts: no FX rate for {{}} on {{}}', {_ids('missing_rates')}, pay_day)",
    ),
    FindingSql(
        "payer_not_buyer",
        "format('付款人 {} 不是订单买家 {}', payer_id, buyer_id)",
        "format('payer {} is not the order''s buyer {}', payer_id, buyer_id)",
    ),
    FindingSql(
        "country_mismatch",
        "'国家不一致：' || array_to_string(country_problems_zh, '；')",
        "'countries disagree: ' || array_to_string(country_problems_en, '; ')",
    ),
    FindingSql("paid_not_shipped", _SHIP_ZH, _SHIP_EN, "ship_delay_days", "$ship_days", "'days'"),
    FindingSql(
        "declaration_payment_mismatch",
        f"format('清单所列支付单与本支付单 {{}} 不符：{{}}', payment_id, {_OTHER_PAYMENTS})",
        f"format('declaration names another payment than {{}}: {{}}', payment_id, {_OTHER_PAYMENTS})",
    ),
    FindingSql(
        "declaration_waybill_mismatch",
        f"format('清单所列运单不属于订单 {{}}（其运单：{{}}）：{{}}', order_id, {_ids('waybill_ids')}, "
        f"{_FOREIGN_WAYBILLS})",
        f"format('declaration names a waybill that order {{}} does not have (its waybills: {{}}): {{}}', "
        f"order_id, {_ids('waybill_ids')}, {_FOREIGN_WAYBILLS})",
    ),
)
REASONS: tuple[str, ...] = tuple(f.reason for f in FINDINGS)


def findings_sql(facts: str) -> str:
    """Return the query of every finding, one row per payment and reason, ordered by payment."""
    empty = "[]::VARCHAR[]"
    selects = [
        f"""SELECT institution_id, payment_id, order_id, enterprise_id, platform_id,
               '{f.reason}' AS reason, {RULE_VERSION} AS rule_version,
               {f.zh} AS explanation_zh, {f.en} AS explanation_en,
               CAST(round({f.observed}, 6) AS DECIMAL(18, 6)) AS observed,
               CAST({f.threshold} AS DECIMAL(18, 6)) AS threshold, CAST({f.unit} AS VARCHAR) AS unit,
               coalesce(order_platform_ids, {empty}) AS order_platform_ids,
               coalesce(waybill_ids, {empty}) AS waybill_ids,
               coalesce(declaration_ids, {empty}) AS declaration_ids
           FROM {facts} WHERE f_{f.reason}"""
        for f in FINDINGS
    ]
    return "\nUNION ALL\n".join(selects) + "\nORDER BY institution_id, payment_id, reason"


def per_payment_sql(facts: str) -> str:
    """Return the query of one row per payment with an order_id: matched or not, and why not."""
    flagged = ", ".join(f"CASE WHEN f_{r} THEN '{r}' END" for r in REASONS)
    return f"""
SELECT institution_id, payment_id, order_id, enterprise_id, platform_id, status, checked,
       CASE WHEN checked THEN len(reasons) = 0 END AS matched, reasons
FROM (SELECT *, list_filter([{flagged}], lambda r: r IS NOT NULL) AS reasons FROM {facts})
"""
