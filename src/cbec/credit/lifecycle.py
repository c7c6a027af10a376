"""The credit repair application's lifecycle: states and the regulator's deadlines. Pure.

It declares no roles: repair is applied for and decided through the regulator's command line only, so its
service takes no principal (any role check would have nobody to check).
"""

from __future__ import annotations

from cbec.core.i18n import labels
from cbec.core.workflow import Deadline, Lifecycle
from cbec.credit.config import RepairConfig

REPAIR = "credit_repair"
STATE_TITLES = labels.pairs("repair_state")  # (zh, en) by code: the catalogs name each code once


def repair_lifecycle(config: RepairConfig) -> Lifecycle:
    """Submitted → under review → approved or rejected; a review past its deadline → overdue."""
    return Lifecycle(
        name=REPAIR,
        initial="submitted",
        transitions={
            ("submitted", "accept"): "under_review",
            ("submitted", "reject"): "rejected",  # inadmissible on its face
            ("submitted", "withdraw"): "withdrawn",
            ("submitted", "overdue"): "overdue",
            ("under_review", "approve"): "approved",
            ("under_review", "reject"): "rejected",
            ("under_review", "withdraw"): "withdrawn",
            ("under_review", "overdue"): "overdue",
            ("overdue", "approve"): "approved",
            ("overdue", "reject"): "rejected",
        },
        final=frozenset({"approved", "rejected", "withdrawn"}),
        deadlines={
            "submitted": Deadline(working_days=config.accept_working_days),
            "under_review": Deadline(working_days=config.decide_working_days),
        },
    )
