"""Calibration constants of the synthetic province, each with where it comes from.

Sources:
- [LIU] Liu Kailu (2025), "Analysis on the Status Quo, Problem and Countermeasure of Zhejiang Province
  Cross-Border E-Commerce", citing the Zhejiang Department of Commerce (shared/seed/liu-2025-zhejiang-cbec.md).
- [PBOC3] PBoC Order [2016] No. 3, large-value and suspicious transaction reporting, art. 5: natural
  persons' cross-border transfers of CNY 200,000 or USD 10,000 equivalent a day are reported.
- [SAFE] SAFE personal FX rules: an individual's annual convenience quota is USD 50,000 equivalent.
- [MOF2018] 财关税〔2018〕49号: CBEC retail imports are limited to CNY 5,000 per transaction.
- [FATF] FATF "high-risk jurisdictions subject to a call for action" (2024): KP, IR, MM.
- [ASSUMED] a modelling assumption of this generator, chosen to be plausible, not an official figure.
"""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

SYNTHETIC_SOURCE = "cbec synth (synthetic)"

# --- Scale -------------------------------------------------------------------------------------
ANNUAL_TOTAL_YI = Decimal("5129.3")  # [LIU] Table 1: 2023 CBEC import + export, 亿元
ANNUAL_EXPORT_YI = Decimal("3932.8")  # [LIU] §3.1: 2023 CBEC export, 亿元
EXPORT_SHARE = ANNUAL_EXPORT_YI / ANNUAL_TOTAL_YI  # about 0.767 of the money flows in
MONTH_PAYMENTS = 100_000_000  # [ASSUMED] one province-month is about 100 million payments
MONTH_TOTAL_CNY = ANNUAL_TOTAL_YI * 100_000_000 / 12  # about 427.4 亿元; average payment about 427 yuan
CHUNK_ROWS = 250_000  # rows per generated chunk: bounds memory; part of what makes output deterministic


class City(NamedTuple):
    """A prefecture-level city of Zhejiang."""

    region_code: str  # GB/T 2260 code, used in positions 3-8 of a unified social credit code
    name: str
    name_en: str
    short: str
    weight: float  # [ASSUMED] share of CBEC enterprises; [LIU] names Hangzhou's pilot zone, no city counts
    customs_office: str


CITIES: tuple[City, ...] = (
    City("330100", "杭州市", "Hangzhou", "杭州", 0.28, "杭州海关"),
    City("330200", "宁波市", "Ningbo", "宁波", 0.18, "宁波海关"),
    City("330700", "金华市", "Jinhua", "义乌", 0.17, "义乌海关"),
    City("330300", "温州市", "Wenzhou", "温州", 0.09, "温州海关"),
    City("331000", "台州市", "Taizhou", "台州", 0.07, "台州海关"),
    City("330400", "嘉兴市", "Jiaxing", "嘉兴", 0.065, "嘉兴海关"),
    City("330600", "绍兴市", "Shaoxing", "绍兴", 0.055, "绍兴海关"),
    City("330500", "湖州市", "Huzhou", "湖州", 0.04, "湖州海关"),
    City("331100", "丽水市", "Lishui", "丽水", 0.025, "丽水海关"),
    City("330800", "衢州市", "Quzhou", "衢州", 0.015, "衢州海关"),
    City("330900", "舟山市", "Zhoushan", "舟山", 0.01, "舟山海关"),
)
PROVINCE = "浙江省"

# --- Registers ---------------------------------------------------------------------------------
ENTERPRISES_PER_PAYMENT = 1 / 50  # [ASSUMED] brief: about payments / 50, clamped below
ENTERPRISES_MIN, ENTERPRISES_MAX = 200, 20_000
ENTERPRISE_KINDS = ("manufacturer", "trader", "platform", "logistics", "service")
ENTERPRISE_KIND_WEIGHTS = (0.40, 0.38, 0.02, 0.08, 0.12)  # [ASSUMED]
SELLER_PARETO_SHAPE = 1.2  # [ASSUMED] a few sellers carry most orders

