"""copyrights: works registered by rights holders, product texts and product images (cbec's own feed)."""

from cbec.feeds.spec import FeedSpec, Kind, opt, req

KINDS = ("text", "image")

SPEC = FeedSpec(
    name="copyrights",
    title_zh="作品登记",
    title_en="Registered works",
    columns=(
        req("work_id", max_chars=64),
        req("kind", Kind.ENUM, choices=KINDS),
        req("title", max_chars=200),
        req("owner", max_chars=200),
        opt("content", max_chars=4000),  # a text work: the registered product description
        opt("image", max_chars=1000),  # an image work: file or URL
        opt("registered_at", Kind.DATE),
    ),
    key=("work_id",),
    sink="db",
    standard=False,
)
