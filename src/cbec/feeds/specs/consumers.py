"""Consumer complaints and reviews: FEEDS.md section "consumers"."""

from cbec.feeds.spec import FeedSpec, Kind, opt, req

# complaints: consumer complaints; consumer_id is personal data.
COMPLAINTS = FeedSpec(
    name="complaints",
    title_zh="消费者投诉",
    title_en="Consumer complaints",
    columns=(
        req("complaint_id", max_chars=64),
        req("received_at", Kind.TIMESTAMP),
        opt("channel", max_chars=32),
        opt("language", max_chars=16),
        req("consumer_id", max_chars=64, personal=True),
        opt("consumer_country", Kind.COUNTRY),
        opt("enterprise_id", Kind.USCC),
        opt("platform_id", max_chars=64),
        opt("order_id", max_chars=64),
        req("text", max_chars=4000),
        opt("category", max_chars=32),
        opt("amount_claimed", Kind.DECIMAL),
        opt("currency", Kind.CURRENCY),
    ),
    key=("complaint_id",),
    sink="lake",
    month_column="received_at",
)

# reviews: consumer ratings of enterprises on platforms.
REVIEWS = FeedSpec(
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
