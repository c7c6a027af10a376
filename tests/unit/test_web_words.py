"""The case board's kinds have their words (every key a template asks for: tests/unit/core/test_i18n.py)."""

from __future__ import annotations

from cbec.core.i18n.catalogs import catalog


def _words(lang: str) -> dict[str, str]:
    return {str(m.id): str(m.string) for m in catalog(lang) if m.id and m.context is None}


def test_every_case_kind_has_a_name_in_both_languages() -> None:
    from cbec.cases.service import CASE_KINDS

    zh, en = _words("zh"), _words("en")
    assert all(zh[f"kind_{kind}"] and en[f"kind_{kind}"] for kind in CASE_KINDS)
    assert (zh["kind_complaint"], en["kind_complaint"]) == ("消费者投诉", "complaint")