# --- Trade segments ----------------------------------------------------------------------------


class Segment(NamedTuple):
    """A kind of payment: its customs mode, direction and size."""

    name: str
    trade: str  # export, import or domestic
    mode: str  # customs supervision mode, '' for domestic legs
    count_share: float  # [ASSUMED] share of all payments
    relative_mean: float  # [ASSUMED] mean amount relative to the first segment of the same trade
    sigma: float  # [ASSUMED] lognormal shape of the amount
    b2b: bool


SEGMENTS: tuple[Segment, ...] = (
    Segment("export_retail", "export", "9610", 0.620, 1.0, 0.9, False),
    Segment("export_b2b_direct", "export", "9710", 0.012, 60.0, 1.0, True),
    Segment("export_b2b_warehouse", "export", "9810", 0.005, 120.0, 1.0, True),
    Segment("import_bonded", "import", "1210", 0.200, 1.1, 0.8, False),
    Segment("import_direct_mail", "import", "9610", 0.133, 0.9, 0.8, False),
    Segment("domestic_leg", "domestic", "", 0.030, 1.0, 1.0, True),
)
DOMESTIC_MEAN_CNY = Decimal("3000")  # [ASSUMED] platform settlements and supplier payments inside China


def segment_mean_cny() -> tuple[Decimal, ...]:
    """Return each segment's mean amount so that the month's money and export share match [LIU]."""
    per_payment = MONTH_TOTAL_CNY / MONTH_PAYMENTS
    target = {"export": per_payment * EXPORT_SHARE, "import": per_payment * (1 - EXPORT_SHARE)}
    weight = {
        trade: sum(Decimal(str(s.count_share * s.relative_mean)) for s in SEGMENTS if s.trade == trade)
        for trade in target
    }
    return tuple(
        DOMESTIC_MEAN_CNY
        if s.trade == "domestic"
        else target[s.trade] / weight[s.trade] * Decimal(str(s.relative_mean))
        for s in SEGMENTS
    )


# --- Payment channels and institutions --------------------------------------------------------
CHANNELS = ("wire", "card", "third_party", "local_wallet", "e_cny")
# [LIU] §4.1 describes wire as slow and secure, cards as convenient, third-party platforms as simple and
# local wallets (GrabPay) as local; §5.1 wants confirmation cut from about 3 days to under 1 day.
# [ASSUMED] lognormal settlement time (confirmed_at - initiated_at): median seconds and shape.
SETTLEMENT_MEDIAN_S = {
    "wire": 2 * 86_400,
    "card": 30 * 3_600,
    "third_party": 6 * 3_600,
    "local_wallet": 300,
    "e_cny": 3,
}
SETTLEMENT_SIGMA = {"wire": 0.35, "card": 0.2, "third_party": 0.7, "local_wallet": 0.6, "e_cny": 0.4}
SETTLEMENT_MIN_S = {"wire": 3_600, "card": 600, "third_party": 60, "local_wallet": 5, "e_cny": 1}

# [ASSUMED] channel mix per segment (same order as CHANNELS); SEA buyers use local wallets more.
CHANNEL_MIX = {
    "export_retail": (0.03, 0.30, 0.62, 0.05, 0.0),
    "export_retail_sea": (0.02, 0.15, 0.45, 0.38, 0.0),
    "export_b2b": (0.75, 0.0, 0.25, 0.0, 0.0),
    "import": (0.05, 0.25, 0.60, 0.0, 0.10),
    "domestic": (0.35, 0.0, 0.35, 0.0, 0.30),
}
SEA_COUNTRIES = ("TH", "MY", "SG", "PH", "ID", "VN")

# [ASSUMED] payment status mix; a few succeeded payments are not yet confirmed.
STATUSES = ("succeeded", "failed", "reversed", "refunded")
STATUS_WEIGHTS = (0.973, 0.012, 0.003, 0.012)
UNCONFIRMED_SHARE = 0.004


