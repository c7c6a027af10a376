"""customs_recordations: 知识产权海关保护备案, rights recorded with customs for border protection (cbec's own feed)."""

from cbec.feeds.spec import FeedSpec, Kind, opt, req

RIGHT_KINDS = ("trademark", "patent", "copyright")

SPEC = FeedSpec(
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
