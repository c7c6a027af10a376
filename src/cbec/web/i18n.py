"""The dashboard's language: chosen in a cookie; its words come from the gettext catalogs (cbec.core.i18n)."""

from __future__ import annotations

from starlette.requests import Request

from cbec.core.i18n import DEFAULT_LANG, LANGS, gettext

LANG_COOKIE = "cbec_lang"
__all__ = ["DEFAULT_LANG", "LANGS", "LANG_COOKIE", "lang_of", "pick", "translate"]


def lang_of(request: Request) -> str:
    """Return the language the visitor chose (cookie), else Chinese."""
    chosen = request.cookies.get(LANG_COOKIE, DEFAULT_LANG)
    return chosen if chosen in LANGS else DEFAULT_LANG


def translate(lang: str, key: str) -> str:
    """Return the text of a key in a language (the key itself when unknown, so gaps show)."""
    return gettext(lang, key)


def pick(lang: str, pair: tuple[str, str] | None, fallback: str = "") -> str:
    """Return the zh or en half of a (zh, en) pair from a register's names."""
    if pair is None:
        return fallback
    return pair[0] if lang == "zh" else pair[1]
