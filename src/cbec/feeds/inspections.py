"""inspections: product sampling inspections and their results."""

from cbec.feeds.spec import FeedSpec, Kind, opt, req

RESULTS = ("pass", "fail")

SPEC = FeedSpec(
    name="inspections",
    title_zh="抽检结果",
    title_en="Product inspections",
    columns=(
        req("inspection_id", max_chars=64),
        req("enterprise_id", Kind.USCC),
        opt("filing_id", max_chars=64),
        req("product_name", max_chars=200),
        req("sampled_at", Kind.TIMESTAMP),
        req("result", Kind.ENUM, choices=RESULTS),
        opt("defect", max_chars=500),
        opt("agency", max_chars=200),
    ),
    key=("inspection_id",),
    sink="lake",
    month_column="sampled_at",
)
