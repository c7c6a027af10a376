"""payments: cross-border payments reported by payment institutions."""

from cbec.feeds.spec import FeedSpec, Kind, opt, req

CHANNELS = ("wire", "card", "third_party", "local_wallet", "e_cny")
DIRECTIONS = ("inbound", "outbound", "domestic")
PARTY_TYPES = ("individual", "enterprise")
STATUSES = ("succeeded", "failed", "reversed", "refunded")

SPEC = FeedSpec(
    name="payments",
    title_zh="跨境支付",
    title_en="Cross-border payments",
    columns=(
        req("payment_id", max_chars=64),
        req("institution_id", max_chars=64),
        req("channel", Kind.ENUM, choices=CHANNELS),
        req("direction", Kind.ENUM, choices=DIRECTIONS),
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
        req("status", Kind.ENUM, choices=STATUSES),
    ),
    key=("institution_id", "payment_id"),
    sink="lake",
    month_column="initiated_at",
    formats=("csv", "jsonl", "parquet", "xml"),
)
