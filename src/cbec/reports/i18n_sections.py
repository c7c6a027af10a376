"""The report's words for the supervision, consumer and IP sections, in Chinese and English."""

from __future__ import annotations

SUPERVISION_ZH: dict[str, str] = {
    "section.ratings": "支付机构监管评级",
    "section.notices": "风险预警与整改通知",
    "section.incidents": "安全事件处置时限",
    "section.settlement": "支付确认时间",
    "section.security": "支付安全管理：漏洞扫描与系统升级",
    "security.lead": (
        "本月导入扫描 {scans} 次，新发现漏洞 {new} 个；"
        "高危及以上未修复 {open} 个，超期 {overdue} 个，漏扫或未升级 {missed} 项。"
    ),
    "security.basis": (
        "外部扫描每季度、内部认证扫描每月（可按机构另行设定）；"
        "高危及以上漏洞自发现起 48 小时内启动应急预案、7 个工作日内修复，并由后续扫描核验；"
        "每半年完成一次系统全面升级。"
    ),
    "settlement.sources": (
        "来源：{messages} 笔按 pacs.008/pacs.002 报文计时，{claimed} 笔按机构自报 confirmed_at 计时。"
    ),
    "col.scans": "扫描",
    "col.new_findings": "新漏洞",
    "col.critical_high_open": "高危未修复",
    "col.overdue_findings": "超期",
    "col.missed_scans": "漏扫/未升级",
    "col.source": "来源",
    "col.self_median_h": "自报中位数（小时）",
    "ratings.lead": "本月共评级 {n} 家支付机构，{changed} 家评级较上月变化。",
    "ratings.lead_first": "本月共评级 {n} 家支付机构；上月未评级，本月为首次评级，无变化可比。",
    "ratings.basis": (
        "评级模块：反洗钱与可疑交易、三单对碰、支付确认时间、"
        "安全事件时限、消费者投诉、自报数据质量；权重与分档依据《非银行支付机构分类评级管理办法》框架"
        "下的省级监管评分规则（第 {version} 版）。"
    ),
    "notices.lead": "本月下发风险预警 {warnings} 份、整改通知 {rectifications} 份；目前逾期未办结 {overdue} 份。",
    "incidents.lead": (
        "本月报告安全事件 {total} 起，超过 48 小时响应时限 {response} 起，超过 7 个工作日修复时限 {fix} 起。"
    ),
    "incidents.basis": (
        "时限：发现漏洞后 48 小时内应急响应（按自然小时计，含节假日），7 个工作日内完成修复（按中国工作日历计）。"
    ),
    "settlement.lead": (
        "本月完成确认的支付 {confirmed} 笔，{share}% 在 {target} 小时内确认（目标 1 天以内，基线约 {baseline} 小时）。"
    ),
    "chart.grades": "评级分布（机构数）",
    "chart.settlement": "支付确认时间中位数（小时）",
    "col.grade": "评级",
    "col.previous": "上月",
    "col.kind": "类型",
    "col.state": "状态",
    "col.due": "期限",
    "col.incident": "事件",
    "col.severity": "等级",
    "col.response_hours": "响应（小时）",
    "col.fix_due": "修复期限",
    "col.breach": "超期",
    "col.confirmed": "已确认",
    "col.median_h": "中位数（小时）",
    "col.p90_h": "P90（小时）",
    "col.within_target": "24 小时内",
    "module.aml": "反洗钱",
    "module.documents": "三单",
    "module.settlement": "确认时间",
    "module.incidents": "安全事件",
    "module.complaints": "投诉",
    "module.data_quality": "数据质量",
    "kind.warning": "风险预警",
    "kind.rectification": "整改通知",
    "state.issued": "已下发",
    "state.acknowledged": "已确认",
    "state.plan_submitted": "已提交计划",
    "state.rectified": "已整改",
    "state.verified": "已核验",
    "state.overdue": "已逾期",
    "state.escalated": "已升级",
    "state.withdrawn": "已撤回",
    "breach.response": "响应超时",
    "breach.fix": "修复超时",
}

