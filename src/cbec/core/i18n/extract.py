"""`make messages`: find every key the code and the templates ask for and add the new ones to both catalogs.

Keys come from babel.cfg's mapping (Babel's extractors for Python and Jinja2). A key under cbec/reports goes to
the ``report`` domain, any other to ``messages``. A new key is added to the zh and en catalogs with an empty
text and the fuzzy flag, for a person to write both words; nothing is ever removed (labels and keys built at
run time, such as t('verdict_' ~ v), are not extractable). Prints what still lacks a text; exits 1 when any does.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import write_po

from cbec.core.i18n.catalogs import LANGS, catalog, po_path

ROOT = Path(__file__).resolve().parents[4]  # the checkout: babel.cfg and src/ beside each other
# The names that take a key: t('key') in templates and reports, translate/gettext(lang, 'key') in Python.
KEYWORDS: dict[str, tuple[int, ...]] = {"t": (1,), "_": (1,), "translate": (2,), "gettext": (2,)}


def asked(root: Path = ROOT) -> Iterator[tuple[str, str, str]]:
    """Yield (domain, key, where) for every constant key the code and templates ask for."""
    with (root / "babel.cfg").open(encoding="utf-8") as config:
        method_map, options_map = parse_mapping_cfg(config)  # type: ignore[no-untyped-call]  # babel leaves it untyped
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(root), method_map, options_map, keywords=KEYWORDS, strip_comment_tags=True
    ):
        if isinstance(message, str) and message and "{" not in message:
            domain = "report" if filename.startswith("src/cbec/reports/") else "messages"
            yield domain, message, f"{filename}:{lineno}"


def missing(root: Path = ROOT) -> list[tuple[str, str, str]]:
    """Return (domain, key, where) of every asked-for key that a catalog lacks or leaves without a text."""
    found = []
    for domain, key, where in asked(root):
        for lang in LANGS:
            entry = catalog(lang, domain).get(key)
            if entry is None or not entry.string:
                found.append((domain, key, f"{where} ({lang})"))
    return found


def main() -> int:
    """Add the keys the catalogs lack (empty, fuzzy) to both languages; print the keys without a text."""
    gaps = missing()
    for domain in {d for d, _, _ in gaps}:
        for lang in LANGS:
            words = catalog(lang, domain)
            for _, key, _ in (g for g in gaps if g[0] == domain):
                if words.get(key) is None:
                    words.add(key, "", flags=["fuzzy"])
            with po_path(lang, domain).open("wb") as out:
                write_po(out, words, width=120, no_location=True)
    for domain, key, where in gaps:
        print(f"{domain}: {key!r} has no text yet ({where})")
    return 1 if gaps else 0


if __name__ == "__main__":
    sys.exit(main())
