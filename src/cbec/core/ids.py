"""Unified social credit codes (统一社会信用代码) per GB 32100-2015."""

from __future__ import annotations

import re

# GB 32100-2015 code alphabet: digits and capitals without I, O, S, V, Z.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {ch: i for i, ch in enumerate(USCC_ALPHABET)}
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_SHAPE = re.compile(r"[0-9A-HJ-NP-RTUW-Y]{2}\d{6}[0-9A-HJ-NP-RTUW-Y]{10}")


def uscc_check_char(body: str) -> str:
    """Return the check character for the first 17 characters of a code."""
    if len(body) != 17 or any(ch not in _VALUE for ch in body):
        raise ValueError(f"not the 17-character body of a unified social credit code: {body!r}")
    total = sum(_VALUE[ch] * w for ch, w in zip(body, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def complete_uscc(body: str) -> str:
    """Append the check character to a 17-character body."""
    return body + uscc_check_char(body)


def uscc_problem(code: str) -> str | None:
    """Say what is wrong with a unified social credit code, or None when it is valid."""
    if len(code) != 18:
        return f"must be 18 characters, got {len(code)}"
    if not _SHAPE.fullmatch(code):
        return "characters outside the GB 32100-2015 alphabet or a non-digit region code"
    expected = uscc_check_char(code[:17])
    if code[17] != expected:
        return f"check character is {code[17]!r}, expected {expected!r}"
    return None


def is_valid_uscc(code: str) -> bool:
    """Tell whether a code is a well-formed unified social credit code."""
    return uscc_problem(code) is None
