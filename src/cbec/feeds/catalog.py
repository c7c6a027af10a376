"""Every feed of the data standard, by name."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from cbec.feeds.spec import FeedSpec
from cbec.feeds.specs import agenda, consumers, ip, quality, registers, statistics, trade

if TYPE_CHECKING:
    from cbec.storage.lake import Lake

FEEDS: dict[str, FeedSpec] = {
    spec.name: spec
    for spec in (
        trade.PAYMENTS,
        trade.ORDERS,
        trade.WAYBILLS,
        trade.DECLARATIONS,
        registers.ENTERPRISES,
        registers.INSTITUTIONS,
        registers.PLATFORMS,
        quality.FILINGS,
        quality.INSPECTIONS,
        consumers.COMPLAINTS,
        consumers.REVIEWS,
        ip.LISTINGS,
        ip.TRADEMARKS,
        statistics.SECURITY_INCIDENTS,
        statistics.TRADE_STATISTICS,
        statistics.JOB_POSTINGS,
        agenda.EMPLOYMENT_RECORDS,
        agenda.TRAINING_PROGRAMMES,
        agenda.EDUCATION_EVENTS,
        agenda.BRAND_RECOGNITIONS,
        ip.PATENTS,
        ip.COPYRIGHTS,
        ip.CUSTOMS_RECORDATIONS,
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
