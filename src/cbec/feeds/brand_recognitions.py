"""brand_recognitions: the register of recognised export brands behind Fig. 1 (cbec's own feed)."""

from cbec.feeds.spec import FeedSpec, Kind, opt, req

# 浙江出口名牌 is the provincial recognition that Fig. 1 counts; the others are kept but not counted there.
LEVELS = ("provincial_export_famous", "national", "city")

SPEC = FeedSpec(
    name="brand_recognitions",
    title_zh="品牌认定",
    title_en="Brand recognitions",
    columns=(
        req("recognition_id", max_chars=64),
        req("brand", max_chars=200),
        opt("enterprise_id", Kind.USCC),
        req("city", Kind.CITY),
        req("year", Kind.YEAR),
        req("level", Kind.ENUM, choices=LEVELS),
        req("source", max_chars=300),
    ),
    key=("recognition_id",),
    sink="db",
    standard=False,
)
