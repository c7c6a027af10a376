"""Named things the synthetic province is made of: products, carriers, marks and name parts.

HS codes are China's 10-digit tariff lines padded from the 8-digit heading; the GB standards are the
mandatory national standards that apply to each product group. Everything else is invented.
"""

from __future__ import annotations

from typing import NamedTuple


class Product(NamedTuple):
    """A product line sold across the border."""

    name: str
    name_en: str
    hs_code: str
    unit_kg: float
    standards: str  # semicolon-separated GB standards, '' when none is product specific
    trade: str  # export or import
    origins: tuple[str, ...]  # countries of origin for imports; ("CN",) for exports
    weight: float  # share of orders within its trade


PRODUCTS: tuple[Product, ...] = (
    Product("女式针织连衣裙", "Women's knitted dress", "6104430000", 0.35, "GB 18401-2010", "export", ("CN",), 0.10),
    Product("男式棉制T恤", "Men's cotton T-shirt", "6109100000", 0.25, "GB 18401-2010", "export", ("CN",), 0.10),
    Product(
        "儿童棉质套装", "Children's cotton clothing set", "6111200000", 0.30, "GB 31701-2015", "export", ("CN",), 0.06
    ),
    Product("运动休闲鞋", "Casual sports sneakers", "6404110000", 0.80, "", "export", ("CN",), 0.07),
    Product(
        "拼插积木玩具", "Plastic building blocks toy", "9503000000", 0.60, "GB 6675.1-2014", "export", ("CN",), 0.07
    ),
    Product("圣诞装饰品", "Christmas ornaments set", "9505100000", 0.40, "", "export", ("CN",), 0.06),
    Product("LED吸顶灯", "LED ceiling light", "9405110000", 1.50, "GB 7000.1-2015", "export", ("CN",), 0.06),
    Product(
        "不锈钢锅具套装", "Stainless steel cookware set", "7323930000", 3.00, "GB 4806.9-2016", "export", ("CN",), 0.06
    ),
    Product(
        "塑料保鲜盒", "Plastic food storage containers", "3924100000", 0.70, "GB 4806.7-2016", "export", ("CN",), 0.07
    ),
    Product("手机保护壳", "Phone case", "3926909000", 0.05, "", "export", ("CN",), 0.08),
    Product("羽绒被", "Goose down duvet", "9404400000", 2.20, "GB 18401-2010", "export", ("CN",), 0.04),
    Product("双肩背包", "Travel backpack", "4202920000", 0.90, "", "export", ("CN",), 0.06),
    Product("电热水壶", "Electric kettle", "8516790000", 1.20, "GB 4706.1-2005", "export", ("CN",), 0.05),
    Product("人体工学办公椅", "Ergonomic office chair", "9401300000", 14.0, "", "export", ("CN",), 0.04),
    Product("中性笔文具套装", "Gel pen stationery set", "9608100000", 0.20, "GB 21027-2020", "export", ("CN",), 0.04),
    Product("汽车LED大灯", "Car LED headlight bulbs", "8512200000", 0.40, "", "export", ("CN",), 0.02),
    Product("户外露营帐篷", "Camping tent", "6306220000", 3.50, "", "export", ("CN",), 0.02),
    Product(
        "婴儿配方奶粉",
        "Infant formula milk powder",
        "1901101000",
        0.90,
        "GB 10765-2021;GB 7718-2011",
        "import",
        ("NZ", "AU", "NL", "DE", "IE", "FR"),
        0.22,
    ),
    Product(
        "保湿面霜",
        "Moisturising face cream",
        "3304990000",
        0.15,
        "GB 5296.3-2008",
        "import",
        ("FR", "KR", "JP", "US"),
        0.20,
    ),
    Product(
        "维生素营养补充剂", "Vitamin supplement", "2106909000", 0.30, "GB 7718-2011", "import", ("AU", "US", "NZ"), 0.14
    ),
    Product("红葡萄酒", "Red wine", "2204210000", 1.30, "GB 7718-2011", "import", ("FR", "AU", "CL", "IT"), 0.08),
    Product(
        "进口饼干零食", "Imported biscuits", "1905310000", 0.40, "GB 7718-2011", "import", ("JP", "KR", "MY"), 0.10
    ),
    Product("婴儿纸尿裤", "Baby diapers", "9619001100", 2.00, "", "import", ("JP", "KR"), 0.12),
    Product("香水", "Perfume", "3303000000", 0.25, "GB 5296.3-2008", "import", ("FR", "IT"), 0.08),
    Product(
        "电动牙刷", "Electric toothbrush", "8509800000", 0.50, "GB 4706.1-2005", "import", ("NL", "DE", "US"), 0.06
    ),
)

