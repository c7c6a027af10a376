"""filings: product filings (备案) with the standards they reference."""

from cbec.feeds.spec import FeedSpec, Kind, opt, req

STATUSES = ("filed", "pending", "approved", "rejected", "withdrawn", "revoked")

SPEC = FeedSpec(
    name="filings",
    title_zh="商品备案",
    title_en="Product filings",
    columns=(
        req("filing_id", max_chars=64),
        req("enterprise_id", Kind.USCC),
        req("product_name", max_chars=200),
        opt("brand", max_chars=100),
        req("hs_code", max_chars=10),
        req("origin_country", Kind.COUNTRY),
        opt("standards", max_chars=500),
        req("filed_at", Kind.TIMESTAMP),
        req("status", Kind.ENUM, choices=STATUSES),
    ),
    key=("filing_id",),
    sink="lake",
    month_column="filed_at",
)
