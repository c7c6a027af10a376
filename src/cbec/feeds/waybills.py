"""waybills: shipments reported by logistics firms."""

from cbec.feeds.spec import FeedSpec, Kind, opt, req

STATUSES = ("in_transit", "delivered", "returned", "lost")

SPEC = FeedSpec(
    name="waybills",
    title_zh="物流运单",
    title_en="Waybills",
    columns=(
        req("waybill_id", max_chars=64),
        req("logistics_id", max_chars=64),
        req("order_id", max_chars=64),
        req("origin_country", Kind.COUNTRY),
        req("destination_country", Kind.COUNTRY),
        opt("weight_kg", Kind.DECIMAL),
        opt("declared_value", Kind.DECIMAL),
        opt("currency", Kind.CURRENCY),
        req("shipped_at", Kind.TIMESTAMP),
        opt("delivered_at", Kind.TIMESTAMP),
        req("status", Kind.ENUM, choices=STATUSES),
    ),
    key=("logistics_id", "waybill_id"),
    sink="lake",
    month_column="shipped_at",
)
