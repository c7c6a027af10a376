"""Payments and the documents that match them (orders, waybills, customs declarations) as Arrow tables.

The payment amount equals the order's goods_value, the waybill's declared_value and the declaration's
declared_value, in the same currency; freight and tax are settled separately. Only rows marked
amount_mismatch or payment_without_order break that rule.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from cbec.synth import calibration as cal
from cbec.synth import catalogue as cat
from cbec.synth import codes
from cbec.synth.batch import (
    COUNTRIES,
    COUNTRY,
    DECLARATION_MISMATCH,
    DIRECTIONS,
    INBOUND,
    ORDER_MISMATCH,
    PARTY_TYPES,
    PATTERN,
    PATTERN_NAMES,
    SEGMENT,
    Context,
    PaymentCore,
)
from cbec.synth.codes import SECONDS_PER_DAY, IntArray
from cbec.synth.columns import FEED_COLUMNS, LABEL_COLUMNS
from cbec.synth.month import draw_per_segment

HOUR = 3_600
_INSTITUTION_IDS = [i.institution_id for i in cal.INSTITUTIONS]
_PLATFORM_IDS = [p.platform_id for p in cal.PLATFORMS]
_CARRIER_IDS = [c.logistics_id for c in cat.CARRIERS]
_HS = [p.hs_code for p in cat.PRODUCTS]
_UNIT_KG = np.array([p.unit_kg for p in cat.PRODUCTS])
_MODES = [s.mode for s in cal.SEGMENTS]
_B2B = np.array([s.b2b for s in cal.SEGMENTS])
_OFFICES = [c.customs_office for c in cal.CITIES]
_CN = COUNTRY["CN"]


def _table(feed: str, columns: dict[str, pa.Array]) -> pa.Table:
    """Build a feed's table, checking its columns against the contract."""
    assert tuple(columns) == FEED_COLUMNS[feed], feed
    return pa.table(columns)


def _between(rng: np.random.Generator, low: int, high: int, n: int) -> IntArray:
    """Draw n whole seconds in [low, high)."""
    return rng.integers(low, high, n)


def payments_table(core: PaymentCore, index: IntArray, ctx: Context) -> pa.Table:
    """Format payments rows."""
    k = ctx.keys
    return _table(
        "payments",
        {
            "payment_id": codes.hex_ids("P", index, k["payment"]),
            "institution_id": codes.pick(_INSTITUTION_IDS, core.institution),
            "channel": codes.pick(cal.CHANNELS, core.channel),
            "direction": codes.pick(DIRECTIONS, core.direction),
            "payer_id": codes.hex_ids("AC", core.payer, k["account"]),
            "payee_id": codes.hex_ids("AC", core.payee, k["account"]),
            "payer_type": codes.pick(PARTY_TYPES, core.payer_type),
            "payee_type": codes.pick(PARTY_TYPES, core.payee_type),
            "payer_country": codes.pick(COUNTRIES, core.payer_country),
            "payee_country": codes.pick(COUNTRIES, core.payee_country),
            "enterprise_id": codes.pick_from(ctx.registers.ids, core.enterprise, core.enterprise < 0),
            "order_id": codes.blank_where(codes.hex_ids("OD", index, k["order"]), ~core.order_ref),
            "amount": codes.decimal_amounts(core.amount),
            "currency": codes.pick(cal.CURRENCIES, core.currency),
            "initiated_at": codes.local_timestamps(core.initiated),
            "confirmed_at": codes.local_timestamps(core.initiated + core.settle, core.settle < 0),
            "status": codes.pick(cal.STATUSES, core.status),
        },
    )


def _carriers(rng: np.random.Generator, segment: IntArray) -> IntArray:
    """Draw a logistics firm per shipment from those serving its segment."""
    return draw_per_segment(rng, segment, lambda name: [c.weights.get(name, 0.0) for c in cat.CARRIERS])


