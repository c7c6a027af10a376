"""Import every context's tables so that migrations see the whole schema."""

from __future__ import annotations

from sqlalchemy import MetaData


def metadata() -> MetaData:
    """Return the metadata of all relational tables."""
    import cbec.feeds.models  # noqa: F401  (registers the tables on Base.metadata)
    from cbec.storage.base import Base

    return Base.metadata