SUPERVISION_EN: dict[str, str] = {
    "section.ratings": "Payment institution ratings",
    "section.notices": "Risk warnings and rectification notices",
    "section.incidents": "Security incidents against their deadlines",
    "section.settlement": "Payment confirmation time",
    "section.security": "Payment security programme: scans and upgrades",
    "security.lead": (
        "{scans} scan(s) imported this month, {new} new finding(s); {open} high or critical finding(s) unresolved, "
        "{overdue} overdue, {missed} missed scan(s) or upgrade(s)."
    ),
    "security.basis": (
        "External scans quarterly and authenticated internal scans monthly (each institution may have its own); "
        "high and critical findings need the emergency plan started within 48 hours of discovery and a fix within "
        "7 working days, verified by a later scan; a full system upgrade every half-year."
    ),
    "settlement.sources": (
        "Sources: {messages} payment(s) timed by their pacs.008/pacs.002 messages, {claimed} by the institution's "
        "self-reported confirmed_at."
    ),
    "col.scans": "Scans",
    "col.new_findings": "New findings",
    "col.critical_high_open": "High+ unresolved",
    "col.overdue_findings": "Overdue",
    "col.missed_scans": "Missed scans/upgrades",
    "col.source": "Source",
    "col.self_median_h": "Self-reported median (h)",
    "ratings.lead": "{n} payment institutions rated this month; {changed} changed class since last month.",
    "ratings.lead_first": "{n} payment institutions rated this month, for the first time: no earlier class to compare.",
    "ratings.basis": (
        "Modules: AML and suspicious activity, three-document "
        "matching, confirmation time, security-incident deadlines, "
        "consumer complaints, data quality of the institution's "
        "own feed; weights and bands follow the provincial scoring rules (version {version}) set within the "
        "PBoC's framework for classifying non-bank payment institutions."
    ),
    "notices.lead": (
        "{warnings} risk warning(s) and {rectifications} rectification "
        "notice(s) issued this month; {overdue} open notice(s) "
        "are overdue."
    ),
    "incidents.lead": (
        "{total} security incident(s) reported this month; {response} "
        "answered after 48 hours, {fix} fixed after 7 working "
        "days."
    ),
    "incidents.basis": (
        "Deadlines: emergency response within 48 elapsed hours "
        "(holidays included) and a fix within 7 Chinese working "
        "days."
    ),
    "settlement.lead": (
        "{confirmed} payments confirmed this month, {share}% "
        "within {target} hours (target: under 1 day; baseline "
        "about {baseline} hours)."
    ),
    "chart.grades": "Institutions per class",
    "chart.settlement": "Median confirmation time (hours)",
    "col.grade": "Class",
    "col.previous": "Last month",
    "col.kind": "Kind",
    "col.state": "State",
    "col.due": "Due",
    "col.incident": "Incident",
    "col.severity": "Severity",
    "col.response_hours": "Response (h)",
    "col.fix_due": "Fix due",
    "col.breach": "Breach",
    "col.confirmed": "Confirmed",
    "col.median_h": "Median (h)",
    "col.p90_h": "p90 (h)",
    "col.within_target": "Within 24 h",
    "module.aml": "AML",
    "module.documents": "Documents",
    "module.settlement": "Confirmation",
    "module.incidents": "Incidents",
    "module.complaints": "Complaints",
    "module.data_quality": "Data quality",
    "kind.warning": "Risk warning",
    "kind.rectification": "Rectification notice",
    "state.issued": "issued",
    "state.acknowledged": "acknowledged",
    "state.plan_submitted": "plan submitted",
    "state.rectified": "rectified",
    "state.verified": "verified",
    "state.overdue": "overdue",
    "state.escalated": "escalated",
    "state.withdrawn": "withdrawn",
    "breach.response": "late response",
    "breach.fix": "late fix",
}

