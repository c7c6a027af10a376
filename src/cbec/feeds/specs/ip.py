"""Listings and the rights they are screened against: FEEDS.md section "intellectual property" (listings,
trademarks), with cbec's own registers of patents, registered works and customs recordations (docs/feeds.md)."""

from cbec.feeds.spec import FeedSpec, Kind, opt, req

# listings: products offered on platforms, screened for IP infringement.
LISTINGS = FeedSpec(
    name="listings",
    title_zh="商品链接",
    title_en="Listings",
    columns=(
        req("listing_id", max_chars=64),
        req("platform_id", max_chars=64),
        req("enterprise_id", Kind.USCC),
        req("title", max_chars=500),
        opt("brand", max_chars=100),
        opt("price", Kind.DECIMAL),
        opt("currency", Kind.CURRENCY),
        opt("image", max_chars=1000),
        req("listed_at", Kind.TIMESTAMP),
    ),
    key=("platform_id", "listing_id"),
    sink="lake",
    month_column="listed_at",
)

# trademarks: the register of marks with their Nice classes.
TRADEMARKS = FeedSpec(
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

# patents: the register of inventions, utility models and designs (cbec's own feed, see docs/feeds.md).
PATENT_KINDS = ("invention", "utility_model", "design")

PATENTS = FeedSpec(
    name="patents",
    title_zh="专利与外观设计",
    title_en="Patents and designs",
    columns=(
        req("patent_id", max_chars=64),
        req("kind", Kind.ENUM, choices=PATENT_KINDS),
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

# copyrights: works registered by rights holders, product texts and product images (cbec's own feed).
WORK_KINDS = ("text", "image")

COPYRIGHTS = FeedSpec(
    name="copyrights",
    title_zh="作品登记",
    title_en="Registered works",
    columns=(
        req("work_id", max_chars=64),
        req("kind", Kind.ENUM, choices=WORK_KINDS),
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

# customs_recordations: 知识产权海关保护备案, rights recorded with customs for border protection (cbec's own feed).
RIGHT_KINDS = ("trademark", "patent", "copyright")

CUSTOMS_RECORDATIONS = FeedSpec(
    name="customs_recordations",
    title_zh="知识产权海关保护备案",
    title_en="Customs IP recordations",
    columns=(
        req("recordation_id", max_chars=64),
        req("right_kind", Kind.ENUM, choices=RIGHT_KINDS),
        req("right_id", max_chars=64),  # the mark, patent or work recorded
        req("owner", max_chars=200),
        opt("licensees", max_chars=1000),  # credit codes or names, `;` between
        req("hs_codes", max_chars=200),  # the recorded goods: HS codes or their prefixes, `;` between
        req("valid_from", Kind.DATE),
        req("valid_to", Kind.DATE),
    ),
    key=("recordation_id",),
    sink="db",
    standard=False,
)
