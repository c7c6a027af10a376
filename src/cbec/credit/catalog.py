"""The features of an enterprise's credit file: where each comes from and which way its risk runs."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class CreditFeature:
    """One feature: its source feed or context, the risk trend (None: let the data say) and its titles."""

    name: str
    source: str
    trend: str | None
    title_zh: str
    title_en: str
    # A slot waiting for its context: shown in every file, but it reads a fixed value and carries no
    # information until the context exists (e.g. IP findings until issue 9).
    placeholder: str | None = None


FEATURES: tuple[CreditFeature, ...] = (
    CreditFeature("trade_value_cny", "orders", None, "跨境交易额（人民币元）", "cross-border trade value (CNY)"),
    CreditFeature("trade_growth", "orders", None, "交易额较上一窗口增长", "trade growth on the previous window"),
    CreditFeature("order_count", "orders", None, "订单数", "orders"),
    CreditFeature(
        "alerts_per_1k_payments",
        "monitoring.alerts",
        "ascending",
        "支付预警（按严重度加权）/ 千笔支付",
        "payment alerts (severity-weighted) per 1,000 payments",
    ),
    CreditFeature(
        "high_severity_alerts",
        "monitoring.alerts",
        "ascending",
        "高 / 严重级支付预警数",
        "high or critical payment alerts",
    ),
    CreditFeature(
        "document_mismatch_rate",
        "monitoring.matching",
        "ascending",
        "三单对碰不一致率",
        "three-document mismatch rate",
    ),
    CreditFeature(
        "refund_reversal_share",
        "payments",
        "ascending",
        "退款或撤销的支付占比",
        "share of payments refunded or reversed",
    ),
    CreditFeature(
        "settlement_late_share",
        "payments",
        "ascending",
        "超过 24 小时未确认的支付占比",
        "share of payments not confirmed within 24 hours",
    ),
    CreditFeature("inspection_fails", "inspections", "ascending", "抽检不合格次数", "failed product inspections"),
    CreditFeature(
        "filing_problems", "filings", "ascending", "被撤销或驳回的商品备案数", "product filings revoked or rejected"
    ),
    CreditFeature(
        "complaints_per_1k_orders",
        "complaints",
        "ascending",
        "消费者投诉 / 千笔订单",
        "consumer complaints per 1,000 orders",
    ),
    CreditFeature(
        "complaint_resolution_share",
        "complaints",
        "descending",
        "投诉办结率",
        "share of complaints resolved",
    ),
    CreditFeature("review_mean_rating", "reviews", "descending", "消费评价平均星级", "mean review rating"),
    CreditFeature("low_review_share", "reviews", "ascending", "差评（1–2 星）占比", "share of 1–2 star reviews"),
    CreditFeature("ip_findings", "ip", "ascending", "知识产权侵权认定数", "IP infringement findings"),
    CreditFeature("ip_rd_risk", "ip", "ascending", "知识产权风险·研发（0–100）", "IP risk, R&D (0–100)"),
    CreditFeature("ip_sourcing_risk", "ip", "ascending", "知识产权风险·采购（0–100）", "IP risk, sourcing (0–100)"),
    CreditFeature("ip_sales_risk", "ip", "ascending", "知识产权风险·销售（0–100）", "IP risk, sales (0–100)"),
    CreditFeature("late_delivery_share", "waybills", "ascending", "物流延误占比", "share of shipments delivered late"),
    CreditFeature("lost_share", "waybills", "ascending", "物流丢失占比", "share of shipments lost"),
    CreditFeature("returned_share", "waybills", "ascending", "物流退回占比", "share of shipments returned"),
    CreditFeature(
        "customs_grade_rank",
        "customs_credit_grades",
        "ascending",
        "海关信用等级（0 高级认证 … 4 严重失信）",
        "customs credit grade (0 AEO advanced … 4 seriously dishonest)",
    ),
)

BY_NAME = {f.name: f for f in FEATURES}
