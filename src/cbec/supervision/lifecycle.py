"""The lifecycles of risk warnings (预警) and rectification notices (整改通知): states, roles, deadlines. Pure."""

from __future__ import annotations

from cbec.auth.domain import INSTITUTION, REGULATOR_ADMIN, REGULATOR_ANALYST
from cbec.core.i18n import labels
from cbec.core.workflow import Deadline, Lifecycle
from cbec.supervision.config import NoticeConfig

WARNING = "warning"
RECTIFICATION = "rectification"
KINDS = (WARNING, RECTIFICATION)
# Who may take which action: the institution answers, the regulator decides (the scheduled check is the system).
INSTITUTION_ACTIONS = frozenset({"acknowledge", "submit_plan", "report_rectified"})
REGULATOR_ACTIONS = frozenset({"acknowledge", "verify", "reject", "withdraw", "escalate", "overdue"})
# The admin may record any step (e.g. a plan handed in on paper); otherwise each side takes its own.
ROLES = {REGULATOR_ADMIN: None, REGULATOR_ANALYST: REGULATOR_ACTIONS, INSTITUTION: INSTITUTION_ACTIONS}
LATE = frozenset({"overdue", "escalated"})  # shown as overdue whatever the deadline
KIND_TITLES = labels.pairs("notice_kind")  # (zh, en) by code: the catalogs name each code once
STATE_TITLES = labels.pairs("notice_state")  # (zh, en) by code: the catalogs name each code once


def warning_lifecycle(config: NoticeConfig) -> Lifecycle:
    """Issued → acknowledged; unanswered past its deadline → overdue → escalated."""
    days = config.warning
    return Lifecycle(
        name=WARNING,
        initial="issued",
        transitions={
            ("issued", "acknowledge"): "acknowledged",
            ("issued", "overdue"): "overdue",
            ("issued", "withdraw"): "withdrawn",
            ("overdue", "acknowledge"): "acknowledged",
            ("overdue", "escalate"): "escalated",
        },
        final=frozenset({"acknowledged", "escalated", "withdrawn"}),
        deadlines={
            "issued": Deadline(working_days=days.acknowledge_working_days),
            "overdue": Deadline(working_days=days.escalate_after_working_days, on_expiry="escalate"),
        },
        roles=ROLES,
        late=LATE,
    )


def rectification_lifecycle(config: NoticeConfig) -> Lifecycle:
    """Issued → plan submitted → rectified → verified; a missed deadline → overdue → escalated."""
    days = config.rectification
    return Lifecycle(
        name=RECTIFICATION,
        initial="issued",
        transitions={
            ("issued", "submit_plan"): "plan_submitted",
            ("issued", "overdue"): "overdue",
            ("issued", "withdraw"): "withdrawn",
            ("plan_submitted", "report_rectified"): "rectified",
            ("plan_submitted", "overdue"): "overdue",
            ("rectified", "verify"): "verified",
            ("rectified", "reject"): "plan_submitted",  # the regulator finds the rectification insufficient
            ("overdue", "submit_plan"): "plan_submitted",
            ("overdue", "report_rectified"): "rectified",
            ("overdue", "escalate"): "escalated",
        },
        final=frozenset({"verified", "escalated", "withdrawn"}),
        deadlines={
            "issued": Deadline(working_days=days.plan_working_days),
            "plan_submitted": Deadline(working_days=days.rectify_working_days),
            "rectified": Deadline(working_days=days.verify_working_days, on_expiry=None),
            "overdue": Deadline(working_days=days.escalate_after_working_days, on_expiry="escalate"),
        },
        roles=ROLES,
        late=LATE,
    )
