"""Product descriptions drawn from shared stock phrases, and the edits a copier makes, for bench/ip_copies.py.

Descriptions of the same kind of product share much of their vocabulary (材质, 续航, 包邮...), so the unrelated
texts here are hard negatives: written from the same phrase banks as the registered ones, not copies of them.
"""

from __future__ import annotations

import random

PRODUCTS = ("保温杯", "蓝牙耳机", "双肩包", "台灯", "运动鞋", "电动牙刷", "瑜伽垫", "手机壳", "收纳盒", "加湿器")
MATERIALS = (
    "食品级304不锈钢",
    "亲肤硅胶",
    "高密度牛津布",
    "航空铝合金",
    "环保TPE材料",
    "加厚ABS外壳",
    "透气网面",
    "天然橡木",
)
FEATURES = (
    "双层真空结构保温保冷长达十二小时",
    "主动降噪深度可达四十分贝",
    "人体工学设计久用不累",
    "三档亮度无极调节护眼无频闪",
    "一体成型中底回弹出色",
    "声波震动每分钟三万一千次",
    "双面防滑纹理稳固不移位",
    "四角气囊防摔精准开孔",
    "大容量分格设计取物方便",
    "静音运行低至二十五分贝",
    "快充十分钟使用一整天",
    "防泼水面料雨天无忧",
)
USES = (
    "适合办公室、户外和旅行使用",
    "适合学生和上班族日常通勤",
    "居家送礼两相宜",
    "适合健身跑步等多种运动场景",
    "卧室客厅书房均适用",
)
SERVICE = ("七天无理由退换", "全国包邮", "一年质保换新", "下单赠送收纳袋", "官方正品保障")
SYNONYMS = {
    "适合": "适用于",
    "方便": "便捷",
    "长达": "可达",
    "设计": "造型",
    "出色": "优秀",
    "日常": "平时",
    "均适用": "都能用",
    "使用": "用",
    "大容量": "超大容量",
    "防滑": "止滑",
}
PROMO = ("【热卖爆款】", "店长推荐，", "限时特惠！", "新品上市，", "工厂直销，")


def description(rng: random.Random) -> str:
    """A description of six clauses drawn from the banks."""
    product = rng.choice(PRODUCTS)
    features = rng.sample(FEATURES, 3)
    clauses = [
        f"这款{product}采用{rng.choice(MATERIALS)}",
        *features,
        rng.choice(USES),
        rng.choice(SERVICE),
    ]
    return "，".join(clauses) + "。"


def _clauses(text: str) -> list[str]:
    return [c for c in text.rstrip("。").split("，") if c]


def punctuate(text: str, rng: random.Random) -> str:
    """Change punctuation and spacing only."""
    return " ".join(c + rng.choice((",", "! ", "~", " ", "，")) for c in _clauses(text))


def synonyms(text: str, rng: random.Random) -> str:
    """Swap words for synonyms and digits for numerals (十二 → 12)."""
    out = text.replace("十二", "12").replace("四十", "40").replace("三万一千", "31000")
    for a, b in SYNONYMS.items():
        if a in out and rng.random() < 0.8:
            out = out.replace(a, b)
    return out


def reorder(text: str, rng: random.Random) -> str:
    """Shuffle the clauses."""
    parts = _clauses(text)
    rng.shuffle(parts)
    return "，".join(parts) + "。"


def drop(text: str, rng: random.Random) -> str:
    """Delete one clause."""
    parts = _clauses(text)
    parts.pop(rng.randrange(len(parts)))
    return "，".join(parts) + "。"


def pad(text: str, rng: random.Random) -> str:
    """Wrap the copy in the seller's own sentences."""
    return (
        rng.choice(PROMO)
        + text
        + rng.choice(SERVICE)
        + "，"
        + rng.choice(SERVICE)
        + "，欢迎咨询客服，收藏加购优先发货。"
    )


def combined(text: str, rng: random.Random) -> str:
    """Synonyms, then a clause dropped, then punctuation changed."""
    return punctuate(drop(synonyms(text, rng), rng), rng)


EDITS = {
    "punctuation": punctuate,
    "synonyms": synonyms,
    "reordered": reorder,
    "clause dropped": drop,
    "padded": pad,
    "all three": combined,
}


def shared_clauses(a: str, b: str) -> int:
    """Return how many clauses two descriptions share word for word."""
    return len(set(_clauses(a)) & set(_clauses(b)))
