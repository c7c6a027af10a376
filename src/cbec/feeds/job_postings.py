"""job_postings: job demand of cross-border e-commerce enterprises."""

from cbec.feeds.spec import FeedSpec, Kind, opt, req

ROLES = (
    "operations",
    "promotion",
    "product_development",
    "sourcing",
    "design_photography",
    "logistics",
    "other",
)

SPEC = FeedSpec(
    name="job_postings",
    title_zh="招聘需求",
    title_en="Job postings",
    columns=(
        req("posting_id", max_chars=64),
        req("enterprise_id", Kind.USCC),
        req("city", Kind.CITY),
        req("role", Kind.ENUM, choices=ROLES),
        req("posted_at", Kind.TIMESTAMP),
        opt("salary_min", Kind.DECIMAL),
        opt("salary_max", Kind.DECIMAL),
    ),
    key=("posting_id",),
    sink="lake",
    month_column="posted_at",
)
