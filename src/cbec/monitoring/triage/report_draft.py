"""The suspicious transaction report (可疑交易报告) drafted when a review item closes as a true positive.

PBoC Order [2016] No. 3 (金融机构大额交易和可疑交易报告管理办法, as amended in 2018): art. 11 (a transaction
suspected of money laundering, terrorist financing or another crime is reported whatever its amount),
art. 15 (the analyst's review of what monitoring selected is kept on record) and art. 19 (the report is filed
within 5 working days of the institution's confirmation). The draft holds the report's elements: reporting
institution, subject account and party, the suspicious payments with amounts and currencies (decimal strings,
never floats), the typology and the evidence's reasons in Chinese and English, the analyst, and the dates.
The payments are the item's and those of its case's other items still open or confirmed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from cbec.auth.domain import SYSTEM, Principal
from cbec.core.calendar import WorkingCalendar
from cbec.core.clock import SHANGHAI
from cbec.feeds.service import lake_views, read_side
from cbec.monitoring.triage.assignment import typology_of
from cbec.monitoring.triage.models import ReviewItem, SuspiciousReportDraft
from cbec.storage.store import Store

LEGAL_BASIS = (
    "《金融机构大额交易和可疑交易报告管理办法》(中国人民银行令〔2016〕第3号,2018年修订)第十一条、第十五条、第十九条 / "
    "PBoC Order [2016] No. 3 (amended 2018), art. 11, 15 and 19"
)
FILING_WORKING_DAYS = 5  # art. 19: at most five working days after the suspicion is confirmed
PAYMENT_COLUMNS = ("payment_id", "payer_id", "payee_id", "direction", "channel", "amount", "currency", "initiated_at")


def report_payment_ids(session: Session, item: ReviewItem) -> list[str]:
    """Return the payments a draft reports: the item's, then its case's others still open or confirmed."""
    if item.case_id is None:
        return [item.payment_id]
    others = session.scalars(
        select(ReviewItem.payment_id)
        .where(
            ReviewItem.case_id == item.case_id,
            ReviewItem.id != item.id,
            or_(ReviewItem.state != "closed", ReviewItem.disposition == "true_positive"),
        )
        .order_by(ReviewItem.id)
    )
    return [item.payment_id, *others]


def lake_payments(store: Store, institution_id: str, payment_ids: Sequence[str]) -> list[dict[str, Any]]:
    """Read the named payments of an institution from the lake (a payment not found there keeps only its id)."""
    con = read_side(store=store)
    try:
        found: dict[str, dict[str, Any]] = {}
        if "payments" in lake_views(con) and payment_ids:
            marks = ", ".join("?" for _ in payment_ids)
            rows = con.execute(
                f"SELECT {', '.join(PAYMENT_COLUMNS)} FROM payments "  # nosec B608: fixed column names, bound values
                f"WHERE institution_id = ? AND payment_id IN ({marks})",
                [institution_id, *payment_ids],
            ).fetchall()
            found = {str(r[0]): dict(zip(PAYMENT_COLUMNS, r, strict=True)) for r in rows}
    finally:
        con.close()
    return [found.get(p, {"payment_id": p}) for p in payment_ids]


def _as_text(payment: Mapping[str, Any]) -> dict[str, Any]:
    """Return a payment as the draft keeps it: the amount a decimal string, the time ISO 8601 in Shanghai."""
    kept = {k: (str(v) if v is not None else None) for k, v in payment.items()}
    when = payment.get("initiated_at")
    if isinstance(when, datetime):
        kept["initiated_at"] = when.astimezone(SHANGHAI).isoformat()
    return kept


def totals(payments: Sequence[Mapping[str, Any]]) -> list[dict[str, str]]:
    """Return the amounts summed per currency, in currency order (decimal strings)."""
    sums: dict[str, Decimal] = {}
    for p in payments:
        if p.get("amount") is not None and p.get("currency"):
            sums[str(p["currency"])] = sums.get(str(p["currency"]), Decimal(0)) + Decimal(str(p["amount"]))
    return [{"currency": c, "amount": str(sums[c])} for c in sorted(sums)]


def draft_report(
    session: Session,
    item: ReviewItem,
    *,
    payments: Sequence[Mapping[str, Any]],
    analyst: str,
    reason: str,
    now: datetime,
) -> SuspiciousReportDraft:
    """Keep the draft of a report for an item just closed as a true positive (once: a second call returns it)."""
    kept = session.scalars(select(SuspiciousReportDraft).where(SuspiciousReportDraft.item_id == item.id)).first()
    if kept is not None:
        return kept
    shown = [_as_text(p) for p in payments]
    times = sorted(p["initiated_at"] for p in payments if isinstance(p.get("initiated_at"), datetime))
    payer = next((str(p["payer_id"]) for p in payments if p.get("payer_id")), None)
    draft = SuspiciousReportDraft(
        item_id=item.id,
        case_id=item.case_id,
        institution_id=item.institution_id,
        month=item.month,
        subject_account=item.account_id,
        subject_party=payer,
        payments=shown,
        totals=totals(payments),
        typology=typology_of(item.contributions) or "unknown",
        reasons=list(item.contributions),
        analyst_reason=reason,
        analyst=analyst,
        legal_basis=LEGAL_BASIS,
        status="draft",
        first_at=times[0] if times else None,
        last_at=times[-1] if times else None,
        detected_at=item.created_at,
        drafted_at=now,
    )
    session.add(draft)
    session.flush()
    return draft


def draft_view(draft: SuspiciousReportDraft, calendar: WorkingCalendar) -> dict[str, Any]:
    """Return a draft as entry points show and export it, with its filing deadline (art. 19)."""
    due = calendar.add_working_days(draft.drafted_at.astimezone(SHANGHAI), FILING_WORKING_DAYS)
    return {
        "id": draft.id,
        "item_id": draft.item_id,
        "case_id": draft.case_id,
        "status": draft.status,
        "reporting_institution": draft.institution_id,
        "month": draft.month,
        "subject_account": draft.subject_account,
        "subject_party": draft.subject_party,
        "typology": draft.typology,
        "payments": draft.payments,
        "totals": draft.totals,
        "reasons": draft.reasons,
        "analyst": draft.analyst,
        "analyst_reason": draft.analyst_reason,
        "legal_basis": draft.legal_basis,
        "first_payment_at": draft.first_at,
        "last_payment_at": draft.last_at,
        "detected_at": draft.detected_at,
        "drafted_at": draft.drafted_at,
        "file_by": due,
    }


def get_report_draft(*, store: Store, item_id: int, principal: Principal = SYSTEM) -> dict[str, Any] | None:
    """Return the draft report of an item the principal may see (None: no draft, or not theirs)."""
    with store.factory() as session:
        draft = session.scalars(select(SuspiciousReportDraft).where(SuspiciousReportDraft.item_id == item_id)).first()
        if draft is None or not principal.can_see("institution_id", draft.institution_id):
            return None
        return draft_view(draft, store.calendar())


def _local(value: object) -> str:
    """Return a time as Asia/Shanghai reads it (minutes), anything else as it is ("—" for none)."""
    if isinstance(value, datetime):
        return value.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
    return "—" if value is None else str(value)


def report_text(draft: Mapping[str, Any]) -> str:
    """Return a draft as a person reads it: its elements, one per line, in Chinese with English labels."""
    lines = [
        f"可疑交易报告(草稿)/ Suspicious transaction report (draft) #{draft['id']}",
        f"报告机构 / Reporting institution: {draft['reporting_institution']}",
        f"可疑主体账户 / Subject account: {draft['subject_account'] or '—'}",
        f"可疑主体 / Subject party: {draft['subject_party'] or '—'}",
        f"可疑交易类型 / Typology: {draft['typology']}",
        f"交易期间 / Period: {_local(draft['first_payment_at'])} — {_local(draft['last_payment_at'])}",
        "金额合计 / Totals: " + ("; ".join(f"{t['currency']} {t['amount']}" for t in draft["totals"]) or "—"),
        f"交易笔数 / Payments: {len(draft['payments'])}",
    ]
    lines += [
        f"  {p.get('payment_id')}  {p.get('initiated_at') or ''}  {p.get('payer_id') or ''} → {p.get('payee_id') or ''}"
        f"  {p.get('currency') or ''} {p.get('amount') or ''}"
        for p in draft["payments"]
    ]
    lines += ["可疑理由 / Reasons:"]
    lines += [f"  {r.get('zh')} / {r.get('en')}" for r in draft["reasons"]]
    lines += [
        f"分析人员 / Analyst: {draft['analyst']} — {draft['analyst_reason']}",
        f"发现时间 / Detected: {_local(draft['detected_at'])}; 起草时间 / Drafted: {_local(draft['drafted_at'])}",
        f"报送期限 / File by: {_local(draft['file_by'])} (Asia/Shanghai)",
        f"依据 / Legal basis: {draft['legal_basis']}",
    ]
    return "\n".join(lines) + "\n"
