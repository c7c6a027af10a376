"""reviews: consumer ratings of enterprises on platforms."""

from cbec.feeds.spec import FeedSpec, Kind, opt, req

SPEC = FeedSpec(
    name="reviews",
    title_zh="消费评价",
    title_en="Consumer reviews",
    columns=(
        req("review_id", max_chars=64),
        req("enterprise_id", Kind.USCC),
        req("platform_id", max_chars=64),
        req("rating", Kind.INTEGER, minimum=1, maximum=5),
        opt("text", max_chars=4000),
        req("posted_at", Kind.TIMESTAMP),
    ),
    key=("platform_id", "review_id"),
    sink="lake",
    month_column="posted_at",
)
