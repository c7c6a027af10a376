"""The dashboard's words in Chinese and English; the choice is kept in a cookie."""

from __future__ import annotations

from starlette.requests import Request

from cbec.web.i18n_agenda import AGENDA_TEXT
from cbec.web.i18n_review import REVIEW_TEXT
from cbec.web.words import WORDS

LANG_COOKIE = "cbec_lang"
LANGS = ("zh", "en")
DEFAULT_LANG = "zh"

TEXT: dict[str, tuple[str, str]] = {
    "app": ("浙江跨境电商监管平台", "Zhejiang CBEC Supervision"),
    "login": ("登录", "Log in"),
    "logout": ("退出", "Log out"),
    "username": ("用户名", "User name"),
    "password": ("密码", "Password"),
    "login_failed": ("用户名或密码错误", "Wrong user name or password"),
    "login_throttled": ("尝试次数过多，请稍后再试：", "Too many attempts; try again in"),
    "too_many_filings": ("提交过于频繁，请稍后再试：", "Too many complaints from here; try again in"),
    "overview": ("全省概览", "Province overview"),
    "alerts": ("预警队列", "Alert queue"),
    "institutions": ("支付机构", "Institutions"),
    "notices": ("通知看板", "Notices board"),
    "portal": ("我的门户", "My portal"),
    "complaints": ("消费者投诉", "Consumer complaints"),
    "complaint_form": ("消费者投诉（无需登录）", "File a complaint (no login needed)"),
    "complaint_privacy": (
        "您的姓名和电话加密保存，仅以打码形式显示。",
        "Your name and phone are stored encrypted and only shown masked.",
    ),
    "complaint_invalid": ("请检查以下内容", "Please check"),
    "complaint_text": ("投诉内容", "What happened"),
    "consumer_name": ("姓名", "Name"),
    "consumer_phone": ("电话", "Phone"),
    "platform_id": ("购物平台", "Platform"),
    "enterprise_id": ("商家统一社会信用代码", "Seller's credit code"),
    "order_id": ("订单号", "Order number"),
    "amount_claimed": ("诉求金额（元）", "Amount claimed (CNY)"),
    "submit_complaint": ("提交投诉", "Submit"),
    "tracking_code": ("查询码", "Tracking code"),
    "track_complaint": ("查询投诉进度", "Track a complaint"),
    "look_up": ("查询", "Look up"),
    "tracking_code_malformed": (
        "查询码格式不对：应为 TS 加 12 位数字或字母 A–F，例如 TS0123456789AB。",
        "That is not a tracking code: it is TS followed by 12 digits or letters A–F, e.g. TS0123456789AB.",
    ),
    "tracking_code_unknown": (
        "没有这个查询码的投诉，请核对后再试。",
        "No complaint has this tracking code; please check it and try again.",
    ),
    "track": ("查询", "Track"),
    "complaint_filed": (
        "投诉已受理登记，请保存查询码：",
        "Your complaint is registered. Keep this tracking code:",
    ),
    "satisfaction": ("满意度（1–5）", "Satisfaction (1-5)"),
    "close_complaint": ("确认办结", "Close the complaint"),
    "dispute": ("不同意处理结果", "Dispute the answer"),
    "not_allowed": ("当前状态下不能执行该操作", "That step is not possible now"),
    "category": ("类别", "Category"),
    "due": ("期限", "Due"),
    "when": ("时间", "When"),
    "statistics": ("统计数据", "Statistics"),
    "reports": ("月度报告", "Monthly reports"),
    "reports_note": (
        "报告首次下载时生成（中英文同时生成），之后直接提供。",
        "A report is built on its first download, in both languages at once, and kept.",
    ),
    "table1": (
        "表1 跨境电商进出口额与增长（官方数据，逐项核对）",
        "Table 1: CBEC trade and growth (official, each figure checked)",
    ),
    "year": ("年份", "Year"),
    "indicator": ("指标", "Indicator"),
    "reported_growth": ("报告增速 %", "Reported growth %"),
    "computed_growth": ("计算增速 %", "Computed growth %"),
    "difference": ("差值（百分点）", "Difference (pp)"),
    "verdict": ("核对", "Check"),
    "source": ("来源", "Source"),
    "verdict_agrees": ("一致", "agrees"),
    "verdict_disagrees": ("不一致", "disagrees"),
    "verdict_no_base": ("无上年数据", "no prior year"),
    "verdict_not_reported": ("未报告增速", "no growth reported"),
    "brands_by_city": ("各市注册商标", "Registered marks by city"),
    "from_feeds": (
        "来自数据接入（演示为合成数据），非官方",
        "from the feeds (synthetic in the demo), not official",
    ),
    "city": ("城市", "City"),
    "marks": ("商标数", "Marks"),
    "owners": ("权利人", "Owners"),
    "job_demand": ("岗位需求", "Job demand"),
    "job_role": ("岗位", "Role"),
    "postings": ("招聘数", "Postings"),
    "official_ranking": ("论文给出的需求排序", "The paper's ranking of demand"),
    "month": ("月份", "Month"),
    "payments": ("支付笔数", "Payments"),
    "alerts_count": ("预警数", "Alerts"),
    "enterprises": ("活跃企业", "Active enterprises"),
    "open_notices": ("未结通知", "Open notices"),
    "overdue_notices": ("逾期通知", "Overdue notices"),
    "city_map": ("各市支付与预警", "Payments and alerts per city"),
    "map_metric_payments": ("支付笔数", "payments"),
    "map_metric_alerts": ("预警数", "alerts"),
    "trend": ("每日趋势", "Daily trend"),
    "by_severity": ("按严重程度", "By severity"),
    "by_typology": ("按类型", "By typology"),
    "ratings": ("机构评级", "Institution ratings"),
    "grade": ("等级", "Grade"),
    "total": ("总分", "Score"),
    "previous": ("上月", "Last month"),
    "filter": ("筛选", "Filter"),
    "all": ("全部", "All"),
    "severity": ("严重程度", "Severity"),
    "rule": ("规则", "Rule"),
    "institution": ("机构", "Institution"),
    "key": ("对象", "Key"),
    "observed": ("观测值", "Observed"),
    "threshold": ("阈值", "Threshold"),
    "window": ("窗口", "Window"),
    "first_at": ("开始时间", "First seen"),
    "last_at": ("最近时间", "Last seen"),
    "status": ("状态", "Status"),
    "explanation": ("说明", "Explanation"),
    "evidence": ("证据图：账户与支付", "Evidence: accounts and payments"),
    "evidence_truncated": ("仅显示前 300 笔支付", "showing the first 300 payments"),
    "alert_payments": ("涉及支付", "Payments named"),
    "payment": ("支付", "Payment"),
    "amount": ("金额", "Amount"),
    "payer": ("付款方", "Payer"),
    "payee": ("收款方", "Payee"),
    "time": ("时间", "Time"),
    "issue_notice": ("下发通知", "Issue a notice"),
    "kind": ("类型", "Kind"),
    "title": ("标题", "Title"),
    "body": ("内容", "Body"),
    "submit": ("提交", "Submit"),
    "notice": ("通知", "Notice"),
    "state": ("状态", "State"),
    "issued_at": ("下发时间", "Issued"),
    "issued_by": ("下发人", "Issued by"),
    "due_at": ("截止时间", "Deadline"),
    "overdue": ("已逾期", "overdue"),
    "overdue_only": ("仅看逾期", "Overdue only"),
    "history": ("处理记录", "History"),
    "action": ("操作", "Action"),
    "reason": ("说明/理由", "Reason"),
    "actor": ("操作人", "By"),
    "take_action": ("处理通知", "Act on this notice"),
    "no_actions": ("当前无可执行操作", "Nothing to do on this notice now"),
    "modules": ("评级模块", "Rating modules"),
    "module": ("模块", "Module"),
    "value": ("数值", "Value"),
    "score": ("得分", "Score"),
    "weight": ("权重", "Weight"),
    "deadlines": ("截止事项", "Deadlines"),
    "incidents": ("安全事件", "Security incidents"),
    "response_due": ("响应截止", "Response due"),
    "fix_due": ("整改截止", "Fix due"),
    "my_alerts": ("我的预警", "My alerts"),
    "to_answer": ("待答复通知", "Notices to answer"),
    "none": ("暂无", "None"),
    "not_found": ("不存在或无权查看", "Not found or not yours to see"),
    "forbidden": ("无权执行此操作", "You may not do this"),
    "back": ("返回", "Back"),
    "page": ("页", "page"),
    "next": ("下一页", "Next"),
    "prev": ("上一页", "Previous"),
    "of": ("共", "of"),
    "rows": ("条", "rows"),
    "done": ("已完成", "Done"),
    "error": ("出错了", "Something went wrong"),
    "lang_switch": ("English", "中文"),
    "role": ("角色", "Role"),
    "csrf_failed": ("表单已失效，请刷新后重试", "The form expired; reload and try again"),
    "too_many": ("请求过于频繁，请稍后再试", "Too many requests; try again later"),
    "from_alert": ("来自预警", "From alert"),
    "individual": ("个人账户", "individual"),
    "enterprise": ("企业账户", "enterprise"),
    "unknown": ("未知", "unknown"),
    "city_table": ("各市明细", "Per city"),
    "credit": ("企业信用", "Enterprise credit"),
    "credit_grades": ("信用等级分布", "Grades"),
    "credit_grade": ("等级", "Grade"),
    "credit_enterprises": ("企业数", "Enterprises"),
    "credit_ratings": ("信用评级", "Ratings"),
    "credit_enterprise": ("企业", "Enterprise"),
    "credit_period": ("期间", "Period"),
    "credit_score": ("分数", "Score"),
    "credit_reasons": ("原因", "Reasons"),
    "credit_measures": ("措施", "Measures"),
    "credit_fast_clearance": ("快速通关", "fast clearance"),
    "credit_inspection": ("查验率", "inspection rate"),
    "credit_lists": ("红黑名单", "Red and black lists"),
    "credit_list": ("名单", "List"),
    "ip": ("知识产权", "IP protection"),
    "ip_takedowns": ("下架案件(电子商务法第42-45条)", "Takedowns (E-Commerce Law arts. 42-45)"),
    "ip_listing": ("商品链接", "Listing"),
    "ip_platform": ("平台", "Platform"),
    "ip_seller": ("经营者", "Seller"),
    "ip_right": ("权利", "Right"),
    "ip_owner": ("权利人", "Rights holder"),
    "ip_state": ("状态", "State"),
    "ip_due": ("期限", "Due"),
    "ip_copies": ("图片与描述抄袭发现", "Copied images and descriptions"),
    "ip_rule": ("规则", "Rule"),
    "ip_how": ("方式", "How"),
    "ip_measure": ("度量 / 阈值", "Measure / threshold"),
    "ip_border": ("海关备案布控提示", "Customs recordation flags"),
    "ip_declaration": ("报关单", "Declaration"),
    "ip_recordation": ("备案号", "Recordation"),
    "ip_steps": ("处理经过", "Steps"),
    "ip_evidence": ("证据文件", "Evidence files"),
    "ip_month": ("月份", "Month"),
    "ip_show": ("查询", "Show"),
}

TEXT.update(WORDS)


def lang_of(request: Request) -> str:
    """Return the language the visitor chose (cookie), else Chinese."""
    chosen = request.cookies.get(LANG_COOKIE, DEFAULT_LANG)
    return chosen if chosen in LANGS else DEFAULT_LANG


def translate(lang: str, key: str) -> str:
    """Return the text of a key in a language (the key itself when unknown, so gaps show)."""
    pair = TEXT.get(key)
    if pair is None:
        return key
    return pair[0] if lang == "zh" else pair[1]


def pick(lang: str, pair: tuple[str, str] | None, fallback: str = "") -> str:
    """Return the zh or en half of a (zh, en) pair from another context's titles."""
    if pair is None:
        return fallback
    return pair[0] if lang == "zh" else pair[1]


TEXT.update(AGENDA_TEXT)  # the talent and education pages' words, kept beside their pages
TEXT.update(REVIEW_TEXT)  # the review queue's words
