"""The gettext catalogs under cbec/locale, compiled in memory on first use (no .mo files are shipped).

Two domains per language: ``messages`` (the dashboard, the API's problem titles, the CLI, and the code labels,
each label kind a msgctxt) and ``report`` (the monthly report). Msgids are stable keys, not English sentences:
Chinese is the first language, both languages are translations of the key (docs/i18n.md says why).
"""

from __future__ import annotations

from functools import cache
from io import BytesIO
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

LOCALE_DIR = Path(__file__).resolve().parents[2] / "locale"
LANGS = ("zh", "en")
DEFAULT_LANG = "zh"
DOMAINS = ("messages", "report")


def po_path(lang: str, domain: str = "messages") -> Path:
    """Return the path of a language's catalog of one domain."""
    if lang not in LANGS or domain not in DOMAINS:
        raise ValueError(f"no catalog {domain!r} for language {lang!r}")
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{domain}.po"


@cache
def catalog(lang: str, domain: str = "messages") -> Catalog:
    """Return a language's parsed catalog (the messages with their contexts, in file order)."""
    with po_path(lang, domain).open("rb") as source:
        return read_po(source, locale="zh_Hans_CN" if lang == "zh" else "en", domain=domain)


@cache
def translations(lang: str, domain: str = "messages") -> Translations:
    """Return the gettext translations of a language and domain, compiled from its .po file."""
    compiled = BytesIO()
    write_mo(compiled, catalog(lang, domain), use_fuzzy=False)
    compiled.seek(0)
    return Translations(compiled, domain=domain)


def gettext(lang: str, key: str, domain: str = "messages") -> str:
    """Return the text of a key in a language (the key itself when the catalog lacks it, so gaps show)."""
    return translations(lang, domain).gettext(key)


def accepted(header: str | None, default: str) -> str:
    """Return the language an Accept-Language header prefers among zh and en (q-values honoured), else default."""
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate((header or "").split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        primary = tag.strip().lower().split("-")[0]
        if primary in LANGS and quality > 0:
            ranked.append((-quality, position, primary))
    return min(ranked)[2] if ranked else default
