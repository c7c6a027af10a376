"""orders: e-commerce orders reported by platforms."""

from cbec.feeds.spec import FeedSpec, Kind, opt, req

MODES = ("9610", "9710", "9810", "1210")
DIRECTIONS = ("export", "import")

SPEC = FeedSpec(
    name="orders",
    title_zh="电商订单",
    title_en="E-commerce orders",
    columns=(
        req("order_id", max_chars=64),
        req("platform_id", max_chars=64),
        req("enterprise_id", Kind.USCC),
        req("buyer_id", max_chars=64),
        req("buyer_country", Kind.COUNTRY),
        req("mode", Kind.ENUM, choices=MODES),
        req("direction", Kind.ENUM, choices=DIRECTIONS),
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
