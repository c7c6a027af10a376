"""employment_records: hires and leavers by enterprise, role and month (cbec's own feed, not in FEEDS.md)."""

from cbec.feeds.job_postings import ROLES
from cbec.feeds.spec import FeedSpec, Kind, opt, req

SPEC = FeedSpec(
    name="employment_records",
    title_zh="用工记录",
    title_en="Employment records",
    columns=(
        req("enterprise_id", Kind.USCC),
        req("role", Kind.ENUM, choices=ROLES),
        req("period", Kind.DATE),  # the first day of the month reported
        opt("city", Kind.CITY),
        req("headcount_start", Kind.INTEGER, minimum=0, maximum=1_000_000),
        req("hires", Kind.INTEGER, minimum=0, maximum=1_000_000),
        req("leavers", Kind.INTEGER, minimum=0, maximum=1_000_000),
    ),
    key=("enterprise_id", "role", "period"),
    sink="lake",
    month_column="period",
    standard=False,
)
