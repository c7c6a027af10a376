"""Every word the report shows, in Chinese and English: one small dictionary per language."""

from __future__ import annotations

from cbec.core.regions import CITIES
from cbec.reports.i18n_agenda import AGENDA_EN, AGENDA_ZH
from cbec.reports.i18n_sections import CONSUMERS_EN, CONSUMERS_ZH, SUPERVISION_EN, SUPERVISION_ZH

LANGUAGES = ("zh", "en")

ZH: dict[str, str] = {
    "title": "浙江省跨境电商支付监管月度报告",
    "month": "报告月份",
    "generated": "生成时间",
    "toc": "目录",
    "page": "第 {page} 页",
    "none": "—",
    "synthetic_note": (
        "本报告的业务数据来自演示用的合成数据（cbec synth），不代表真实情况；官方统计单独列示并注明来源。"
    ),
    "feeds_note": "本报告的业务数据来自各报送机构的数据接入；官方统计单独列示并注明来源。",
    "section.summary": "全省概况",
    "section.alerts": "预警情况",
    "section.matching": "三单对碰匹配率",
    "section.statistics": "官方统计与一致性核对",
    "section.brands": "品牌",
    "section.talent": "人才需求",
    "col.payments": "笔数",
    "col.amount": "金额（万元）",
    "col.share": "占比",
    "col.mom": "环比",
    "col.yoy": "同比",
    "col.channel": "渠道",
    "col.direction": "方向",
    "col.city": "城市",
    "col.corridor": "通道（付款国→收款国）",
    "col.typology": "类型",
    "col.institution": "支付机构",
    "col.total": "合计",
    "col.checked": "核对笔数",
    "col.matched": "匹配笔数",
    "col.rate": "匹配率",
    "col.refunded": "退款/冲正",
    "col.year": "年份",
    "col.indicator": "指标",
    "col.value": "数值",
    "col.unit": "单位",
    "col.base": "上年数值",
    "col.reported": "公布增速",
    "col.computed": "计算增速",
    "col.difference": "差异（百分点）",
    "col.verdict": "结论",
    "col.source": "来源",
    "col.target": "目标",
    "col.marks": "注册商标数",
    "col.owners": "持有企业数",
    "col.role": "岗位",
    "col.postings": "招聘数",
    "col.salary": "月薪中位数（元）",
    "summary.lead": "{month} 全省成功支付 {payments} 笔，金额 {amount} 万元；环比 {mom}，同比 {yoy}。",
    "summary.absent": "该月没有支付数据。",
    "summary.basis": (
        "口径：状态为成功的支付，按支付日汇率折算人民币；城市取企业名录中的所在地；环比、同比所需月份无数据时显示“—”。"
    ),
    "summary.unconverted": "{n} 笔支付缺少当日汇率，计入笔数但未计入金额。",
    "summary.unknown_city": "未关联企业",
    "chart.city_map": "各市支付金额（万元）",
    "chart.channel": "各渠道支付金额（万元）",
    "alerts.lead": "本月共产生预警 {total} 条，涉及支付机构 {institutions} 家。",
    "alerts.by_typology": "按类型",
    "alerts.by_institution": "按支付机构（前 {n} 家）",
    "alerts.no_institution": "跨机构账户（不归属单一机构）",
    "chart.typology": "各类型预警数",
    "matching.lead": "本月核对 {checked} 笔带订单的成功支付，匹配 {matched} 笔，匹配率 {rate}。",
    "matching.basis": (
        "三单对碰：支付与订单、运单、清单逐一比对（缺单、金额差异超过 5%、付款人非买家、国别不一致、已付未发货等）。"
    ),
    "stats.reconcile": "表 1 总额与增速核对（容差 {tol} 个百分点）",
    "stats.reconcile_basis": (
        "计算增速 =（本年总额 ÷ 上年总额 − 1）× 100，保留两位小数；公布增速与计算增速之差超过容差的标为不一致。"
    ),
    "stats.flagged": "{n} 项公布增速与由总额计算的增速不一致。",
    "stats.figures": "其他官方数字",
    "stats.targets": "论文提出的目标（目标值，非统计数字）",
    "stats.monthly": "本月数据接入报送的贸易数字（非官方统计）",
    "chart.trade": "跨境电商进出口总额（亿元）与增速",
    "chart.trade_total": "总额（亿元）",
    "chart.trade_reported": "公布增速 %",
    "chart.trade_computed": "计算增速 %",
    "brands.lead": (
        "各市品牌数字未见于官方来源（论文图 1 为图片），下表来自商标登记与企业名录的数据接入，不是官方统计。"
    ),
    "brands.official": "官方数字（全省）",
    "chart.brands": "各市企业注册商标数（来自数据接入）",
    "talent.lead": "各岗位需求人数未见于官方来源（论文图 2 为图片，仅给出排序），下表来自招聘数据接入，不是官方统计。",
    "talent.ranking": "论文给出的岗位需求排序（仅排序，无数字）：",
    "chart.roles": "各岗位招聘数（来自数据接入）",
    "label.synthetic": "合成数据",
    "label.feeds": "来自数据接入",
    "verdict.agrees": "一致",
    "verdict.disagrees": "不一致",
    "verdict.no_base": "无上年数据，无法核对",
    "severity.critical": "严重",
    "severity.high": "高",
    "severity.medium": "中",
    "severity.low": "低",
    "channel.wire": "电汇",
    "channel.card": "银行卡",
    "channel.third_party": "第三方支付",
    "channel.local_wallet": "境外本地钱包",
    "channel.e_cny": "数字人民币",
    "direction.inbound": "收汇（入境）",
    "direction.outbound": "付汇（出境）",
    "direction.domestic": "境内",
    "role.operations": "运营",
    "role.promotion": "站外推广",
    "role.product_development": "产品开发",
    "role.sourcing": "采购",
    "role.design_photography": "设计/摄影",
    "role.logistics": "物流/仓储",
    "role.other": "其他",
    "typology.large_value": "大额交易",
    "typology.structuring": "拆分交易",
    "typology.fx_quota": "个人结售汇额度",
    "typology.split_orders": "拆单",
    "typology.rapid_in_out": "快进快出",
    "typology.dormant_revival": "休眠账户激活",
    "typology.high_risk_corridor": "高风险国家通道",
    "typology.high_risk_share": "高风险占比",
    "typology.collection_account": "集中收款账户",
    "typology.mule": "资金过渡账户",
    "typology.fan_in": "多对一汇集",
    "typology.fan_out": "一对多分散",
    "typology.frequency_spike": "频次激增",
    "typology.amount_mismatch": "金额不符",
    "typology.payment_without_order": "无单支付",
    "typology.three_document": "三单不符",
    "indicator.cbec_import_export_total": "跨境电商进出口总额",
    "indicator.cbec_export_total": "跨境电商出口额",
    "indicator.cbec_import_total": "跨境电商进口额",
    "indicator.cbec_export_via_customs_platforms": "通过海关跨境电商平台出口额",
    "indicator.overseas_trademarks_registered_by_cbec_enterprises": "跨境电商企业注册海外商标",
    "indicator.provincial_export_famous_brands": "省级出口知名品牌",
    "indicator.new_cbec_export_famous_brands": "新增跨境电商出口知名品牌",
    "indicator.proposed_new_export_famous_brands": "拟新增出口名牌",
    "indicator.tmall_global_complainants_share_zhejiang": "天猫国际投诉者中浙江占比",
    "indicator.cbec_payments_count": "支付笔数",
    "indicator.cbec_orders_count": "订单数",
}

