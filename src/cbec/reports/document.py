"""The report as a document a regulator sends: its cover (issuing authority, document number) and its sources.

A document number is the issuing prefix, the year and the report's place among the year's monthly reports
(浙跨境监〔2026〕11号). The place is kept in the store with the report records: a month's number is its rank, by
first build, among the months of its year that have a record, so a rebuilt report keeps its number and both
languages carry the same one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cbec.config import Settings
from cbec.core.i18n import gettext


@dataclass(frozen=True)
class Cover:
    """What the cover says beyond the title: who issues the report and its document number."""

    authority: str
    number: str


def document_number(prefix: str, year: int, sequence: int, lang: str) -> str:
    """Return a document number: 浙跨境监〔2026〕11号, or "ZJ CBEC Supervision [2026] No. 11" in English."""
    return f"{prefix}〔{year}〕{sequence}号" if lang == "zh" else f"{prefix} [{year}] No. {sequence}"


def sequence_of(month: str, months_in_order: list[str]) -> int:
    """Return a month's place among the year's reported months (in order of first build), or the next one."""
    return months_in_order.index(month) + 1 if month in months_in_order else len(months_in_order) + 1


def cover(settings: Settings, *, month: str, sequence: int, lang: str) -> Cover:
    """Return the cover of a month's report in a language, from the configured authority and prefix."""
    prefix = settings.report_number_prefix[lang]
    return Cover(settings.report_authority[lang], document_number(prefix, int(month[:4]), sequence, lang))


_PAPER = re.compile(r"Liu 2025(?: (Table|Fig\.|Figure) (\d+)| (§[\d.]+))?")
_CITED = re.compile(r"^(?P<body>[^()]+?) \((?P<paper>Liu 2025[^)]*)\)$")
_NAMES_EN = {"浙江省商务厅": "Zhejiang Department of Commerce", "电数宝": "Dianshubao"}
_SYNTHETIC = {"zh": "演示合成数据（cbec 合成省份）", "en": "synthetic demo data (cbec's synthetic province)"}


def _paper(match: re.Match[str], lang: str) -> str:
    kind, number, section = match.groups()
    where = section or ""
    if kind:
        where = (f"表 {number}" if kind == "Table" else f"图 {number}") if lang == "zh" else f"{kind} {number}"
    title = gettext(lang, "source.paper", domain="report")  # the paper named as the document it is
    return f"{title}{where}" if lang == "zh" else f"{title}{', ' + where if where else ''}"


def source_name(source: str, lang: str) -> str:
    """Name a source as the document it is: 浙江省商务厅 (Liu 2025 Table 1) -> 浙江省商务厅（据《…》表 1）."""
    if source.startswith("cbec synth"):
        return _SYNTHETIC[lang]
    cited = _CITED.match(source)
    if cited:
        body = cited["body"] if lang == "zh" else _NAMES_EN.get(cited["body"], cited["body"])
        paper = _PAPER.sub(lambda m: _paper(m, lang), cited["paper"])
        return f"{body}（据{paper}）" if lang == "zh" else f"{body}, cited in {paper}"
    return _PAPER.sub(lambda m: _paper(m, lang), source)