class Institution(NamedTuple):
    """A reporting bank, payment institution, card scheme or wallet and the channels it serves."""

    institution_id: str
    name: str
    kind: str
    licence_no: str  # synthetic (9-series) numbers in the issuing authority's format, not real ones
    country: str
    channel_weights: dict[str, float]  # [ASSUMED] its weight among institutions serving each channel


# fmt: off
INSTITUTIONS: tuple[Institution, ...] = (
    Institution("BANK-ICBC-ZJ", "中国工商银行浙江省分行", "bank", "B9001H233010001", "CN",
                {"wire": 0.30, "card": 0.15, "e_cny": 0.30}),
    Institution("BANK-BOC-ZJ", "中国银行浙江省分行", "bank", "B9003H233010001", "CN",
                {"wire": 0.30, "card": 0.15, "e_cny": 0.25}),
    Institution("BANK-CCB-ZJ", "中国建设银行浙江省分行", "bank", "B9004H233010001", "CN",
                {"wire": 0.20, "card": 0.10, "e_cny": 0.25}),
    Institution("BANK-CZB", "浙商银行", "bank", "B9010H133010001", "CN", {"wire": 0.10, "e_cny": 0.10}),
    Institution("BANK-HZB", "杭州银行", "bank", "B9168H233010001", "CN",
                {"wire": 0.10, "card": 0.10, "e_cny": 0.10}),
    Institution("PI-LIANLIAN", "连连银通电子支付有限公司", "payment_institution", "Z2099933000011", "CN",
                {"third_party": 0.30}),
    Institution("PI-PINGPONG", "杭州乒乓智能技术有限公司", "payment_institution", "Z2099933000022", "CN",
                {"third_party": 0.30}),
    Institution("PI-ALIPAY", "支付宝(中国)网络技术有限公司", "payment_institution", "Z2099933000033", "CN",
                {"third_party": 0.25, "local_wallet": 0.35}),
    Institution("PI-XTRANSFER", "XTransfer(上海)支付有限公司", "payment_institution", "Z2099931000044", "CN",
                {"third_party": 0.15}),
    Institution("CARD-UNIONPAY", "银联国际有限公司", "card_scheme", "", "CN", {"card": 0.50}),
    Institution("WALLET-GRABPAY", "GrabPay", "wallet", "", "SG", {"local_wallet": 0.40}),
    Institution("WALLET-GCASH", "GCash", "wallet", "", "PH", {"local_wallet": 0.25}),
)
# fmt: on


class Platform(NamedTuple):
    """An e-commerce platform; weights say how often each segment uses it."""

    platform_id: str
    name: str
    kind: str
    country: str
    segment_weights: dict[str, float]  # [ASSUMED]


# fmt: off
PLATFORMS: tuple[Platform, ...] = (
    Platform("PF-ALIBABA-COM", "阿里巴巴国际站 Alibaba.com", "b2b", "CN",
             {"export_b2b_direct": 0.7, "export_b2b_warehouse": 0.2}),
    Platform("PF-ALIEXPRESS", "全球速卖通 AliExpress", "b2c", "CN", {"export_retail": 0.28}),
    Platform("PF-AMAZON", "Amazon", "b2c", "US",
             {"export_retail": 0.27, "export_b2b_warehouse": 0.6, "export_b2b_direct": 0.1}),
    Platform("PF-TEMU", "Temu", "b2c", "CN", {"export_retail": 0.18}),
    Platform("PF-SHEIN", "SHEIN", "b2c", "SG", {"export_retail": 0.12, "export_b2b_warehouse": 0.2}),
    Platform("PF-TIKTOK-SHOP", "TikTok Shop", "b2c", "SG", {"export_retail": 0.15, "export_b2b_direct": 0.2}),
    Platform("PF-TMALL-GLOBAL", "天猫国际 Tmall Global", "import", "CN",
             {"import_bonded": 0.6, "import_direct_mail": 0.5}),
    Platform("PF-KAOLA", "考拉海购 Kaola", "import", "CN", {"import_bonded": 0.4, "import_direct_mail": 0.5}),
)
# fmt: on

