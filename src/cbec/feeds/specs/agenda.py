"""cbec's own feeds for the talent, brand and consumer-education agenda, not in FEEDS.md (docs/feeds.md):
employment records, training programmes, education events and brand recognitions."""

from cbec.feeds.spec import FeedSpec, Kind, opt, req
from cbec.feeds.specs.statistics import JOB_ROLES

# employment_records: hires and leavers by enterprise, role and month (cbec's own feed, not in FEEDS.md).
EMPLOYMENT_RECORDS = FeedSpec(
    name="employment_records",
    title_zh="用工记录",
    title_en="Employment records",
    columns=(
        req("enterprise_id", Kind.USCC),
        req("role", Kind.ENUM, choices=JOB_ROLES),
        req("period", Kind.DATE),  # the first day of the month reported
        opt("city", Kind.CITY),
        req("headcount_start", Kind.INTEGER, minimum=0, maximum=1_000_000),
        req("hires", Kind.INTEGER, minimum=0, maximum=1_000_000),
        req("leavers", Kind.INTEGER, minimum=0, maximum=1_000_000),
    ),
    key=("enterprise_id", "role", "period"),
    sink="lake",
    month_column="period",
    standard=False,
)

# training_programmes: the register of talent-training programmes and their funding (cbec's own feed).
PROVIDER_KINDS = ("government", "association", "university", "enterprise")
TRAINING_MODES = ("online", "offline", "blended")

TRAINING_PROGRAMMES = FeedSpec(
    name="training_programmes",
    title_zh="人才培训项目",
    title_en="Training programmes",
    columns=(
        req("programme_id", max_chars=64),
        req("name", max_chars=200),
        req("provider", max_chars=200),
        req("provider_kind", Kind.ENUM, choices=PROVIDER_KINDS),
        req("mode", Kind.ENUM, choices=TRAINING_MODES),
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

# education_events: consumer-education events with their channel and reach (cbec's own feed).
EDUCATION_CHANNELS = ("live_stream", "short_video", "community_lecture", "school_lecture", "exhibition", "other")

EDUCATION_EVENTS = FeedSpec(
    name="education_events",
    title_zh="消费者教育活动",
    title_en="Consumer-education events",
    columns=(
        req("event_id", max_chars=64),
        req("channel", Kind.ENUM, choices=EDUCATION_CHANNELS),
        req("held_on", Kind.DATE),
        req("organiser", max_chars=200),
        req("city", Kind.CITY),
        req("reach", Kind.INTEGER, minimum=0, maximum=100_000_000),
        opt("topic", max_chars=300),
    ),
    key=("event_id",),
    sink="db",
    standard=False,
)

# brand_recognitions: the register of recognised export brands behind Fig. 1 (cbec's own feed).
# 浙江出口名牌 is the provincial recognition that Fig. 1 counts; the others are kept but not counted there.
RECOGNITION_LEVELS = ("provincial_export_famous", "national", "city")

BRAND_RECOGNITIONS = FeedSpec(
    name="brand_recognitions",
    title_zh="品牌认定",
    title_en="Brand recognitions",
    columns=(
        req("recognition_id", max_chars=64),
        req("brand", max_chars=200),
        opt("enterprise_id", Kind.USCC),
        req("city", Kind.CITY),
        req("year", Kind.YEAR),
        req("level", Kind.ENUM, choices=RECOGNITION_LEVELS),
        req("source", max_chars=300),
    ),
    key=("recognition_id",),
    sink="db",
    standard=False,
)
