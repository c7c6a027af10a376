"""The executive summary: the month's three to five actions, each derived from a section's data with its figure.

Pure: it reads the built sections (nothing else) and returns, in order of urgency, the actions whose trigger
holds: institutions rated C or D (risk warnings), overdue notices, security incidents past their deadlines,
overdue complaints and quality cases, overdue security findings, the worst three-document match rates and the
month's critical and high alerts. At most five are kept; an action's text is `action.<key>` (the report catalog).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

MAX_ACTIONS = 5
WORST_MATCHING = 3
WEAK_GRADES = ("C", "D")

# {"key": ..., "figure": the number behind it, "values": the text's placeholders (lists joined per language)}
Action = dict[str, Any]


def _weak_grades(sections: dict[str, Any]) -> Action | None:
    rows = sections.get("ratings", {}).get("rows", [])
    weak = sorted(r["institution_id"] for r in rows if r["grade"] in WEAK_GRADES)
    if not weak:
        return None
    notices = sections.get("notices", {}).get("rows", [])
    warned = {n["institution_id"] for n in notices if n["kind"] == "warning"}
    unwarned = [i for i in weak if i not in warned]
    key = "action.weak_grades_unwarned" if unwarned else "action.weak_grades"
    values = {"n": len(weak), "m": len(unwarned), "names": unwarned or weak}
    return {"key": key, "figure": len(weak), "values": values}


def _overdue_notices(sections: dict[str, Any]) -> Action | None:
    overdue = int(sections.get("notices", {}).get("overdue", 0))
    return {"key": "action.notices_overdue", "figure": overdue, "values": {"n": overdue}} if overdue else None


def _late_incidents(sections: dict[str, Any]) -> Action | None:
    rows = sections.get("incidents", {}).get("rows", [])
    late = [r for r in rows if r["response_breached"] or r["fix_breached"]]
    if not late:
        return None
    response = sum(1 for r in late if r["response_breached"])
    fix = sum(1 for r in late if r["fix_breached"])
    values = {"n": len(late), "total": len(rows), "response": response, "fix": fix}
    return {"key": "action.incidents_late", "figure": len(late), "values": values}


def _overdue_complaints(sections: dict[str, Any]) -> Action | None:
    consumers = sections.get("consumers", {})
    complaints = int(consumers.get("complaints", {}).get("overdue", 0))
    cases = int(consumers.get("quality", {}).get("cases_overdue", 0))
    if not complaints + cases:
        return None
    values = {"n": complaints + cases, "complaints": complaints, "cases": cases}
    return {"key": "action.complaints_overdue", "figure": complaints + cases, "values": values}


def _overdue_security(sections: dict[str, Any]) -> Action | None:
    security = sections.get("security", {})
    overdue, missed = int(security.get("overdue", 0)), int(security.get("missed", 0))
    if not overdue + missed:
        return None
    values = {"n": overdue, "missed": missed}
    return {"key": "action.security_overdue", "figure": overdue + missed, "values": values}


def _worst_matching(sections: dict[str, Any]) -> Action | None:
    matching = sections.get("matching", {})
    overall = matching.get("rate_pct")
    rated = [r for r in matching.get("by_institution", []) if r.get("rate_pct") is not None]
    if overall is None or not rated:
        return None
    below = sorted(
        (r for r in rated if Decimal(r["rate_pct"]) < Decimal(overall)), key=lambda r: Decimal(r["rate_pct"])
    )
    worst = below[:WORST_MATCHING]
    if not worst:
        return None
    names = [f"{r['institution_id']} {Decimal(r['rate_pct']):.2f}%" for r in worst]
    values = {"n": len(worst), "names": names, "overall": f"{Decimal(overall):.2f}%"}
    return {"key": "action.worst_matching", "figure": Decimal(worst[0]["rate_pct"]), "values": values}


def _serious_alerts(sections: dict[str, Any]) -> Action | None:
    severity = sections.get("alerts", {}).get("severity", {})
    critical, high = int(severity.get("critical", 0)), int(severity.get("high", 0))
    if not critical + high:
        return None
    values = {"n": critical + high, "critical": critical, "high": high}
    return {"key": "action.serious_alerts", "figure": critical + high, "values": values}


TRIGGERS = (
    _weak_grades,
    _overdue_notices,
    _late_incidents,
    _overdue_complaints,
    _overdue_security,
    _worst_matching,
    _serious_alerts,
)


def executive_summary(sections: dict[str, Any]) -> dict[str, Any]:
    """Return the month's actions (at most five, most urgent first) derived from the built sections."""
    found = [action for trigger in TRIGGERS if (action := trigger(sections)) is not None]
    return {"actions": found[:MAX_ACTIONS], "triggered": len(found)}
