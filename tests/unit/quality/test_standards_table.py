"""Filings checked against the standards table: mandatory standards, foreign counterparts, trade modes."""

from __future__ import annotations

from pathlib import Path

import pytest

from cbec.quality.domain import check_standards, trade_mode_of
from cbec.quality.standards import (
    EXPORT,
    GENERAL_TRADE,
    RETAIL_IMPORT,
    StandardsFileError,
    load_table,
    shipped_table,
    standard_number,
)

TABLE = shipped_table()


def _kinds(hs: str, cited: str, mode: str = GENERAL_TRADE) -> list[str]:
    found = check_standards(
        filing_id="F1",
        enterprise_id="E1",
        hs_code=hs,
        cited=[c.strip() for c in cited.split(";")],
        mode=mode,
        table=TABLE,
    )
    return sorted(f.code for f in found)


def test_standard_numbers_drop_the_edition() -> None:
    assert standard_number("GB 2760-2014") == standard_number("GB 2760-2024") == "GB 2760"
    assert standard_number("EN 71-3:2019+A1:2021") == "EN 71-3"
    assert standard_number("化妆品安全技术规范-2015") == "化妆品安全技术规范"


def test_the_shipped_table_says_it_is_a_sourced_subset() -> None:
    assert TABLE.subset is True
    assert all(r.source for r in TABLE.requirements) and all(c.source for c in TABLE.correspondences)
    assert len(TABLE.requirements) == 34 and len(TABLE.correspondences) == 21
    assert "GB 6675.4" in {standard_number(s) for r in TABLE.requirements for s in r.any_of}


def test_a_toy_must_cite_all_four_parts_of_gb_6675() -> None:
    assert _kinds("9503000000", "GB 6675.1-2014") == ["missing_mandatory"] * 3
    assert _kinds("9503000000", "GB 6675.1-2014;GB 6675.2-2014;GB 6675.3-2014;GB 6675.4-2014") == []


def test_en_71_3_maps_to_gb_6675_4_which_is_still_required() -> None:
    correspondence = TABLE.counterpart("EN 71-3:2019")
    assert correspondence is not None and correspondence.chinese == ("GB 6675.4",)
    assert "19" in correspondence.differs_en and correspondence.stricter_cn is False
    found = _kinds("9503000000", "GB 6675.1-2014;GB 6675.2-2014;GB 6675.3-2014;EN 71-3:2019")
    assert found == ["missing_mandatory"]


def test_a_foreign_standard_without_a_counterpart_is_found() -> None:
    assert _kinds("8516790000", "GB 4706.1-2005;UL 1082") == ["foreign_no_counterpart"]
    assert _kinds("8516790000", "IEC 60335-1:2020") == ["missing_mandatory"]


def test_a_known_stricter_chinese_limit_is_found_instead_of_the_missing_standard() -> None:
    found = check_standards(
        filing_id="F1",
        enterprise_id="E1",
        hs_code="1905310000",
        cited=["21 CFR 172.730", "GB 2762-2022", "GB 7718-2011", "GB 28050-2011"],
        mode=GENERAL_TRADE,
        table=TABLE,
    )
    assert [f.code for f in found] == ["stricter_chinese_limit"]
    assert "potassium bromate" in found[0].detail_en and "溴酸钾" in found[0].detail_zh
    assert _kinds("1905310000", "21 CFR 172.730;GB 2760-2024;GB 2762-2022;GB 7718-2011;GB 28050-2011") == []


def test_retail_imports_are_not_asked_for_chinese_labels_but_must_be_on_the_positive_list() -> None:
    cited = "GB 10765-2021;GB 2760-2014"
    assert _kinds("1901101000", cited, GENERAL_TRADE) == ["missing_mandatory"]  # GB 7718
    assert _kinds("1901101000", cited, RETAIL_IMPORT) == []
    assert _kinds("1905310000", "21 CFR 101;GB 2760-2014;GB 2762-2022", RETAIL_IMPORT) == []
    assert _kinds("1905310000", "21 CFR 101;GB 2760-2014;GB 2762-2022;GB 28050-2011") == ["stricter_chinese_limit"]
    assert _kinds("9401300000", "", RETAIL_IMPORT) == ["not_on_positive_list"]
    assert _kinds("9401300000", "", GENERAL_TRADE) == []


def test_exports_are_left_to_the_destinations_rules() -> None:
    assert trade_mode_of("CN", retail_import=False) == EXPORT
    assert trade_mode_of("FR", retail_import=True) == RETAIL_IMPORT
    assert trade_mode_of("FR", retail_import=False) == GENERAL_TRADE
    assert _kinds("9503000000", "", EXPORT) == []


def test_a_user_file_extends_the_table_and_replaces_rows_by_key(tmp_path: Path) -> None:
    extra = tmp_path / "extra.yaml"
    extra.write_text(
        "version: 1\nsubset: true\ntitle_zh: 补充\ntitle_en: extra\n"
        "requirements:\n  - {hs_prefix: '9401', category: furniture, any_of: ['GB 28007'], kind: safety,\n"
        "     trade_modes: [general_trade], source: 'GB 28007-2011 儿童家具通用技术条件'}\n"
        "correspondences:\n  - {foreign: 'UL 1082', chinese: ['GB 4706.1'], stricter_cn: false,\n"
        "     differs_zh: 差异：见标准原文, differs_en: 'differs: see standard', source: 'UL 1082'}\n",
        encoding="utf-8",
    )
    table = load_table(extra)
    assert len(table.requirements) == 35 and len(table.correspondences) == 22
    assert "GB 28007-2011 儿童家具通用技术条件" in table.sources()
    found = check_standards(
        filing_id="F", enterprise_id="E", hs_code="9401300000", cited=["UL 1082"], mode=GENERAL_TRADE, table=table
    )
    assert [f.code for f in found] == ["missing_mandatory"]


def test_a_broken_user_file_is_refused_with_its_name(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("version: 1\nsubset: true\ntitle_zh: x\ntitle_en: x\nrequirements:\n  - {hs_prefix: ab}\n")
    with pytest.raises(StandardsFileError, match=r"broken\.yaml"):
        load_table(broken)
