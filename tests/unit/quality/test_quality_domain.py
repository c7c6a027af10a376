"""Filing checks on arrival and the measure a failed inspection opens."""

from __future__ import annotations

from cbec.quality.config import shipped_config, standards
from cbec.quality.domain import check_filing, hs_code_problem, measure_for

KNOWN = set(standards())
COUNTRIES = {"CN", "FR", "AU"}


def _codes(**row: str | None) -> list[str]:
    base: dict[str, str | None] = {
        "filing_id": "F1",
        "enterprise_id": "E1",
        "hs_code": "3304990000",
        "standards": "GB 5296.3-2008",
        "origin_country": "FR",
    }
    return [f.code for f in check_filing(base | row, KNOWN, COUNTRIES)]


def test_a_sound_filing_has_no_findings() -> None:
    assert _codes() == []


def test_hs_codes_need_ten_digits_in_an_existing_chapter() -> None:
    assert hs_code_problem("3304990000") is None
    assert hs_code_problem("330499") is not None and hs_code_problem("7712000000") is not None
    assert hs_code_problem("9812000000") is not None and _codes(hs_code="98A2000000") == ["hs_invalid"]


def test_cited_standards_must_exist_in_the_shipped_list_and_be_well_formed() -> None:
    assert _codes(standards="GB 9999.9-2099") == ["standard_unknown"]
    assert _codes(standards="ISO 22716") == []  # foreign: checked against the correspondence table
    assert _codes(standards="ABC 12") == ["standard_malformed"]
    assert _codes(standards="") == ["no_standard"]
    assert _codes(standards="GB 10765-2021; GB 7718-2011") == []


def test_an_invalid_origin_is_found() -> None:
    assert _codes(origin_country="XX") == ["origin_invalid"]


def test_the_strictest_measure_of_the_cited_categories_wins() -> None:
    config = shipped_config()
    assert measure_for({"infant_food", "cosmetics"}, config.measure_by_category, config.default_measure) == "destroy"
    assert measure_for({"cosmetics"}, config.measure_by_category, config.default_measure) == "return"
    assert measure_for({"toys"}, config.measure_by_category, config.default_measure) == "rectify"
    assert measure_for(set(), config.measure_by_category, config.default_measure) == "rectify"
