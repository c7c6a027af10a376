"""The quality case lifecycle: states, who reports and who verifies, the measure's deadlines. Pure."""

from __future__ import annotations

from cbec.auth.domain import ENTERPRISE, REGULATOR_ADMIN, REGULATOR_ANALYST
from cbec.core.workflow import Deadline, Lifecycle
from cbec.quality.config import QualityConfig

ENTERPRISE_ACTIONS = frozenset({"report_done"})
# The enterprise reports the measure done; the regulator verifies, rejects or records any step.
ROLES = {REGULATOR_ADMIN: None, REGULATOR_ANALYST: None, ENTERPRISE: ENTERPRISE_ACTIONS}


def quality_case_lifecycle(config: QualityConfig, measure: str) -> Lifecycle:
    """Opened → done reported (by the enterprise) → verified; a missed deadline → overdue → escalated.

    The enterprise has the measure's working days (delist, rectify, return, destroy) to report it done.
    """
    return Lifecycle(
        name="quality_case",
        initial="opened",
        transitions={
            ("opened", "report_done"): "done_reported",
            ("opened", "overdue"): "overdue",
            ("overdue", "report_done"): "done_reported",
            ("overdue", "escalate"): "escalated",
            ("done_reported", "verify"): "verified",
            ("done_reported", "reject"): "opened",
        },
        final=frozenset({"verified", "escalated"}),
        deadlines={
            "opened": Deadline(working_days=config.measures[measure].working_days),
            "overdue": Deadline(working_days=config.escalate_after_working_days, on_expiry="escalate"),
            "done_reported": Deadline(working_days=config.verify_working_days, on_expiry=None),
        },
        roles=ROLES,
        late=frozenset({"overdue", "escalated"}),
    )