# --- Countries, currencies, FX ----------------------------------------------------------------
# [ASSUMED] export markets of Zhejiang CBEC sellers and their weights; [LIU] §3.1 "markets keep widening".
EXPORT_MARKETS = {
    "US": 0.26,
    "GB": 0.07,
    "DE": 0.06,
    "FR": 0.04,
    "ES": 0.03,
    "IT": 0.03,
    "NL": 0.02,
    "PL": 0.02,
    "RU": 0.08,
    "JP": 0.04,
    "KR": 0.03,
    "AU": 0.03,
    "CA": 0.03,
    "BR": 0.04,
    "MX": 0.04,
    "SA": 0.03,
    "AE": 0.03,
    "TH": 0.02,
    "MY": 0.02,
    "SG": 0.02,
    "PH": 0.02,
    "ID": 0.02,
    "VN": 0.02,
}
MARKET_CURRENCY = {
    "US": "USD",
    "GB": "GBP",
    "DE": "EUR",
    "FR": "EUR",
    "ES": "EUR",
    "IT": "EUR",
    "NL": "EUR",
    "PL": "PLN",
    "RU": "CNY",
    "JP": "JPY",
    "KR": "KRW",
    "AU": "AUD",
    "CA": "CAD",
    "BR": "BRL",
    "MX": "MXN",
    "SA": "SAR",
    "AE": "AED",
    "TH": "THB",
    "MY": "MYR",
    "SG": "SGD",
    "PH": "PHP",
    "ID": "USD",
    "VN": "USD",
    "NZ": "NZD",
    "IE": "EUR",
    "CL": "USD",
    "HK": "HKD",
}
LOCAL_CURRENCY_SHARE = 0.6  # [ASSUMED] retail export buyers paying in their own currency, else USD
B2B_CURRENCY_MIX = {"USD": 0.85, "EUR": 0.10, "CNY": 0.05}  # [ASSUMED]
IMPORT_CNY_SHARE = 0.8  # [ASSUMED] imports paid in CNY, the rest in the seller's currency
ZERO_DECIMAL_CURRENCIES = ("JPY", "KRW")  # ISO 4217 minor unit 0: whole amounts, written with .00
# Approximate 2023 average CNY per unit (PBoC central parity where published), rounded; sizes amounts only.
FX_CNY_PER_UNIT = {
    "CNY": Decimal("1"),
    "USD": Decimal("7.0467"),
    "EUR": Decimal("7.66"),
    "GBP": Decimal("8.79"),
    "JPY": Decimal("0.0503"),
    "KRW": Decimal("0.00541"),
    "AUD": Decimal("4.68"),
    "CAD": Decimal("5.22"),
    "SGD": Decimal("5.24"),
    "MYR": Decimal("1.55"),
    "THB": Decimal("0.2027"),
    "PHP": Decimal("0.1268"),
    "BRL": Decimal("1.41"),
    "MXN": Decimal("0.397"),
    "SAR": Decimal("1.879"),
    "AED": Decimal("1.919"),
    "PLN": Decimal("1.68"),
    "NZD": Decimal("4.33"),
    "HKD": Decimal("0.9002"),
}
CURRENCIES = tuple(FX_CNY_PER_UNIT)
HIGH_RISK_COUNTRIES = ("KP", "IR", "MM")  # [FATF]
OFFSHORE_COUNTRIES = ("HK", "SG", "AE")  # [ASSUMED] where cycle and rapid in/out legs go abroad

# --- Thresholds the anomalies stay just under --------------------------------------------------
CNY_DAILY_REPORT_THRESHOLD = 200_000  # [PBOC3]
USD_REPORT_THRESHOLD = 10_000  # [PBOC3]
USD_ANNUAL_QUOTA = 50_000  # [SAFE]
RETAIL_IMPORT_LIMIT_CNY = 5_000  # [MOF2018]

