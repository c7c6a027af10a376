"""The labelled listing set of bench/ip.py: brand disguises and clean titles, in Chinese and English.

Written for cbec. Brands are real marks with their Chinese names and Nice classes; each disguised title applies
one disguise a seller uses (look-alike letters from other scripts, digits for letters, fullwidth or
mathematical letters, a letter doubled, dropped or swapped, letters spaced apart, the brand run into the next
word, a Chinese name written with other characters of the same sound or shape, a nickname). Clean titles name
the same goods without a brand, and include ordinary words that happen to be brands elsewhere (apple, puma,
dove, coach, jaguar). Deterministic: the same seed gives the same set.
"""

from __future__ import annotations

import random

# (mark text, owner, Nice classes, Chinese aliases, goods words of its classes)
BRANDS: tuple[tuple[str, str, str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("NIKE", "Nike, Inc.", "25;28", ("耐克",), ("running shoes", "sneakers", "运动鞋", "卫衣")),
    ("adidas", "adidas AG", "25;28", ("阿迪达斯",), ("t-shirt", "football", "跑鞋", "运动外套")),
    ("PUMA", "PUMA SE", "25", ("彪马",), ("sneakers", "hoodie", "运动鞋")),
    ("Apple", "Apple Inc.", "9", ("苹果",), ("phone case", "charger", "earphones", "数据线", "手机壳")),
    ("SAMSUNG", "Samsung Electronics Co., Ltd.", "9", ("三星",), ("phone charger", "tablet case", "手机")),
    ("HUAWEI", "Huawei Technologies Co., Ltd.", "9", ("华为",), ("earbuds", "smartphone", "耳机", "充电器")),
    ("Xiaomi", "Xiaomi Inc.", "9", ("小米",), ("power bank", "earbuds", "充电宝", "手机")),
    ("SONY", "Sony Group Corporation", "9", ("索尼",), ("headphones", "camera", "耳机", "相机")),
    ("Canon", "Canon Inc.", "9", ("佳能",), ("camera lens", "camera", "相机", "镜头")),
    ("LEGO", "LEGO Juris A/S", "28", ("乐高",), ("building blocks", "toy", "积木", "玩具")),
    (
        "PHILIPS",
        "Koninklijke Philips N.V.",
        "9;11;21",
        ("飞利浦",),
        ("led lamp", "hair dryer", "吸顶灯", "电动牙刷"),
    ),
    (
        "dyson",
        "Dyson Technology Limited",
        "7;11",
        ("戴森",),
        ("vacuum cleaner", "hair dryer", "吸尘器", "吹风机"),
    ),
    ("PANDORA", "Pandora A/S", "14", ("潘多拉",), ("charm bracelet", "necklace", "手链", "项链")),
    ("CHANEL", "Chanel SARL", "3;14;18;25", ("香奈儿",), ("perfume", "handbag", "香水", "口红")),
    ("GUCCI", "Guccio Gucci S.p.A.", "18;25", ("古驰",), ("handbag", "belt bag", "钱包", "手提包")),
    (
        "LOUIS VUITTON",
        "Louis Vuitton Malletier",
        "18;25",
        ("路易威登",),
        ("handbag", "wallet", "手提包", "钱包"),
    ),
    ("Estee Lauder", "Estee Lauder Inc.", "3", ("雅诗兰黛",), ("face cream", "serum", "面霜", "精华")),
    ("LANCOME", "Lancome Parfums et Beaute", "3", ("兰蔻",), ("face cream", "lipstick", "面霜", "香水")),
    (
        "Disney",
        "Disney Enterprises, Inc.",
        "25;28",
        ("迪士尼",),
        ("plush toy", "kids t-shirt", "玩具", "童装"),
    ),
    ("UNIQLO", "Fast Retailing Co., Ltd.", "25", ("优衣库",), ("t-shirt", "down jacket", "羽绒服", "t恤")),
    ("Converse", "Converse Inc.", "25", ("匡威",), ("canvas shoes", "sneakers", "帆布鞋")),
    ("New Balance", "New Balance Athletics, Inc.", "25", ("新百伦",), ("running shoes", "sneakers", "跑鞋")),
    ("Tiffany", "Tiffany and Company", "14", ("蒂芙尼",), ("necklace", "ring", "项链", "戒指")),
    ("Swarovski", "Swarovski AG", "14", ("施华洛世奇",), ("crystal necklace", "earrings", "项链")),
    ("COACH", "Tapestry, Inc.", "18", ("蔻驰",), ("handbag", "wallet", "手提包")),
    ("Dove", "Unilever", "3", ("多芬",), ("body wash", "shampoo", "沐浴露", "洗发水")),
    ("JAGUAR", "Jaguar Land Rover Limited", "12", ("捷豹",), ("car seat cover", "car floor mat")),
    ("Zippo", "Zippo Manufacturing Company", "34", ("芝宝",), ("lighter", "打火机")),
)
CLEAN_EN = (
    "Women's knitted dress",
    "Men's cotton T-shirt",
    "Children's cotton clothing set",
    "Plastic building blocks toy",
    "LED ceiling light",
    "Stainless steel cookware set",
    "Plastic food storage containers",
    "Goose down duvet",
    "Electric kettle 1.7L",
    "Gel pen stationery set",
    "Running shoes for men breathable mesh",
    "Canvas backpack",
    "Wireless earbuds bluetooth 5.3",
    "Phone case shockproof clear",
    "USB-C fast charger 20W",
    "Yoga leggings",
    "Fresh apples 5kg gift box",
    "Apple juice 1L",
    "Puma plush toy for kids",
    "Bird shaped soap bar",
    "Coach bus model",
    "Jaguar print scarf",
    "Cannon toy model",
    "Crystal necklace for women",
    "Leather wallet slim",
    "Hair dryer 2000W",
    "Vacuum cleaner cordless",
    "Camera tripod aluminium",
    "Face cream moisturising 50ml",
    "Lipstick matte red",
    "Perfume travel bottle",
    "Bracelet charm silver",
    "Kids plush bear",
    "Car floor mat rubber",
    "Windproof lighter",
    "Body wash lavender",
    "Shampoo for dry hair",
    "Down jacket lightweight",
    "Smartwatch sports band",
    "Power bank 20000mAh",
    "Tablet stand adjustable",
    "Building bricks compatible set",
    "Sneakers white classic",
    "Winter hat knitted",
    "Silk pillowcase",
    "Ceramic mug 350ml",
    "Bamboo toothbrush 4 pack",
)
CLEAN_ZH = (
    "女式针织连衣裙",
    "男式棉制T恤",
    "儿童棉质套装",
    "拼插积木玩具",
    "LED吸顶灯",
    "不锈钢锅具套装",
    "塑料保鲜盒",
    "羽绒被 加厚",
    "电热水壶 1.7升",
    "中性笔文具套装",
    "男款透气跑步鞋",
    "帆布双肩包",
    "蓝牙无线耳机",
    "防摔手机壳",
    "快充充电器 20W",
    "瑜伽紧身裤",
    "新鲜红富士苹果 5斤",
    "苹果汁 1升",
    "儿童毛绒玩具熊",
    "保湿面霜 50ml",
    "哑光口红",
    "香水小样",
    "纯银手链",
    "汽车脚垫",
    "防风打火机",
    "薰衣草沐浴露",
    "洗发水 去屑",
    "轻薄羽绒服",
    "运动手表",
    "移动电源 20000毫安",
    "平板支架",
    "白色板鞋",
    "针织毛线帽",
    "陶瓷马克杯",
    "竹制牙刷 4支装",
    "真皮钱包",
    "吹风机 大功率",
    "无线吸尘器",
    "相机三脚架",
    "水晶项链",
)
_CYRILLIC = {
    "a": "а",
    "e": "е",
    "o": "о",
    "p": "р",
    "c": "с",
    "x": "х",
    "y": "у",
    "i": "і",
    "A": "А",
    "E": "Е",
    "O": "О",
    "P": "Р",
    "C": "С",
    "H": "Н",
    "K": "К",
    "M": "М",
    "T": "Т",
    "B": "В",
    "I": "І",
}
_LEET = {
    "o": "0",
    "O": "0",
    "i": "1",
    "I": "1",
    "l": "1",
    "e": "3",
    "E": "3",
    "a": "4",
    "A": "4",
    "s": "5",
    "S": "5",
}
_SOUND_ALIKE = {
    "耐": "奈",
    "克": "可",
    "阿": "啊",
    "迪": "笛",
    "达": "哒",
    "斯": "丝",
    "华": "化",
    "为": "维",
    "小": "晓",
    "米": "咪",
    "乐": "勒",
    "高": "糕",
    "香": "湘",
    "奈": "耐",
    "儿": "尔",
    "苹": "萍",
    "果": "菓",
    "三": "叁",
    "星": "猩",
    "兰": "蓝",
    "蔻": "扣",
    "戴": "代",
    "森": "淼",
}


def _one_of(rng: random.Random, text: str, table: dict[str, str]) -> str:
    spots = [i for i, c in enumerate(text) if c in table]
    if not spots:
        return text
    i = rng.choice(spots)
    return text[:i] + table[text[i]] + text[i + 1 :]


def disguise(rng: random.Random, mark: str, alias: str) -> tuple[str, str]:
    """Return (kind, disguised brand) for one mark."""
    kind = rng.choice(
        (
            "cyrillic",
            "leet",
            "fullwidth",
            "double",
            "drop",
            "swap",
            "spaced",
            "runon",
            "case",
            "alias",
            "sound_alike",
            "mathbold",
        )
    )
    if kind == "cyrillic":
        return kind, _one_of(rng, mark, _CYRILLIC)
    if kind == "leet":
        return kind, _one_of(rng, mark, _LEET)
    if kind == "fullwidth":
        return kind, "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in mark)
    if kind == "mathbold":
        return kind, "".join(
            chr(0x1D400 + ord(c) - 65) if "A" <= c <= "Z" else chr(0x1D41A + ord(c) - 97) if "a" <= c <= "z" else c
            for c in mark
        )
    letters = [i for i, c in enumerate(mark) if c.isalpha()]
    if kind == "double" and letters:
        i = rng.choice(letters)
        return kind, mark[: i + 1] + mark[i] + mark[i + 1 :]
    if kind == "drop" and len(letters) > 4:
        i = rng.choice(letters[1:-1])
        return kind, mark[:i] + mark[i + 1 :]
    if kind == "swap" and len(letters) > 4:
        i = rng.choice(letters[1:-2])
        return kind, mark[:i] + mark[i + 1] + mark[i] + mark[i + 2 :]
    if kind == "spaced":
        return kind, " ".join(mark.replace(" ", ""))
    if kind == "case":
        return kind, "".join(c.upper() if rng.random() < 0.5 else c.lower() for c in mark)
    if kind == "alias":
        return kind, alias
    if kind == "sound_alike":
        return kind, _one_of(rng, alias, _SOUND_ALIKE)
    return "runon", mark.replace(" ", "") + rng.choice(("Pro", "Style", "Max", "Official"))


def labelled_set(seed: int = 2026, per_brand: int = 12) -> list[tuple[str, str, str, str]]:
    """Return (title, language, expected mark text or '', disguise kind or 'clean')."""
    rng = random.Random(seed)
    rows: list[tuple[str, str, str, str]] = []
    for mark, _owner, _classes, aliases, goods in BRANDS:
        for _ in range(per_brand):
            kind, shown = disguise(rng, mark, aliases[0])
            good = rng.choice(goods)
            zh = not good.isascii() or kind in ("alias", "sound_alike")
            if zh and good.isascii():
                good = next((g for g in goods if not g.isascii()), good)
            template = rng.choice(
                ("{b}{g} 正品 包邮", "{b} {g} 新款", "{g} {b}同款")
                if zh
                else ("{b} {g} new 2026", "Original {b} {g}", "{g} compatible {b} style")
            )
            rows.append((template.format(b=shown, g=good), "zh" if zh else "en", mark, kind))
    for title in CLEAN_EN:
        rows.append((title, "en", "", "clean"))
    for title in CLEAN_ZH:
        rows.append((title, "zh", "", "clean"))
    return rows
