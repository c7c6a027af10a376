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


COMMON_EN = 40_000  # wordfreq's most frequent English words (down to a Zipf frequency of about 2.7)
COMMON_ZH = 100_000  # and Chinese words (down to a Zipf frequency of about 1.9)


@cache
def common_words(language: str) -> frozenset[str]:
    """Return the common words of a language ("en": Latin letters only; "zh": two or more Chinese characters).

    From the word lists the `wordfreq` package ships (Speer et al., built from Wikipedia, subtitles, news, books,
    web text and social media). A title word one edit from a mark that is itself a common word (couch, nile,
    channel; 化为, 捷报) is that word, not a disguise. Brands are frequent in those sources too (nike, iphone),
    so being common says a mark may be read as a word, never that it is not a mark.
    """
    from wordfreq import top_n_list  # loads a packed list: read once, when a title is first screened

    if language == "en":
        return frozenset(w for w in top_n_list("en", COMMON_EN) if w.isascii() and w.isalpha())
    if language == "zh":
        return frozenset(w for w in top_n_list("zh", COMMON_ZH) if len(w) >= 2 and all(_is_cjk(c) for c in w))
    raise ValueError(f"no common-word list for {language!r}")


def _is_cjk(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff"


@cache
def reference_cues() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Return (English cue words, Chinese cue strings) of titles that point at a brand to sell something else."""
    with (DATA / "reference_cues.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return (
        tuple(r["cue"] for r in rows if r["language"] == "en"),
        tuple(r["cue"] for r in rows if r["language"] == "zh"),
    )


def reference_cue(title: str) -> str | None:
    """Return the cue of a title that names a brand as the thing copied (dupe, alternative to, 平替, 同款), if any."""
    english, chinese = reference_cues()
    lowered = title.lower()
    for cue in chinese:
        if cue in lowered:
            return cue
    tokens = set(lowered.replace("-", " ").split())
    return next((cue for cue in english if cue in tokens), None)
