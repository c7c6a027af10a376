"""The report's words as a document: cover, executive summary and its actions, units and notes (zh and en)."""

from __future__ import annotations

# The paper the official figures and targets come from, named as the document it is (a figure's source:
# 《…》表 1, “…” (2025), Table 1).
PAPER_ZH = "《浙江省跨境电商现状、问题和对策分析》"
PAPER_EN = "“Zhejiang CBEC: status quo, problems and countermeasures” (2025)"

DOCUMENT_ZH: dict[str, str] = {
    "cover.authority": "发文机关",
    "cover.number": "文号",
    "section.executive": "本月要点与建议行动",
    "executive.lead": "根据本月数据，建议采取以下 {n} 项行动（按紧迫程度排列）：",
    "executive.none": "本月数据未触发任何需要采取的行动。",
    "executive.more": "另有 {n} 项较次要的事项见正文各节。",
    "executive.basis": "各项由正文各节的数据推导，数字与正文一致。",
    "action.weak_grades_unwarned": (
        "对评级为 C/D 类的 {n} 家支付机构加强监管；其中 {m} 家本月尚未发出风险预警：{names}。"
    ),
    "action.weak_grades": "对评级为 C/D 类的 {n} 家支付机构（{names}）跟踪已发出的风险预警。",
    "action.notices_overdue": "督办 {n} 份已逾期的风险预警与整改通知。",
    "action.incidents_late": (
        "本月 {total} 起安全事件中有 {n} 起超过处置时限（48 小时响应超时 {response} 起，7 个工作日修复超时 {fix} 起），"
        "责成相关机构说明原因。"
    ),
    "action.complaints_overdue": "督办 {n} 件逾期事项：消费者投诉 {complaints} 件、质量案件 {cases} 件。",
    "action.security_overdue": "督促整改 {n} 项逾期未处置的高危漏洞，另有 {missed} 次应做未做的扫描。",
    "action.worst_matching": "核查三单对碰匹配率最低的 {n} 家机构（全省 {overall}）：{names}。",
    "action.serious_alerts": "核查本月 {n} 条严重及高风险预警（严重 {critical} 条，高 {high} 条）。",
    "summary.map_coverage": (
        "地图只含能关联到企业所在市的支付：占本月金额 {mapped}；其余 {unmapped}（{payments} 笔，如无订单的汇款）"
        "未关联企业，不在地图中。"
    ),
    "stats.monthly_note": (
        "下表为统计数据接入报送的全省口径数字（按样本比例推算到全省），"
        "与第 1 节按支付数据逐笔统计的笔数、金额口径不同。"
    ),
    "unit.月": "个月",
    "unit.工作日": "个工作日",
}

DOCUMENT_EN: dict[str, str] = {
    "cover.authority": "Issued by",
    "cover.number": "Document number",
    "section.executive": "The month's actions",
    "executive.lead": "The month's data call for these {n} actions, most urgent first:",
    "executive.none": "The month's data call for no action.",
    "executive.more": "{n} further matters of lower priority are in the sections that follow.",
    "executive.basis": "Each action is derived from the data of the sections that follow; the figures agree with them.",
    "action.weak_grades_unwarned": (
        "Supervise the {n} payment institutions rated C or D more closely; {m} of them have had no risk warning "
        "this month: {names}."
    ),
    "action.weak_grades": "Follow up the risk warnings issued to the {n} payment institutions rated C or D ({names}).",
    "action.notices_overdue": "Chase {n} overdue risk warnings and rectification notices.",
    "action.incidents_late": (
        "{n} of the month's {total} security incidents missed a deadline ({response} the 48-hour response, {fix} the "
        "7-working-day fix): require the institutions to explain."
    ),
    "action.complaints_overdue": (
        "Chase {n} overdue matters: {complaints} consumer complaints and {cases} quality cases."
    ),
    "action.security_overdue": "Chase {n} overdue critical or high vulnerabilities and {missed} missed scans.",
    "action.worst_matching": (
        "Look into the {n} institutions with the lowest three-document match rates (province {overall}): {names}."
    ),
    "action.serious_alerts": "Review the month's {n} critical and high alerts ({critical} critical, {high} high).",
    "summary.map_coverage": (
        "The map shows only payments linked to an enterprise's city: {mapped} of the month's amount; the other "
        "{unmapped} ({payments} payments, e.g. remittances without an order) have no enterprise and are not mapped."
    ),
    "stats.monthly_note": (
        "The statistics feed reports these figures for the whole province (the sample scaled up to the province); "
        "they are not counted like the payments and amounts of section 1, which are counted payment by payment."
    ),
    "unit.天": "days",
    "unit.小时": "hours",
    "unit.工作日": "working days",
    "unit.月": "months",
    "unit.人次/年": "people a year",
    "unit.元": "yuan",
    "unit.亿元": "CNY 100m",
    "unit.万笔": "10,000 payments",
    "unit.万单": "10,000 orders",
    "unit.个": "",
    "unit.件": "",
}
