"""institutions: the register of payment institutions and banks."""

from cbec.feeds.spec import FeedSpec, Kind, opt, req

KINDS = ("bank", "payment_institution", "card_scheme", "wallet")

SPEC = FeedSpec(
    name="institutions",
    title_zh="支付机构名录",
    title_en="Payment institution register",
    columns=(
        req("institution_id", max_chars=64),
        req("name", max_chars=200),
        req("kind", Kind.ENUM, choices=KINDS),
        opt("licence_no", max_chars=64),
        req("country", Kind.COUNTRY),
    ),
    key=("institution_id",),
    sink="db",
)
