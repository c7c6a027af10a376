"""trademarks: the register of marks with their Nice classes."""

from cbec.feeds.spec import FeedSpec, Kind, opt, req

SPEC = FeedSpec(
    name="trademarks",
    title_zh="注册商标",
    title_en="Trademark register",
    columns=(
        req("mark_id", max_chars=64),
        req("mark_text", max_chars=200),
        req("owner", max_chars=200),
        req("nice_classes", max_chars=200),
        req("jurisdiction", max_chars=8),
        opt("registered_at", Kind.DATE),
        opt("image", max_chars=1000),
    ),
    key=("mark_id",),
    sink="db",
)
