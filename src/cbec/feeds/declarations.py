"""declarations: customs inventory lists (清单)."""

from cbec.feeds.orders import MODES
from cbec.feeds.spec import FeedSpec, Kind, opt, req

SPEC = FeedSpec(
    name="declarations",
    title_zh="海关清单",
    title_en="Customs declarations",
    columns=(
        req("declaration_id", max_chars=64),
        req("order_id", max_chars=64),
        req("waybill_id", max_chars=64),
        opt("payment_id", max_chars=64),
        req("enterprise_id", Kind.USCC),
        req("mode", Kind.ENUM, choices=MODES),
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
