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
_CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
_CJK_GAPPED = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+(?:[\s\-_·・•.*/|+~]{1,3}[\u3400-\u9fff\uf900-\ufaff]+)*")
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


def joined_words(text: str) -> list[str]:
    """Split a title like `words`, then rejoin letters spaced apart (`N i k e`, `G-U-C-C-I` → one word).

    Three or more one-character Latin words in a row are one word a seller pulled apart: folded apart they
    would miss the pairs folding (`cl` → `d`) that the mark's own key went through.
    """
    out: list[str] = []
    run: list[str] = []
    for word in [*words(text), ""]:
        if len(word) == 1 and not has_cjk(word):
            run.append(word)
            continue
        out.extend(["".join(run)] if len(run) >= 3 else run)
        run = []
        if word:
            out.append(word)
    return out


def chinese_runs(text: str) -> list[tuple[str, frozenset[int]]]:
    """Return the runs of Chinese characters of a text, rejoined where a space or a sign split a name (耐 克, 戴·森).

    With each run come the places where it was rejoined (an index i: a gap stood before run[i]), so that no word
    is read across a gap the seller left between two words (三新 手机壳 holds no 新手).
    """
    runs: list[tuple[str, frozenset[int]]] = []
    for run in _CJK_GAPPED.findall(unconfuse(text)):
        gaps: set[int] = set()
        joined: list[str] = []
        position = 0
        for part in _CJK_RUN.findall(run):
            if joined:
                gaps.add(position)
            joined.append(part)
            position += len(part)
        runs.append(("".join(joined), frozenset(gaps)))
    return runs


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


# Initials and finals that speakers (and so sellers) merge; each pair is folded to one spelling.
_FUZZY_INITIALS = (("zh", "z"), ("ch", "c"), ("sh", "s"), ("l", "n"))
_FUZZY_FINALS = (("iang", "ian"), ("uang", "uan"), ("ang", "an"), ("eng", "en"), ("ing", "in"))
_HU_TO_F = {"i": "fei", "n": "fen", "": "fu"}  # 灰 hui ~ 飞 fei, 胡 hu ~ 芙 fu (the southern f/h merger)


def fuzzy_syllable(syllable: str) -> str:
    """Fold one toneless pinyin syllable under the usual fuzzy pairs (z/zh, c/ch, s/sh, n/l, f/hu, an/ang ...)."""
    if syllable.startswith("hu"):
        rest = syllable[2:]
        syllable = _HU_TO_F.get(rest, "f" + rest)
    for merged, kept in _FUZZY_INITIALS:
        if syllable.startswith(merged):
            syllable = kept + syllable[len(merged) :]
            break
    for merged, kept in _FUZZY_FINALS:
        if syllable.endswith(merged):
            return syllable[: -len(merged)] + kept
    return syllable


@lru_cache(maxsize=262_144)
def fuzzy_pinyin_keys(chars: str, limit: int = 8) -> tuple[str, ...]:
    """Return the fuzzy pinyin of Chinese characters (索丽 and 索尼 both give `suoni`), at most `limit` readings."""
    from pypinyin import Style, pinyin

    keys = [""]
    for reading in pinyin(chars, style=Style.NORMAL, heteronym=True, errors="ignore"):
        folded = dict.fromkeys(fuzzy_syllable(r) for r in reading)
        keys = [k + "'" + r for k in keys for r in folded][:limit]  # ' keeps syllables apart: xi'an is not xian
    return tuple(keys)
