"""training_programmes: the register of talent-training programmes and their funding (cbec's own feed)."""

from cbec.feeds.spec import FeedSpec, Kind, opt, req

PROVIDER_KINDS = ("government", "association", "university", "enterprise")
MODES = ("online", "offline", "blended")

SPEC = FeedSpec(
    name="training_programmes",
    title_zh="人才培训项目",
    title_en="Training programmes",
    columns=(
        req("programme_id", max_chars=64),
        req("name", max_chars=200),
        req("provider", max_chars=200),
        req("provider_kind", Kind.ENUM, choices=PROVIDER_KINDS),
        req("mode", Kind.ENUM, choices=MODES),
        req("city", Kind.CITY),
        req("start_date", Kind.DATE),
        opt("end_date", Kind.DATE),
        req("trainees", Kind.INTEGER, minimum=0, maximum=1_000_000),
        opt("tests_passed", Kind.INTEGER, minimum=0, maximum=1_000_000),
        opt("placed_within_6_months", Kind.INTEGER, minimum=0, maximum=1_000_000),
        opt("funding_granted", Kind.DECIMAL),  # CNY
    ),
    key=("programme_id",),
    sink="db",
    standard=False,
)
