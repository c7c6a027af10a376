"""The trade documents that three-document matching (三单对碰) compares: FEEDS.md sections payments, orders,
waybills and declarations."""

from cbec.feeds.spec import FeedSpec, Kind, opt, req

# payments: cross-border payments reported by payment institutions.
PAYMENT_CHANNELS = ("wire", "card", "third_party", "local_wallet", "e_cny")
PAYMENT_DIRECTIONS = ("inbound", "outbound", "domestic")
PARTY_TYPES = ("individual", "enterprise")
PAYMENT_STATUSES = ("succeeded", "failed", "reversed", "refunded")

PAYMENTS = FeedSpec(
    name="payments",
    title_zh="跨境支付",
    title_en="Cross-border payments",
    columns=(
        req("payment_id", max_chars=64),
        req("institution_id", max_chars=64),
        req("channel", Kind.ENUM, choices=PAYMENT_CHANNELS),
        req("direction", Kind.ENUM, choices=PAYMENT_DIRECTIONS),
        req("payer_id", max_chars=64),
        req("payee_id", max_chars=64),
        opt("payer_type", Kind.ENUM, choices=PARTY_TYPES),
        opt("payee_type", Kind.ENUM, choices=PARTY_TYPES),
        req("payer_country", Kind.COUNTRY),
        req("payee_country", Kind.COUNTRY),
        opt("enterprise_id", Kind.USCC),
        opt("order_id", max_chars=64),
        req("amount", Kind.DECIMAL),
        req("currency", Kind.CURRENCY),
        req("initiated_at", Kind.TIMESTAMP),
        opt("confirmed_at", Kind.TIMESTAMP),
        req("status", Kind.ENUM, choices=PAYMENT_STATUSES),
    ),
    key=("institution_id", "payment_id"),
    sink="lake",
    month_column="initiated_at",
    formats=("csv", "jsonl", "parquet", "xml"),
)

# orders: e-commerce orders reported by platforms.
CUSTOMS_MODES = ("9610", "9710", "9810", "1210")
ORDER_DIRECTIONS = ("export", "import")

ORDERS = FeedSpec(
    name="orders",
    title_zh="电商订单",
    title_en="E-commerce orders",
    columns=(
        req("order_id", max_chars=64),
        req("platform_id", max_chars=64),
        req("enterprise_id", Kind.USCC),
        req("buyer_id", max_chars=64),
        req("buyer_country", Kind.COUNTRY),
        req("mode", Kind.ENUM, choices=CUSTOMS_MODES),
        req("direction", Kind.ENUM, choices=ORDER_DIRECTIONS),
        req("goods_value", Kind.DECIMAL),
        opt("freight", Kind.DECIMAL),
        opt("tax", Kind.DECIMAL),
        req("currency", Kind.CURRENCY),
        req("ordered_at", Kind.TIMESTAMP),
        opt("hs_code", max_chars=10),
        opt("item_count", Kind.INTEGER, minimum=0),
    ),
    key=("platform_id", "order_id"),
    sink="lake",
    month_column="ordered_at",
)

# waybills: shipments reported by logistics firms.
WAYBILL_STATUSES = ("in_transit", "delivered", "returned", "lost")

WAYBILLS = FeedSpec(
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
        req("status", Kind.ENUM, choices=WAYBILL_STATUSES),
    ),
    key=("logistics_id", "waybill_id"),
    sink="lake",
    month_column="shipped_at",
)

# declarations: customs inventory lists (清单).
DECLARATIONS = FeedSpec(
    name="declarations",
    title_zh="海关清单",
    title_en="Customs declarations",
    columns=(
        req("declaration_id", max_chars=64),
        req("order_id", max_chars=64),
        req("waybill_id", max_chars=64),
        opt("payment_id", max_chars=64),
        req("enterprise_id", Kind.USCC),
        req("mode", Kind.ENUM, choices=CUSTOMS_MODES),
        req("declared_value", Kind.DECIMAL),
        req("currency", Kind.CURRENCY),
        req("hs_code", max_chars=10),
        req("declared_at", Kind.TIMESTAMP),
        opt("cleared_at", Kind.TIMESTAMP),
        opt("customs_office", max_chars=64),
    ),
    key=("declaration_id",),
    sink="lake",
    month_column="declared_at",
)