def _transit(rng: np.random.Generator, segment: IntArray) -> tuple[IntArray, IntArray]:
    """Draw (payment-to-shipping, shipping-to-delivery) seconds per segment."""
    day = SECONDS_PER_DAY
    lag = {
        "export_retail": (4 * HOUR, 3 * day),
        "export_b2b_direct": (day, 10 * day),
        "export_b2b_warehouse": (day, 7 * day),
        "import_bonded": (HOUR, day),
        "import_direct_mail": (12 * HOUR, 4 * day),
    }
    trip = {
        "export_retail": (5 * day, 20 * day),
        "export_b2b_direct": (15 * day, 40 * day),
        "export_b2b_warehouse": (20 * day, 45 * day),
        "import_bonded": (day, 3 * day),
        "import_direct_mail": (5 * day, 15 * day),
    }
    to_ship = np.zeros(len(segment), dtype=np.int64)
    on_road = np.zeros(len(segment), dtype=np.int64)
    for name, (low, high) in lag.items():
        rows = np.flatnonzero(segment == SEGMENT[name])
        to_ship[rows] = _between(rng, low, high, len(rows))
        on_road[rows] = _between(rng, *trip[name], len(rows))
    return to_ship, on_road


def _altered(rng: np.random.Generator, amount: IntArray) -> IntArray:
    """Return amounts that differ from the originals by 8% to 60%."""
    up = rng.random(len(amount)) < 0.3
    factor = np.where(up, rng.uniform(1.08, 1.5, len(amount)), rng.uniform(0.4, 0.92, len(amount)))
    return np.maximum(1, np.rint(amount * factor)).astype(np.int64)


