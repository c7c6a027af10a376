"""The CLI names codes in both languages by default, in one when CBEC_LANG chooses it."""

from __future__ import annotations

import pytest

from cbec.cli.words import named


def test_both_languages_side_by_side_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CBEC_LANG", raising=False)
    assert named("notice_state", "issued") == "已下发 / issued"
    assert named("severity", "critical") == "严重 / critical"
    assert named("graph_pattern", "no_such_pattern") == "no_such_pattern"
    assert named("severity", None) == "-"


@pytest.mark.parametrize(("lang", "expected"), [("zh", "已下发"), ("EN", "issued"), ("fr", "已下发 / issued")])
def test_cbec_lang_chooses_one_language(monkeypatch: pytest.MonkeyPatch, lang: str, expected: str) -> None:
    monkeypatch.setenv("CBEC_LANG", lang)
    assert named("notice_state", "issued") == expected