NEAR_EXPIRY_HS = ("1901101000", "2106909000", "2204210000", "1905310000")


class Carrier(NamedTuple):
    """A logistics firm that issues waybills."""

    logistics_id: str
    weights: dict[str, float]  # segment name -> weight among carriers


CARRIERS: tuple[Carrier, ...] = (
    Carrier(
        "LG-CAINIAO",
        {"export_retail": 0.35, "export_b2b_warehouse": 0.3, "import_bonded": 0.6, "import_direct_mail": 0.3},
    ),
    Carrier("LG-YUNEXPRESS", {"export_retail": 0.25}),
    Carrier("LG-4PX", {"export_retail": 0.15, "import_direct_mail": 0.1}),
    Carrier("LG-CHINA-POST", {"export_retail": 0.15, "import_direct_mail": 0.3}),
    Carrier("LG-SF-INTL", {"export_retail": 0.10, "import_bonded": 0.4, "import_direct_mail": 0.2}),
    Carrier("LG-DHL", {"export_b2b_direct": 0.3, "import_direct_mail": 0.1}),
    Carrier("LG-COSCO", {"export_b2b_direct": 0.7, "export_b2b_warehouse": 0.7}),
)

# Famous marks with look-alikes that counterfeit listings use: (mark, owner, Nice classes, jurisdiction, look-alikes).
FAMOUS_MARKS: tuple[tuple[str, str, str, str, tuple[str, ...]], ...] = (
    ("NIKE", "Nike, Inc.", "25;28", "US", ("NlKE", "N1KE", "NIKKE")),
    ("adidas", "adidas AG", "25;28", "EU", ("adibas", "adidos", "addidas")),
    ("Apple", "Apple Inc.", "9", "US", ("Appple", "Aple")),
    ("SAMSUNG", "Samsung Electronics Co., Ltd.", "9", "KR", ("SAMSUNQ", "SAMSANG")),
    ("PHILIPS", "Koninklijke Philips N.V.", "9;11", "EU", ("PHILIPPS", "PHILIIPS")),
    ("dyson", "Dyson Technology Limited", "7;11", "GB", ("dysen", "dayson")),
    ("LEGO", "LEGO Juris A/S", "28", "EU", ("LEG0", "LEGGO")),
    ("Canon", "Canon Inc.", "9", "JP", ("Caanon", "Canom")),
    ("PANDORA", "Pandora A/S", "14", "EU", ("PANDORRA", "PANDOURA")),
    ("HUAWEI", "华为技术有限公司", "9", "CN", ("HUAWEl", "HUAVVEI")),
)
MARK_JURISDICTIONS = ("US", "EU", "GB", "JP", "AU", "CN", "CA")
MARK_CLASSES_BY_TRADE = ("25", "28", "11", "21", "20", "9", "18", "16", "24", "12")

