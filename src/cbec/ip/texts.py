"""Copied product descriptions: character shingles, MinHash LSH for candidates, exact Jaccard to decide.

Chinese has no spaces between words, so a text is cut into overlapping character shingles (n-grams of
`SHINGLE` characters) after NFKC folding, case folding and dropping whitespace and punctuation: the same
shingles come out of 这款保温杯采用 whether a seller adds spaces, changes full-width punctuation or mixes in
English. MinHash signatures of the shingle sets go into an LSH index tuned to `CANDIDATE_JACCARD`, well below
the decision threshold, so edited copies reach the exact comparison; a candidate is a copy when the exact
Jaccard similarity of the two shingle sets reaches `COPY_JACCARD`, or when most of the registered text's
shingles reappear in the listing (`COPY_CONTAINMENT`: a copy padded with the seller's own sentences).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # datasketch (and the SciPy it imports) loads when a text is first indexed: 0.3 s
    from datasketch import MinHash, MinHashLSH

SHINGLE = 3  # characters per shingle: short enough for two-character Chinese words, long enough to be rare
PERMUTATIONS = 128
CANDIDATE_JACCARD = 0.3  # the LSH band layout's threshold: candidates only, the exact measure decides
COPY_JACCARD = 0.45
COPY_CONTAINMENT = 0.7
MIN_SHINGLES = 12  # a text shorter than this says too little to be called a copy
RULE_VERSION = "1"
_DROP = re.compile(r"[\W_]+", re.UNICODE)


def fold_text(text: str) -> str:
    """Fold a description to what shingles are cut from: NFKC, case folded, no spaces or punctuation."""
    return _DROP.sub("", unicodedata.normalize("NFKC", text).casefold())


def shingles(text: str, size: int = SHINGLE) -> frozenset[str]:
    """Return the set of overlapping character n-grams of a folded text."""
    folded = fold_text(text)
    if len(folded) < size:
        return frozenset({folded}) if folded else frozenset()
    return frozenset(folded[i : i + size] for i in range(len(folded) - size + 1))


def _hash(value: bytes) -> int:
    return int.from_bytes(hashlib.blake2b(value, digest_size=4).digest(), "little")


def signature(grams: frozenset[str]) -> MinHash:
    """Return the MinHash signature of a shingle set (stable across processes: blake2b, fixed seed)."""
    from datasketch import MinHash

    minhash = MinHash(num_perm=PERMUTATIONS, seed=1, hashfunc=_hash)
    minhash.update_batch([g.encode("utf-8") for g in sorted(grams)])
    return minhash


@dataclass(frozen=True, slots=True)
class TextMatch:
    """A registered text a description copies: the similarity, the containment, the shared shingles."""

    key: str
    jaccard: float
    containment: float
    shared: int
    how: str  # similar (Jaccard) or contained (the registered text inside a longer description)


def _lsh() -> MinHashLSH:
    from datasketch import MinHashLSH

    return MinHashLSH(threshold=CANDIDATE_JACCARD, num_perm=PERMUTATIONS)


@dataclass
class TextIndex:
    """Registered texts (rights holders' product descriptions) for near-duplicate search."""

    grams: dict[str, frozenset[str]] = field(default_factory=dict)
    lsh: MinHashLSH = field(default_factory=_lsh)

    def add(self, key: str, text: str) -> bool:
        """Register a text under a key; return False (not indexed) when it is too short to judge copies by."""
        grams = shingles(text)
        if len(grams) < MIN_SHINGLES or key in self.grams:
            return False
        self.grams[key] = grams
        self.lsh.insert(key, signature(grams))
        return True

    def search(self, text: str) -> TextMatch | None:
        """Return the registered text the description copies most closely, else None."""
        probe = shingles(text)
        if len(probe) < MIN_SHINGLES or not self.grams:
            return None
        best: TextMatch | None = None
        for key in sorted(self.lsh.query(signature(probe))):
            registered = self.grams[key]
            shared = len(probe & registered)
            jaccard = shared / len(probe | registered)
            containment = shared / len(registered)
            how = "similar" if jaccard >= COPY_JACCARD else "contained" if containment >= COPY_CONTAINMENT else ""
            if how and (best is None or (jaccard, containment) > (best.jaccard, best.containment)):
                best = TextMatch(key, round(jaccard, 4), round(containment, 4), shared, how)
        return best
