"""enterprises: the register of Zhejiang cross-border e-commerce enterprises."""

from cbec.feeds.spec import FeedSpec, Kind, opt, req

KINDS = ("manufacturer", "trader", "platform", "logistics", "service")

SPEC = FeedSpec(
    name="enterprises",
    title_zh="企业名录",
    title_en="Enterprise register",
    columns=(
        req("enterprise_id", Kind.USCC),
        req("name", max_chars=200),
        opt("name_en", max_chars=200),
        req("city", Kind.CITY),
        req("kind", Kind.ENUM, choices=KINDS),
        opt("founded_on", Kind.DATE),
        opt("employees", Kind.INTEGER, minimum=0),
    ),
    key=("enterprise_id",),
    sink="db",
)