CONSUMERS_ZH: dict[str, str] = {
    "section.consumers": "消费者保护与产品质量",
    "section.ip": "知识产权保护",
    "consumers.lead": "本月受理消费者投诉 {total} 件，逾期未办结 {overdue} 件，办结满意度均分 {satisfaction}。",
    "quality.title": "产品质量",
    "quality.lead": (
        "备案 {filings} 件（问题 {findings} 项），抽检 {inspections} "
        "批次、不合格 {failed} 批次；质量案件在办 {open} 件，"
        "逾期 {overdue} 件。"
    ),
    "ip.lead": "在售商品与注册商标比对命中 {findings} 条，涉及企业 {enterprises} 家。",
    "ip.takedowns": "下架案件（按状态）",
    "col.category": "类别",
    "col.measure": "处置措施",
    "col.enterprise": "企业",
    "col.findings": "命中",
    "col.listings": "在售商品",
    "col.marks": "涉及商标",
    "col.ip_risk": "知识产权风险（研发 / 采购 / 销售）",
    "category.quality": "质量问题",
    "category.counterfeit": "假冒",
    "category.refund_return": "退款退货",
    "category.delivery": "物流",
    "category.near_expiry": "临期",
    "category.description_mismatch": "货不对板",
    "category.privacy": "隐私",
    "category.payment": "支付",
    "category.other": "其他",
    "measure.delist": "下架",
    "measure.rectify": "整改",
    "measure.return": "退运",
    "measure.destroy": "销毁",
    "section.logistics": "跨境物流成本与时效",
    "logistics.lead": (
        "本月发运 {parcels} 件，妥投 {delivered} 件，丢失或退回 {gone} 件；运单时效中位数 {p50} 天、"
        "90% 分位 {p90} 天；有运费记录的 {costed} 件平均每件 {per_parcel} 元、每公斤 {per_kg} 元。"
    ),
    "logistics.note": "运费为订单所列运费，按下单日汇率折合人民币；包邮订单不计入成本。时效为发运至妥投。",
    "logistics.trend": "近六个月趋势",
    "logistics.by.mode": "按物流模式",
    "logistics.by.carrier": "按承运商",
    "logistics.by.corridor": "按通道（起运国-目的国）",
    "col.parcels": "件数",
    "col.delivered": "妥投",
    "col.costed": "计费件数",
    "col.per_parcel": "元/件",
    "col.per_kg": "元/公斤",
    "col.p50": "时效中位数（天）",
    "col.p90": "时效90%分位（天）",
    "col.month": "月份",
    "mode.direct_mail": "直邮",
    "mode.bonded": "保税",
    "mode.overseas_warehouse": "海外仓",
    "mode.unknown": "未知",
}

CONSUMERS_EN: dict[str, str] = {
    "section.consumers": "Consumer protection and product quality",
    "section.ip": "IP protection",
    "consumers.lead": (
        "{total} consumer complaint(s) received this month; {overdue} "
        "overdue; mean satisfaction at closure {satisfaction}."
    ),
    "quality.title": "Product quality",
    "quality.lead": (
        "{filings} filings ({findings} problems found), {inspections} "
        "inspections with {failed} failed; {open} quality cases "
        "open, {overdue} overdue."
    ),
    "ip.lead": "{findings} listing(s) hit a registered mark, across {enterprises} enterprise(s).",
    "ip.takedowns": "Takedown cases by state",
    "col.category": "Category",
    "col.measure": "Measure",
    "col.enterprise": "Enterprise",
    "col.findings": "Hits",
    "col.listings": "Listings",
    "col.marks": "Marks",
    "col.ip_risk": "IP risk (R&D / sourcing / sales)",
    "category.quality": "quality",
    "category.counterfeit": "counterfeit",
    "category.refund_return": "refund/return",
    "category.delivery": "delivery",
    "category.near_expiry": "near expiry",
    "category.description_mismatch": "not as described",
    "category.privacy": "privacy",
    "category.payment": "payment",
    "category.other": "other",
    "measure.delist": "delist",
    "measure.rectify": "rectify",
    "measure.return": "return",
    "measure.destroy": "destroy",
    "section.logistics": "Cross-border logistics cost and time",
    "logistics.lead": (
        "{parcels} parcel(s) shipped this month, {delivered} delivered, {gone} lost or returned; transit median "
        "{p50} days, 90th percentile {p90} days; the {costed} parcel(s) with a freight charge cost CNY "
        "{per_parcel} each, CNY {per_kg} per kg."
    ),
    "logistics.note": (
        "Freight is what the order states, in CNY at the order date's rate; free-shipping orders are not costed. "
        "Transit runs from shipped to delivered."
    ),
    "logistics.trend": "Trend over six months",
    "logistics.by.mode": "By shipping mode",
    "logistics.by.carrier": "By carrier",
    "logistics.by.corridor": "By corridor (origin-destination)",
    "col.parcels": "Parcels",
    "col.delivered": "Delivered",
    "col.costed": "Costed",
    "col.per_parcel": "CNY/parcel",
    "col.per_kg": "CNY/kg",
    "col.p50": "Transit p50 (days)",
    "col.p90": "Transit p90 (days)",
    "col.month": "Month",
    "mode.direct_mail": "direct mail",
    "mode.bonded": "bonded",
    "mode.overseas_warehouse": "overseas warehouse",
    "mode.unknown": "unknown",
}
