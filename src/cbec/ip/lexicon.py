"""Shipped word lists: goods words → Nice classes, and Chinese characters that look like others."""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

import ahocorasick

DATA = Path(__file__).parent / "data"


@cache
def goods_classes() -> dict[str, frozenset[str]]:
    """Return goods keyword → Nice classes."""
    with (DATA / "goods_classes.csv").open(encoding="utf-8", newline="") as handle:
        return {r["keyword"]: frozenset(r["nice_classes"].split(";")) for r in csv.DictReader(handle)}


@cache
def lookalike_chars() -> dict[str, str]:
    """Return Chinese character → the representative of its look-alike group."""
    with (DATA / "lookalike_chars.csv").open(encoding="utf-8", newline="") as handle:
        return {r["char"]: r["looks_like"] for r in csv.DictReader(handle)}


def shape_key(text: str) -> str:
    """Fold look-alike Chinese characters to one representative (奈克 and 耐克 meet)."""
    table = lookalike_chars()
    return "".join(table.get(c, c) for c in text)


@cache
def _goods_automaton() -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton()
    for word, classes in goods_classes().items():
        automaton.add_word(word, (word, classes))
    automaton.make_automaton()
    return automaton


def title_classes(title: str) -> frozenset[str]:
    """Return the Nice classes of the goods a title names (empty when it names none we know).

    An English goods word counts as a whole word (so `cap` is not found in `capacity`); a Chinese one anywhere.
    """
    lowered = title.lower()
    found: set[str] = set()
    for end, (word, classes) in _goods_automaton().iter(lowered):
        begin = end - len(word) + 1
        if not word.isascii() or (
            (begin == 0 or not lowered[begin - 1].isalnum())
            and (end + 1 == len(lowered) or not lowered[end + 1].isalpha())
        ):
            found |= classes
    return frozenset(found)
