"""The lifecycle of a security finding: emergency plan started, fixed, verified by a later scan. Pure.

Both deadlines run from discovery, not from the step before: the response (emergency plan started) within 48
elapsed hours and the fix within 7 Chinese working days (the incidents' configuration). The lifecycle therefore
declares no per-state deadline; each step passes the finding's own `respond_by` or `fix_by` (see `due_after`).
A finding is verified only by a later scan in which it is absent; a fix claimed but still seen is reopened.
"""

from __future__ import annotations

from datetime import datetime

from cbec.auth.domain import INSTITUTION, REGULATOR_ADMIN, REGULATOR_ANALYST
from cbec.core.i18n import labels
from cbec.core.workflow import Lifecycle

OPEN, PLAN_STARTED, FIXED, VERIFIED, REOPENED = "open", "plan_started", "fixed", "verified", "reopened"
OVERDUE_RESPONSE, OVERDUE_FIX, WITHDRAWN = "overdue_response", "overdue_fix", "withdrawn"
INSTITUTION_ACTIONS = frozenset({"start_plan", "report_fixed"})
REGULATOR_ACTIONS = frozenset({"withdraw"})
# verify, reopen and overdue are the system's (a scan, the deadline check); the admin may record any step.
ROLES = {REGULATOR_ADMIN: None, REGULATOR_ANALYST: REGULATOR_ACTIONS, INSTITUTION: INSTITUTION_ACTIONS}
UNRESOLVED = frozenset({OPEN, PLAN_STARTED, REOPENED, OVERDUE_RESPONSE, OVERDUE_FIX})
STATE_TITLES = labels.pairs("finding_state")  # (zh, en) by code: the catalogs name each code once

FINDING_LIFECYCLE = Lifecycle(
    name="security_finding",
    initial=OPEN,
    transitions={
        (OPEN, "start_plan"): PLAN_STARTED,
        (OPEN, "report_fixed"): FIXED,
        (OPEN, "overdue"): OVERDUE_RESPONSE,
        (OPEN, "verify"): VERIFIED,
        (OPEN, "withdraw"): WITHDRAWN,
        (OVERDUE_RESPONSE, "start_plan"): PLAN_STARTED,
        (OVERDUE_RESPONSE, "report_fixed"): FIXED,
        (OVERDUE_RESPONSE, "overdue"): OVERDUE_FIX,
        (OVERDUE_RESPONSE, "verify"): VERIFIED,
        (PLAN_STARTED, "report_fixed"): FIXED,
        (PLAN_STARTED, "overdue"): OVERDUE_FIX,
        (PLAN_STARTED, "verify"): VERIFIED,
        (PLAN_STARTED, "withdraw"): WITHDRAWN,
        (OVERDUE_FIX, "report_fixed"): FIXED,
        (OVERDUE_FIX, "verify"): VERIFIED,
        (FIXED, "verify"): VERIFIED,
        (FIXED, "reopen"): REOPENED,
        (REOPENED, "report_fixed"): FIXED,
        (REOPENED, "overdue"): OVERDUE_FIX,
        (REOPENED, "verify"): VERIFIED,
        (VERIFIED, "reopen"): REOPENED,  # a regression: seen again after a clean rescan
    },
    final=frozenset({WITHDRAWN}),
    roles=ROLES,
    late=frozenset({OVERDUE_RESPONSE, OVERDUE_FIX}),
)


def due_after(state: str, *, respond_by: datetime | None, fix_by: datetime | None) -> datetime | None:
    """Return the deadline a finding has in a state: the response while open, the fix until fixed.

    A reopened finding keeps its original fix deadline (the clock ran from discovery); once that has
    passed, the deadline check moves it on to overdue at once.
    """
    if state == OPEN:
        return respond_by
    if state in (PLAN_STARTED, REOPENED, OVERDUE_RESPONSE):
        return fix_by
    return None
