"""Consumer complaints (Chinese and English) and reviews about the orders of one chunk."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from cbec.synth import calibration as cal
from cbec.synth import catalogue as cat
from cbec.synth import codes
from cbec.synth.batch import COUNTRIES, COUNTRY, Context, PaymentCore
from cbec.synth.codes import SECONDS_PER_DAY, IntArray
from cbec.synth.columns import FEED_COLUMNS
from cbec.synth.month import cumulative, draw

# [LIU] §4.2-4.3: counterfeits, goods not as described, quality, near-expiry goods, hard returns/refunds.
COMPLAINT_TEXTS: dict[str, dict[str, tuple[str, ...]]] = {
    "quality": {
        "zh": ("收到的{p}质量很差，用了两天就坏了，要求退款。", "{p}做工粗糙，有明显瑕疵，商家拒绝处理。"),
        "en": (
            "The {p} broke after two days of use. I want a refund.",
            "Poor quality {p} with visible defects; the seller refuses to help.",
        ),
    },
    "counterfeit": {
        "zh": ("怀疑买到的{p}是假货，包装和官网不一致。", "{p}标称品牌，但防伪码查询无效。"),
        "en": (
            "The {p} I received looks fake; the packaging differs from the official one.",
            "Branded {p} with an invalid authenticity code.",
        ),
    },
    "refund_return": {
        "zh": ("申请退货退款已经20天，商家一直不处理。", "退回的{p}商家已签收，但迟迟不退款。"),
        "en": (
            "I returned the {p} a month ago and still have no refund.",
            "The seller refuses my return request for the {p}.",
        ),
    },
    "delivery": {
        "zh": ("{p}下单一个多月还没收到，物流信息不更新。", "包裹显示已签收但本人没有收到{p}。"),
        "en": (
            "My {p} has not arrived after five weeks; tracking stopped updating.",
            "Tracking says delivered but I never received the {p}.",
        ),
    },
    "near_expiry": {
        "zh": ("收到的{p}离过期只剩一个月，页面没有说明是临期商品。", "{p}生产日期过早，临近保质期。"),
        "en": (
            "The {p} arrived one month before its expiry date.",
            "The {p} is close to expiry, which the listing did not say.",
        ),
    },
    "description_mismatch": {
        "zh": ("实物与描述不符，{p}颜色和尺寸都不对。", "{p}货不对板，材质和页面宣传不一致。"),
        "en": (
            "The {p} does not match the description: wrong size and colour.",
            "Not as described: the {p} is made of a different material.",
        ),
    },
    "privacy": {
        "zh": ("下单{p}后频繁接到骚扰电话，怀疑个人信息被泄露。", "商家未经同意把我的信息用于营销。"),
        "en": (
            "Since buying the {p} I get spam calls; my data seems to have leaked.",
            "The seller shared my personal data without consent.",
        ),
    },
    "payment": {
        "zh": ("购买{p}被重复扣款，至今未退回。", "支付时汇率和手续费不透明，多扣了钱。"),
        "en": ("I was charged twice for the {p}.", "Hidden currency conversion fees on my {p} payment."),
    },
    "other": {
        "zh": ("客服态度恶劣，问题一直得不到解决。", "购买{p}后无法开具发票。"),
        "en": ("Customer service never answers my messages.", "I cannot get an invoice for the {p}."),
    },
}
CLAIMLESS = ("privacy", "other")
COMPLAINT_CHANNELS = ("platform", "12315", "email", "hotline")
_CATEGORIES = tuple(cal.COMPLAINT_CATEGORIES)
_CATEGORY_CDF = cumulative(list(cal.COMPLAINT_CATEGORIES.values()))
_NEAR_EXPIRY = np.array([p.hs_code in cat.NEAR_EXPIRY_HS for p in cat.PRODUCTS])
_PLATFORM_IDS = [p.platform_id for p in cal.PLATFORMS]
_RATING_CDF = cumulative((0.06, 0.05, 0.10, 0.24, 0.55))  # [ASSUMED] ratings 1..5
_REVIEW_TEXTS = [text for rating in range(1, 6) for text in cat.REVIEW_TEXTS[rating]]


def _received(rng: np.random.Generator, after: IntArray, ctx: Context) -> IntArray:
    """Draw instants after each order and, where possible, before the month ends."""
    low = after + 3_600
    high = np.maximum(ctx.month.end - 1, low + SECONDS_PER_DAY)
    return low + (rng.random(len(after)) * (high - low)).astype(np.int64)


def complaints_table(rng: np.random.Generator, core: PaymentCore, index: IntArray, ctx: Context) -> pa.Table:
    """Draw complaints about some of the chunk's orders, each with a text in the consumer's language."""
    orders = np.flatnonzero(core.has_order)
    wanted = max(cal.COMPLAINTS_MIN_PER_CHUNK, round(len(core) * cal.COMPLAINTS_PER_PAYMENT))
    rows = np.sort(rng.choice(orders, min(wanted, len(orders)), replace=False))
    c = core.take(rows)
    n = len(rows)
    category = draw(rng, _CATEGORY_CDF, n)
    near = category == _CATEGORIES.index("near_expiry")
    category[near & ~_NEAR_EXPIRY[c.product]] = _CATEGORIES.index("quality")
    home = c.payer_country == COUNTRY["CN"]
    chinese = home | (rng.random(n) < 0.05)
    texts = []
    for i in range(n):
        language = "zh" if chinese[i] else "en"
        product = cat.PRODUCTS[c.product[i]]
        options = COMPLAINT_TEXTS[_CATEGORIES[category[i]]][language]
        template = options[int(rng.integers(len(options)))]
        texts.append(template.format(p=product.name if chinese[i] else product.name_en.lower()))
    no_claim = np.isin(np.asarray(_CATEGORIES)[category], CLAIMLESS)
    claimed = (c.amount * rng.uniform(0.2, 1.0, n)).astype(np.int64)
    channel = np.where(home, rng.integers(0, 4, n), np.where(rng.random(n) < 0.7, 0, 2))
    columns = {
        "complaint_id": codes.hex_ids("CP", index[rows], ctx.keys["complaint"]),
        "received_at": codes.local_timestamps(_received(rng, c.initiated, ctx)),
        "channel": codes.pick(COMPLAINT_CHANNELS, channel),
        "language": codes.pick(("en", "zh"), chinese.astype(np.int64)),
        "consumer_id": codes.hex_ids("CU", c.buyer, ctx.keys["consumer"]),
        "consumer_country": codes.pick(COUNTRIES, c.payer_country),
        "enterprise_id": codes.pick_from(ctx.registers.ids, c.enterprise),
        "platform_id": codes.pick(_PLATFORM_IDS, c.platform),
        "order_id": codes.hex_ids("OD", index[rows], ctx.keys["order"]),
        "text": pa.array(texts, type=pa.string()),
        "category": codes.pick(_CATEGORIES, category),
        "amount_claimed": codes.decimal_amounts(claimed, no_claim),
        "currency": codes.pick(cal.CURRENCIES, c.currency, no_claim),
    }
    assert tuple(columns) == FEED_COLUMNS["complaints"]
    return pa.table(columns)


def reviews_table(rng: np.random.Generator, core: PaymentCore, index: IntArray, ctx: Context) -> pa.Table:
    """Draw reviews of some of the chunk's shipped orders; most are favourable."""
    shipped = np.flatnonzero(core.has_docs & (core.initiated < ctx.month.end - 2 * SECONDS_PER_DAY))
    wanted = max(1, round(len(core) * cal.REVIEWS_PER_PAYMENT))
    rows = np.sort(rng.choice(shipped, min(wanted, len(shipped)), replace=False))
    c = core.take(rows)
    n = len(rows)
    rating = draw(rng, _RATING_CDF, n)
    text = rating * 3 + rng.integers(0, 3, n)
    posted = c.initiated + SECONDS_PER_DAY
    posted = posted + (rng.random(n) * (ctx.month.end - 1 - posted)).astype(np.int64)
    columns = {
        "review_id": codes.hex_ids("RV", index[rows], ctx.keys["review"]),
        "enterprise_id": codes.pick_from(ctx.registers.ids, c.enterprise),
        "platform_id": codes.pick(_PLATFORM_IDS, c.platform),
        "rating": codes.integers(rating + 1),
        "text": codes.pick(_REVIEW_TEXTS, text, rng.random(n) < 0.4),
        "posted_at": codes.local_timestamps(posted),
    }
    assert tuple(columns) == FEED_COLUMNS["reviews"]
    return pa.table(columns)
