"""Enterprise IP risk across R&D, sourcing and sales, read from registers, findings, flags and declarations."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from cbec.auth.domain import Principal
from cbec.credit import service as credit
from cbec.feeds.service import ingest
from cbec.ip import service as ip
from cbec.ip.risk_inputs import gather_inputs
from cbec.storage.store import Store

from .risk_world import INFRINGER, LICENSEE, OWNER_SHOP, load_risk_world

TODAY = date(2026, 11, 1)


def _parts(store: Store, principal: Principal | None = None) -> dict[str, tuple[int, dict[str, int]]]:
    rows = ip.enterprise_ip_risk(store=store, today=TODAY, **({"principal": principal} if principal else {}))
    return {r.enterprise_id: (r.score, {c.name: c.score for c in r.components}) for r in rows}


def test_each_enterprise_is_scored_by_its_rights_its_suppliers_and_its_listings(store: Store, tmp_path: Path) -> None:
    load_risk_world(store, tmp_path)
    assert _parts(store) == {
        # no own right, found in classes 25 and 28; a border flag; its one listing found and a takedown notice
        INFRINGER: (70, {"rd": 80, "sourcing": 20, "sales": 100}),
        LICENSEE: (64, {"rd": 80, "sourcing": 0, "sales": 100}),
        # owns the mark and a patent, sells clean, but its order O1 was declared by INFRINGER (1 finding, 1 flag)
        OWNER_SHOP: (6, {"rd": 0, "sourcing": 20, "sales": 0}),
    }
    first = ip.enterprise_ip_risk(store=store, today=TODAY)[0]
    assert first.enterprise_id == INFRINGER and first.marks == ["NIKE"] and first.findings == first.listings == 1
    rd, sourcing, sales = first.components
    assert rd.reasons_en == [
        "sells 1 listings with no own or licensed mark and no patent in force",
        "found infringing in Nice classes 25, 28 where it holds no mark",
    ]
    assert rd.reasons_zh[1] == "在尼斯分类 25, 28 被认定侵权，且在该类无自有商标"
    assert sourcing.reasons_en == ["1 declarations carry a right recorded with customs by another party"]
    assert sales.reasons_en == ["1/1 listings hit a registered mark (100%)", "1 takedown notices against it"]
    shop = next(r for r in ip.enterprise_ip_risk(store=store, today=TODAY) if r.enterprise_id == OWNER_SHOP)
    assert shop.components[1].reasons_zh == [f"供货方 {INFRINGER} 有 2 项侵权认定"]


def test_the_inputs_count_patents_in_force_and_the_owners_classes(store: Store, tmp_path: Path) -> None:
    load_risk_world(store, tmp_path)
    inputs = gather_inputs(
        store=store, marks=ip.load_marks(store=store, today=TODAY), names=ip._seller_names(store), today=TODAY
    )
    shop = inputs[OWNER_SHOP]
    assert shop.own_patents == 1  # the expired one is not counted
    assert (
        shop.own_classes == frozenset({"25", "28"}) and shop.suppliers == (INFRINGER,) and shop.supplier_findings == 2
    )
    assert inputs[INFRINGER].hit_classes == frozenset({"25", "28"}) and inputs[INFRINGER].border_flags == 1


def test_an_enterprise_sees_only_its_own_risk_and_a_platform_none(store: Store, tmp_path: Path) -> None:
    load_risk_world(store, tmp_path)
    mine = Principal(username="a", role="enterprise", tenant_id=OWNER_SHOP)
    assert list(_parts(store, mine)) == [OWNER_SHOP]
    assert _parts(store, Principal(username="p", role="platform", tenant_id="PF-1")) == {}
    assert [r.enterprise_id for r in ip.enterprise_ip_risk(store=store, today=TODAY, enterprise_id=LICENSEE)] == [
        LICENSEE
    ]
    assert ip.enterprise_ip_risk(store=store, today=TODAY, principal=mine, enterprise_id=LICENSEE) == []


def test_the_three_parts_reach_the_credit_file(store: Store, tmp_path: Path) -> None:
    load_risk_world(store, tmp_path)
    files = credit.credit_files(store=store, month="2026-10")
    at = {e: i for i, e in enumerate(files.enterprise_ids)}
    read = {
        e: [float(files.columns[n][at[e]]) for n in ("ip_findings", "ip_rd_risk", "ip_sourcing_risk", "ip_sales_risk")]
        for e in files.enterprise_ids
    }
    assert read == {
        INFRINGER: [1.0, 80.0, 20.0, 100.0],
        LICENSEE: [1.0, 80.0, 0.0, 100.0],
        OWNER_SHOP: [0.0, 0.0, 20.0, 0.0],
    }
    assert files.sources["ip_rd_risk"] == {"source": "ip", "as_of": "2026-10", "note": None}


def test_a_brand_owned_by_another_enterprise_makes_it_a_supplier_and_an_own_mark_covers_its_class(
    store: Store, tmp_path: Path
) -> None:
    load_risk_world(store, tmp_path)
    marks = tmp_path / "trademarks2.csv"
    marks.write_text(
        "mark_id,mark_text,owner,nice_classes,jurisdiction\n"
        'TM-1,NIKE,"Nike, Inc.",25;28,US\nTM-9,JIAFOO,杭州甲贸易有限公司,25,CN\n',
        encoding="utf-8",
    )
    listings = tmp_path / "listings2.csv"
    listings.write_text(
        "listing_id,platform_id,enterprise_id,title,brand,listed_at\n"
        f"LS-E,PF-1,{LICENSEE},Plain socks,JIAFOO,2026-10-02T10:00:00+08:00\n",
        encoding="utf-8",
    )
    ingest(store=store, feed="trademarks", paths=[marks])
    ingest(store=store, feed="listings", paths=[listings])
    parts = _parts(store)
    # INFRINGER now owns JIAFOO in class 25: no base points, and only class 28 is uncovered
    assert parts[INFRINGER][1] == {"rd": 25, "sourcing": 20, "sales": 100}
    # LICENSEE sells INFRINGER's brand: INFRINGER (1 finding, 1 border flag) is its supplier; 1 of 2 listings found
    assert parts[LICENSEE] == (50, {"rd": 80, "sourcing": 20, "sales": 50})
