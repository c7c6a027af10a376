"""listings: products offered on platforms, screened for IP infringement."""

from cbec.feeds.spec import FeedSpec, Kind, opt, req

SPEC = FeedSpec(
    name="listings",
    title_zh="商品链接",
    title_en="Listings",
    columns=(
        req("listing_id", max_chars=64),
        req("platform_id", max_chars=64),
        req("enterprise_id", Kind.USCC),
        req("title", max_chars=500),
        opt("brand", max_chars=100),
        opt("price", Kind.DECIMAL),
        opt("currency", Kind.CURRENCY),
        opt("image", max_chars=1000),
        req("listed_at", Kind.TIMESTAMP),
    ),
    key=("platform_id", "listing_id"),
    sink="lake",
    month_column="listed_at",
)
