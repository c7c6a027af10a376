"""patents: the register of inventions, utility models and designs (cbec's own feed, see docs/feeds.md)."""

from cbec.feeds.spec import FeedSpec, Kind, opt, req

KINDS = ("invention", "utility_model", "design")

SPEC = FeedSpec(
    name="patents",
    title_zh="专利与外观设计",
    title_en="Patents and designs",
    columns=(
        req("patent_id", max_chars=64),
        req("kind", Kind.ENUM, choices=KINDS),
        req("title", max_chars=200),
        req("owner", max_chars=200),
        req("classes", max_chars=200),  # IPC for inventions and utility models, Locarno for designs; `;` between
        opt("claims", max_chars=4000),
        opt("views", max_chars=2000),  # a design's views: image files or URLs, `;` between
        req("jurisdiction", max_chars=8),
        opt("filed_at", Kind.DATE),
        req("valid_from", Kind.DATE),
        req("valid_to", Kind.DATE),
    ),
    key=("patent_id",),
    sink="db",
    standard=False,
)
