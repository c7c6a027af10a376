"""Import every context's tables so that migrations see the whole schema."""

from __future__ import annotations

from sqlalchemy import MetaData


def metadata() -> MetaData:
    """Return the metadata of all relational tables."""
    import cbec.audit.models
    import cbec.auth.models
    import cbec.complaints.models
    import cbec.credit.models
    import cbec.delivery.models
    import cbec.feeds.models
    import cbec.ip.models
    import cbec.monitoring.models
    import cbec.quality.models
    import cbec.reports.models
    import cbec.supervision.models  # noqa: F401
    from cbec.storage.base import Base

    return Base.metadata
