"""platforms: the register of e-commerce platforms.

FEEDS.md names this register without listing its columns; cbec reads it as
platform_id R, name R, name_en o, enterprise_id o (the operator), city o, country o.
"""

from cbec.feeds.spec import FeedSpec, Kind, opt, req

SPEC = FeedSpec(
    name="platforms",
    title_zh="电商平台名录",
    title_en="Platform register",
    columns=(
        req("platform_id", max_chars=64),
        req("name", max_chars=200),
        opt("name_en", max_chars=200),
        opt("enterprise_id", Kind.USCC),
        opt("city", Kind.CITY),
        opt("country", Kind.COUNTRY),
    ),
    key=("platform_id",),
    sink="db",
)
