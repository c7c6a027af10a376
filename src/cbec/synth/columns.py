"""Column order of every feed, taken from the feed specs (contract/FEEDS.md, data standard v1)."""

from __future__ import annotations

from cbec.feeds.service import feed_columns

# One source of truth: the feed specs that ingestion validates against.
FEED_COLUMNS: dict[str, tuple[str, ...]] = feed_columns()

LABEL_COLUMNS: tuple[str, ...] = ("feed", "key", "institution_id", "pattern")

# Feeds written chunk by chunk alongside the payments, then the registers and side feeds.
CHUNKED_FEEDS = ("payments", "orders", "waybills", "declarations", "complaints", "reviews")
FEEDS: tuple[str, ...] = tuple(FEED_COLUMNS)
