"""Personal data typed into free text: Chinese mobile numbers, resident ID numbers, bank card numbers, e-mail.

Found by shape and confirmed by checksum where the number has one (the ID number's ISO 7064 check character,
the card's Luhn digit), so an order number or an amount is not taken for personal data. Pure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from cbec.core.privacy import mask_id_number, mask_phone

EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})*\.[A-Za-z]{2,}"
)
ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])[1-9][0-9]{16}[0-9Xx](?![0-9A-Za-z])")
# 13 to 19 digits, optionally in groups split by single spaces or hyphens (6222 0212 3456 7890).
CARD = re.compile(r"(?<![0-9])[0-9](?:[ -]?[0-9]){12,18}(?![0-9])")
# 1[3-9]x xxxx xxxx, optionally +86 / 86 in front and split by spaces or hyphens.
MOBILE = re.compile(r"(?<![0-9])(?:\+?86[ -]?)?1[3-9][0-9](?:[ -]?[0-9]{4}){2}(?![0-9])")
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"


@dataclass(frozen=True, slots=True)
class Found:
    """One piece of personal data in a text: its kind, where it is, and what it is."""

    kind: str  # mobile, id_number, bank_card, email
    start: int
    end: int
    value: str


def id_number_valid(number: str) -> bool:
    """Tell whether an 18-character resident ID number has a real birth date and the right check character."""
    if len(number) != 18 or not number[:17].isdigit():
        return False
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    if not 1900 <= born.year <= 2100:
        return False
    check = ID_CHECK[sum(int(d) * w for d, w in zip(number[:17], ID_WEIGHTS, strict=True)) % 11]
    return number[17].upper() == check


def luhn_valid(digits: str) -> bool:
    """Tell whether a digit string passes the Luhn check (bank card numbers)."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def _digits(text: str) -> str:
    return re.sub(r"[^0-9Xx]", "", text)


def find_personal(text: str) -> list[Found]:
    """Return the personal data in a text, in order, never two overlapping (e-mail, ID, mobile, card first)."""
    found: list[Found] = []
    taken: list[tuple[int, int]] = []

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in taken)

    def add(kind: str, match: re.Match[str]) -> None:
        found.append(Found(kind, match.start(), match.end(), match.group()))
        taken.append((match.start(), match.end()))

    for match in EMAIL.finditer(text):
        add("email", match)
    for match in ID_NUMBER.finditer(text):
        if free(*match.span()) and id_number_valid(match.group()):
            add("id_number", match)
    for match in MOBILE.finditer(text):
        if free(*match.span()):
            add("mobile", match)
    for match in CARD.finditer(text):
        digits = _digits(match.group())
        if free(*match.span()) and 13 <= len(digits) <= 19 and luhn_valid(digits):
            add("bank_card", match)
    return sorted(found, key=lambda f: f.start)


def mask_card(number: str) -> str:
    """6222021234567890123 → 622202*********0123 (the issuer's six digits and the last four stay)."""
    digits = _digits(number)
    return digits[:6] + "*" * (len(digits) - 10) + digits[-4:]


def mask_email(address: str) -> str:
    """zhang.san@example.com → z***@example.com."""
    local, _, domain = address.partition("@")
    return f"{local[:1]}***@{domain}"


MASKS = {
    "mobile": lambda v: mask_phone(_digits(v)[-11:]),  # +86 dropped: 138****5678
    "id_number": lambda v: mask_id_number(v.upper()),
    "bank_card": mask_card,
    "email": mask_email,
}


def mask_personal(text: str) -> tuple[str, list[Found]]:
    """Return the text with every piece of personal data masked, and what was found."""
    found = find_personal(text)
    parts, position = [], 0
    for item in found:
        parts += [text[position : item.start], MASKS[item.kind](item.value)]
        position = item.end
    parts.append(text[position:])
    return "".join(parts), found