EN: dict[str, str] = {
    "title": "Zhejiang Cross-Border E-Commerce Payment Supervision: Monthly Report",
    "month": "Month",
    "generated": "Generated",
    "toc": "Contents",
    "page": "page {page}",
    "none": "—",
    "synthetic_note": (
        "The business data in this report is the demo's synthetic "
        "province (cbec synth), not real activity; "
        "official statistics are shown apart with their source."
    ),
    "feeds_note": "The business data in this report comes from the reporting parties' feeds; official statistics are "
    "shown apart with their source.",
    "section.summary": "Province summary",
    "section.alerts": "Alerts",
    "section.matching": "Three-document match rates",
    "section.statistics": "Official statistics and their reconciliation",
    "section.brands": "Brands",
    "section.talent": "Talent demand",
    "col.payments": "Payments",
    "col.amount": "Amount (CNY 10k)",
    "col.share": "Share",
    "col.mom": "MoM",
    "col.yoy": "YoY",
    "col.channel": "Channel",
    "col.direction": "Direction",
    "col.city": "City",
    "col.corridor": "Corridor (payer → payee country)",
    "col.typology": "Typology",
    "col.institution": "Institution",
    "col.total": "Total",
    "col.checked": "Checked",
    "col.matched": "Matched",
    "col.rate": "Match rate",
    "col.refunded": "Refunded/reversed",
    "col.year": "Year",
    "col.indicator": "Indicator",
    "col.value": "Value",
    "col.unit": "Unit",
    "col.base": "Previous year",
    "col.reported": "Reported growth",
    "col.computed": "Computed growth",
    "col.difference": "Difference (pp)",
    "col.verdict": "Verdict",
    "col.source": "Source",
    "col.target": "Target",
    "col.marks": "Registered marks",
    "col.owners": "Owning enterprises",
    "col.role": "Role",
    "col.postings": "Postings",
    "col.salary": "Median monthly salary (CNY)",
    "summary.lead": "In {month}, {payments} payments succeeded for CNY {amount} 10k; month on month {mom}, "
    "year on year {yoy}.",
    "summary.absent": "There are no payments for this month.",
    "summary.basis": "Basis: succeeded payments, converted to CNY at the payment date's rate; city is the enterprise's "
    "city in the register; '—' where the month compared has no data.",
    "summary.unconverted": "{n} payments have no FX rate for their day: counted, but not in the amounts.",
    "summary.unknown_city": "No enterprise",
    "chart.city_map": "Amount by city (CNY 10k)",
    "chart.channel": "Amount by channel (CNY 10k)",
    "alerts.lead": "{total} alerts this month, at {institutions} payment institutions.",
    "alerts.by_typology": "By typology",
    "alerts.by_institution": "By institution (top {n})",
    "alerts.no_institution": "accounts across institutions (none alone)",
    "chart.typology": "Alerts by typology",
    "matching.lead": "{checked} succeeded payments with an order were checked this month, {matched} matched: {rate}.",
    "matching.basis": "Three-document matching: each payment against its order, waybill and customs list (missing "
    "documents, amounts more than 5 % apart, payer not the buyer, countries that disagree, paid but not shipped).",
    "stats.reconcile": "Table 1: totals and growth reconciled (tolerance {tol} pp)",
    "stats.reconcile_basis": "Computed growth = (total / previous year's total − 1) × 100, to two places; a reported "
    "rate more than the tolerance away from it is flagged.",
    "stats.flagged": "{n} reported growth rates disagree with the growth computed from the totals.",
    "stats.figures": "Other official figures",
    "stats.targets": "Targets set by the paper (goals, not statistics)",
    "stats.monthly": "Trade figures the feeds report for this month (not official statistics)",
    "chart.trade": "CBEC import and export total (CNY 100m) and growth",
    "chart.trade_total": "Total (CNY 100m)",
    "chart.trade_reported": "Reported growth %",
    "chart.trade_computed": "Computed growth %",
    "brands.lead": "Brand counts per city are not in the official source (the paper's Figure 1 is an image); the "
    "table below comes from the trademark and enterprise registers' feeds and is not an official statistic.",
    "brands.official": "Official figures (province)",
    "chart.brands": "Registered marks by city (from the feeds)",
    "talent.lead": "Job demand per role is not in the official source (the paper's Figure 2 is an image and gives "
    "only a ranking); the table below comes from the job postings feed and is not an official statistic.",
    "talent.ranking": "The paper's ranking of job demand (a ranking, no numbers): ",
    "chart.roles": "Job postings by role (from the feeds)",
    "label.synthetic": "synthetic",
    "label.feeds": "from the feeds",
    "verdict.agrees": "agrees",
    "verdict.disagrees": "disagrees",
    "verdict.no_base": "no previous year: cannot check",
    "severity.critical": "critical",
    "severity.high": "high",
    "severity.medium": "medium",
    "severity.low": "low",
    "channel.wire": "Wire",
    "channel.card": "Card",
    "channel.third_party": "Third-party",
    "channel.local_wallet": "Local wallet",
    "channel.e_cny": "e-CNY",
    "direction.inbound": "Inbound",
    "direction.outbound": "Outbound",
    "direction.domestic": "Domestic",
    "role.operations": "Operations",
    "role.promotion": "Off-site promotion",
    "role.product_development": "Product development",
    "role.sourcing": "Sourcing",
    "role.design_photography": "Design/photography",
    "role.logistics": "Logistics/warehousing",
    "role.other": "Other",
    "typology.large_value": "Large value",
    "typology.structuring": "Structuring",
    "typology.fx_quota": "Personal FX quota",
    "typology.split_orders": "Split orders",
    "typology.rapid_in_out": "Rapid in and out",
    "typology.dormant_revival": "Dormant revival",
    "typology.high_risk_corridor": "High-risk corridor",
    "typology.high_risk_share": "High-risk share",
    "typology.collection_account": "Collection account",
    "typology.mule": "Mule",
    "typology.fan_in": "Fan-in",
    "typology.fan_out": "Fan-out",
    "typology.frequency_spike": "Frequency spike",
    "typology.amount_mismatch": "Amount mismatch",
    "typology.payment_without_order": "Payment without order",
    "typology.three_document": "Documents disagree",
    "indicator.cbec_import_export_total": "CBEC import and export total",
    "indicator.cbec_export_total": "CBEC exports",
    "indicator.cbec_import_total": "CBEC imports",
    "indicator.cbec_export_via_customs_platforms": "Exports via customs CBEC platforms",
    "indicator.overseas_trademarks_registered_by_cbec_enterprises": "Overseas trademarks of CBEC enterprises",
    "indicator.provincial_export_famous_brands": "Provincial export famous brands",
    "indicator.new_cbec_export_famous_brands": "New CBEC export famous brands",
    "indicator.proposed_new_export_famous_brands": "Proposed new export famous brands",
    "indicator.tmall_global_complainants_share_zhejiang": "Zhejiang's share of Tmall Global complainants",
    "indicator.cbec_payments_count": "Payments",
    "indicator.cbec_orders_count": "Orders",
}

for words, more in ((ZH, (SUPERVISION_ZH, CONSUMERS_ZH, AGENDA_ZH)), (EN, (SUPERVISION_EN, CONSUMERS_EN, AGENDA_EN))):
    for extra in more:
        words.update(extra)

for _city in CITIES:
    ZH[f"city.{_city.code}"] = _city.short_zh
    EN[f"city.{_city.code}"] = _city.name_en


class Texts:
    """The words of one language; a missing key shows itself (the key) rather than failing the report."""

    def __init__(self, lang: str) -> None:
        if lang not in LANGUAGES:
            raise ValueError(f"language must be zh or en, got {lang!r}")
        self.lang = lang
        self.words = ZH if lang == "zh" else EN

    def __call__(self, key: str, **values: object) -> str:
        """Return the text of a key with its {placeholders} filled."""
        text = self.words.get(key, key)
        return text.format(**values) if values else text

    def name(self, prefix: str, key: str) -> str:
        """Return the display name of a code (channel, city, typology…), or the code itself when unknown."""
        return self.words.get(f"{prefix}.{key}", key)
