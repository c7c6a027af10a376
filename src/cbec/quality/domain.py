"""Pure product-quality logic: filing checks and the measure a failed inspection opens."""

from __future__ import annotations

import re
from dataclasses import dataclass

from cbec.quality.standards import EXPORT, GENERAL_TRADE, RETAIL_IMPORT, StandardsTable, standard_number

STANDARD = re.compile(r"^GB(/T)? \d+(\.\d+)?-\d{4}$")
# A foreign standard or regulation: checked against the correspondence table, not the GB list.
FOREIGN = re.compile(
    r"^(EN|ISO|IEC|ASTM|ANSI|UL|BS|DIN|JIS|KS|AS/NZS|AS|NZS|CXS|CODEX|\d+ CFR|REGULATION|DIRECTIVE|\(E[CU]\))[ /]",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class FilingFinding:
    """One problem with a filing, explained in Chinese and English."""

    filing_id: str
    enterprise_id: str
    code: str
    detail_zh: str
    detail_en: str


def hs_code_problem(code: str) -> str | None:
    """Return why an HS code is invalid (China's 10-digit lines, chapters 01-97 but 77), else None."""
    if not re.fullmatch(r"\d{10}", code):
        return "HS 编码应为 10 位数字 / an HS code has 10 digits"
    chapter = int(code[:2])
    if not 1 <= chapter <= 97 or chapter == 77:
        return f"HS 第 {code[:2]} 章不存在 / HS chapter {code[:2]} does not exist"
    return None


def check_filing(row: dict[str, str | None], known_standards: set[str], countries: set[str]) -> list[FilingFinding]:
    """Check one filing on arrival: HS code, the GB standards it cites, its origin."""
    fid, eid = str(row["filing_id"]), str(row["enterprise_id"])
    found: list[FilingFinding] = []
    if (problem := hs_code_problem(str(row.get("hs_code") or ""))) is not None:
        zh, en = problem.split(" / ")
        found.append(FilingFinding(fid, eid, "hs_invalid", zh, en))
    cited = [s.strip() for s in str(row.get("standards") or "").split(";") if s.strip()]
    if not cited:
        found.append(
            FilingFinding(fid, eid, "no_standard", "未引用任何强制性国家标准", "cites no mandatory GB standard")
        )
    for standard in cited:
        if standard in known_standards or FOREIGN.match(standard):
            continue
        if not STANDARD.match(standard):
            found.append(
                FilingFinding(
                    fid,
                    eid,
                    "standard_malformed",
                    f"标准编号格式不对：{standard}",
                    f"not a standard number: {standard}",
                )
            )
        else:
            found.append(
                FilingFinding(
                    fid,
                    eid,
                    "standard_unknown",
                    f"标准不在现行标准清单：{standard}",
                    f"standard not in the current list: {standard}",
                )
            )
    origin = row.get("origin_country")
    if origin not in countries:
        found.append(FilingFinding(fid, eid, "origin_invalid", f"原产地无效：{origin}", f"invalid origin: {origin}"))
    return found


def measure_for(categories: set[str], by_category: dict[str, str], default: str) -> str:
    """Return the measure a failed inspection opens: the strictest that a cited standard's category asks."""
    strictness = ("destroy", "return", "delist", "rectify")
    wanted = {by_category[c] for c in categories if c in by_category} or {default}
    return min(wanted, key=lambda m: strictness.index(m) if m in strictness else len(strictness))


def trade_mode_of(origin: str | None, retail_import: bool) -> str:
    """Return a filing's trade mode: made in China → export; imported → retail import when sold so, else general."""
    if origin == "CN":
        return EXPORT
    return RETAIL_IMPORT if retail_import else GENERAL_TRADE


def check_standards(
    *, filing_id: str, enterprise_id: str, hs_code: str, cited: list[str], mode: str, table: StandardsTable
) -> list[FilingFinding]:
    """Check an import filing against the standards table; exports are left to the destination's rules.

    Kinds: missing_mandatory (a requirement of the HS code that applies to the trade mode is not cited),
    foreign_no_counterpart (a foreign standard the table does not know), stricter_chinese_limit (a foreign
    standard whose Chinese counterpart is known to be stricter, cited without that counterpart), and
    not_on_positive_list (a cross-border retail import outside the positive list). Label rules are
    general-trade rules: they are never asked of a cross-border retail import.
    """
    if mode == EXPORT:
        return []
    numbers = {standard_number(c) for c in cited}
    applicable = [r for r in table.requirements if hs_code.startswith(r.hs_prefix)]
    label_numbers = {standard_number(s) for r in table.requirements if r.kind == "label" for s in r.any_of}
    found: list[FilingFinding] = []
    stricter: set[str] = set()
    for citation in (c for c in cited if FOREIGN.match(c)):
        match = table.counterpart(citation)
        if match is None:
            found.append(
                FilingFinding(
                    filing_id,
                    enterprise_id,
                    "foreign_no_counterpart",
                    f"境外标准 {citation} 无对应的中国标准，须另证明符合我国要求",
                    f"foreign standard {citation} has no Chinese counterpart in the table: show conformity otherwise",
                )
            )
            continue
        counterparts = {standard_number(s) for s in match.chinese}
        label_only = counterparts <= label_numbers
        if not match.stricter_cn or counterparts & numbers or (label_only and mode == RETAIL_IMPORT):
            continue
        stricter |= counterparts
        chinese = "、".join(match.chinese)
        found.append(
            FilingFinding(
                filing_id,
                enterprise_id,
                "stricter_chinese_limit",
                f"引用 {citation}，但 {chinese} 更严：{match.differs_zh}",
                f"cites {citation} but {', '.join(match.chinese)} is stricter: {match.differs_en}",
            )
        )
    for r in applicable:
        wanted = {standard_number(s) for s in r.any_of}
        if mode not in r.trade_modes or wanted & numbers or wanted & stricter:
            continue
        names = " / ".join(r.any_of)
        found.append(
            FilingFinding(
                filing_id,
                enterprise_id,
                "missing_mandatory",
                f"HS {r.hs_prefix}（{r.category}）须符合 {names}，备案未引用（依据：{r.source}）",
                f"HS {r.hs_prefix} ({r.category}) must meet {names}; the filing does not cite it ({r.source})",
            )
        )
    positive = table.positive_list
    if mode == RETAIL_IMPORT and positive is not None and not hs_code.startswith(tuple(positive.hs_prefixes)):
        found.append(
            FilingFinding(
                filing_id,
                enterprise_id,
                "not_on_positive_list",
                f"HS {hs_code} 不在跨境电商零售进口正面清单（子集）内，请对照公布的清单核查",
                f"HS {hs_code} is not on the retail import positive list (subset): check the published list",
            )
        )
    return found
