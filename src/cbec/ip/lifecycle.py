"""The takedown lifecycle under the E-Commerce Law arts. 42-45: states, who acts, the statutory periods. Pure.

Notice (art. 42: the rights holder notifies the platform with preliminary evidence) → the platform takes the
listing down promptly and forwards the notice → the seller may file a counter-notice (art. 43) → the rights
holder has 15 days from receiving it to complain to the authorities or sue; if the platform hears nothing in
that time it restores the listing (art. 43), otherwise the listing stays removed.
"""

from __future__ import annotations

from cbec.auth.domain import ENTERPRISE, PLATFORM, REGULATOR_ADMIN, REGULATOR_ANALYST
from cbec.core.workflow import Deadline, Lifecycle

PLATFORM_ACTIONS = frozenset({"take_down", "reject", "restore", "close"})
SELLER_ACTIONS = frozenset({"counter_notice"})
# The platform acts, the seller (an enterprise) counter-notifies, the regulator records any step, e.g. the
# rights holder's complaint or suit (complain_or_sue); institutions and auditors take none.
ROLES = {
    REGULATOR_ADMIN: None,
    REGULATOR_ANALYST: None,
    PLATFORM: PLATFORM_ACTIONS,
    ENTERPRISE: SELLER_ACTIONS,
}
RIGHTS_HOLDER_WINDOW_HOURS = 15 * 24  # art. 43: 十五日内 (calendar days, holidays included)
PLATFORM_ACTION_HOURS = 24  # "及时" (promptly): a working assumption of one day, configuration if it must change


def takedown_lifecycle() -> Lifecycle:
    """Notified → removed → counter-noticed → restored (15 days pass) or upheld (complaint or suit filed)."""
    return Lifecycle(
        name="takedown",
        initial="notified",
        transitions={
            ("notified", "take_down"): "removed",
            ("notified", "reject"): "rejected",
            ("notified", "overdue"): "platform_late",
            ("platform_late", "take_down"): "removed",
            ("removed", "counter_notice"): "counter_noticed",
            ("removed", "close"): "closed_removed",
            ("counter_noticed", "complain_or_sue"): "upheld",
            ("counter_noticed", "restore"): "restored",
        },
        final=frozenset({"rejected", "closed_removed", "upheld", "restored"}),
        deadlines={
            "notified": Deadline(hours=PLATFORM_ACTION_HOURS),
            "counter_noticed": Deadline(hours=RIGHTS_HOLDER_WINDOW_HOURS, on_expiry="restore"),
        },
        roles=ROLES,
    )
