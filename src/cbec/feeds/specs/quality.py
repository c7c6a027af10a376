"""Product filings and inspections: FEEDS.md section "product quality"."""

from cbec.feeds.spec import FeedSpec, Kind, opt, req

# filings: product filings (备案) with the standards they reference.
FILING_STATUSES = ("filed", "pending", "approved", "rejected", "withdrawn", "revoked")

FILINGS = FeedSpec(
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
        req("status", Kind.ENUM, choices=FILING_STATUSES),
    ),
    key=("filing_id",),
    sink="lake",
    month_column="filed_at",
)

# inspections: product sampling inspections and their results.
INSPECTION_RESULTS = ("pass", "fail")

INSPECTIONS = FeedSpec(
    name="inspections",
    title_zh="抽检结果",
    title_en="Product inspections",
    columns=(
        req("inspection_id", max_chars=64),
        req("enterprise_id", Kind.USCC),
        opt("filing_id", max_chars=64),
        req("product_name", max_chars=200),
        req("sampled_at", Kind.TIMESTAMP),
        req("result", Kind.ENUM, choices=INSPECTION_RESULTS),
        opt("defect", max_chars=500),
        opt("agency", max_chars=200),
    ),
    key=("inspection_id",),
    sink="lake",
    month_column="sampled_at",
)
