"""Screen listing titles against trademarks: candidates from an index, then several explained signals.

Candidates come from three indexes built once over every mark and alias, never from a scan of all marks:
an Aho-Corasick automaton over folded keys (exact, look-alike and hidden-in-a-word hits), a deletion
neighbourhood of folded keys (one edit away: insertions, deletions, substitutions), and a dictionary of the
pinyin and the look-alike shape of Chinese names (耐克 / 奈克 / 纳克). Each candidate is then scored on its
signals; a seller who owns or is licensed for the mark is not a hit.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field

import ahocorasick
from rapidfuzz.distance import JaroWinkler

from cbec.ip.lexicon import shape_key, title_classes
from cbec.ip.normalize import fold, has_cjk, pinyin_keys, words

MIN_KEY = 2  # a folded key this short is only ever matched as a whole word
SHORT_KEY = 4  # keys up to this length must be whole words
HIT_THRESHOLD = 0.6


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


@dataclass
class MarkIndex:
    """The candidate indexes over every mark and alias."""

    marks: list[Mark]
    variants: list[_Variant] = field(default_factory=list)
    automaton: ahocorasick.Automaton = field(default_factory=ahocorasick.Automaton)
    deletes: dict[str, list[int]] = field(default_factory=dict)
    chinese: dict[str, list[int]] = field(default_factory=dict)  # pinyin or shape key → variants
    chinese_lengths: set[int] = field(default_factory=set)

    @classmethod
    def build(cls, marks: Iterable[Mark]) -> MarkIndex:
        """Index every mark and alias once."""
        index = cls(marks=list(marks))
        keyed: dict[str, list[int]] = {}
        for m, mark in enumerate(index.marks):
            for text, alias in [(mark.text, False)] + [(a, True) for a in mark.aliases]:
                v = len(index.variants)
                key = fold(text)
                index.variants.append(_Variant(m, text, alias, key))
                if len(key) >= MIN_KEY:
                    keyed.setdefault(key, []).append(v)
                    if len(key) >= SHORT_KEY:
                        for d in (key, *_deletes(key)):  # the key itself too: a title word one letter longer
                            index.deletes.setdefault(d, []).append(v)
                if has_cjk(text):
                    chars = "".join(c for c in text if has_cjk(c))
                    index.chinese_lengths.add(len(chars))
                    for reading in pinyin_keys(chars):
                        index.chinese.setdefault("p:" + reading, []).append(v)
                    index.chinese.setdefault("s:" + shape_key(chars), []).append(v)
        for key, vs in keyed.items():
            index.automaton.add_word(key, (key, tuple(vs)))
        if keyed:
            index.automaton.make_automaton()
        return index

    def candidates(self, title: str) -> dict[int, set[str]]:
        """Return variant → the ways it was found in a title."""
        found: dict[int, set[str]] = {}
        tokens = [fold(w) for w in words(title)]
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
        for run in (w for w in words(title) if has_cjk(w)):
            for length in self.chinese_lengths:
                for i in range(len(run) - length + 1):
                    piece = run[i : i + length]
                    keys = [("pinyin", "p:" + r) for r in pinyin_keys(piece)] + [("shape", "s:" + shape_key(piece))]
                    for kind, key in keys:
                        for v in self.chinese.get(key, ()):
                            found.setdefault(v, set()).add(kind if piece != self.variants[v].text else "exact_cjk")
        return found

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
        latin = [w for w in words(title) if not has_cjk(w)]
        # folded once per title, not once per candidate
        raw_words = [k for k in (fold(w) for w in latin + [a + b for a, b in itertools.pairwise(latin)]) if k]
        for v, ways in found.items():
            variant = self.variants[v]
            mark = self.marks[variant.mark]
            if sellers and self._may_use(mark, sellers):
                continue
            if own and ways <= {"edit"}:  # the title's brand is the seller's own mark, not one letter off another
                continue
            score, signals = _score(variant, mark, ways, title, raw_words, classes)
            if score >= HIT_THRESHOLD and (best is None or score > best.score):
                best = Hit(mark.mark_id, mark.text, round(score, 3), tuple(sorted(signals)), variant.text)
        return best


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
    variant: _Variant, mark: Mark, ways: set[str], title: str, raw_words: list[str], classes: frozenset[str]
) -> tuple[float, set[str]]:
    signals: set[str] = set()
    key = variant.key
    if "folded" in ways or "hidden" in ways:
        verbatim = variant.text.lower() in title.lower()
        signals.add("exact" if verbatim else "homoglyph")
        score = 0.9 if verbatim else 0.95
        if "hidden" in ways:
            signals.add("hidden_in_word")
            score -= 0.05
    elif "exact_cjk" in ways:
        signals.add("exact")
        score = 0.9
    elif "pinyin" in ways:
        signals.add("pinyin")
        score = 0.85
    elif "shape" in ways:
        signals.add("lookalike_char")
        score = 0.8
    else:
        similarity = max((JaroWinkler.similarity(key, w) for w in raw_words), default=0.0)
        if similarity < (0.85 if len(key) > SHORT_KEY else 0.9):  # one letter off a short mark is often a word
            return 0.0, signals
        signals.add("edit")
        score = 0.6 + 2 * (similarity - 0.85)
    if variant.alias:
        signals.add("alias")
    if classes and mark.classes & classes:
        signals.add("class_overlap")
        score = min(1.0, score + 0.05)
    elif classes:
        # Other goods: a plain word is likely just a word (apple juice); a disguised famous mark is not, and
        # well-known marks are protected across classes (商标法 第十三条).
        signals.add("class_mismatch")
        score *= 0.5 if signals & {"exact"} else 0.85
    elif signals & {"exact"}:
        # A brand written plainly on goods we cannot place is as likely an ordinary word (apple, dove).
        signals.add("goods_unknown")
        score *= 0.6
    else:
        signals.add("goods_unknown")
        score *= 0.85
    return score, signals
