"""Hand-written payments, orders, waybills and declarations: one clean match and one case per reason."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from cbec.core.money import FxTable
from cbec.feeds.catalog import FEEDS
from cbec.feeds.service import ingest
from cbec.storage.store import Store

from ..feeds.samples import VALID

PAID_AT = "2026-10-09T10:00:00+08:00"
DOCUMENT_FEEDS = ("payments", "orders", "waybills", "declarations")


def fx_table() -> FxTable:
    """Return CNY 7.10 per USD and 7.80 per EUR from 1 October 2026, and no rate for CHF."""
    return FxTable.from_rows([(date(2026, 10, 1), "USD", "7.10"), (date(2026, 10, 1), "EUR", "7.80")])


def _case(
    name: str,
    *,
    payment: dict[str, str] | None = None,
    order: dict[str, str] | None = None,
    waybill: dict[str, str] | None = None,
    declaration: dict[str, str] | None = None,
    without: tuple[str, ...] = (),
) -> dict[str, list[dict[str, str]]]:
    """Return the four documents of one export case, each overridable or left out."""
    ids = {"payment_id": f"PAY-{name}", "order_id": f"ORD-{name}"}
    rows = {
        "payments": {**VALID["payments"], **ids, "initiated_at": PAID_AT, **(payment or {})},
        "orders": {**VALID["orders"], "order_id": ids["order_id"], **(order or {})},
        "waybills": {**VALID["waybills"], "order_id": ids["order_id"], "waybill_id": f"WB-{name}", **(waybill or {})},
        "declarations": {
            **VALID["declarations"],
            **ids,
            "declaration_id": f"DEC-{name}",
            "waybill_id": f"WB-{name}",
            **(declaration or {}),
        },
    }
    return {feed: [] if feed in without else [row] for feed, row in rows.items()}


def _import(name: str, *, mode: str, origin: str) -> dict[str, list[dict[str, str]]]:
    """Return a retail import case paid in CNY from China, in a customs mode, shipped from a country."""
    return _case(
        name,
        payment={
            "direction": "outbound",
            "payer_country": "CN",
            "payee_country": "JP",
            "amount": "300.00",
            "currency": "CNY",
        },
        order={
            "direction": "import",
            "mode": mode,
            "buyer_country": "CN",
            "goods_value": "300.00",
            "freight": "",
            "currency": "CNY",
        },
        waybill={"origin_country": origin, "destination_country": "CN", "declared_value": "300.00", "currency": "CNY"},
        declaration={"mode": mode, "declared_value": "300.00", "currency": "CNY"},
    )


def cases() -> list[dict[str, list[dict[str, str]]]]:
    """Return every case; the base one (VALID) pays 125.40 USD for goods 120.00 + freight 5.40."""
    usd_order = {"goods_value": "1000.00", "freight": "", "currency": "USD"}
    usd_declaration = {"declared_value": "1000.00", "currency": "USD"}
    mixed = _case(
        "MIXED",
        payment={"amount": "1000.00"},
        order=usd_order,
        declaration={"declared_value": "500.00", "currency": "USD"},
    )
    mixed["declarations"].append(
        {
            **mixed["declarations"][0],
            "declaration_id": "DEC-MIXED-2",
            "declared_value": "400.00",
            "currency": "EUR",
        }
    )
    return [
        mixed,
        _case("CLEAN"),
        _case("CLEAN-B", payment={"institution_id": "PI-B"}, order={"platform_id": "PF-B"}),
        _case("FXOK", payment={"amount": "910.26", "currency": "EUR"}, order=usd_order, declaration=usd_declaration),
        _import("BONDED", mode="1210", origin="CN"),
        _case("NOORDER", without=("orders", "waybills", "declarations")),
        _case("AMBIG", order={"platform_id": "PF-B"}),
        _case("NOWB", without=("waybills",)),
        _case("NODEC", without=("declarations",)),
        _case(
            "AMT",
            payment={"amount": "1000.00"},
            order={"goods_value": "900.00", "freight": "32.00"},
            declaration={"declared_value": "900.00"},
        ),
        _case("FX", payment={"amount": "1000.00", "currency": "EUR"}, order=usd_order, declaration=usd_declaration),
        _case(
            "DECVAL",
            payment={"amount": "1000.00"},
            order=usd_order,
            declaration={"declared_value": "1200.00", "currency": "USD"},
        ),
        _case("PAYER", payment={"payer_id": "STRANGER-1"}),
        _case("COUNTRY", waybill={"destination_country": "GB"}),
        _import("IMPORT", mode="9610", origin="CN"),
        _case("LOST", waybill={"status": "lost"}),
        _case("LATE", waybill={"shipped_at": "2026-11-20T10:00:00+08:00"}),
        _case("DECPAY", declaration={"payment_id": "PAY-OTHER"}),
        _case("DECWB", declaration={"waybill_id": "WB-ELSEWHERE"}),
        _case("NOFX", payment={"amount": "110.00", "currency": "CHF"}),
        _case("REFUND", payment={"status": "refunded"}, without=("orders", "waybills", "declarations")),
        _case("NOID", payment={"order_id": ""}, without=("orders", "waybills", "declarations")),
        _case("NOV", payment={"initiated_at": "2026-11-03T09:00:00+08:00"}, without=("orders",)),
    ]


def ambiguous_twin() -> dict[str, str]:
    """Return a second order with the id ORD-AMBIG, from another platform."""
    return {**VALID["orders"], "order_id": "ORD-AMBIG", "platform_id": "PF-A"}


def load(store: Store, folder: Path) -> None:
    """Write every case into one CSV per feed and ingest them."""
    rows: dict[str, list[dict[str, str]]] = {feed: [] for feed in DOCUMENT_FEEDS}
    for case in cases():
        for feed, found in case.items():
            rows[feed].extend(found)
    rows["orders"].append(ambiguous_twin())
    folder.mkdir(parents=True, exist_ok=True)
    for feed in DOCUMENT_FEEDS:
        path = folder / f"{feed}.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=[c.name for c in FEEDS[feed].columns])
            writer.writeheader()
            writer.writerows(rows[feed])
        (report,) = ingest(store=store, feed=feed, paths=[path])
        assert report.quarantined == 0, (feed, report.errors_by_rule)
