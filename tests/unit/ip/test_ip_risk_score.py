"""The IP risk score: R&D, sourcing and sales parts (0–100), weighted 0.3/0.3/0.4, each part with its reasons."""

from __future__ import annotations

from cbec.ip.risk import IpRiskInputs, score_ip_risk

E = "91330100MA27XK0Q2K"


def _parts(inputs: IpRiskInputs) -> tuple[int, dict[str, int]]:
    scored = score_ip_risk(inputs)
    return scored.score, {c.name: c.score for c in scored.components}


def test_an_enterprise_with_nothing_recorded_scores_zero_and_gives_no_reason() -> None:
    scored = score_ip_risk(IpRiskInputs(enterprise_id=E))
    assert scored.score == 0 and [c.name for c in scored.components] == ["rd", "sourcing", "sales"]
    assert all(c.score == 0 and c.reasons_zh == () and c.reasons_en == () for c in scored.components)


def test_selling_without_own_rights_is_r_and_d_risk_and_each_uncovered_class_adds() -> None:
    assert _parts(IpRiskInputs(enterprise_id=E, listings=10)) == (9, {"rd": 30, "sourcing": 0, "sales": 0})
    bare = IpRiskInputs(enterprise_id=E, listings=10, findings=1, hit_classes=frozenset({"9", "25", "28"}))
    assert _parts(bare) == (34, {"rd": 100, "sourcing": 0, "sales": 10})  # 30 + 3 x 25, capped at 100
    # its own mark in class 25 and a patent: no base, and class 25 is covered
    owner = IpRiskInputs(
        enterprise_id=E,
        listings=10,
        findings=1,
        hit_classes=frozenset({"9", "25", "28"}),
        own_classes=frozenset({"25"}),
        own_patents=1,
    )
    assert _parts(owner) == (19, {"rd": 50, "sourcing": 0, "sales": 10})
    rd = score_ip_risk(owner).components[0]
    assert rd.reasons_en == ("found infringing in Nice classes 9, 28 where it holds no mark",)
    assert rd.reasons_zh == ("在尼斯分类 9, 28 被认定侵权，且在该类无自有商标",)
    # a patent alone is an own right: selling with it is no base risk
    assert _parts(IpRiskInputs(enterprise_id=E, listings=4, own_patents=2)) == (0, {"rd": 0, "sourcing": 0, "sales": 0})


def test_sourcing_counts_own_border_flags_and_findings_against_suppliers() -> None:
    inputs = IpRiskInputs(enterprise_id=E, border_flags=2, suppliers=("S1", "S2"), supplier_findings=3)
    scored = score_ip_risk(inputs)
    assert _parts(inputs) == (21, {"rd": 0, "sourcing": 70, "sales": 0})
    assert scored.components[1].reasons_en == (
        "2 declarations carry a right recorded with customs by another party",
        "suppliers S1, S2 have 3 IP findings",
    )
    assert scored.components[1].reasons_zh[1] == "供货方 S1, S2 有 3 项侵权认定"
    assert _parts(IpRiskInputs(enterprise_id=E, border_flags=9))[1]["sourcing"] == 100  # capped


def test_sales_is_the_share_of_listings_found_plus_takedowns_and_copies() -> None:
    inputs = IpRiskInputs(enterprise_id=E, own_patents=1, listings=200, findings=1, takedowns=2, copy_findings=1)
    assert _parts(inputs) == (12, {"rd": 0, "sourcing": 0, "sales": 31})  # ceil(0.5) + 20 + 10
    assert score_ip_risk(inputs).components[2].reasons_en == (
        "1/200 listings hit a registered mark (0%)",
        "2 takedown notices against it",
        "1 image or text copy findings",
    )
    # findings recorded while the listings feed is not loaded: the whole share
    assert _parts(IpRiskInputs(enterprise_id=E, findings=2))[1]["sales"] == 100
