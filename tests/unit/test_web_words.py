"""Every word a dashboard template asks for exists in Chinese and English (a missing key would show raw)."""

from __future__ import annotations

import re
from pathlib import Path

from cbec.web import render
from cbec.web.i18n import TEXT

TEMPLATES = Path(render.__file__).resolve().parent / "templates"
ASKED = re.compile(r"""\bt\(\s*'([a-z0-9_]+)'\s*\)""")


def test_every_key_a_template_asks_for_has_both_languages() -> None:
    asked = {key for path in TEMPLATES.glob("*.j2") for key in ASKED.findall(path.read_text(encoding="utf-8"))}
    assert len(asked) > 100
    assert sorted(asked - set(TEXT)) == []
    assert [k for k in asked if not all(TEXT[k])] == []


def test_every_case_kind_has_a_name_in_both_languages() -> None:
    from cbec.cases.service import CASE_KINDS

    assert all(TEXT[f"kind_{kind}"][0] and TEXT[f"kind_{kind}"][1] for kind in CASE_KINDS)
