"""Customs recordations flag declarations for the border; a takedown case's evidence is kept and packaged."""

from __future__ import annotations

import hashlib
import json
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from cbec.audit.models import AuditEntry
from cbec.auth.domain import NotVisible, Principal
from cbec.core.clock import SHANGHAI
from cbec.feeds.service import ingest
from cbec.ip import service as ip
from cbec.storage.store import Store

INFRINGER, LICENSEE, OWNER_SHOP, QUIET = (
    "91330100MA27XK0Q2K",
    "91330200MA2AB1CD3Y",
    "91330100716105852F",
    "913301000000000037",
)
T0 = datetime(2026, 10, 20, 9, 0, tzinfo=SHANGHAI)


def _csv(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _load_world(store: Store, folder: Path) -> None:
    files = {
        "enterprises": "enterprise_id,name,city,kind\n"
        f"{INFRINGER},杭州甲贸易有限公司,杭州市,trader\n{LICENSEE},宁波乙鞋业有限公司,宁波市,manufacturer\n"
        f'{OWNER_SHOP},"Nike, Inc.",杭州市,trader\n{QUIET},杭州丁贸易有限公司,杭州市,trader\n',
        "trademarks": 'mark_id,mark_text,owner,nice_classes,jurisdiction\nTM-1,NIKE,"Nike, Inc.",25;28,US\n',
        "customs_recordations": "recordation_id,right_kind,right_id,owner,licensees,hs_codes,valid_from,valid_to\n"
        f'T2021-1,trademark,TM-1,"Nike, Inc.",{LICENSEE},6404;6403,2021-01-01,2031-01-01\n'
        'T2010-9,trademark,TM-1,"Nike, Inc.",,8517,2010-01-01,2020-12-31\n'
        "T-BAD,trademark,TM-2,Someone,,6404,2021-13-01,2031-01-01\n",
        "listings": "listing_id,platform_id,enterprise_id,title,listed_at\n"
        f"LS-A,PF-1,{INFRINGER},N1KE running shoes,2026-10-01T10:00:00+08:00\n"
        f"LS-B,PF-1,{LICENSEE},NIKE running shoes,2026-10-01T10:00:00+08:00\n"
        f"LS-C,PF-2,{OWNER_SHOP},NIKE running shoes,2026-10-01T10:00:00+08:00\n"
        f"LS-D,PF-2,{QUIET},Plain canvas shoes,2026-10-01T10:00:00+08:00\n",
        "declarations": "declaration_id,order_id,waybill_id,enterprise_id,mode,declared_value,currency,hs_code,"
        "declared_at\n"
        f"DC-1,O1,W1,{INFRINGER},9610,120.00,USD,6404110000,2026-10-08T10:00:00+08:00\n"
        f"DC-2,O2,W2,{INFRINGER},9610,80.00,USD,8517130000,2026-10-08T10:00:00+08:00\n"
        f"DC-3,O3,W3,{LICENSEE},9610,90.00,USD,6404110000,2026-10-08T10:00:00+08:00\n"
        f"DC-4,O4,W4,{QUIET},9610,95.00,USD,6404110000,2026-10-08T10:00:00+08:00\n"
        f"DC-5,O5,W5,{OWNER_SHOP},9610,95.00,USD,6403990000,2026-10-08T10:00:00+08:00\n"
        f"DC-6,O6,W6,{INFRINGER},9610,95.00,USD,6403990000,2026-09-08T10:00:00+08:00\n",
    }
    for feed, text in files.items():
        reports = ingest(store=store, feed=feed, paths=[_csv(folder / f"{feed}.csv", text)])
        if feed == "customs_recordations":
            assert (reports[0].accepted, reports[0].quarantined) == (2, 1)  # T-BAD: month 13, with file and line
    ip.screen_listings(store=store, now=T0)


def test_declarations_of_recorded_goods_from_neither_owner_nor_licensee_are_flagged(
    store: Store, tmp_path: Path
) -> None:
    _load_world(store, tmp_path)
    flags = ip.flag_border(store=store, month="2026-10", now=T0)
    assert [(f.declaration_id, f.recordation_id, f.hs_code) for f in flags] == [("DC-1", "T2021-1", "6404110000")]
    flag = flags[0]
    assert flag.enterprise_id == INFRINGER and flag.right_id == "TM-1" and flag.owner == "Nike, Inc."
    assert flag.evidence["recorded_hs"] == ["6404"] and flag.evidence["rule"] == "customs_recorded_right"
    assert (
        flag.evidence["carries_right"][0].startswith("ip_listing_findings:")
        and "LS-A" in flag.evidence["carries_right"][0]
    )
    # DC-2 other goods, DC-3 licensee, DC-4 no sign of the mark, DC-5 the owner, DC-6 another month.
    assert ip.flag_border(store=store, month="2026-10", now=T0) == flags  # again: nothing new
    assert ip.list_border_flags(store=store, month="2026-10") == flags
    mine = Principal(username="a", role="enterprise", tenant_id=INFRINGER)
    other = Principal(username="b", role="enterprise", tenant_id=LICENSEE)
    assert ip.list_border_flags(store=store, month="2026-10", principal=mine) == flags
    assert ip.list_border_flags(store=store, month="2026-10", principal=other) == []
    with pytest.raises(ValueError):
        ip.flag_border(store=store, month="2026-13")


def test_an_evidence_package_lists_every_file_with_its_hash_and_refuses_a_changed_file(
    store: Store, tmp_path: Path
) -> None:
    _load_world(store, tmp_path)
    ip.flag_border(store=store, month="2026-10", now=T0)
    case = ip.open_takedown(
        store=store,
        listing_id="LS-A",
        platform_id="PF-1",
        enterprise_id=INFRINGER,
        mark_id="TM-1",
        rights_holder="Nike, Inc.",
        evidence="商标注册证及比对截图",
        actor="rights-holder",
        now=T0,
    )
    photo, certificate = b"\x89PNG listing screenshot", "商标注册证 第 123 号".encode()
    kept = ip.add_evidence(store=store, case_id=case.id, name="../截图 1.png", data=photo, actor="rh", now=T0)
    assert kept.name == "截图_1.png" and kept.sha256 == hashlib.sha256(photo).hexdigest() and kept.size == len(photo)
    again = ip.add_evidence(store=store, case_id=case.id, name="copy.png", data=photo, actor="rh", now=T0)
    assert again.id == kept.id  # the same bytes are kept once
    ip.add_evidence(store=store, case_id=case.id, name="certificate.txt", data=certificate, actor="rh", now=T0)
    stored = store.settings.home_dir / "evidence" / "takedowns" / str(case.id) / kept.sha256
    assert stored.read_bytes() == photo
    with pytest.raises(ValueError):
        ip.add_evidence(store=store, case_id=case.id, name="empty.txt", data=b"", actor="rh")
    ip.advance_takedown(store=store, case_id=case.id, action="take_down", actor="pf", reason="已下架", now=T0)
    outsider = Principal(username="x", role="enterprise", tenant_id=QUIET)
    with pytest.raises(NotVisible):
        ip.list_evidence(store=store, case_id=case.id, principal=outsider)

    out = tmp_path / "package.zip"
    package = ip.evidence_package(store=store, case_id=case.id, out=out, actor="regulator", now=T0)
    names = [name for name, _, _ in package.files]
    assert names == [
        "案件说明.txt",
        "timeline.csv",
        "findings.json",
        "border_flags.json",
        "files/01_截图_1.png",
        "files/02_certificate.txt",
    ]
    with zipfile.ZipFile(out) as archive:
        assert sorted(archive.namelist()) == sorted([*names, "manifest.json"])
        manifest = json.loads(archive.read("manifest.json"))
        for entry in manifest["files"]:
            assert hashlib.sha256(archive.read(entry["name"])).hexdigest() == entry["sha256"]
        assert archive.read("files/01_截图_1.png") == photo
        statement = archive.read("案件说明.txt").decode("utf-8")
        assert "权利人:Nike, Inc." in statement and "take_down" in statement and "DC-1" in statement
        assert kept.sha256 in statement
        findings = json.loads(archive.read("findings.json"))
        assert [f["listing_id"] for f in findings] == ["LS-A"] and findings[0]["right"] == "TM-1"
        timeline = archive.read("timeline.csv").decode("utf-8-sig").splitlines()
        assert timeline[0].startswith("时间,动作") and [r.split(",")[1] for r in timeline[1:]] == [
            "notify",
            "take_down",
        ]
    with store.factory() as session:
        actions = list(session.scalars(select(AuditEntry.action).where(AuditEntry.entity == "takedown")))
    assert actions.count("takedown.evidence_add") == 2 and "takedown.evidence_export" in actions

    stored.write_bytes(b"tampered")
    with pytest.raises(ValueError, match="SHA-256"):
        ip.evidence_package(store=store, case_id=case.id, out=tmp_path / "again.zip", actor="regulator")
