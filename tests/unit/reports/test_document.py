"""The report as a document: document numbers, sources named as documents, the month's actions from the data."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from cbec.config import Settings
from cbec.reports.actions import executive_summary
from cbec.reports.document import Cover, cover, document_number, sequence_of, source_name


def test_a_document_number_is_the_months_place_in_its_year_kept_on_rebuilds() -> None:
    assert document_number("浙跨境监", 2026, 11, "zh") == "浙跨境监〔2026〕11号"
    assert document_number("ZJ CBEC Supervision", 2026, 11, "en") == "ZJ CBEC Supervision [2026] No. 11"
    first_built = ["2026-01", "2026-03", "2026-02"]  # in the order first reported, not by month
    assert sequence_of("2026-02", first_built) == 3  # rebuilt: keeps its number
    assert sequence_of("2026-04", first_built) == 4  # new: the next one
    custom = Settings(
        report_authority={"zh": "中国人民银行浙江省分行", "en": "PBOC Zhejiang Branch"},
        report_number_prefix={"zh": "浙银支", "en": "ZJ PBOC Payments"},
    )
    assert cover(custom, month="2026-04", sequence=4, lang="zh") == Cover("中国人民银行浙江省分行", "浙银支〔2026〕4号")
    assert cover(custom, month="2026-04", sequence=4, lang="en") == Cover(
        "PBOC Zhejiang Branch", "ZJ PBOC Payments [2026] No. 4"
    )


def test_sources_are_named_as_the_documents_they_are() -> None:
    assert (
        source_name("浙江省商务厅 (Liu 2025 Table 1)", "zh")
        == "浙江省商务厅（据《浙江省跨境电商现状、问题和对策分析》表 1）"
    )
    assert source_name("Liu 2025 §5.1", "zh") == "《浙江省跨境电商现状、问题和对策分析》§5.1"
    assert source_name("电数宝 (Liu 2025 §4.2)", "en") == (
        "Dianshubao, cited in “Zhejiang CBEC: status quo, problems and countermeasures” (2025), §4.2"
    )
    assert source_name("cbec synth (synthetic)", "en") == "synthetic demo data (cbec's synthetic province)"
    assert source_name("海关总署", "zh") == "海关总署"  # already a name: kept


def _sections(**changes: Any) -> dict[str, Any]:
    sections: dict[str, Any] = {
        "ratings": {"rows": [{"institution_id": "BANK-A", "grade": "C"}, {"institution_id": "PI-B", "grade": "A"}]},
        "notices": {"rows": [], "overdue": 0},
        "incidents": {"rows": [{"response_breached": True, "fix_breached": False}]},
        "consumers": {"complaints": {"overdue": 2}, "quality": {"cases_overdue": 1}},
        "security": {"overdue": 0, "missed": 0},
        "matching": {
            "rate_pct": Decimal("99.00"),
            "by_institution": [
                {"institution_id": "BANK-A", "rate_pct": Decimal("97.50")},
                {"institution_id": "PI-B", "rate_pct": Decimal("99.90")},
            ],
        },
        "alerts": {"severity": {"critical": 1, "high": 4, "medium": 9, "low": 0}},
    }
    sections.update(changes)
    return sections


def test_the_months_actions_come_from_the_data_most_urgent_first_at_most_five() -> None:
    summary = executive_summary(_sections())
    assert [(a["key"], a["figure"]) for a in summary["actions"]] == [
        ("action.weak_grades_unwarned", 1),
        ("action.incidents_late", 1),
        ("action.complaints_overdue", 3),
        ("action.worst_matching", Decimal("97.50")),
        ("action.serious_alerts", 5),
    ]
    assert summary["actions"][0]["values"]["names"] == ["BANK-A"]
    assert summary["actions"][3]["values"] == {"n": 1, "names": ["BANK-A 97.50%"], "overall": "99.00%"}
    warned = _sections(notices={"rows": [{"institution_id": "BANK-A", "kind": "warning"}], "overdue": 4})
    found = executive_summary(warned)
    assert [a["key"] for a in found["actions"]][:2] == ["action.weak_grades", "action.notices_overdue"]
    assert found["triggered"] == 6 and len(found["actions"]) == 5  # one more left to the sections
    assert executive_summary({}) == {"actions": [], "triggered": 0}
