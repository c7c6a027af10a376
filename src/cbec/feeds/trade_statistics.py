"""trade_statistics: official trade figures with their source."""

from cbec.feeds.spec import FeedSpec, Kind, opt, req

SPEC = FeedSpec(
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
