"""Fold text the way a disguising seller bends it: NFKC, homoglyphs, leetspeak, case, spacing; and pinyin.

Both a mark and a listing title are folded the same way, so `N1KE`, `ＮＩＫＥ`, `NІKE` (Cyrillic І) and `nike`
meet at one key. Letters that are easily confused with each other are folded to one representative on
purpose (i, l, 1 and | all become `l`): the key is for finding candidates, the scorer decides.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from confusable_homoglyphs import confusables

# Digits and signs read as letters, and letters read as each other (after lowercasing).
_FOLD = str.maketrans(
    {
        "0": "o",
        "1": "l",
        "i": "l",
        "|": "l",
        "!": "l",
        "3": "e",
        "4": "a",
        "@": "a",
        "5": "s",
        "$": "s",
        "7": "t",
        "8": "b",
        "9": "g",
        "q": "g",
        "2": "z",
    }
)
_PAIRS = (("vv", "w"), ("rn", "m"), ("cl", "d"))
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_WORD = re.compile(r"[a-z0-9@$|!]+|[\u3400-\u9fff\uf900-\ufaff]+")


@lru_cache(maxsize=65_536)
def _latin(char: str) -> str:
    """Return the Latin letter a non-Latin look-alike stands for (Cyrillic а, Greek Ο, ...), else the char."""
    if char.isascii() or _CJK.match(char):
        return char
    found = confusables.is_confusable(char, preferred_aliases=["latin"])
    if found:
        for glyph in found[0]["homoglyphs"]:
            candidate = str(glyph["c"])
            if len(candidate) == 1 and candidate.isascii() and candidate.isalpha():
                return candidate
    return char


def nfkc(text: str) -> str:
    """Unicode compatibility form: fullwidth and mathematical letters become plain ones."""
    return unicodedata.normalize("NFKC", text)


def unconfuse(text: str) -> str:
    """Replace non-Latin look-alike letters with the Latin ones they imitate."""
    return "".join(_latin(c) for c in nfkc(text))


def fold(text: str) -> str:
    """Return the search key of a text: look-alikes, case, leetspeak and separators folded away."""
    lowered = unconfuse(text).lower()
    kept = "".join(c for c in lowered if c.isalnum() or c in "@$|!")
    folded = kept.translate(_FOLD)
    for pair, single in _PAIRS:
        folded = folded.replace(pair, single)
    return folded


def words(text: str) -> list[str]:
    """Split a title into Latin words and runs of Chinese characters (after NFKC and look-alike repair)."""
    return _WORD.findall(unconfuse(text).lower())


def has_cjk(text: str) -> bool:
    """Tell whether a text contains Chinese characters."""
    return _CJK.search(text) is not None


def pinyin_key(text: str) -> str:
    """Return the toneless pinyin of the Chinese characters in a text (耐克 and 奈克 both give `naike`)."""
    from pypinyin import Style, lazy_pinyin  # 0.3 s to import: loaded when a text is first folded to pinyin

    return "".join(lazy_pinyin("".join(_CJK.findall(text)), style=Style.NORMAL, errors="ignore"))


@lru_cache(maxsize=262_144)
def pinyin_keys(chars: str, limit: int = 8) -> tuple[str, ...]:
    """Return the toneless pinyin of Chinese characters under each reading (勒 reads le and lei), at most `limit`."""
    from pypinyin import Style, pinyin

    keys = [""]
    for reading in pinyin(chars, style=Style.NORMAL, heteronym=True, errors="ignore"):
        keys = [k + r for k in keys for r in dict.fromkeys(reading)][:limit]
    return tuple(keys)
