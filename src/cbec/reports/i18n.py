"""The report's words in one language: the ``report`` gettext catalog, code labels, city names."""

from __future__ import annotations

from cbec.core.i18n import LANGS, gettext
from cbec.core.i18n.labels import KINDS, label
from cbec.core.regions import CITIES

LANGUAGES = LANGS
# The report's name prefixes that are code labels (cbec.core.i18n.labels), by label kind.
LABEL_KINDS = {kind: kind for kind in KINDS} | {"role": "job_role"}


class Texts:
    """The words of one language; a missing key shows itself (the key) rather than failing the report."""

    def __init__(self, lang: str) -> None:
        if lang not in LANGUAGES:
            raise ValueError(f"language must be zh or en, got {lang!r}")
        self.lang = lang

    def __call__(self, key: str, **values: object) -> str:
        """Return the text of a key with its {placeholders} filled."""
        text = gettext(self.lang, key, domain="report")
        return text.format(**values) if values else text

    def name(self, prefix: str, key: str) -> str:
        """Return the display name of a code (channel, city, typology…), or the code itself when unknown."""
        if prefix == "city":
            city = next((c for c in CITIES if c.code == key), None)
            return key if city is None else (city.short_zh if self.lang == "zh" else city.name_en)
        if prefix in LABEL_KINDS:
            return label(LABEL_KINDS[prefix], key, self.lang)
        found = gettext(self.lang, f"{prefix}.{key}", domain="report")
        return key if found == f"{prefix}.{key}" else found