# Name parts for enterprises: trade-name characters with pinyin, and industries per enterprise kind.
TRADE_NAME_CHARS = (
    ("华", "Hua"),
    ("跃", "Yue"),
    ("恒", "Heng"),
    ("信", "Xin"),
    ("达", "Da"),
    ("瑞", "Rui"),
    ("博", "Bo"),
    ("凯", "Kai"),
    ("腾", "Teng"),
    ("鑫", "Xin"),
    ("盛", "Sheng"),
    ("泰", "Tai"),
    ("宏", "Hong"),
    ("远", "Yuan"),
    ("晨", "Chen"),
    ("嘉", "Jia"),
    ("丰", "Feng"),
    ("联", "Lian"),
    ("创", "Chuang"),
    ("源", "Yuan"),
    ("通", "Tong"),
    ("海", "Hai"),
    ("天", "Tian"),
    ("金", "Jin"),
    ("星", "Xing"),
    ("云", "Yun"),
    ("峰", "Feng"),
    ("阳", "Yang"),
    ("光", "Guang"),
    ("美", "Mei"),
    ("佳", "Jia"),
    ("力", "Li"),
    ("科", "Ke"),
    ("捷", "Jie"),
    ("立", "Li"),
    ("和", "He"),
    ("润", "Run"),
    ("正", "Zheng"),
    ("永", "Yong"),
    ("安", "An"),
)
INDUSTRIES = {
    "manufacturer": (
        ("服饰", "Apparel"),
        ("家居用品", "Household Products"),
        ("电器", "Electric Appliance"),
        ("工艺品", "Crafts"),
        ("玩具", "Toys"),
        ("灯饰", "Lighting"),
    ),
    "trader": (
        ("电子商务", "E-Commerce"),
        ("进出口", "Import & Export"),
        ("国际贸易", "International Trading"),
    ),
    "platform": (("网络科技", "Network Technology"),),
    "logistics": (("供应链管理", "Supply Chain Management"), ("国际物流", "International Logistics")),
    "service": (("信息咨询", "Information Consulting"), ("跨境服务", "Cross-border Services")),
}
BRAND_SYLLABLES = (
    "ka",
    "lo",
    "vi",
    "ro",
    "ze",
    "na",
    "mi",
    "tu",
    "vo",
    "ly",
    "qi",
    "sa",
    "do",
    "re",
    "xo",
    "fe",
)

# Texts: reviews by rating, inspection defects, security incident summaries.
REVIEW_TEXTS = {
    1: ("Arrived broken, very disappointed.", "质量太差，和描述完全不符。", "Never again."),
    2: ("Smaller than expected.", "物流太慢了，等了一个月。", "Colour is different from the photos."),
    3: ("OK for the price.", "一般般，凑合用。", "Average quality."),
    4: ("Good value, shipping was fast.", "质量不错，包装完好。", "Nice, would buy again."),
    5: ("Excellent quality, highly recommend!", "非常满意，五星好评！", "Perfect, exactly as described."),
}
DEFECTS = (
    "邻苯二甲酸酯超标 phthalates above limit",
    "甲醛含量超标 formaldehyde above limit",
    "小零件脱落 small parts detach",
    "标签标识不合格 non-compliant labelling",
    "电气安全不合格 electrical safety failure",
    "重金属迁移量超标 heavy metal migration above limit",
    "纤维含量不符 fibre content mismatch",
)
INSPECTION_AGENCIES = ("浙江省市场监督管理局", "杭州海关技术中心", "宁波海关技术中心", "浙江方圆检测集团")
INCIDENT_SUMMARIES = (
    "支付接口遭撞库攻击 credential-stuffing attack on the payment API",
    "商户结算数据异常外发 merchant settlement data sent to an unknown host",
    "清算系统延迟导致重复入账 clearing delay caused duplicate credits",
    "钓鱼网站仿冒收银台 phishing site imitating the checkout page",
    "第三方SDK收集用户信息 third-party SDK collected personal data",
    "证书过期导致交易中断 expired certificate interrupted transactions",
    "内部账号越权查询 insider account over-privileged queries",
    "DDoS攻击致服务降级 DDoS attack degraded the service",
)
