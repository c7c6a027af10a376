"""Logistics cost and time from waybills and their orders: exact figures on a month of hand-made parcels."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from cbec.core.money import load_fx_table
from cbec.feeds.service import ingest
from cbec.stats import service as stats
from cbec.stats.schemas import LogisticsGroup
from cbec.storage.store import Store

SELLER = "91330100716105852F"
ORDERS = [  # order_id, customs mode, freight, currency, ordered_at
    ("O1", "9610", "10.00", "USD", "2026-10-01T10:00:00+08:00"),
    ("O2", "9610", "70.00", "CNY", "2026-10-02T10:00:00+08:00"),
    ("O3", "1210", "0.00", "CNY", "2026-10-03T10:00:00+08:00"),  # free shipping: not costed
    ("O4", "9810", "500.00", "CNY", "2026-10-04T10:00:00+08:00"),
    ("O5", "9610", "", "CNY", "2026-10-05T10:00:00+08:00"),  # no freight stated
    ("O7", "9610", "20.00", "CNY", "2026-09-09T10:00:00+08:00"),
]
WAYBILLS = [  # waybill_id, carrier, order_id, origin, destination, kg, shipped, delivered, status
    ("W1", "LG-A", "O1", "CN", "US", "0.50", "2026-10-02T09:00:00+08:00", "2026-10-12T09:00:00+08:00", "delivered"),
    ("W2", "LG-A", "O2", "CN", "US", "1.50", "2026-10-03T09:00:00+08:00", "2026-10-09T09:00:00+08:00", "delivered"),
    ("W3", "LG-B", "O3", "CN", "CN", "2.00", "2026-10-04T09:00:00+08:00", "2026-10-06T09:00:00+08:00", "delivered"),
    ("W4", "LG-C", "O4", "CN", "DE", "100.00", "2026-10-05T09:00:00+08:00", "2026-10-25T09:00:00+08:00", "delivered"),
    ("W5", "LG-B", "O5", "CN", "US", "1.00", "2026-10-06T09:00:00+08:00", "", "lost"),
    ("W6", "LG-A", "O9", "CN", "US", "1.00", "2026-10-07T09:00:00+08:00", "2026-10-21T09:00:00+08:00", "delivered"),
    ("W7", "LG-A", "O7", "CN", "US", "2.00", "2026-09-10T09:00:00+08:00", "2026-09-20T09:00:00+08:00", "delivered"),
]


@pytest.fixture
def loaded(store: Store, tmp_path: Path) -> Store:
    orders = tmp_path / "orders.csv"
    orders.write_text(
        "order_id,platform_id,enterprise_id,buyer_id,buyer_country,mode,direction,goods_value,freight,tax,currency,"
        "ordered_at,hs_code,item_count\n"
        + "".join(f"{o},PF-1,{SELLER},B1,US,{m},export,100.00,{f},,{c},{t},,1\n" for o, m, f, c, t in ORDERS),
        encoding="utf-8",
    )
    waybills = tmp_path / "waybills.csv"
    waybills.write_text(
        "waybill_id,logistics_id,order_id,origin_country,destination_country,weight_kg,declared_value,currency,"
        "shipped_at,delivered_at,status\n"
        + "".join(f"{w},{c},{o},{a},{b},{kg},,,{s},{d},{st}\n" for w, c, o, a, b, kg, s, d, st in WAYBILLS),
        encoding="utf-8",
    )
    for feed, path in (("orders", orders), ("waybills", waybills)):
        (report,) = ingest(store=store, feed=feed, paths=[path])
        assert report.quarantined == 0, report.errors_by_rule
    return store


def _by(groups: list[LogisticsGroup], dimension: str) -> dict[str, LogisticsGroup]:
    return {g.key: g for g in groups if g.dimension == dimension}


def test_cost_per_parcel_and_kg_and_transit_percentiles_by_corridor_carrier_and_mode(loaded: Store) -> None:
    usd = load_fx_table().rate("USD", date(2026, 10, 1))
    o1 = (Decimal("10.00") * usd).quantize(Decimal("0.01"))
    report = stats.logistics(store=loaded, month="2026-10")

    us = _by(report.groups, "corridor")["CN-US"]
    assert (us.parcels, us.delivered, us.lost_or_returned, us.weight_kg, us.costed) == (4, 3, 1, Decimal("4.00"), 2)
    assert us.freight_cny == o1 + 70
    assert us.cost_per_parcel == ((o1 + 70) / 2).quantize(Decimal("0.01"))
    assert us.cost_per_kg == ((o1 + 70) / Decimal("2.00")).quantize(Decimal("0.01"))  # kg of the costed parcels
    assert (us.transit_p50_days, us.transit_p90_days) == (Decimal("10.0"), Decimal("13.2"))  # of 6, 10 and 14 days

    modes = _by(report.groups, "mode")
    assert {k: g.parcels for k, g in modes.items()} == {
        "direct_mail": 3,
        "bonded": 1,
        "overseas_warehouse": 1,
        "unknown": 1,  # W6's order is not in the lake
    }
    assert (modes["overseas_warehouse"].cost_per_parcel, modes["overseas_warehouse"].cost_per_kg) == (
        Decimal("500.00"),
        Decimal("5.00"),
    )
    assert modes["bonded"].costed == 0 and modes["bonded"].cost_per_parcel is None  # free shipping is not a cost
    assert modes["bonded"].transit_p50_days == Decimal("2.0")
    assert {k: g.parcels for k, g in _by(report.groups, "carrier").items()} == {"LG-A": 3, "LG-B": 2, "LG-C": 1}

    total = report.total
    assert (total.parcels, total.delivered, total.costed) == (6, 5, 3)
    assert total.cost_per_kg == ((o1 + 570) / Decimal("102.00")).quantize(Decimal("0.01"))
    assert (total.transit_p50_days, total.transit_p90_days) == (Decimal("10.0"), Decimal("17.6"))
    assert report.unconverted == 0

    assert [(m.month, m.parcels, m.cost_per_parcel, m.cost_per_kg, m.transit_p50_days) for m in report.trend] == [
        ("2026-09", 1, Decimal("20.00"), Decimal("10.00"), Decimal("10.0")),
        ("2026-10", 6, total.cost_per_parcel, total.cost_per_kg, Decimal("10.0")),
    ]


def test_a_month_without_waybills_is_empty_and_a_bad_month_is_refused(store: Store) -> None:
    report = stats.logistics(store=store, month="2026-10")
    assert (report.total.parcels, report.groups, report.trend) == (0, [], [])
    with pytest.raises(ValueError, match="2026-13"):
        stats.logistics(store=store, month="2026-13")
