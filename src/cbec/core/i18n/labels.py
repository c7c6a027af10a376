"""The one place codes become names: typologies, rules, statuses, categories, roles, actions, channels…

Each kind of code is a msgctxt of the ``messages`` catalogs (``msgctxt "typology"`` / ``msgid
"three_document"``); the contexts' (zh, en) title tables are built from here, so a code is named once.
"""

from __future__ import annotations

from functools import cache

from cbec.core.i18n.catalogs import LANGS, catalog, translations

KINDS = (
    "typology",
    "rule",
    "graph_pattern",
    "field",
    "respondent",
    "evidence",
    "alert_status",
    "alert_source",
    "indicator",
    "provider_kind",
    "mode",
    "edu_channel",
    "timing_source",
    "severity",
    "channel",
    "direction",
    "job_role",
    "role",
    "action",
    "notice_kind",
    "notice_state",
    "complaint_state",
    "complaint_category",
    "repair_state",
    "finding_state",
    "scan_kind",
    "delivery_state",
    "problem",
    "review_state",
    "disposition",
    "review_step",
    "review_team",
    "triage_signal",
    "triage_profile",
)
# Codes that read the same in both languages, so no page is wrong to show them (none today).
SAME_IN_BOTH: frozenset[str] = frozenset()


def _check(kind: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"unknown label kind {kind!r}; add it to cbec.core.i18n.labels.KINDS and the catalogs")


def label(kind: str, code: str, lang: str) -> str:
    """Return the name of a code in a language; the code itself when the catalog has no name for it."""
    _check(kind)
    named = str(translations(lang).pgettext(kind, code))
    return code if named == code else named


def known(kind: str, code: str) -> bool:
    """Say whether the catalogs name a code of a kind."""
    return code in codes(kind)


@cache
def codes(kind: str) -> tuple[str, ...]:
    """Return the codes of a kind, in catalog order."""
    _check(kind)
    return tuple(str(m.id) for m in catalog(LANGS[0]) if m.context == kind and m.id)


@cache
def pairs(kind: str) -> dict[str, tuple[str, str]]:
    """Return {code: (zh, en)} of a kind: the (Chinese, English) title tables the contexts keep in their data."""
    zh, en = LANGS
    return {code: (label(kind, code, zh), label(kind, code, en)) for code in codes(kind)}
