"""Security incidents, trade statistics and job postings: FEEDS.md section "security and statistics"."""

from cbec.core.severity import SEVERITIES
from cbec.feeds.spec import FeedSpec, Kind, opt, req

# security_incidents: incidents that payment institutions report.
SECURITY_INCIDENTS = FeedSpec(
    name="security_incidents",
    title_zh="安全事件",
    title_en="Security incidents",
    columns=(
        req("incident_id", max_chars=64),
        req("institution_id", max_chars=64),
        req("reported_at", Kind.TIMESTAMP),
        req("severity", Kind.ENUM, choices=SEVERITIES),
        opt("responded_at", Kind.TIMESTAMP),
        opt("fixed_at", Kind.TIMESTAMP),
        req("summary", max_chars=2000),
    ),
    key=("institution_id", "incident_id"),
    sink="lake",
    month_column="reported_at",
)

# trade_statistics: official trade figures with their source.
TRADE_STATISTICS = FeedSpec(
    name="trade_statistics",
    title_zh="贸易统计",
    title_en="Trade statistics",
    columns=(
        req("year", Kind.YEAR),
        req("region", max_chars=64),
        req("indicator", max_chars=100),
        req("value", Kind.DECIMAL),
        req("unit", max_chars=16),
        opt("reported_growth_pct", Kind.DECIMAL, signed=True),
        req("source", max_chars=300),
    ),
    key=("year", "region", "indicator", "source"),
    sink="db",
)

# job_postings: job demand of cross-border e-commerce enterprises.
JOB_ROLES = (
    "operations",
    "promotion",
    "product_development",
    "sourcing",
    "design_photography",
    "logistics",
    "other",
)

JOB_POSTINGS = FeedSpec(
    name="job_postings",
    title_zh="招聘需求",
    title_en="Job postings",
    columns=(
        req("posting_id", max_chars=64),
        req("enterprise_id", Kind.USCC),
        req("city", Kind.CITY),
        req("role", Kind.ENUM, choices=JOB_ROLES),
        req("posted_at", Kind.TIMESTAMP),
        opt("salary_min", Kind.DECIMAL),
        opt("salary_max", Kind.DECIMAL),
    ),
    key=("posting_id",),
    sink="lake",
    month_column="posted_at",
)
