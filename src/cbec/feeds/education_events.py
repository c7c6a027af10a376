"""education_events: consumer-education events with their channel and reach (cbec's own feed)."""

from cbec.feeds.spec import FeedSpec, Kind, opt, req

CHANNELS = ("live_stream", "short_video", "community_lecture", "school_lecture", "exhibition", "other")

SPEC = FeedSpec(
    name="education_events",
    title_zh="消费者教育活动",
    title_en="Consumer-education events",
    columns=(
        req("event_id", max_chars=64),
        req("channel", Kind.ENUM, choices=CHANNELS),
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
