"""The CLI's names for codes: Chinese and English side by side ("已下发 / issued"), or one language.

CBEC_LANG=zh or CBEC_LANG=en prints one language; unset (the default, as the CLI always printed) both.
The names are the dashboard's and the report's: cbec.core.i18n.labels.
"""

from __future__ import annotations

import os

from cbec.core.i18n import LANGS
from cbec.core.i18n.labels import label

LANG_ENV = "CBEC_LANG"


def chosen_language() -> str | None:
    """Return the language CBEC_LANG chooses, or None for both."""
    asked = os.environ.get(LANG_ENV, "").strip().lower()
    return asked if asked in LANGS else None


def named(kind: str, code: str | None) -> str:
    """Return a code's name in the chosen language, or "中文 / English" (the code when no name is known)."""
    if not code:
        return "-"
    lang = chosen_language()
    if lang is not None:
        return label(kind, code, lang)
    zh, en = label(kind, code, "zh"), label(kind, code, "en")
    return zh if zh == en else f"{zh} / {en}"
