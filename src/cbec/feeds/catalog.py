"""Every feed of the data standard, by name."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from cbec.feeds import (
    brand_recognitions,
    complaints,
    copyrights,
    customs_recordations,
    declarations,
    education_events,
    employment_records,
    enterprises,
    filings,
    inspections,
    institutions,
    job_postings,
    listings,
    orders,
    patents,
    payments,
    platforms,
    reviews,
    security_incidents,
    trade_statistics,
    trademarks,
    training_programmes,
    waybills,
)
from cbec.feeds.spec import FeedSpec

if TYPE_CHECKING:
    from cbec.storage.lake import Lake

FEEDS: dict[str, FeedSpec] = {
    module.SPEC.name: module.SPEC
    for module in (
        payments,
        orders,
        waybills,
        declarations,
        enterprises,
        institutions,
        platforms,
        filings,
        inspections,
        complaints,
        reviews,
        listings,
        trademarks,
        security_incidents,
        trade_statistics,
        job_postings,
        employment_records,
        training_programmes,
        education_events,
        brand_recognitions,
        patents,
        copyrights,
        customs_recordations,
    )
}


class UnknownFeedError(KeyError):
    """A feed name that the data standard does not define."""


def get_feed(name: str) -> FeedSpec:
    """Return the spec of a feed or say which feeds exist."""
    try:
        return FEEDS[name]
    except KeyError:
        raise UnknownFeedError(f"unknown feed {name!r}; known feeds: {', '.join(FEEDS)}") from None


def lake_feeds_with_files(lake: Lake) -> Iterator[tuple[FeedSpec, list[Path]]]:
    """Yield each lake feed that has files, with its files: what the DuckDB and the Spark read sides view."""
    for spec in FEEDS.values():
        if spec.sink != "lake":
            continue
        files = lake.files(spec.name)
        if files:
            yield spec, files
