"""The review item's lifecycle: new → assigned → in review → closed with a disposition; maker-checker. Pure.

Closing a high or critical item as a false positive takes two people: the maker proposes it (pending_check),
a different person confirms it (closed) or sends it back (in_review). Comments are steps that keep the state.
Regulators take every action; an institution may only comment on its own items (its answer to a request).
"""

from __future__ import annotations

from cbec.auth.domain import INSTITUTION, REGULATOR_ADMIN, REGULATOR_ANALYST
from cbec.core.workflow import Lifecycle

DISPOSITIONS = ("true_positive", "false_positive", "no_action", "escalated")
CHECKED_SEVERITIES = frozenset({"high", "critical"})  # a false positive among these needs a second person
# Working days to decide an item, by its severity (the deadline set when the item opens).
DUE_WORKING_DAYS = {"critical": 1, "high": 3, "medium": 5, "low": 10}
OPEN_STATES = ("new", "assigned", "in_review", "pending_check")

REVIEW_ITEM = Lifecycle(
    name="review_item",
    initial="new",
    transitions={
        ("new", "assign"): "assigned",
        ("assigned", "assign"): "assigned",
        ("assigned", "start"): "in_review",
        ("in_review", "close"): "closed",
        ("in_review", "propose_close"): "pending_check",
        ("pending_check", "confirm_close"): "closed",
        ("pending_check", "reject_close"): "in_review",
        **{(state, "comment"): state for state in OPEN_STATES},
    },
    final=frozenset({"closed"}),
    roles={REGULATOR_ADMIN: None, REGULATOR_ANALYST: None, INSTITUTION: frozenset({"comment"})},
)


def needs_checker(severity: str, disposition: str) -> bool:
    """Tell whether closing an item of a severity with a disposition needs a second person."""
    return disposition == "false_positive" and severity in CHECKED_SEVERITIES


def check_disposition(disposition: str, reason: str) -> None:
    """Raise ValueError for an unknown disposition, or a false positive without its reason."""
    if disposition not in DISPOSITIONS:
        raise ValueError(f"处置结论须为 / disposition must be one of {', '.join(DISPOSITIONS)}, got {disposition!r}")
    if disposition == "false_positive" and not reason.strip():
        raise ValueError("误报须说明理由 / a false positive needs its reason")
