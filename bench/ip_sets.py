"""The hand-written labelled sets of bench/ip.py and the rights holders' nickname data they rely on.

bench/data/ip_dev.csv is tuned on; bench/data/ip_unseen.csv was written at the same time, before any tuning, and
is only scored (its misses are never printed). Both hold the disguises of issue 22 (letters spaced apart, short
forms and style names, "dupe"/平替 mentions, Chinese names split by a space, near-homophone Chinese names) and
clean titles with common words one letter from a mark. bench/data/ip_nicknames.csv is the nickname data a rights
holder would load with `cbec ip aliases` (mark text, alias).
"""

from __future__ import annotations

import csv
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"


def read_set(name: str) -> list[tuple[str, str, str, str]]:
    """Return (title, language, expected mark text or '', kind) of bench/data/ip_{name}.csv."""
    with (DATA / f"ip_{name}.csv").open(encoding="utf-8", newline="") as handle:
        return [(r["title"], r["language"], r["expected"], r["kind"]) for r in csv.DictReader(handle)]


def nicknames() -> dict[str, tuple[str, ...]]:
    """Return mark text → the nicknames its rights holder registered."""
    out: dict[str, list[str]] = {}
    with (DATA / "ip_nicknames.csv").open(encoding="utf-8", newline="") as handle:
        for r in csv.DictReader(handle):
            out.setdefault(r["mark"], []).append(r["alias"])
    return {k: tuple(v) for k, v in out.items()}
