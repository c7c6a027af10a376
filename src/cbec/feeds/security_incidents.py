"""security_incidents: incidents that payment institutions report."""

from cbec.core.severity import SEVERITIES
from cbec.feeds.spec import FeedSpec, Kind, opt, req

SPEC = FeedSpec(
    name="security_incidents",
    title_zh="安全事件",
    title_en="Security incidents",
    columns=(
        req("incident_id", max_chars=64),
        req("institution_id", max_chars=64),
        req("reported_at", Kind.TIMESTAMP),
        req("severity", Kind.ENUM, choices=SEVERITIES),
        opt("responded_at", Kind.TIMESTAMP),
        opt("fixed_at", Kind.TIMESTAMP),
        req("summary", max_chars=2000),
    ),
    key=("institution_id", "incident_id"),
    sink="lake",
    month_column="reported_at",
)
