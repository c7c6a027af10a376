"""The complaint lifecycle: its states, who takes which step, its statutory deadlines. Pure."""

from __future__ import annotations

from cbec.auth.domain import ENTERPRISE, PLATFORM, REGULATOR_ADMIN, REGULATOR_ANALYST
from cbec.complaints.config import Deadlines
from cbec.core.i18n import labels
from cbec.core.workflow import Deadline, Lifecycle

CONSUMER = "consumer"  # known only by the tracking code, not a login role
CONSUMER_ACTIONS = frozenset({"dispute", "close"})
RESPONDENT_ACTIONS = frozenset({"answer", "settle"})  # the enterprise or platform it is routed to
ROLES = {
    REGULATOR_ADMIN: None,
    REGULATOR_ANALYST: None,
    ENTERPRISE: RESPONDENT_ACTIONS,
    PLATFORM: RESPONDENT_ACTIONS,
    CONSUMER: CONSUMER_ACTIONS,
}
STATE_TITLES = labels.pairs("complaint_state")  # (zh, en) by code: the catalogs name each code once


def complaint_lifecycle(days: Deadlines) -> Lifecycle:
    """Received → accepted (7 wd) → with the business (10 wd) → answered → settled → closed; else mediation."""
    return Lifecycle(
        name="complaint",
        initial="received",
        transitions={
            ("received", "accept"): "accepted",
            ("received", "reject"): "rejected",
            ("received", "overdue"): "escalated",
            ("accepted", "route"): "with_respondent",
            ("with_respondent", "answer"): "answered",
            ("with_respondent", "settle"): "settled",
            ("with_respondent", "overdue"): "escalated",
            ("answered", "settle"): "settled",
            ("answered", "dispute"): "mediation",
            ("answered", "overdue"): "escalated",
            ("escalated", "accept"): "accepted",
            ("escalated", "mediate"): "mediation",
            ("mediation", "settle"): "settled",
            ("mediation", "fail"): "closed_unresolved",
            ("settled", "close"): "closed",
        },
        final=frozenset({"rejected", "closed", "closed_unresolved"}),
        deadlines={
            "received": Deadline(working_days=days.accept_working_days),
            "with_respondent": Deadline(working_days=days.settle_working_days),
            "answered": Deadline(working_days=days.settle_working_days),
            "mediation": Deadline(working_days=days.mediation_working_days, on_expiry=None),
        },
        roles=ROLES,
    )
