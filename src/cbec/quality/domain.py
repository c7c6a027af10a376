"""Pure product-quality logic: filing checks and the measure a failed inspection opens."""

from __future__ import annotations

import re
from dataclasses import dataclass

STANDARD = re.compile(r"^GB(/T)? \d+(\.\d+)?-\d{4}$")


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
        elif standard not in known_standards:
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