def document_tables(rng: np.random.Generator, core: PaymentCore, index: IntArray, ctx: Context) -> dict[str, pa.Table]:
    """Format the orders, waybills and declarations behind order-linked payments."""
    k, reg = ctx.keys, ctx.registers
    o = core.take(core.has_order)
    oi = index[core.has_order]
    n = len(o)
    b2b = _B2B[o.segment]
    export = o.direction == INBOUND
    goods = o.amount.copy()
    order_off = o.mismatch == ORDER_MISMATCH
    goods[order_off] = _altered(rng, goods[order_off])
    items = np.where(b2b, np.rint(rng.lognormal(np.log(200), 0.9, n)), 1 + rng.poisson(0.5, n)).astype(np.int64)
    ordered = o.initiated - np.where(
        b2b, _between(rng, SECONDS_PER_DAY, 10 * SECONDS_PER_DAY, n), _between(rng, 20, 1_800, n)
    )
    freight_paid = b2b | (export & (rng.random(n) < 0.3))
    freight = np.where(freight_paid, goods * rng.uniform(0.03, 0.12, n), 0).astype(np.int64)
    tax = (goods * 91 // 1000).astype(np.int64)  # CBEC retail import comprehensive tax, 9.1% [MOF2018]
    orders = _table(
        "orders",
        {
            "order_id": codes.hex_ids("OD", oi, k["order"]),
            "platform_id": codes.pick(_PLATFORM_IDS, o.platform),
            "enterprise_id": codes.pick_from(reg.ids, o.enterprise),
            # The buyer pays (export: the foreign buyer; import: the domestic one), so the order names
            # the same account the payment comes from, which is what 三单对碰 compares.
            "buyer_id": codes.hex_ids("AC", o.payer, k["account"]),
            "buyer_country": codes.pick(COUNTRIES, o.payer_country),
            "mode": codes.pick(_MODES, o.segment),
            "direction": codes.pick(("export", "import"), (~export).astype(np.int64)),
            "goods_value": codes.decimal_amounts(goods),
            "freight": codes.decimal_amounts(freight, ~freight_paid & (rng.random(n) < 0.5)),
            "tax": codes.decimal_amounts(tax, export),
            "currency": codes.pick(cal.CURRENCIES, o.currency),
            "ordered_at": codes.local_timestamps(ordered),
            "hs_code": codes.pick(_HS, o.product),
            "item_count": codes.integers(np.maximum(items, 1)),
        },
    )

    shipped_rows = o.has_docs
    del o
    d = core.take(core.has_docs)
    di = index[core.has_docs]
    m = len(d)
    d_export = d.direction == INBOUND
    d_goods = goods[shipped_rows]
    d_items = np.maximum(items[shipped_rows], 1)
    to_ship, on_road = _transit(rng, d.segment)
    shipped = d.initiated + to_ship
    delivered = shipped + on_road
    returned = (d.status == 3) & (rng.random(m) < 0.5)
    lost = ~returned & (rng.random(m) < 0.003)
    in_transit = ~returned & ~lost & (delivered >= ctx.month.end)
    status = np.select([returned, lost, in_transit], [2, 3, 0], 1)
    bonded = d.segment == SEGMENT["import_bonded"]
    origin = np.where(d_export | bonded, _CN, d.payee_country)
    destination = np.where(d_export, d.payer_country, _CN)
    weight = np.rint(d_items * _UNIT_KG[d.product] * rng.uniform(0.9, 1.3, m) * 100).astype(np.int64)
    waybill_ids = codes.hex_ids("WB", di, k["waybill"])
    order_ids = codes.hex_ids("OD", di, k["order"])
    waybills = _table(
        "waybills",
        {
            "waybill_id": waybill_ids,
            "logistics_id": codes.pick(_CARRIER_IDS, _carriers(rng, d.segment)),
            "order_id": order_ids,
            "origin_country": codes.pick(COUNTRIES, origin),
            "destination_country": codes.pick(COUNTRIES, destination),
            "weight_kg": codes.decimal_amounts(np.maximum(weight, 1)),
            "declared_value": codes.decimal_amounts(d_goods),
            "currency": codes.pick(cal.CURRENCIES, d.currency),
            "shipped_at": codes.local_timestamps(shipped),
            "delivered_at": codes.local_timestamps(delivered, status != 1),
            "status": codes.pick(("in_transit", "delivered", "returned", "lost"), status),
        },
    )
    declared_value = d_goods.copy()
    decl_off = d.mismatch == DECLARATION_MISMATCH
    declared_value[decl_off] = _altered(rng, declared_value[decl_off])
    declared = d.initiated + (to_ship * rng.uniform(0.1, 0.7, m)).astype(np.int64)
    cleared = declared + np.maximum(60, rng.lognormal(np.log(1_200), 1.0, m)).astype(np.int64)
    declarations = _table(
        "declarations",
        {
            "declaration_id": codes.hex_ids("DC", di, k["declaration"]),
            "order_id": order_ids,
            "waybill_id": waybill_ids,
            "payment_id": codes.hex_ids("P", di, k["payment"]),
            "enterprise_id": codes.pick_from(reg.ids, d.enterprise),
            "mode": codes.pick(_MODES, d.segment),
            "declared_value": codes.decimal_amounts(declared_value),
            "currency": codes.pick(cal.CURRENCIES, d.currency),
            "hs_code": codes.pick(_HS, d.product),
            "declared_at": codes.local_timestamps(declared),
            "cleared_at": codes.local_timestamps(cleared, rng.random(m) < 0.01),
            "customs_office": codes.pick(_OFFICES, reg.city[d.enterprise]),
        },
    )
    return {"orders": orders, "waybills": waybills, "declarations": declarations}


def labels_table(core: PaymentCore, index: IntArray, ctx: Context) -> pa.Table:
    """List every injected anomalous payment, and the orders and declarations that carry one."""
    k = ctx.keys
    rows = np.flatnonzero(core.pattern >= 0)
    split = rows[core.pattern[rows] == PATTERN["split_orders"]]
    off_order = rows[core.mismatch[rows] == ORDER_MISMATCH]
    off_decl = rows[core.mismatch[rows] == DECLARATION_MISMATCH]
    parts = [
        ("payments", rows, codes.hex_ids("P", index[rows], k["payment"])),
        ("orders", split, codes.hex_ids("OD", index[split], k["order"])),
        ("orders", off_order, codes.hex_ids("OD", index[off_order], k["order"])),
        ("declarations", off_decl, codes.hex_ids("DC", index[off_decl], k["declaration"])),
    ]
    tables = [
        pa.table(
            {
                "feed": codes.constant(feed, len(sel)),
                "key": keys,
                "institution_id": codes.pick(_INSTITUTION_IDS, core.institution[sel]),
                "pattern": codes.pick(PATTERN_NAMES, core.pattern[sel]),
            }
        )
        for feed, sel, keys in parts
    ]
    out = pa.concat_tables(tables)
    assert tuple(out.column_names) == LABEL_COLUMNS
    return out
