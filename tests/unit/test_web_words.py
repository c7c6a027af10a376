"""Every word a dashboard template asks for exists in Chinese and English (a missing key would show raw)."""

from __future__ import annotations

import re
from pathlib import Path

from cbec.core.i18n.catalogs import catalog
from cbec.web import render

TEMPLATES = Path(render.__file__).resolve().parent / "templates"
ASKED = re.compile(r"""\bt\(\s*'([a-z0-9_]+)'\s*\)""")


def _words(lang: str) -> dict[str, str]:
    return {str(m.id): str(m.string) for m in catalog(lang) if m.id and m.context is None}


def test_every_key_a_template_asks_for_has_both_languages() -> None:
    asked = {key for path in TEMPLATES.glob("*.j2") for key in ASKED.findall(path.read_text(encoding="utf-8"))}
    assert len(asked) > 100
    for lang in ("zh", "en"):
        words = _words(lang)
        assert sorted(asked - set(words)) == []
        assert [k for k in asked if not words[k]] == []


def test_every_case_kind_has_a_name_in_both_languages() -> None:
    from cbec.cases.service import CASE_KINDS

    zh, en = _words("zh"), _words("en")
    assert all(zh[f"kind_{kind}"] and en[f"kind_{kind}"] for kind in CASE_KINDS)
    assert (zh["kind_complaint"], en["kind_complaint"]) == ("消费者投诉", "complaint")
