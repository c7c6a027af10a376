"""The registers of FEEDS.md section "enterprises, institutions, platforms (registers)"."""

from cbec.feeds.spec import FeedSpec, Kind, opt, req

# enterprises: the register of Zhejiang cross-border e-commerce enterprises.
ENTERPRISE_KINDS = ("manufacturer", "trader", "platform", "logistics", "service")

ENTERPRISES = FeedSpec(
    name="enterprises",
    title_zh="企业名录",
    title_en="Enterprise register",
    columns=(
        req("enterprise_id", Kind.USCC),
        req("name", max_chars=200),
        opt("name_en", max_chars=200),
        req("city", Kind.CITY),
        req("kind", Kind.ENUM, choices=ENTERPRISE_KINDS),
        opt("founded_on", Kind.DATE),
        opt("employees", Kind.INTEGER, minimum=0),
    ),
    key=("enterprise_id",),
    sink="db",
)

# institutions: the register of payment institutions and banks.
INSTITUTION_KINDS = ("bank", "payment_institution", "card_scheme", "wallet")

INSTITUTIONS = FeedSpec(
    name="institutions",
    title_zh="支付机构名录",
    title_en="Payment institution register",
    columns=(
        req("institution_id", max_chars=64),
        req("name", max_chars=200),
        req("kind", Kind.ENUM, choices=INSTITUTION_KINDS),
        opt("licence_no", max_chars=64),
        req("country", Kind.COUNTRY),
    ),
    key=("institution_id",),
    sink="db",
)

# platforms: the register of e-commerce platforms. FEEDS.md names this register without listing its columns;
# cbec reads it as platform_id R, name R, name_en o, enterprise_id o (the operator), city o, country o.
PLATFORMS = FeedSpec(
    name="platforms",
    title_zh="电商平台名录",
    title_en="Platform register",
    columns=(
        req("platform_id", max_chars=64),
        req("name", max_chars=200),
        opt("name_en", max_chars=200),
        opt("enterprise_id", Kind.USCC),
        opt("city", Kind.CITY),
        opt("country", Kind.COUNTRY),
    ),
    key=("platform_id",),
    sink="db",
)
