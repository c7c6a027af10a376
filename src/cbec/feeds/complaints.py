"""complaints: consumer complaints; consumer_id is personal data."""

from cbec.feeds.spec import FeedSpec, Kind, opt, req

SPEC = FeedSpec(
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
