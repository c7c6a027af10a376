"""Import every context's tables so that migrations see the whole schema."""

from __future__ import annotations

from sqlalchemy import MetaData


def metadata() -> MetaData:
    """Return the metadata of all relational tables."""
    import cbec.credit.models
    import cbec.feeds.models
    import cbec.monitoring.models
    import cbec.supervision.models  # noqa: F401
    from cbec.storage.base import Base

    return Base.metadata
