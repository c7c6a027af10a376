"""What one language at a time means on a page: the checks shared by the language test and the browser walk.

A Chinese page shows no raw identifier (a code from the label tables, a rule id, any snake_case token) and no
English unit; an English page shows no Chinese unit, no full-width colon and no amount in tens of thousands.
Only the text a person reads counts; what people typed (read from the store) is data and is left aside.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from sqlalchemy import select

from cbec.complaints.models import ComplaintCase, ComplaintTransition
from cbec.core.i18n import labels
from cbec.core.workflow import SYSTEM_ACTOR
from cbec.ip.models import TakedownCase, TakedownTransition
from cbec.storage.store import Store
from cbec.supervision.models import Notice, NoticeTransition

SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
EN_UNITS = re.compile(r"\bCNY\b|\bmillion\b|\b10k\b|\b100 ?m\b")
TEN_THOUSANDS = re.compile(r"\b10k\b|\b10,000s\b")  # 万 put into English words: English counts in millions
ZH_UNITS = re.compile(r"\d\s*(?:亿元|万元|元|个|件|天|笔|家|条)|：")
PIECES = re.compile(r"[\n，。,.;；、！!？?]+")  # sentences and clauses, whole (a masked name or phone ends one)


def typed(store: Store) -> list[str]:
    """Return the pieces of what people typed (complaints, notices, takedowns, reasons): data, in any language.

    The system's own notes (a transition by the "system" actor) are not: they must read in the page's language.
    """
    columns = (ComplaintCase.text, Notice.title, Notice.body, TakedownCase.evidence, TakedownCase.rights_holder)
    steps = (ComplaintTransition, NoticeTransition, TakedownTransition)
    with store.factory() as session:
        said = [str(v) for column in columns for v in session.scalars(select(column)) if v]
        for step in steps:
            said += [str(v) for v in session.scalars(select(step.reason).where(step.actor != SYSTEM_ACTOR)) if v]
    pieces = {piece for text in said for piece in PIECES.split(text) if len(piece) > 1}
    return sorted(pieces, key=len, reverse=True)


def visible_text(page: str) -> str:
    """Return what a reader sees: no scripts, styles, tags or attributes; entities decoded."""
    page = re.sub(r"<(script|style|template)\b.*?</\1>", " ", page, flags=re.S | re.I)
    page = re.sub(r"<!--.*?-->", " ", page, flags=re.S)
    page = re.sub(r'<span class="user"[^>]*>.*?</span>', " ", page, flags=re.S)  # the user's name and tenant
    page = re.sub(r"<[^>]+>", " ", page)
    return re.sub(r"\s+", " ", html.unescape(page))


def _codes() -> set[str]:
    """Every code a person must never read raw: the label tables' keys (each kind) and the rule ids."""
    return {code for kind in labels.KINDS for code in labels.codes(kind)} - labels.SAME_IN_BOTH


def problems(lang: str, where: str, page: str, said: Sequence[str] = ()) -> list[str]:
    """Return what is wrong with one page in one language (what people typed, said, left aside)."""
    text = visible_text(page)
    for piece in said:
        text = text.replace(piece, " ")
    found: list[str] = []
    if lang == "zh":
        codes = _codes()
        words = set(re.findall(r"[A-Za-z][A-Za-z0-9_\-]*[A-Za-z0-9]", text))
        found += [f"{where}: raw code {w!r}" for w in sorted(words & codes)]
        found += [f"{where}: snake_case {w!r}" for w in sorted(set(SNAKE.findall(text)))]
        found += [f"{where}: English unit {m!r}" for m in sorted(set(EN_UNITS.findall(text)))]
    else:
        found += [f"{where}: Chinese unit {m!r}" for m in sorted(set(ZH_UNITS.findall(text)))]
        found += [f"{where}: 万 in English {m!r}" for m in sorted(set(TEN_THOUSANDS.findall(text)))]
        found += [f"{where}: snake_case {w!r}" for w in sorted(set(SNAKE.findall(text)))]
    return found
