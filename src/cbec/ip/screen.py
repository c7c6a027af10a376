"""Screen listing titles against trademarks: candidates from an index, then several explained signals.

Candidates come from three indexes built once over every mark and alias, never from a scan of all marks:
an Aho-Corasick automaton over folded keys (exact, look-alike and hidden-in-a-word hits), a deletion
neighbourhood of folded keys (one edit away: insertions, deletions, substitutions), and a dictionary of the
pinyin, the fuzzy pinyin and the look-alike shape of Chinese names (耐克 / 奈克 / 赖克 / 纳克). Letters spaced
apart are rejoined first (N i k e) and so are Chinese names split by a space (耐 克); a short alias (LV, AJ) may
carry a model number (AJ1). Each candidate is then scored on its signals; a seller who owns or is licensed for
the mark is not a hit. What is not a hit: a title word one edit from a mark that is itself a common word
(couch, channel; 化为, 捷报, from `lexicon.common_words`), a short alias or two characters that sound like a
two-character name (古池 for 古驰), on goods of other or unknown classes. A cue that the title names a brand
as the thing copied (dupe, 平替, 同款) lifts the doubt a plain word on unknown goods otherwise carries.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import ahocorasick
from rapidfuzz import process
from rapidfuzz.distance import JaroWinkler

from cbec.ip.lexicon import common_words, reference_cue, shape_key, title_classes
from cbec.ip.normalize import chinese_runs, fold, fuzzy_pinyin_keys, has_cjk, joined_words, pinyin_keys

MIN_KEY = 2  # a folded key this short is only ever matched as a whole word
SHORT_KEY = 4  # keys up to this length must be whole words
HIT_THRESHOLD = 0.6
_EDIT_ONLY = {"edit"}
# The other ways a key matches, strongest first: the signal each gives and its score (the first present counts).
_RANKED_WAYS = (
    ("exact_cjk", "exact", 0.9),
    ("pinyin", "pinyin", 0.85),
    ("shape", "lookalike_char", 0.8),
    ("fuzzy_pinyin", "fuzzy_pinyin", 0.75),
)
_SEPARATORS = re.compile(r"[\W_]+")  # what a seller puts between the letters of a name: N i k e, 耐 克
_MODEL_NUMBER = re.compile(r"([a-z]{2,3})(\d{1,3})")  # AJ1, AF1, NB574: a short alias and a model number


@dataclass(frozen=True, slots=True)
class Mark:
    """A registered mark with its Nice classes, owner, licensees and aliases (Chinese names, nicknames)."""

    mark_id: str
    text: str
    owner: str
    classes: frozenset[str]
    aliases: tuple[str, ...] = ()
    licensees: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Hit:
    """The best mark for a listing, its score and the signals that fired."""

    mark_id: str
    mark_text: str
    score: float
    signals: tuple[str, ...]
    matched: str


@dataclass(slots=True)
class _Variant:
    mark: int
    text: str
    alias: bool
    key: str = ""
    common: bool = False  # also a common word (apple, galaxy; 苹果, 椰子): alone on unknown goods it is that word
    short: bool = False  # a Latin key under SHORT_KEY letters (LV, AJ): a hit only on the mark's own goods


@dataclass
class MarkIndex:
    """The candidate indexes over every mark and alias."""

    marks: list[Mark]
    variants: list[_Variant] = field(default_factory=list)
    automaton: ahocorasick.Automaton = field(default_factory=ahocorasick.Automaton)
    deletes: dict[str, list[int]] = field(default_factory=dict)
    chinese: dict[str, list[int]] = field(default_factory=dict)  # pinyin or shape key → variants
    chinese_lengths: set[int] = field(default_factory=set)
    short_keys: dict[str, list[int]] = field(default_factory=dict)

    @classmethod
    def build(cls, marks: Iterable[Mark]) -> MarkIndex:
        """Index every mark and alias once."""
        index = cls(marks=list(marks))
        keyed: dict[str, list[int]] = {}
        for m, mark in enumerate(index.marks):
            for text, alias in [(mark.text, False)] + [(a, True) for a in mark.aliases]:
                v = len(index.variants)
                key = fold(text)
                cjk = has_cjk(text)
                plain = text.lower().replace(" ", "")
                common = plain in common_words("zh" if cjk else "en")
                short = not cjk and len(key) < SHORT_KEY
                index.variants.append(_Variant(m, text, alias, key, common, short))
                if len(key) >= MIN_KEY:
                    keyed.setdefault(key, []).append(v)
                    if len(key) >= SHORT_KEY:
                        for d in (key, *_deletes(key)):  # the key itself too: a title word one letter longer
                            index.deletes.setdefault(d, []).append(v)
                    elif short:
                        index.short_keys.setdefault(key, []).append(v)
                if cjk and len(text) >= 2 and all(has_cjk(c) for c in text):  # T家 is found as written only
                    index.chinese_lengths.add(len(text))
                    for reading in pinyin_keys(text):
                        index.chinese.setdefault("p:" + reading, []).append(v)
                    for reading in fuzzy_pinyin_keys(text):
                        index.chinese.setdefault("f:" + reading, []).append(v)
                    index.chinese.setdefault("s:" + shape_key(text), []).append(v)
        for key, vs in keyed.items():
            index.automaton.add_word(key, (key, tuple(vs)))
        if keyed:
            index.automaton.make_automaton()
        return index

    def candidates(self, title: str) -> dict[int, set[str]]:
        """Return variant → the ways it was found in a title."""
        found: dict[int, set[str]] = {}
        raw = joined_words(title)
        tokens = [fold(w) for w in raw]
        tokens = [t for t in tokens if t]
        if len(self.automaton) > 0:
            flat = "".join(tokens)
            for end, (key, vs) in self.automaton.iter(flat):
                begin = end - len(key) + 1
                whole = _is_whole(flat, begin, end, tokens)
                # a short key counts only as a whole word, or (four letters or more) at the start of one
                if len(key) <= SHORT_KEY and not whole and (len(key) < SHORT_KEY or not _starts_word(begin, tokens)):
                    continue
                for v in vs:
                    found.setdefault(v, set()).add("folded" if whole else "hidden")
        latin = [t for t in tokens if not has_cjk(t)]
        pairs = [a + b for a, b in itertools.pairwise(latin)]  # two-word marks: LOUIS VUITTON
        for token in latin + pairs:
            if len(token) >= SHORT_KEY:
                for d in (token, *_deletes(token)):
                    for v in self.deletes.get(d, ()):
                        found.setdefault(v, set()).add("edit")
        for word in raw:
            if (number := _MODEL_NUMBER.fullmatch(word)) is not None:
                for v in self.short_keys.get(fold(number.group(1)), ()):
                    found.setdefault(v, set()).add("folded")
        for run, gaps in chinese_runs(title):
            for length in self.chinese_lengths:
                for i in range(len(run) - length + 1):
                    self._chinese_piece(run, gaps, i, length, found)
        return found

    def _chinese_piece(self, run: str, gaps: frozenset[int], i: int, length: int, found: dict[int, set[str]]) -> None:
        """Look a piece of a Chinese run up by sound and shape; a piece inside a common word is marked `@word`."""
        piece = run[i : i + length]
        keys = (
            [("pinyin", "p:" + r) for r in pinyin_keys(piece)]
            + [("fuzzy_pinyin", "f:" + r) for r in fuzzy_pinyin_keys(piece)]
            + [("shape", "s:" + shape_key(piece))]
        )
        in_word: bool | None = None
        for kind, key in keys:
            for v in self.chinese.get(key, ()):
                if piece == self.variants[v].text:
                    found.setdefault(v, set()).add("exact_cjk")
                    continue
                if in_word is None:
                    in_word = _in_common_word(run, gaps, i, length)
                found.setdefault(v, set()).add(kind + "@word" if in_word else kind)

    @staticmethod
    def _may_use(mark: Mark, sellers: set[str]) -> bool:
        return _may_use_mark(mark, sellers)

    def screen(self, title: str, seller: Iterable[str] = ()) -> Hit | None:
        """Return the best-scoring mark for a title (None below the threshold or when the seller may use it).

        `seller` names the seller every way it is known (enterprise id, Chinese and English names): a seller
        that owns the mark or holds a licence for it is never a hit.
        """
        sellers = {s.casefold() for s in seller}
        classes = title_classes(title)
        best: Hit | None = None
        found = self.candidates(title)
        own = sellers and any(
            ways & {"folded", "exact_cjk"} and self._may_use(self.marks[self.variants[v].mark], sellers)
            for v, ways in found.items()
        )
        latin = [w for w in joined_words(title) if not has_cjk(w)]
        # folded once per title, not once per candidate
        pairs = [(w, k) for w in latin + [a + b for a, b in itertools.pairwise(latin)] if (k := fold(w))]
        raw_words = ([w for w, _ in pairs], [k for _, k in pairs])  # as written (lower case) and folded
        cue = reference_cue(title)
        for v, ways in found.items():
            variant = self.variants[v]
            mark = self.marks[variant.mark]
            if sellers and self._may_use(mark, sellers):
                continue
            if own and ways <= {"edit"}:  # the title's brand is the seller's own mark, not one letter off another
                continue
            score, signals = _score(variant, mark, ways, title, raw_words, classes, cue)
            if score >= HIT_THRESHOLD and (best is None or score > best.score):
                best = Hit(mark.mark_id, mark.text, round(score, 3), tuple(sorted(signals)), variant.text)
        return best


def _in_common_word(run: str, gaps: frozenset[int], i: int, length: int) -> bool:
    """Tell whether run[i:i+length] is, extends or runs into a common word (no word is read across a gap).

    化为乌有 is not 华为, 多分类 is not 多芬 and 椰子汁 is not 椰子鞋: the sound matches, but the characters are
    other words. Only two-character pieces are checked across their edges: a longer sound match is rarely chance.
    """
    common = common_words("zh")

    def word(a: int, b: int) -> bool:
        return a >= 0 and b <= len(run) and not any(a < g < b for g in gaps) and run[a:b] in common

    if word(i, i + length):
        return True
    if length >= 3:
        return word(i, i + length - 1) or word(i + 1, i + length)
    return any(word(a, b) for a, b in ((i - 1, i + 1), (i - 2, i + 1), (i + 1, i + 3), (i + 1, i + 4)))


def _deletes(key: str) -> set[str]:
    return {key[:i] + key[i + 1 :] for i in range(len(key))}


def _may_use_mark(mark: Mark, sellers: set[str]) -> bool:
    return mark.owner.casefold() in sellers or bool(sellers & {x.casefold() for x in mark.licensees})


def _starts_word(begin: int, tokens: list[str]) -> bool:
    position = 0
    for t in tokens:
        if position == begin:
            return True
        position += len(t)
    return False


def _is_whole(flat: str, begin: int, end: int, tokens: list[str]) -> bool:
    """Tell whether flat[begin:end+1] spans whole tokens of the title."""
    position, bounds = 0, set()
    for t in tokens:
        bounds.add(position)
        position += len(t)
        bounds.add(position)
    return begin in bounds and end + 1 in bounds


def _score(
    variant: _Variant,
    mark: Mark,
    ways: set[str],
    title: str,
    raw_words: tuple[list[str], list[str]],
    classes: frozenset[str],
    cue: str | None,
) -> tuple[float, set[str]]:
    signals: set[str] = set()
    overlap = bool(classes and mark.classes & classes)
    if ways != _EDIT_ONLY and any(w.endswith("@word") for w in ways):
        in_word = {w for w in ways if w.endswith("@word")}
        # a sound match inside a common word counts only on the mark's own goods (化为 耳机 is 华为; 化为乌有 is not)
        ways = (ways - in_word) | ({w.removesuffix("@word") for w in in_word} if overlap else set())
    if "folded" in ways or "hidden" in ways:
        verbatim = variant.text.lower() in title.lower()
        spaced = not verbatim and _SEPARATORS.sub("", variant.text.lower()) in _SEPARATORS.sub("", title.lower())
        signals.add("exact" if verbatim else "spaced_apart" if spaced else "homoglyph")
        score = 0.9 if verbatim else 0.95
        if "hidden" in ways:
            signals.add("hidden_in_word")
            score -= 0.05
    elif ranked := next((r for r in _RANKED_WAYS if r[0] in ways), None):
        _way, signal, score = ranked
        signals.add(signal)
    elif ways <= {"edit"} and "edit" in ways:
        score = _edit_score(variant.key, raw_words)
        if score == 0.0:
            return 0.0, signals
        signals.add("edit")
    else:
        return 0.0, signals
    if variant.alias:
        signals.add("alias")
    if cue is not None:
        signals.add("reference_cue")
    if (
        not overlap
        and (variant.short or (signals & {"pinyin", "fuzzy_pinyin"} and len(variant.text) <= 2))
        and cue is None
    ):
        return 0.0, signals  # LV, AJ or two characters that sound like a name, alone: too often something else
    if overlap:
        signals.add("class_overlap")
        score = min(1.0, score + 0.05)
    elif classes:
        # Other goods: a plain word is likely just a word (apple juice); a disguised famous mark is not, and
        # well-known marks are protected across classes (商标法 第十三条).
        signals.add("class_mismatch")
        score *= 0.5 if signals & {"exact"} else 0.85
    else:
        signals.add("goods_unknown")
        if cue is None:
            # A brand that is also a word (apple, dove; 苹果), written plainly on goods we cannot place, is as
            # likely that word; a name that is no common word (Zippo, Airwrap; 香奶奶) is not.
            score *= 0.6 if signals & {"exact"} and (variant.common or variant.short) else 0.85
    return score, signals


def _edit_score(key: str, raw_words: tuple[list[str], list[str]]) -> float:
    """Score the title word closest to a key one edit away; 0 when it is a common word or not close enough."""
    cutoff = 0.85 if len(key) > SHORT_KEY else 0.9  # one letter off a short mark is often a word
    best = process.extractOne(key, raw_words[1], scorer=JaroWinkler.similarity, score_cutoff=cutoff)
    if best is None:
        return 0.0
    _, similarity, at = best
    if raw_words[0][at] in common_words("en"):  # couch is not COACH, channel is not CHANEL
        return 0.0
    return 0.6 + 2 * (similarity - 0.85)