# --- Injected anomalies ------------------------------------------------------------------------
ANOMALY_SHARE = 0.01  # [ASSUMED] about 1% of payments belong to an injected pattern
# [ASSUMED] pattern -> (share of the anomalous rows, smallest group, largest group)
PATTERNS = {
    "structuring": (0.12, 3, 6),
    "split_orders": (0.10, 5, 10),
    "rapid_in_out": (0.08, 2, 4),
    "dormant_revival": (0.08, 6, 12),
    "high_risk_corridor": (0.06, 1, 3),
    "mule": (0.12, 8, 16),
    "payment_without_order": (0.08, 1, 1),
    "amount_mismatch": (0.08, 1, 1),
    "fan_in": (0.10, 5, 10),
    "fan_out": (0.10, 5, 10),
    "cycle": (0.08, 3, 5),
}

# --- Other feeds: sizes and mixes --------------------------------------------------------------
FILINGS_PER_PRODUCER = 2  # [ASSUMED] filings per manufacturer or trader, bounded by the register
INSPECTION_SHARE = 0.25  # [ASSUMED] share of filings sampled in the month
INSPECTION_FAIL_SHARE = 0.05  # [ASSUMED] brief: about 5% of inspections fail
COMPLAINTS_PER_PAYMENT = 1 / 500  # [ASSUMED]
COMPLAINTS_MIN_PER_CHUNK = 60
REVIEWS_PER_PAYMENT = 1 / 50  # [ASSUMED]
LISTINGS_PER_SELLER = 3  # [ASSUMED]
LOOKALIKE_SHARE = 0.03  # [ASSUMED] listings titled with a look-alike of a famous mark
OWN_MARKS_PER_ENTERPRISE = 0.4  # [ASSUMED]; [LIU] §3.2: 6,861 overseas marks by CBEC firms in 2022
JOB_POSTINGS_PER_ENTERPRISE = 0.4  # [ASSUMED]
SECURITY_INCIDENTS = 8  # [ASSUMED] "a handful" a month
SECURITY_LATE_SHARE = 0.3  # [ASSUMED] share responded after the [LIU] §5.1 48-hour target

COMPLAINT_CATEGORIES = {
    "quality": 0.22, "counterfeit": 0.12, "refund_return": 0.20, "delivery": 0.18, "near_expiry": 0.05,
    "description_mismatch": 0.12, "privacy": 0.03, "payment": 0.05, "other": 0.03,
}  # fmt: skip  # [LIU] §4.2-4.3 names these problems; the weights are [ASSUMED]

# [LIU] §3.4 / Figure 2 ranks demand: operations > promotion > product development > sourcing >
# design/photography > logistics; the figure's numbers are missing, so the weights are [ASSUMED].
JOB_ROLES = {
    "operations": 0.30,
    "promotion": 0.21,
    "product_development": 0.16,
    "sourcing": 0.13,
    "design_photography": 0.10,
    "logistics": 0.07,
    "other": 0.03,
}
JOB_SALARY_CNY = {  # [ASSUMED] monthly salary range (min low, min high) in CNY
    "operations": (7_000, 12_000),
    "promotion": (6_500, 11_000),
    "product_development": (7_000, 13_000),
    "sourcing": (6_000, 9_000),
    "design_photography": (6_000, 10_000),
    "logistics": (5_000, 7_500),
    "other": (4_500, 7_000),
}

# [ASSUMED] Beijing-time hourly activity profile (0-23 h) and weekday factors (Monday first).
HOURLY_PROFILE = (3, 2, 2, 2, 2, 2, 3, 4, 5, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 7, 7, 6, 4)
WEEKDAY_FACTOR = (1.0, 1.0, 1.0, 1.0, 1.05, 1.1, 1.05)
SPECIAL_DAYS = {(11, 11): 2.5, (6, 18): 1.6, (11, 29): 1.5}  # [ASSUMED] 双11, 618, Black Friday-ish
