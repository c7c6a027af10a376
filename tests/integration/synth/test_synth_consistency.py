"""A generated 10k-payment month tells one story: documents match payments, labels match anomalies."""

import datetime as dt
import re
import statistics
from collections import Counter
from collections.abc import Callable
from decimal import Decimal

import pytest

from cbec.synth import calibration as cal

Feed = Callable[[str], list[dict[str, str]]]


def _when(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def _labelled(feed: Feed, name: str = "payments") -> dict[str, str]:
    return {row["key"]: row["pattern"] for row in feed("labels") if row["feed"] == name}


def test_order_linked_payments_match_their_documents_unless_labelled(feed: Feed) -> None:
    orders = {o["order_id"]: o for o in feed("orders")}
    waybills = {w["order_id"]: w for w in feed("waybills")}
    declarations = {d["order_id"]: d for d in feed("declarations")}
    labels = _labelled(feed)
    checked, broken = 0, Counter[str]()
    for p in feed("payments"):
        if not p["order_id"] or p["status"] == "failed":  # a failed payment's goods never ship
            continue
        order, waybill, decl = (
            orders.get(p["order_id"]),
            waybills.get(p["order_id"]),
            declarations.get(p["order_id"]),
        )
        matches = (
            order is not None
            and waybill is not None
            and decl is not None
            and p["amount"] == order["goods_value"] == waybill["declared_value"] == decl["declared_value"]
            and p["currency"] == order["currency"] == decl["currency"]
            and p["payer_country"] == order["buyer_country"]
            and p["enterprise_id"] == order["enterprise_id"] == decl["enterprise_id"]
            and decl["payment_id"] == p["payment_id"]
            and decl["waybill_id"] == waybill["waybill_id"]
        )
        checked += 1
        if not matches:
            broken[labels.get(p["payment_id"], "unlabelled")] += 1
    assert checked > 9_000
    assert set(broken) == {"amount_mismatch", "payment_without_order"}
    assert broken["amount_mismatch"] + broken["payment_without_order"] == sum(
        1 for v in labels.values() if v in ("amount_mismatch", "payment_without_order")
    )


def test_mismatched_amounts_differ_by_more_than_five_percent(feed: Feed) -> None:
    payments = {p["payment_id"]: p for p in feed("payments")}
    declarations = {d["declaration_id"]: d for d in feed("declarations")}
    orders = {o["order_id"]: o for o in feed("orders")}
    by_order = {p["order_id"]: p for p in payments.values() if p["order_id"]}
    by_decl = {d["declaration_id"]: payments[d["payment_id"]] for d in declarations.values()}
    altered = [(Decimal(declarations[k]["declared_value"]), by_decl[k]) for k in _labelled(feed, "declarations")]
    altered += [
        (Decimal(orders[k]["goods_value"]), by_order[k])
        for k in _labelled(feed, "orders")
        if k in orders and _labelled(feed)[by_order[k]["payment_id"]] == "amount_mismatch"
    ]
    assert len(altered) >= 5
    for value, payment in altered:
        assert abs(value / Decimal(payment["amount"]) - 1) > Decimal("0.05")


def test_labels_name_existing_rows_and_every_pattern(feed: Feed) -> None:
    payments = {p["payment_id"]: p for p in feed("payments")}
    labels = feed("labels")
    payment_labels = [row for row in labels if row["feed"] == "payments"]
    assert all(row["key"] in payments for row in payment_labels)
    assert all(payments[row["key"]]["institution_id"] == row["institution_id"] for row in payment_labels)
    assert {row["pattern"] for row in payment_labels} == set(cal.PATTERNS)
    assert 0.005 < len(payment_labels) / len(payments) < 0.02
    orders = {o["order_id"] for o in feed("orders")}
    assert all(row["key"] in orders for row in labels if row["feed"] == "orders")
    listings = {x["listing_id"]: x for x in feed("listings")}
    lookalikes = [row["key"] for row in labels if row["feed"] == "listings"]
    assert lookalikes and all(listings[k]["title"].startswith(listings[k]["brand"]) for k in lookalikes)
    famous = {m["mark_text"] for m in feed("trademarks")}
    assert not {listings[k]["brand"] for k in lookalikes} & famous


def test_payments_without_order_point_at_no_shipped_order(feed: Feed) -> None:
    waybill_orders = {w["order_id"] for w in feed("waybills")}
    labels = _labelled(feed)
    missing = [p for p in feed("payments") if labels.get(p["payment_id"]) == "payment_without_order"]
    assert missing and all(p["order_id"] and p["order_id"] not in waybill_orders for p in missing)


def test_settlement_medians_are_ordered_by_channel(feed: Feed) -> None:
    hours: dict[str, list[float]] = {}
    for p in feed("payments"):
        if p["confirmed_at"]:
            delta = _when(p["confirmed_at"]) - _when(p["initiated_at"])
            hours.setdefault(p["channel"], []).append(delta.total_seconds() / 3_600)
    median = {channel: statistics.median(v) for channel, v in hours.items()}
    assert median["e_cny"] < median["local_wallet"] < median["third_party"] < median["card"] < median["wire"]
    assert median["e_cny"] < 0.01 and median["local_wallet"] < 0.5 and 24 <= median["wire"] <= 96
    unconfirmed = [p for p in feed("payments") if not p["confirmed_at"]]
    assert 0 < len(unconfirmed) < 300


def test_documents_follow_each_other_in_time(feed: Feed) -> None:
    payments = {p["order_id"]: p for p in feed("payments") if p["order_id"]}
    for w in feed("waybills"):
        if w["delivered_at"]:
            assert _when(w["shipped_at"]) < _when(w["delivered_at"])
    for d in feed("declarations"):
        paid = _when(payments[d["order_id"]]["initiated_at"])
        assert paid <= _when(d["declared_at"])
        if d["cleared_at"]:
            assert _when(d["declared_at"]) < _when(d["cleared_at"])
    for o in feed("orders"):
        assert _when(o["ordered_at"]) <= _when(payments[o["order_id"]]["initiated_at"])


def test_money_matches_the_calibration_at_this_scale(feed: Feed) -> None:
    stats = {(r["region"], r["indicator"]): r for r in feed("trade_statistics")}
    assert all(r["source"] == "cbec synth (synthetic)" and r["year"] == "2024" for r in stats.values())
    total = Decimal(stats[("浙江省", "cbec_import_export_total_m03")]["value"])
    exports = Decimal(stats[("浙江省", "cbec_export_total_m03")]["value"])
    assert Decimal(300) < total < Decimal(560)  # the calibrated month is about 427 亿元
    assert Decimal("0.65") < exports / total < Decimal("0.85")  # about 0.767 in 2023
    cities = [
        r for (region, indicator), r in stats.items() if region != "浙江省" and indicator.startswith("cbec_export")
    ]
    assert len(cities) == 11
    assert sum(Decimal(r["value"]) for r in cities) == pytest.approx(exports, abs=Decimal("0.2"))


def test_side_feeds_have_their_calibrated_shapes(feed: Feed) -> None:
    inspections = feed("inspections")
    failed = [i for i in inspections if i["result"] == "fail"]
    assert round(len(failed) / len(inspections), 2) == 0.05 and all(i["defect"] for i in failed)
    complaints = feed("complaints")
    assert {c["language"] for c in complaints} == {"zh", "en"}
    assert all(re.search(r"[\u4e00-\u9fff]", c["text"]) for c in complaints if c["language"] == "zh")
    assert len({c["category"] for c in complaints}) >= 6
    assert {c["category"] for c in complaints} <= set(cal.COMPLAINT_CATEGORIES)
    roles = Counter(j["role"] for j in feed("job_postings"))
    assert roles.most_common(1)[0][0] == "operations" and roles["operations"] > roles["logistics"]
    incidents = feed("security_incidents")
    late = [i for i in incidents if _when(i["responded_at"]) - _when(i["reported_at"]) > dt.timedelta(hours=48)]
    assert 0 < len(late) < len(incidents)
    filings = {f["filing_id"] for f in feed("filings")}
    assert {i["filing_id"] for i in inspections} <= filings
